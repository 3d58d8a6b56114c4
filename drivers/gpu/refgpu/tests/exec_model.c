// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Reference model of the blits (see exec_model.h): pixel by pixel, byte by
 * byte, with the row order and the per-row "read everything, then write"
 * rule spelled out literally.
 */
#include <stdlib.h>

#include "igt_core.h"
#include "exec_model.h"

static u8 *model_byte(struct model_mem *m, u64 addr)
{
	igt_assert_f(addr >= m->base && addr - m->base < m->size,
		     "model access at %#llx outside the window\n",
		     (unsigned long long)addr);
	return &m->bytes[addr - m->base];
}

static bool model_enabled(u32 cpp, u8 mask, u32 byte)
{
	return cpp != 4 || (mask & (1u << byte));
}

void model_fill(struct model_mem *m, const struct model_rect *dst, u32 w,
		u32 h, u32 cpp, u32 color, u8 mask)
{
	u32 row, px, b;
	u64 addr;

	for (row = 0; row < h; row++) {
		for (px = 0; px < w; px++) {
			addr = dst->base + (u64)(dst->y + row) * dst->pitch +
			       (u64)(dst->x + px) * cpp;
			for (b = 0; b < cpp; b++)
				if (model_enabled(cpp, mask, b))
					*model_byte(m, addr + b) =
						(u8)(color >> (8 * b));
		}
	}
}

void model_copy(struct model_mem *m, const struct model_rect *dst,
		const struct model_rect *src, u32 w, u32 h, u32 cpp, u8 mask)
{
	u64 first_dst = dst->base + (u64)dst->y * dst->pitch +
			(u64)dst->x * cpp;
	u64 first_src = src->base + (u64)src->y * src->pitch +
			(u64)src->x * cpp;
	bool bottom_up = first_dst > first_src;
	u32 len = w * cpp, i, row, b;
	u8 *tmp = malloc(len);

	igt_assert(tmp);
	for (i = 0; i < h; i++) {
		row = bottom_up ? h - 1 - i : i;
		/* The whole source row is read before the row is written. */
		for (b = 0; b < len; b++)
			tmp[b] = *model_byte(m, first_src +
					     (u64)row * src->pitch + b);
		for (b = 0; b < len; b++)
			if (model_enabled(cpp, mask, b % cpp))
				*model_byte(m, first_dst +
					    (u64)row * dst->pitch + b) = tmp[b];
	}
	free(tmp);
}
