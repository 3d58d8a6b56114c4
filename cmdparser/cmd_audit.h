/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Command-specific audits: store targets, register accesses, blit
 * rectangles and batch buffer starts. Each returns VGPU_AUDIT_OK or the
 * reason for refusing the command; the walker (scan.c) has already checked
 * the opcode, the engine, the reserved header bits and the length.
 *
 * Included by scan.c only: the walkers dispatch on the table's audit
 * column with a chain of tests (cmd_audit()), so the audits inline into
 * the scan loops and no indirect call (a retpoline in the kernel) sits on
 * the hot path.
 */
#ifndef _VGPU_CMDPARSER_CMD_AUDIT_H
#define _VGPU_CMDPARSER_CMD_AUDIT_H

#include "cmd_desc.h"

/* A write of @size bytes at @addr, which must be @align aligned. */
static inline u32 audit_store(const struct cmd_scan *s, u64 addr, u32 size,
			      u32 align)
{
	if (addr & (align - 1))
		return VGPU_AUDIT_ADDR_ALIGN;
	if (!cmd_range_ok(s, addr, size))
		return VGPU_AUDIT_ADDR_RANGE;
	return VGPU_AUDIT_OK;
}

/* A register dword of LRI or SRM: offset bits only, and whitelisted. */
static inline u32 audit_reg(const struct cmd_scan *s, u32 reg, u32 access)
{
	if (reg & ~VGPU_MI_REG_OFFSET_MASK)
		return VGPU_AUDIT_RESERVED_BITS;
	if (!cmd_reg_allowed(s->ctx, reg, access))
		return VGPU_AUDIT_REG_DENIED;
	return VGPU_AUDIT_OK;
}

static inline u32 audit_sdi(struct cmd_scan *s, const struct cmd_desc *d,
			    const u32 *cmd, u32 len)
{
	bool qword = cmd[0] & VGPU_MI_SDI_STORE_QWORD;

	if (!(cmd[0] & VGPU_MI_SDI_USE_GGTT))
		return VGPU_AUDIT_ADDR_SPACE;
	if (qword && len != VGPU_MI_SDI_LEN_QWORD + VGPU_CMD_LEN_BIAS)
		return VGPU_AUDIT_BAD_LENGTH;
	/* The data dwords follow the header and the two address dwords. */
	return audit_store(s, cmd_addr64(cmd, d->addr_dw), (len - 3) * 4,
			   qword ? 8 : 4);
}

/*
 * Each register of the command must be whitelisted for LRI. Registers are
 * usually written in runs from one whitelist entry (the GPRs): an offset in
 * the entry the previous one matched needs no search.
 */
static inline u32 audit_lri(struct cmd_scan *s, const u32 *cmd, u32 len)
{
	const struct cmdparser_reg *wl = s->ctx->cfg.whitelist, *hit;
	u32 nwl = s->ctx->cfg.nr_whitelist;
	/* No entry yet: offset - 1 <= 0 only for 1, which has bit 0 set. */
	u32 first = 1, span = 0;
	u32 i, reg;

	/* 1 + 2n dwords: the length field 2n - 1 is odd. */
	if (!(len & 1))
		return VGPU_AUDIT_BAD_LENGTH;
	for (i = 1; i < len; i += 2) {
		reg = cmd[i];
		if (reg & ~VGPU_MI_REG_OFFSET_MASK)
			return VGPU_AUDIT_RESERVED_BITS;
		if (reg - first <= span)
			continue;
		hit = cmd_reg_find(wl, nwl, reg);
		if (!hit || !(hit->access & CMDPARSER_REG_LRI))
			return VGPU_AUDIT_REG_DENIED;
		first = hit->first;
		span = hit->last - hit->first;
	}
	return VGPU_AUDIT_OK;
}

static inline u32 audit_srm(struct cmd_scan *s, const struct cmd_desc *d,
			    const u32 *cmd)
{
	u32 r;

	if (!(cmd[0] & VGPU_MI_SRM_USE_GGTT))
		return VGPU_AUDIT_ADDR_SPACE;
	r = audit_reg(s, cmd[1], CMDPARSER_REG_SRM);
	if (r)
		return r;
	return audit_store(s, cmd_addr64(cmd, d->addr_dw), 4, 4);
}

