/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Input format of the cmdparser fuzz target, shared with the seed writer.
 *
 *   byte 0	bit 0: engine (0 render, 1 copy); bit 1: max depth 1 instead
 *		of 2; bit 2: one range only
 *   byte 1	page of the memory window to unmap (>= FZ_WINDOW_PAGES: none)
 *   byte 2-3	ring head in dwords (little endian, modulo the ring)
 *   byte 4-5	number of ring dwords (little endian, capped)
 *   byte 6	bit 7: snap the addresses of the ring's stores and blits onto
 *		a range edge: bits 2:0 the distance from the edge + 4, bit 3
 *		the end (else the start) of the range, bit 4 the second range,
 *		bit 5 a blit's source (else its destination)
 *   then	the ring dwords, then the bytes of graphics memory from
 *		FZ_SLICE0_START on
 */
#ifndef FUZZ_FORMAT_H
#define FUZZ_FORMAT_H

#define FZ_HEADER_BYTES		7
#define FZ_RING_SIZE		0x1000
/* The slice: two ranges with a one-page hole between them. */
#define FZ_SLICE0_START		0x10000ULL
#define FZ_SLICE0_END		0x14000ULL
#define FZ_SLICE1_START		0x15000ULL
#define FZ_SLICE1_END		0x18000ULL
/* Graphics memory the model backs, a page beyond the slice either side. */
#define FZ_WINDOW_START		0x0f000ULL
#define FZ_WINDOW_END		0x19000ULL
#define FZ_WINDOW_PAGES		((FZ_WINDOW_END - FZ_WINDOW_START) >> 12)
#define FZ_SHADOW_GFX		0x40000000ULL
#define FZ_SHADOW_SIZE		0x40000
#define FZ_BATCH_BYTES		0x10000

#endif /* FUZZ_FORMAT_H */
