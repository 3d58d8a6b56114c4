// SPDX-License-Identifier: GPL-2.0
/*
 * The vGPU model behind the parser's tests and benchmark (see cp_env.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cp_env.h"

struct cp_env cp;

static int cp_read(void *priv, u64 gfx, void *dst, u32 len)
{
	struct cp_env *e = priv;
	u64 page;

	e->reads++;
	e->read_bytes += len;
	if (!cmdparser_range_check(e->ranges, e->nr_ranges, gfx, len))
		e->read_outside = true;
	if (!len || len > VGPU_GTT_PAGE_SIZE || gfx >= CP_MEM_SIZE ||
	    len > CP_MEM_SIZE - gfx)
		return -EFAULT;
	for (page = gfx >> VGPU_GTT_PAGE_SHIFT;
	     page <= (gfx + len - 1) >> VGPU_GTT_PAGE_SHIFT; page++) {
		if (e->unmapped[page])
			return -EFAULT;
	}
	memcpy(dst, e->mem + gfx, len);
	return 0;
}

static void *cp_alloc(size_t size)
{
	void *p = aligned_alloc(4096, size);

	if (!p) {
		fprintf(stderr, "cp_env: out of memory\n");
		exit(1);
	}
	memset(p, 0, size);
	return p;
}

void cp_env_init(void)
{
	if (!cp.mem) {
		cp.mem = cp_alloc(CP_MEM_SIZE);
		cp.ring = cp_alloc(CP_RING_SIZE);
		cp.shadow = cp_alloc(CP_SHADOW_SIZE);
	}
	cp_reset();
}

void cp_reset(void)
{
	u32 count;

	memset(cp.mem, 0, CP_MEM_SIZE);
	memset(cp.ring, 0, CP_RING_SIZE);
	memset(cp.shadow, 0, CP_SHADOW_SIZE);
	memset(cp.unmapped, 0, sizeof(cp.unmapped));
	cp.reads = 0;
	cp.read_bytes = 0;
	cp.read_outside = false;
	cp.ranges[0].start = CP_SLICE0_START;
	cp.ranges[0].end = CP_SLICE0_END;
	cp.ranges[1].start = CP_SLICE1_START;
	cp.ranges[1].end = CP_SLICE1_END;
	cp.nr_ranges = 2;

	memset(&cp.cfg, 0, sizeof(cp.cfg));
	cp.cfg.ranges = cp.ranges;
	cp.cfg.nr_ranges = cp.nr_ranges;
	cp.cfg.limits.max_depth = CMDPARSER_DEFAULT_MAX_DEPTH;
	cp.cfg.limits.max_batches = CMDPARSER_DEFAULT_MAX_BATCHES;
	cp.cfg.limits.max_batch_bytes = CMDPARSER_DEFAULT_BATCH_BYTES;
	cp.cfg.read = cp_read;
	cp.cfg.priv = &cp;
	cp.cfg.shadow.cpu = cp.shadow;
	cp.cfg.shadow.gfx_addr = CP_SHADOW_GFX;
	cp.cfg.shadow.size = CP_SHADOW_SIZE;
	/* Both engines' defaults have the same shape; set per scan. */
	cp.cfg.whitelist = cmdparser_default_whitelist(VGPU_ENGINE_RENDER,
						       &count);
	cp.cfg.nr_whitelist = count;
	memset(&cp.res, 0, sizeof(cp.res));
}

int cp_parser_init(enum vgpu_engine engine)
{
	u32 count;

	cp.cfg.engine = engine;
	cp.cfg.nr_ranges = cp.nr_ranges;
	cp.cfg.whitelist = cmdparser_default_whitelist(engine, &count);
	cp.cfg.nr_whitelist = count;
	return cmdparser_init(&cp.ctx, &cp.cfg);
}

void cp_put(u64 gfx, const u32 *dw, u32 n)
{
	if (gfx + n * 4ULL > CP_MEM_SIZE) {
		fprintf(stderr, "%s: %#llx outside the model\n", __func__,
			(unsigned long long)gfx);
		exit(1);
	}
	memcpy(cp.mem + gfx, dw, n * 4);
}

int cp_scan_at(enum vgpu_engine engine, u32 head, const u32 *dw, u32 n)
{
	u32 i, tail;
	int ret;

	ret = cp_parser_init(engine);
	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		cp.ring[((head / 4) + i) % (CP_RING_SIZE / 4)] = dw[i];
	tail = (head + n * 4) % CP_RING_SIZE;
	memset(&cp.res, 0xa5, sizeof(cp.res));
	return cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, head, tail,
				   &cp.res);
}

int cp_scan(enum vgpu_engine engine, const u32 *dw, u32 n)
{
	return cp_scan_at(engine, 0, dw, n);
}

u32 cp_reason(void)
{
	return cp.res.reason;
}

u32 *cp_shadow_ptr(u64 gfx)
{
	return (u32 *)(cp.shadow + (gfx - CP_SHADOW_GFX));
}