static inline u32 audit_flush_dw(struct cmd_scan *s,
				 const struct cmd_desc *d,
				 const u32 *cmd, u32 len)
{
	u32 op = (cmd[0] & VGPU_MI_FLUSH_DW_OP_MASK) >> VGPU_MI_FLUSH_DW_OP_SHIFT;
	u32 lo = cmd[d->addr_dw];
	u64 addr;

	switch (op) {
	case VGPU_MI_FLUSH_DW_OP_NONE:
		return VGPU_AUDIT_OK;	/* the address dwords are not used */
	case VGPU_MI_FLUSH_DW_OP_STORE_DATA:
	case VGPU_MI_FLUSH_DW_OP_TIMESTAMP:
		break;
	default:
		return VGPU_AUDIT_RESERVED_BITS;
	}
	if (!(lo & VGPU_MI_FLUSH_DW_ADDR_GGTT))
		return VGPU_AUDIT_ADDR_SPACE;
	if (lo & ~(VGPU_MI_FLUSH_DW_ADDR_MASK | VGPU_MI_FLUSH_DW_ADDR_GGTT))
		return VGPU_AUDIT_ADDR_ALIGN;
	addr = ((u64)cmd[d->addr_dw + 1] << 32) | (lo & VGPU_MI_FLUSH_DW_ADDR_MASK);
	if (op == VGPU_MI_FLUSH_DW_OP_TIMESTAMP)
		return audit_store(s, addr, 8, 8);
	return audit_store(s, addr, (len - 3) * 4, 8);
}

static inline u32 audit_pipe_control(struct cmd_scan *s,
				     const struct cmd_desc *d,
				     const u32 *cmd)
{
	u32 flags = cmd[1];

	if (flags & (VGPU_PC_MMIO_WRITE | VGPU_PC_STORE_DATA_INDEX))
		return VGPU_AUDIT_UNSUPPORTED;
	if (!(flags & VGPU_PC_POST_SYNC_MASK))
		return VGPU_AUDIT_OK;
	if (!(flags & VGPU_PC_GLOBAL_GTT))
		return VGPU_AUDIT_ADDR_SPACE;
	return audit_store(s, cmd_addr64(cmd, d->addr_dw), VGPU_PC_WRITE_SIZE, 4);
}

static inline u32 audit_bb_end(struct cmd_scan *s)
{
	return s->level ? VGPU_AUDIT_OK : VGPU_AUDIT_BATCH_CONTEXT;
}

/* Is @addr inside a batch that is running when the current command runs? */
static inline bool batch_running(const struct cmd_scan *s, u64 addr)
{
	const struct cmdparser_ctx *ctx = s->ctx;
	const struct cmdparser_batch *b;
	int i = s->cur;
	u64 len;

	/* The current batch counts up to the end of the current command. */
	len = s->pos + 3 * 4;
	while (i >= 0) {
		b = &ctx->batches[i];
		if (addr - b->guest_addr < len)
			return true;
		i = b->parent;
		if (i >= 0)
			len = ctx->batches[i].len;
	}
	return false;
}

static __always_inline u32 audit_bb_start(struct cmd_scan *s,
					  const struct cmd_desc *d,
					  const u32 *cmd)
{
	const struct cmdparser_limits *lim = &s->ctx->cfg.limits;
	bool call = cmd[0] & VGPU_MI_BB_START_SECOND_LEVEL;
	u64 target = cmd_addr64(cmd, d->addr_dw);
	u32 level;

	if (cmd[0] & VGPU_MI_BB_START_PPGTT)
		return VGPU_AUDIT_ADDR_SPACE;
	if (target & 3)
		return VGPU_AUDIT_ADDR_ALIGN;
	if (!cmd_range_ok(s, target, 4))
		return VGPU_AUDIT_ADDR_RANGE;

	if (!s->level) {
		/* From the ring: always a first-level batch. */
		if (call)
			return VGPU_AUDIT_BATCH_CONTEXT;
		level = 1;
	} else if (call) {
		if (s->engine_bit != VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER))
			return VGPU_AUDIT_BATCH_CONTEXT;
		if (s->level >= CMDPARSER_MAX_DEPTH)
			return VGPU_AUDIT_BATCH_DEPTH;
		level = s->level + 1;
	} else {
		level = s->level;	/* a chain stays at its level */
	}
	if (level > lim->max_depth)
		return VGPU_AUDIT_BATCH_DEPTH;
	if (s->level && batch_running(s, target))
		return VGPU_AUDIT_BATCH_LOOP;

	s->target = target;
	s->call = call;
	return VGPU_AUDIT_OK;
}

