// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_cmd - the command encoder (vgpu_cmd.h). Field layouts and rules are
 * those of docs/interface.md section 7.
 */
#include <errno.h>
#include <string.h>

#include "vgpu_cmd.h"

#define LO(a)		((__u32)(a))
#define HI(a)		((__u32)((__u64)(a) >> 32))

/* A 16-bit blitter field whose sign bit must stay clear. */
#define BLT_FIELD_MAX	0x7fff

void vgpu_cmd_init(struct vgpu_cmd *c, void *buf, __u32 bytes)
{
	c->dw = buf;
	c->cap = bytes / 4;
	c->len = 0;
	c->error = 0;
}

int vgpu_cmd_emit(struct vgpu_cmd *c, const __u32 *dw, __u32 n)
{
	if (n > c->cap - c->len) {
		c->error = -ENOSPC;
		return -ENOSPC;
	}
	memcpy(c->dw + c->len, dw, n * 4);
	c->len += n;
	return 0;
}

#define EMIT(c, ...) ({							\
	const __u32 emit_dw__[] = { __VA_ARGS__ };			\
	vgpu_cmd_emit(c, emit_dw__, sizeof(emit_dw__) / 4);		\
})

int vgpu_cmd_noop(struct vgpu_cmd *c)
{
	return EMIT(c, VGPU_MI_NOOP);
}

int vgpu_cmd_user_interrupt(struct vgpu_cmd *c)
{
	return EMIT(c, VGPU_MI_USER_INTERRUPT);
}

int vgpu_cmd_arb_check(struct vgpu_cmd *c)
{
	return EMIT(c, VGPU_MI_ARB_CHECK);
}

int vgpu_cmd_end(struct vgpu_cmd *c)
{
	return EMIT(c, VGPU_MI_BATCH_BUFFER_END);
}

int vgpu_cmd_align(struct vgpu_cmd *c, __u32 align)
{
	__u32 n = 0;

	if (align < 4 || (align & (align - 1)))
		return -EINVAL;
	while ((c->len + n) * 4 % align)
		n++;
	if (n > c->cap - c->len) {
		c->error = -ENOSPC;
		return -ENOSPC;
	}
	memset(c->dw + c->len, 0, n * 4);	/* MI_NOOP is 0 */
	c->len += n;
	return 0;
}

int vgpu_cmd_store_dword(struct vgpu_cmd *c, __u64 addr, __u32 value)
{
	if (addr & 3)
		return -EINVAL;
	return EMIT(c, VGPU_MI_STORE_DWORD_GGTT, LO(addr), HI(addr), value);
}

int vgpu_cmd_store_qword(struct vgpu_cmd *c, __u64 addr, __u64 value)
{
	if (addr & 7)
		return -EINVAL;
	return EMIT(c, VGPU_MI_STORE_QWORD_GGTT, LO(addr), HI(addr),
		    LO(value), HI(value));
}

/* Dwords of MI_STORE_DATA_IMM for one dword and for one qword. */
#define SDI_DWORD_LEN	4
#define SDI_QWORD_LEN	5

__u64 vgpu_cmd_store_fill_size(__u64 addr, __u64 bytes)
{
	__u64 dwords = 0;

	if (bytes && (addr & 7)) {
		dwords += SDI_DWORD_LEN;
		bytes -= 4;
	}
	dwords += bytes / 8 * SDI_QWORD_LEN;
	if (bytes & 4)
		dwords += SDI_DWORD_LEN;
	return dwords * 4;
}

int vgpu_cmd_store_fill(struct vgpu_cmd *c, __u64 addr, __u64 bytes,
			__u32 value)
{
	__u64 qword = (__u64)value << 32 | value;
	__u64 need = vgpu_cmd_store_fill_size(addr, bytes) / 4;

	if ((addr & 3) || (bytes & 3))
		return -EINVAL;
	if (need > c->cap - c->len) {
		c->error = -ENOSPC;
		return -ENOSPC;
	}
	if (bytes && (addr & 7)) {
		vgpu_cmd_store_dword(c, addr, value);
		addr += 4;
		bytes -= 4;
	}
	for (; bytes >= 8; addr += 8, bytes -= 8)
		vgpu_cmd_store_qword(c, addr, qword);
	if (bytes)
		vgpu_cmd_store_dword(c, addr, value);
	return 0;
}