u32 cp_sdi(u32 *p, u64 addr, u32 val)
{
	p[0] = VGPU_MI_STORE_DWORD_GGTT;
	p[1] = (u32)addr;
	p[2] = (u32)(addr >> 32);
	p[3] = val;
	return 4;
}

u32 cp_sdi_qword(u32 *p, u64 addr, u64 val)
{
	p[0] = VGPU_MI_STORE_QWORD_GGTT;
	p[1] = (u32)addr;
	p[2] = (u32)(addr >> 32);
	p[3] = (u32)val;
	p[4] = (u32)(val >> 32);
	return 5;
}

u32 cp_lri(u32 *p, u32 reg, u32 val)
{
	p[0] = VGPU_MI_LOAD_REGISTER_IMM(1);
	p[1] = reg;
	p[2] = val;
	return 3;
}

u32 cp_srm(u32 *p, u32 reg, u64 addr)
{
	p[0] = VGPU_MI_STORE_REGISTER_MEM_GGTT;
	p[1] = reg;
	p[2] = (u32)addr;
	p[3] = (u32)(addr >> 32);
	return 4;
}

u32 cp_flush_dw(u32 *p, u32 op, u64 addr, u32 len)
{
	u32 i;

	p[0] = VGPU_MI_INSTR(VGPU_MI_OP_FLUSH_DW, len - VGPU_CMD_LEN_BIAS) |
	       (op << VGPU_MI_FLUSH_DW_OP_SHIFT);
	p[1] = (u32)addr | VGPU_MI_FLUSH_DW_ADDR_GGTT;
	p[2] = (u32)(addr >> 32);
	for (i = 3; i < len; i++)
		p[i] = 0x1000 + i;
	return len;
}

u32 cp_pipe_control(u32 *p, u32 op, u64 addr)
{
	p[0] = VGPU_GFX_PIPE_CONTROL;
	p[1] = VGPU_PC_CS_STALL | (op << VGPU_PC_POST_SYNC_SHIFT) |
	       (op ? VGPU_PC_GLOBAL_GTT : 0);
	p[2] = (u32)addr;
	p[3] = (u32)(addr >> 32);
	p[4] = 0x12345678;
	p[5] = 0x9abcdef0;
	return 6;
}

u32 cp_bb_start(u32 *p, u64 addr, bool second_level)
{
	p[0] = VGPU_MI_BATCH_BUFFER_START |
	       (second_level ? VGPU_MI_BB_START_SECOND_LEVEL : 0);
	p[1] = (u32)addr;
	p[2] = (u32)(addr >> 32);
	return 3;
}

u32 cp_color_blt(u32 *p, u32 depth, u32 pitch, u32 x1, u32 y1, u32 x2,
		 u32 y2, u64 dst)
{
	p[0] = VGPU_XY_COLOR_BLT | VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB;
	p[1] = (depth << VGPU_BLT_DEPTH_SHIFT) |
	       (VGPU_BLT_ROP_PATCOPY << VGPU_BLT_ROP_SHIFT) | pitch;
	p[2] = VGPU_BLT_XY(x1, y1);
	p[3] = VGPU_BLT_XY(x2, y2);
	p[4] = (u32)dst;
	p[5] = (u32)(dst >> 32);
	p[6] = 0xff00ff00;
	return 7;
}

u32 cp_src_copy_blt(u32 *p, u32 depth, u32 dst_pitch, u32 x1, u32 y1,
		    u32 x2, u32 y2, u64 dst, u32 sx, u32 sy, u32 src_pitch,
		    u64 src)
{
	p[0] = VGPU_XY_SRC_COPY_BLT | VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB;
	p[1] = (depth << VGPU_BLT_DEPTH_SHIFT) |
	       (VGPU_BLT_ROP_SRCCOPY << VGPU_BLT_ROP_SHIFT) | dst_pitch;
	p[2] = VGPU_BLT_XY(x1, y1);
	p[3] = VGPU_BLT_XY(x2, y2);
	p[4] = (u32)dst;
	p[5] = (u32)(dst >> 32);
	p[6] = VGPU_BLT_XY(sx, sy);
	p[7] = src_pitch;
	p[8] = (u32)src;
	p[9] = (u32)(src >> 32);
	return 10;
}

u32 cp_fast_copy_blt(u32 *p, u32 depth, u32 dst_pitch, u32 x1, u32 y1,
		     u32 x2, u32 y2, u64 dst, u32 sx, u32 sy, u32 src_pitch,
		     u64 src)
{
	p[0] = VGPU_XY_FAST_COPY_BLT;
	p[1] = (depth << VGPU_FAST_COPY_DEPTH_SHIFT) | dst_pitch;
	p[2] = VGPU_BLT_XY(x1, y1);
	p[3] = VGPU_BLT_XY(x2, y2);
	p[4] = (u32)dst;
	p[5] = (u32)(dst >> 32);
	p[6] = VGPU_BLT_XY(sx, sy);
	p[7] = src_pitch;
	p[8] = (u32)src;
	p[9] = (u32)(src >> 32);
	return 10;
}
