// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The blitter: XY_COLOR_BLT, XY_SRC_COPY_BLT and XY_FAST_COPY_BLT on linear
 * surfaces, with real pixel results.
 *
 * A rectangle is processed as rows of w * cpp bytes; each row is split at
 * the 4 KiB page boundaries of the graphics addresses it touches and every
 * piece goes through the page translation. Rules (docs/refgpu.md):
 *  - fills run top to bottom, each row left to right;
 *  - copies run bottom to top when the destination's first byte lies above
 *    the source's (higher address), else top to bottom, and each row is
 *    copied as memmove() would: with equal pitches this is exactly "read
 *    the whole source, then write", whatever the overlap;
 *  - at 32 bpp the classic blits write only the channels DW0 enables
 *    (bits 20 RGB, 21 alpha; bytes 0-2 and byte 3 of each pixel).
 */
#include "exec_internal.h"

/* Pixel bytes each row may process between two abort checks. */
#define EX_BLT_CHECK_BYTES	(256 * 1024)
/* A row costs at least this much, however narrow. */
#define EX_BLT_ROW_COST		64
/* Bytes of the fill block copied at once: a multiple of every pixel size. */
#define EX_FILL_STEP		240

#define EX_MASK_ALL		0xf	/* all four bytes of a 32-bit pixel */
#define EX_MASK_RGB		0x7
#define EX_MASK_ALPHA		0x8

#define EX_COORD_SIGNS		(VGPU_BLT_COORD_SIGN | \
				 ((u32)VGPU_BLT_COORD_SIGN << VGPU_BLT_Y_SHIFT))

/* Bytes per pixel of the classic depth field (DW1 25:24). */
static const u8 ex_classic_cpp[4] = {
	[VGPU_BLT_DEPTH_8] = 1,
	[VGPU_BLT_DEPTH_565] = 2,
	[VGPU_BLT_DEPTH_1555] = 2,
	[VGPU_BLT_DEPTH_32] = 4,
};

/* Bytes per pixel of XY_FAST_COPY_BLT's depth field (DW1 26:24); 0: none. */
static const u8 ex_fast_cpp[8] = {
	[VGPU_FAST_COPY_DEPTH_8] = 1,
	[VGPU_FAST_COPY_DEPTH_16] = 2,
	[VGPU_FAST_COPY_DEPTH_32] = 4,
	[VGPU_FAST_COPY_DEPTH_64] = 8,
	[VGPU_FAST_COPY_DEPTH_128] = 16,
};

/**
 * struct ex_blt - a decoded blit
 * @c: the command
 * @dst: destination surface base address
 * @dst_pitch: destination bytes per row
 * @dx: destination rectangle left column
 * @dy: destination rectangle top row
 * @src: source surface base address (copies)
 * @src_pitch: source bytes per row (copies)
 * @sx: source rectangle left column (copies)
 * @sy: source rectangle top row (copies)
 * @w: rectangle width in pixels
 * @h: rectangle height in rows
 * @cpp: bytes per pixel
 * @mask: bytes of a 32-bit pixel written, EX_MASK_*; EX_MASK_ALL otherwise
 * @color: fill colour bytes, little endian (XY_COLOR_BLT)
 * @progress: bytes processed since the last abort check
 */
struct ex_blt {
	struct ex_cmd_ctx *c;
	u64 dst;
	u32 dst_pitch;
	u32 dx, dy;
	u64 src;
	u32 src_pitch;
	u32 sx, sy;
	u32 w, h;
	u32 cpp;
	u8 mask;
	u8 color[4];
	u32 progress;
};

static bool ex_blt_masked(const struct ex_blt *b)
{
	return b->cpp == 4 && b->mask != EX_MASK_ALL;
}

/* After each row: give the host a chance to stop a long blit. */
static bool ex_blt_row_done(struct ex_blt *b)
{
	struct refgpu_exec_env *env = &b->c->ex->env;

	b->progress += b->w * b->cpp + EX_BLT_ROW_COST;
	if (b->progress < EX_BLT_CHECK_BYTES)
		return true;
	b->progress = 0;
	if (env->should_abort && env->should_abort(env->priv)) {
		b->c->res->status = REFGPU_EXEC_ABORTED;
		return false;
	}
	return true;
}