int vgpu_cmd_load_register(struct vgpu_cmd *c, __u32 reg, __u32 value)
{
	if (reg & ~VGPU_MI_REG_OFFSET_MASK)
		return -EINVAL;
	return EMIT(c, VGPU_MI_LOAD_REGISTER_IMM(1), reg, value);
}

int vgpu_cmd_store_register(struct vgpu_cmd *c, __u32 reg, __u64 addr)
{
	if ((reg & ~VGPU_MI_REG_OFFSET_MASK) || (addr & 3))
		return -EINVAL;
	return EMIT(c, VGPU_MI_STORE_REGISTER_MEM_GGTT, reg, LO(addr),
		    HI(addr));
}

int vgpu_cmd_flush_dw_store(struct vgpu_cmd *c, __u64 addr, __u32 value)
{
	/* Bits 2:0 of DW1 are flags: the address is 8-aligned. */
	if (addr & 7)
		return -EINVAL;
	return EMIT(c, VGPU_MI_FLUSH_DW | VGPU_MI_FLUSH_DW_OP_STORE_DATA <<
		    VGPU_MI_FLUSH_DW_OP_SHIFT,
		    LO(addr) | VGPU_MI_FLUSH_DW_ADDR_GGTT, HI(addr), value);
}

int vgpu_cmd_pipe_control_store(struct vgpu_cmd *c, __u64 addr, __u64 value)
{
	if (addr & 3)
		return -EINVAL;
	return EMIT(c, VGPU_GFX_PIPE_CONTROL,
		    VGPU_PC_GLOBAL_GTT | VGPU_PC_CS_STALL |
		    VGPU_PC_POST_SYNC_WRITE_IMM << VGPU_PC_POST_SYNC_SHIFT,
		    LO(addr), HI(addr), LO(value), HI(value));
}

int vgpu_cmd_batch_start(struct vgpu_cmd *c, __u64 addr, bool second_level)
{
	if (addr & 3)
		return -EINVAL;
	return EMIT(c, VGPU_MI_BATCH_BUFFER_START |
		    (second_level ? VGPU_MI_BB_START_SECOND_LEVEL : 0),
		    LO(addr), HI(addr));
}

/* The rectangle fits the 15-bit fields and is not empty. */
static bool blt_rect_ok(__u32 x, __u32 y, __u32 w, __u32 h)
{
	return w && h && x <= BLT_FIELD_MAX && y <= BLT_FIELD_MAX &&
	       w <= BLT_FIELD_MAX - x && h <= BLT_FIELD_MAX - y;
}

static bool blt_surface_ok(const struct vgpu_surface *s)
{
	return s->pitch && s->pitch <= BLT_FIELD_MAX;
}

/* DW1 depth of XY_COLOR_BLT / XY_SRC_COPY_BLT, -1 if none. */
static int blt_depth(__u32 cpp)
{
	switch (cpp) {
	case 1:
		return VGPU_BLT_DEPTH_8;
	case 2:
		return VGPU_BLT_DEPTH_565;
	case 4:
		return VGPU_BLT_DEPTH_32;
	default:
		return -1;
	}
}

/* DW1 depth of XY_FAST_COPY_BLT, -1 if none. */
static int fast_copy_depth(__u32 cpp)
{
	switch (cpp) {
	case 1:
		return VGPU_FAST_COPY_DEPTH_8;
	case 2:
		return VGPU_FAST_COPY_DEPTH_16;
	case 4:
		return VGPU_FAST_COPY_DEPTH_32;
	case 8:
		return VGPU_FAST_COPY_DEPTH_64;
	case 16:
		return VGPU_FAST_COPY_DEPTH_128;
	default:
		return -1;
	}
}

static __u32 blt_dw0(__u32 header, __u32 cpp)
{
	return cpp == 4 ? header | VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB :
			  header;
}