/* log2 of the bytes per pixel of the classic depth field (DW1 25:24). */
static const u8 blt_cpp_shift[4] = {
	[VGPU_BLT_DEPTH_8] = 0,
	[VGPU_BLT_DEPTH_565] = 1,
	[VGPU_BLT_DEPTH_1555] = 1,
	[VGPU_BLT_DEPTH_32] = 2,
};

/* log2 of the bytes per pixel of XY_FAST_COPY_BLT's depth (DW1 26:24). */
#define FAST_DEPTH_UNDEFINED	0xff
static const u8 fast_cpp_shift[8] = {
	[VGPU_FAST_COPY_DEPTH_8] = 0,
	[VGPU_FAST_COPY_DEPTH_16] = 1,
	[2] = FAST_DEPTH_UNDEFINED,
	[VGPU_FAST_COPY_DEPTH_32] = 2,
	[VGPU_FAST_COPY_DEPTH_64] = 3,
	[VGPU_FAST_COPY_DEPTH_128] = 4,
	[6] = FAST_DEPTH_UNDEFINED,
	[7] = FAST_DEPTH_UNDEFINED,
};

/* DW1 bits that are neither depth, ROP nor pitch: refused when set. */
#define CLASSIC_DW1_RESERVED	0xbc000000
#define CLASSIC_DW1_UNSUPPORTED	VGPU_BLT_CLIP_ENABLE
#define FAST_DW1_RESERVED	0x38ff0000
#define FAST_DW1_UNSUPPORTED	(VGPU_FAST_COPY_SRC_TILE_YF | \
				 VGPU_FAST_COPY_DST_TILE_YF)
#define COORD_SIGNS		(VGPU_BLT_COORD_SIGN | \
				 ((u32)VGPU_BLT_COORD_SIGN << VGPU_BLT_Y_SHIFT))

/*
 * A w x h pixel rectangle at @xy (y << 16 | x) of a linear surface at @base
 * with @pitch bytes per row and 1 << @shift bytes per pixel. Coordinates,
 * sizes and pitch are below 2^15 and pixels at most 16 bytes, so both
 * offsets below are under 2^31: only @base + offset can overflow.
 */
static inline u32 audit_surface(const struct cmd_scan *s, u64 base, u32 pitch,
				u32 xy, u32 w, u32 h, u32 shift)
{
	u32 first, span;

	/* Zero wraps to the top: one test for zero and negative. */
	if (pitch - 1 >= VGPU_BLT_PITCH_SIGN - 1)
		return VGPU_AUDIT_BLT_PITCH;
	first = (xy >> VGPU_BLT_Y_SHIFT) * pitch +
		((xy & VGPU_BLT_COORD_MASK) << shift);
	span = (h - 1) * pitch + (w << shift);
	/* A wrapped base + first is below base; the range check does the end. */
	if (base + first < base || !cmd_range_ok(s, base + first, span))
		return VGPU_AUDIT_ADDR_RANGE;
	return VGPU_AUDIT_OK;
}