/* The destination rectangle (DW2, DW3) and address (DW4, DW5). */
static bool ex_blt_dst(struct ex_blt *b, u32 pitch)
{
	const u32 *cmd = b->c->cmd;
	u32 x1, y1, x2, y2;

	if (!pitch || (pitch & VGPU_BLT_PITCH_SIGN))
		return ex_refuse(b->c->res, VGPU_AUDIT_BLT_PITCH);
	if ((cmd[2] | cmd[3]) & EX_COORD_SIGNS)
		return ex_refuse(b->c->res, VGPU_AUDIT_BLT_RECT);
	x1 = cmd[2] & VGPU_BLT_COORD_MASK;
	y1 = cmd[2] >> VGPU_BLT_Y_SHIFT;
	x2 = cmd[3] & VGPU_BLT_COORD_MASK;
	y2 = cmd[3] >> VGPU_BLT_Y_SHIFT;
	if (x1 >= x2 || y1 >= y2)
		return ex_refuse(b->c->res, VGPU_AUDIT_BLT_RECT);
	b->dst_pitch = pitch;
	b->dx = x1;
	b->dy = y1;
	b->w = x2 - x1;
	b->h = y2 - y1;
	b->dst = ex_addr64(cmd, 4);
	/* Offsets stay below 2^32: only a base this high could overflow. */
	if (b->dst >= VGPU_GFX_ADDR_SPACE_SIZE)
		return !!ex_map(b->c->ex, b->dst, true, b->c->res);
	return true;
}

/* The source origin (DW6), pitch (DW7) and address (DW8, DW9). */
static bool ex_blt_src(struct ex_blt *b)
{
	const u32 *cmd = b->c->cmd;
	u32 pitch = cmd[7] & VGPU_BLT_PITCH_MASK;

	if (!pitch || (pitch & VGPU_BLT_PITCH_SIGN))
		return ex_refuse(b->c->res, VGPU_AUDIT_BLT_PITCH);
	if (cmd[6] & EX_COORD_SIGNS)
		return ex_refuse(b->c->res, VGPU_AUDIT_BLT_RECT);
	b->src_pitch = pitch;
	b->sx = cmd[6] & VGPU_BLT_COORD_MASK;
	b->sy = cmd[6] >> VGPU_BLT_Y_SHIFT;
	b->src = ex_addr64(cmd, 8);
	if (b->src >= VGPU_GFX_ADDR_SPACE_SIZE)
		return !!ex_map(b->c->ex, b->src, false, b->c->res);
	return true;
}

/* Write mask of the classic blits: DW0 bits 21 and 20, at 32 bpp only. */
static u8 ex_blt_write_mask(u32 dw0)
{
	return ((dw0 & VGPU_BLT_WRITE_RGB) ? EX_MASK_RGB : 0) |
	       ((dw0 & VGPU_BLT_WRITE_ALPHA) ? EX_MASK_ALPHA : 0);
}

/* Fill @len bytes of one row at @addr; the row starts on a pixel. */
static bool ex_fill_row(struct ex_blt *b, u64 addr, u32 len)
{
	const u8 *pattern = b->c->ex->pattern;
	u32 phase = 0, n, k, i, ch;
	u8 *p;

	while (len) {
		n = min_t(u32, len, EX_PAGE_SIZE - (addr & EX_PAGE_MASK));
		p = ex_map(b->c->ex, addr, true, b->c->res);
		if (!p)
			return false;
		if (ex_blt_masked(b)) {
			for (i = 0; i < n; i++) {
				ch = (phase + i) & 3;
				if (b->mask & (1U << ch))
					p[i] = b->color[ch];
			}
		} else {
			/* EX_FILL_STEP keeps the phase: it is whole pixels. */
			for (i = 0; i < n; i += k) {
				k = min_t(u32, n - i, EX_FILL_STEP);
				memcpy(p + i, pattern + phase, k);
			}
		}
		phase = (phase + n) % b->cpp;
		addr += n;
		len -= n;
	}
	return true;
}

/* Masked copy of one piece, byte by byte in the direction of the copy. */
static void ex_copy_masked(const struct ex_blt *b, u8 *d, const u8 *s, u32 n,
			   u32 phase, bool backward)
{
	u32 i, j;

	for (i = 0; i < n; i++) {
		j = backward ? n - 1 - i : i;
		if (b->mask & (1U << ((phase + j) & 3)))
			d[j] = s[j];
	}
}

/*
 * Copy one row of @len bytes from @src to @dst with memmove() semantics in
 * graphics address space: pieces are taken from the end when the
 * destination lies above the source. Both rows start on a pixel.
 */
static bool ex_copy_row(struct ex_blt *b, u64 dst, u64 src, u32 len)
{
	bool backward = dst > src;
	u32 done = 0, rem, n;
	u64 d, s;
	u8 *pd, *ps;

	while (done < len) {
		rem = len - done;
		if (!backward) {
			d = dst + done;
			s = src + done;
			n = min_t(u32, rem, EX_PAGE_SIZE - (d & EX_PAGE_MASK));
			n = min_t(u32, n, EX_PAGE_SIZE - (s & EX_PAGE_MASK));
		} else {
			d = dst + rem;
			s = src + rem;
			n = min_t(u32, rem, ((d - 1) & EX_PAGE_MASK) + 1);
			n = min_t(u32, n, ((s - 1) & EX_PAGE_MASK) + 1);
			d -= n;
			s -= n;
		}
		ps = ex_map(b->c->ex, s, false, b->c->res);
		if (!ps)
			return false;
		pd = ex_map(b->c->ex, d, true, b->c->res);
		if (!pd)
			return false;
		if (ex_blt_masked(b))
			ex_copy_masked(b, pd, ps, n, (u32)(d - dst), backward);
		else
			memmove(pd, ps, n);
		done += n;
	}
	return true;
}

