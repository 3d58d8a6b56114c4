/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A naive reference model of the blit rules of docs/refgpu.md over a flat
 * window of graphics memory, written independently of the executor: the
 * random tests compare the two byte for byte.
 */
#ifndef _REFGPU_EXEC_MODEL_H
#define _REFGPU_EXEC_MODEL_H

#include "vgpu/portable.h"

/**
 * struct model_mem - graphics memory [base, base + size) as one array
 * @base: graphics address of @bytes[0]
 * @size: bytes
 * @bytes: the contents
 */
struct model_mem {
	u64 base;
	u64 size;
	u8 *bytes;
};

/**
 * struct model_rect - a rectangle on a linear surface
 * @base: surface address
 * @pitch: bytes per row
 * @x: left column (pixels)
 * @y: top row
 */
struct model_rect {
	u64 base;
	u32 pitch;
	u32 x;
	u32 y;
};

/* Write-enable of the bytes of a pixel: bit i enables byte i (cpp 4). */
#define MODEL_MASK_ALL	0xf

void model_fill(struct model_mem *m, const struct model_rect *dst, u32 w,
		u32 h, u32 cpp, u32 color, u8 mask);
void model_copy(struct model_mem *m, const struct model_rect *dst,
		const struct model_rect *src, u32 w, u32 h, u32 cpp, u8 mask);

#endif /* _REFGPU_EXEC_MODEL_H */