static __always_inline u32 audit_blt(struct cmd_scan *s,
				     const struct cmd_desc *d,
				     const u32 *cmd)
{
	u32 dw1 = cmd[1], w, h, shift, r;

	if (d->blt.fast) {
		if (unlikely(dw1 & (FAST_DW1_RESERVED | FAST_DW1_UNSUPPORTED)))
			return dw1 & FAST_DW1_UNSUPPORTED ?
				VGPU_AUDIT_UNSUPPORTED :
				VGPU_AUDIT_RESERVED_BITS;
		shift = fast_cpp_shift[(dw1 & VGPU_FAST_COPY_DEPTH_MASK) >>
				       VGPU_FAST_COPY_DEPTH_SHIFT];
		if (shift == FAST_DEPTH_UNDEFINED)
			return VGPU_AUDIT_BLT_DEPTH;
	} else {
		if (unlikely(dw1 & (CLASSIC_DW1_RESERVED |
				    CLASSIC_DW1_UNSUPPORTED)))
			return dw1 & CLASSIC_DW1_UNSUPPORTED ?
				VGPU_AUDIT_UNSUPPORTED :
				VGPU_AUDIT_RESERVED_BITS;
		if ((dw1 & VGPU_BLT_ROP_MASK) >> VGPU_BLT_ROP_SHIFT != d->blt.rop)
			return VGPU_AUDIT_UNSUPPORTED;
		shift = blt_cpp_shift[(dw1 & VGPU_BLT_DEPTH_MASK) >>
				      VGPU_BLT_DEPTH_SHIFT];
	}

	/* Non-negative coordinates, so the differences cannot wrap. */
	if ((cmd[2] | cmd[3]) & COORD_SIGNS)
		return VGPU_AUDIT_BLT_RECT;
	w = (cmd[3] & VGPU_BLT_COORD_MASK) - (cmd[2] & VGPU_BLT_COORD_MASK);
	h = (cmd[3] >> VGPU_BLT_Y_SHIFT) - (cmd[2] >> VGPU_BLT_Y_SHIFT);
	if ((s32)w <= 0 || (s32)h <= 0)
		return VGPU_AUDIT_BLT_RECT;

	r = audit_surface(s, cmd_addr64(cmd, d->addr_dw),
			  dw1 & VGPU_BLT_PITCH_MASK, cmd[2], w, h, shift);
	if (r || !d->blt.src)
		return r;

	/* Source: DW6 origin, DW7 pitch, DW8/DW9 address. */
	if (cmd[6] & COORD_SIGNS)
		return VGPU_AUDIT_BLT_RECT;
	if (cmd[7] & ~VGPU_BLT_PITCH_MASK)
		return VGPU_AUDIT_RESERVED_BITS;
	return audit_surface(s, cmd_addr64(cmd, 8), cmd[7], cmd[6], w, h,
			     shift);
}

/*
 * Run the audit the table names for the command at @cmd. Inlined into each
 * walker loop: as a call, saving and restoring registers costs more than
 * most audits. (__always_inline comes from the kernel's compiler headers,
 * and in userspace from the C library's <sys/cdefs.h>.)
 *
 * A chain of tests, most frequent first, not a switch: a switch this size
 * becomes a jump table, an indirect branch per command that mispredicts
 * whenever the command changes (and is a retpoline in the kernel, which
 * builds without jump tables anyway). The audit ids are bits, tested on
 * the loaded value, so that the compiler does not turn the chain back into
 * a switch.
 *
 * Start commands (CMD_F_BRANCH, whose audit is CMD_AUDIT_BB_START) do not
 * come here: the walkers audit them with audit_bb_start() and record their
 * batch in one step, ahead of the chain (a tiny batch costs little more
 * than its start command). Should one come here, it is refused.
 */
static __always_inline u32 cmd_audit(struct cmd_scan *s,
				     const struct cmd_desc *d,
				     const u32 *cmd, u32 len)
{
	u32 audit = d->audit;

	if (!audit)
		return VGPU_AUDIT_OK;
	if (audit & CMD_AUDIT_BLT)
		return audit_blt(s, d, cmd);
	if (audit & CMD_AUDIT_SDI)
		return audit_sdi(s, d, cmd, len);
	if (audit & CMD_AUDIT_PIPE_CONTROL)
		return audit_pipe_control(s, d, cmd);
	if (audit & CMD_AUDIT_FLUSH_DW)
		return audit_flush_dw(s, d, cmd, len);
	if (audit & CMD_AUDIT_LRI)
		return audit_lri(s, cmd, len);
	if (audit & CMD_AUDIT_SRM)
		return audit_srm(s, d, cmd);
	if (audit & CMD_AUDIT_BB_END)
		return audit_bb_end(s);
	return VGPU_AUDIT_UNKNOWN_OPCODE;
}

#endif /* _VGPU_CMDPARSER_CMD_AUDIT_H */