static bool ex_blt_fill(struct ex_blt *b)
{
	u8 *pattern = b->c->ex->pattern;
	u64 row = b->dst + (u64)b->dy * b->dst_pitch + (u64)b->dx * b->cpp;
	u32 i;

	for (i = 0; i < REFGPU_EXEC_PATTERN_BYTES; i++)
		pattern[i] = b->color[i % b->cpp];
	for (i = 0; i < b->h; i++, row += b->dst_pitch)
		if (!ex_fill_row(b, row, b->w * b->cpp) || !ex_blt_row_done(b))
			return false;
	return true;
}

static bool ex_blt_copy(struct ex_blt *b)
{
	u64 dst = b->dst + (u64)b->dy * b->dst_pitch + (u64)b->dx * b->cpp;
	u64 src = b->src + (u64)b->sy * b->src_pitch + (u64)b->sx * b->cpp;
	bool bottom_up = dst > src;
	u32 i, r;

	for (i = 0; i < b->h; i++) {
		r = bottom_up ? b->h - 1 - i : i;
		if (!ex_copy_row(b, dst + (u64)r * b->dst_pitch,
				 src + (u64)r * b->src_pitch, b->w * b->cpp) ||
		    !ex_blt_row_done(b))
			return false;
	}
	return true;
}

/* DW0/DW1 checks shared by XY_COLOR_BLT and XY_SRC_COPY_BLT. */
static bool ex_blt_classic(struct ex_blt *b, u32 tiling, u8 rop)
{
	u32 dw0 = b->c->cmd[0], dw1 = b->c->cmd[1];

	if ((dw0 & tiling) || (dw1 & VGPU_BLT_CLIP_ENABLE) ||
	    (dw1 & VGPU_BLT_ROP_MASK) >> VGPU_BLT_ROP_SHIFT != rop)
		return ex_refuse(b->c->res, VGPU_AUDIT_UNSUPPORTED);
	b->cpp = ex_classic_cpp[(dw1 & VGPU_BLT_DEPTH_MASK) >>
				VGPU_BLT_DEPTH_SHIFT];
	b->mask = b->cpp == 4 ? ex_blt_write_mask(dw0) : EX_MASK_ALL;
	return ex_blt_dst(b, dw1 & VGPU_BLT_PITCH_MASK);
}

bool ex_xy_color_blt(struct ex_cmd_ctx *c)
{
	struct ex_blt b = { .c = c };
	u32 color = c->cmd[6];

	if (!ex_blt_classic(&b, VGPU_BLT_DST_TILED, VGPU_BLT_ROP_PATCOPY))
		return false;
	b.color[0] = color;
	b.color[1] = color >> 8;
	b.color[2] = color >> 16;
	b.color[3] = color >> 24;
	return ex_blt_fill(&b);
}

bool ex_xy_src_copy_blt(struct ex_cmd_ctx *c)
{
	struct ex_blt b = { .c = c };

	if (!ex_blt_classic(&b, VGPU_BLT_SRC_TILED | VGPU_BLT_DST_TILED,
			    VGPU_BLT_ROP_SRCCOPY) ||
	    !ex_blt_src(&b))
		return false;
	return ex_blt_copy(&b);
}

bool ex_xy_fast_copy_blt(struct ex_cmd_ctx *c)
{
	struct ex_blt b = { .c = c, .mask = EX_MASK_ALL };
	u32 dw0 = c->cmd[0], dw1 = c->cmd[1];

	if ((dw0 & (VGPU_FAST_COPY_SRC_TILING_MASK |
		    VGPU_FAST_COPY_DST_TILING_MASK)) ||
	    (dw1 & (VGPU_FAST_COPY_SRC_TILE_YF | VGPU_FAST_COPY_DST_TILE_YF)))
		return ex_refuse(c->res, VGPU_AUDIT_UNSUPPORTED);
	b.cpp = ex_fast_cpp[(dw1 & VGPU_FAST_COPY_DEPTH_MASK) >>
			    VGPU_FAST_COPY_DEPTH_SHIFT];
	if (!b.cpp)
		return ex_refuse(c->res, VGPU_AUDIT_BLT_DEPTH);
	if (!ex_blt_dst(&b, dw1 & VGPU_BLT_PITCH_MASK) || !ex_blt_src(&b))
		return false;
	return ex_blt_copy(&b);
}
