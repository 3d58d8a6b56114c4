/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The picture vgpu-fbtest draws in the nested guest and that the
 * vgpu_display_nested test expects in QEMU's screendump: one definition
 * shared by both, so the check compares every pixel with exactly what was
 * drawn.
 *
 * 1024x768, XRGB8888, linear, stride 4096 bytes:
 * - eight vertical colour bars, 128 pixels wide (white, yellow, cyan,
 *   green, magenta, red, blue, black): a swapped red/blue or a wrong
 *   channel shows at once;
 * - a white 64x64 square at (576, 352), inside the magenta bar: catches a
 *   wrong stride or a shifted start line;
 * - the bottom 64 lines a ramp whose red follows x and green follows y:
 *   any shift, dropped page or swapped page shows as a wrong value.
 * Every pixel is opaque (X byte 0xff), so XRGB and ARGB read alike.
 */
#ifndef FBTEST_PATTERN_H
#define FBTEST_PATTERN_H

#include <linux/types.h>

#define FBTEST_WIDTH		1024
#define FBTEST_HEIGHT		768
#define FBTEST_BPP		4
#define FBTEST_STRIDE		(FBTEST_WIDTH * FBTEST_BPP)
#define FBTEST_SIZE		(FBTEST_STRIDE * FBTEST_HEIGHT)

#define FBTEST_BARS		8
#define FBTEST_BAR_WIDTH	(FBTEST_WIDTH / FBTEST_BARS)
#define FBTEST_SQUARE_X		576
#define FBTEST_SQUARE_Y		352
#define FBTEST_SQUARE_SIZE	64
#define FBTEST_RAMP_Y		(FBTEST_HEIGHT - 64)

/* The XRGB8888 value of pixel (x, y). */
static inline __u32 fbtest_pixel(unsigned int x, unsigned int y)
{
	static const __u32 bars[FBTEST_BARS] = {
		0xffffff, 0xffff00, 0x00ffff, 0x00ff00,
		0xff00ff, 0xff0000, 0x0000ff, 0x000000,
	};

	if (y >= FBTEST_RAMP_Y)
		return 0xff000000u | (x & 0xff) << 16 | (y & 0xff) << 8 |
		       ((x >> 2) & 0xff);
	if (x >= FBTEST_SQUARE_X && x < FBTEST_SQUARE_X + FBTEST_SQUARE_SIZE &&
	    y >= FBTEST_SQUARE_Y && y < FBTEST_SQUARE_Y + FBTEST_SQUARE_SIZE)
		return 0xffffffffu;
	return 0xff000000u | bars[x / FBTEST_BAR_WIDTH];
}

#endif /* FBTEST_PATTERN_H */