int vgpu_cmd_color_blt(struct vgpu_cmd *c, const struct vgpu_surface *dst,
		       __u32 x, __u32 y, __u32 w, __u32 h, __u32 color)
{
	int depth = blt_depth(dst->cpp);

	if (depth < 0 || !blt_surface_ok(dst) || !blt_rect_ok(x, y, w, h))
		return -EINVAL;
	return EMIT(c, blt_dw0(VGPU_XY_COLOR_BLT, dst->cpp),
		    (__u32)depth << VGPU_BLT_DEPTH_SHIFT |
		    VGPU_BLT_ROP_PATCOPY << VGPU_BLT_ROP_SHIFT | dst->pitch,
		    VGPU_BLT_XY(x, y), VGPU_BLT_XY(x + w, y + h),
		    LO(dst->addr), HI(dst->addr), color);
}

int vgpu_cmd_src_copy_blt(struct vgpu_cmd *c, const struct vgpu_surface *dst,
			  __u32 dx, __u32 dy, const struct vgpu_surface *src,
			  __u32 sx, __u32 sy, __u32 w, __u32 h)
{
	int depth = blt_depth(dst->cpp);

	if (depth < 0 || src->cpp != dst->cpp || !blt_surface_ok(dst) ||
	    !blt_surface_ok(src) || !blt_rect_ok(dx, dy, w, h) ||
	    sx > BLT_FIELD_MAX || sy > BLT_FIELD_MAX)
		return -EINVAL;
	return EMIT(c, blt_dw0(VGPU_XY_SRC_COPY_BLT, dst->cpp),
		    (__u32)depth << VGPU_BLT_DEPTH_SHIFT |
		    VGPU_BLT_ROP_SRCCOPY << VGPU_BLT_ROP_SHIFT | dst->pitch,
		    VGPU_BLT_XY(dx, dy), VGPU_BLT_XY(dx + w, dy + h),
		    LO(dst->addr), HI(dst->addr), VGPU_BLT_XY(sx, sy),
		    src->pitch, LO(src->addr), HI(src->addr));
}

int vgpu_cmd_fast_copy_blt(struct vgpu_cmd *c,
			   const struct vgpu_surface *dst, __u32 dx, __u32 dy,
			   const struct vgpu_surface *src, __u32 sx, __u32 sy,
			   __u32 w, __u32 h)
{
	int depth = fast_copy_depth(dst->cpp);

	if (depth < 0 || src->cpp != dst->cpp || !blt_surface_ok(dst) ||
	    !blt_surface_ok(src) || !blt_rect_ok(dx, dy, w, h) ||
	    sx > BLT_FIELD_MAX || sy > BLT_FIELD_MAX)
		return -EINVAL;
	return EMIT(c, VGPU_XY_FAST_COPY_BLT,
		    (__u32)depth << VGPU_FAST_COPY_DEPTH_SHIFT | dst->pitch,
		    VGPU_BLT_XY(dx, dy), VGPU_BLT_XY(dx + w, dy + h),
		    LO(dst->addr), HI(dst->addr), VGPU_BLT_XY(sx, sy),
		    src->pitch, LO(src->addr), HI(src->addr));
}

__u64 vgpu_cmd_store_fill_rect_size(const struct vgpu_surface *dst, __u32 x,
				    __u32 y, __u32 w, __u32 h)
{
	__u64 bytes = 0, line;
	__u32 i;

	for (i = 0; i < h; i++) {
		line = dst->addr + (__u64)(y + i) * dst->pitch + (__u64)x * 4;
		bytes += vgpu_cmd_store_fill_size(line, (__u64)w * 4);
	}
	return bytes;
}

int vgpu_cmd_store_fill_rect(struct vgpu_cmd *c,
			     const struct vgpu_surface *dst, __u32 x, __u32 y,
			     __u32 w, __u32 h, __u32 color)
{
	__u64 need;
	__u32 i;

	if (dst->cpp != 4 || (dst->addr & 3) || (dst->pitch & 3) || !w || !h)
		return -EINVAL;
	need = vgpu_cmd_store_fill_rect_size(dst, x, y, w, h) / 4;
	if (need > c->cap - c->len) {
		c->error = -ENOSPC;
		return -ENOSPC;
	}
	for (i = 0; i < h; i++)
		vgpu_cmd_store_fill(c, dst->addr + (__u64)(y + i) * dst->pitch +
				    (__u64)x * 4, (__u64)w * 4, color);
	return 0;
}
