// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the cmdparser fuzz target: a few valid
 * submissions per engine in the format of fuzz_format.h, so that the
 * fuzzer starts from streams that get past the first checks.
 *
 *   cmdparser_fuzz_seeds DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "cp_env.h"
#include "fuzz_format.h"

#define S0	FZ_SLICE0_START
#define S1	FZ_SLICE1_START

struct seed {
	u8 flags;
	u8 snap;
	u16 head;
	u32 ring[256];
	u32 nring;
	u32 mem[(FZ_WINDOW_END - FZ_SLICE0_START) / 4]; /* from S0 */
};

static void mem_put(struct seed *s, u64 gfx, const u32 *dw, u32 n)
{
	memcpy(&s->mem[(gfx - S0) / 4], dw, n * 4);
}

static void write_seed(const char *dir, const char *name, const struct seed *s)
{
	char path[4096];
	u8 hdr[FZ_HEADER_BYTES] = {
		s->flags, 0xff, s->head & 0xff, s->head >> 8,
		s->nring & 0xff, s->nring >> 8, s->snap,
	};
	u32 memlen = sizeof(s->mem);
	FILE *f;

	/* Trim trailing zero memory. */
	while (memlen && !s->mem[memlen / 4 - 1])
		memlen -= 4;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(hdr, sizeof(hdr), 1, f) != 1 ||
	    fwrite(s->ring, 4, s->nring, f) != s->nring ||
	    (memlen && fwrite(s->mem, memlen, 1, f) != 1) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	static struct seed s;
	u32 b[64], n, i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}

	/* Render: stores, registers, pipe controls, a batch with a call. */
	memset(&s, 0, sizeof(s));
	n = cp_sdi(s.ring, S0 + 0x100, 1);
	n += cp_sdi_qword(s.ring + n, S1 + 8, 2);
	n += cp_lri(s.ring + n, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 1), 3);
	n += cp_srm(s.ring + n, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 1),
		    S0 + 0x104);
	n += cp_pipe_control(s.ring + n, VGPU_PC_POST_SYNC_WRITE_IMM,
			     S0 + 0x108);
	n += cp_pipe_control(s.ring + n, VGPU_PC_POST_SYNC_TIMESTAMP,
			     S1 + 0x10);
	n += cp_bb_start(s.ring + n, S0 + 0x1000, false);
	s.ring[n++] = VGPU_MI_USER_INTERRUPT;
	s.ring[n++] = VGPU_MI_NOOP;
	s.nring = n;
	n = cp_bb_start(b, S0 + 0x2000, true);
	n += cp_sdi(b + n, S0 + 0x200, 4);
	n += cp_bb_start(b + n, S0 + 0x3000, false);
	mem_put(&s, S0 + 0x1000, b, n);
	n = cp_sdi(b, S0 + 0x204, 5);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	mem_put(&s, S0 + 0x2000, b, n);
	mem_put(&s, S0 + 0x3000, b, n);
	write_seed(argv[1], "render-mix", &s);
	s.snap = 0x80 | 0x08 | 4;	/* each store ends on slice 0's end */
	write_seed(argv[1], "render-snap", &s);

	/* Copy: the three blits, flushes, a batch of blits. */
	memset(&s, 0, sizeof(s));
	s.flags = 1;
	n = cp_color_blt(s.ring, 3, 256, 0, 0, 64, 16, S0);
	n += cp_src_copy_blt(s.ring + n, 3, 256, 0, 0, 64, 16, S1, 0, 0, 256,
			     S0);
	n += cp_fast_copy_blt(s.ring + n, 3, 256, 0, 0, 64, 16, S0 + 0x1000,
			      0, 0, 256, S1);
	n += cp_flush_dw(s.ring + n, VGPU_MI_FLUSH_DW_OP_STORE_DATA,
			 S0 + 0x3f00, 4);
	n += cp_bb_start(s.ring + n, S0 + 0x2000, false);
	n += cp_flush_dw(s.ring + n, VGPU_MI_FLUSH_DW_OP_TIMESTAMP,
			 S1 + 0x100, 5);
	s.ring[n++] = VGPU_MI_USER_INTERRUPT;
	s.nring = n;
	n = cp_color_blt(b, 0, 64, 1, 1, 33, 9, S1 + 0x200);
	n += cp_src_copy_blt(b + n, 1, 128, 2, 2, 10, 10, S1, 3, 3, 128,
			     S0 + 0x800);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	mem_put(&s, S0 + 0x2000, b, n);
	write_seed(argv[1], "copy-mix", &s);

	/* Copy: a ring that wraps, with a batch start across the end. */
	s.head = FZ_RING_SIZE / 4 - 12;
	write_seed(argv[1], "copy-wrap", &s);

	/* The same with addresses snapped onto range edges. */
	s.head = 0;
	s.snap = 0x80 | 0x08 | 4;	/* each extent ends on slice 0's end */
	write_seed(argv[1], "copy-snap-end", &s);
	s.snap = 0x80 | 0x20 | 0x10 | 4;	/* sources start on slice 1 */
	write_seed(argv[1], "copy-snap-src", &s);

	/* Render: a chain of batches near the end of the first range. */
	memset(&s, 0, sizeof(s));
	n = cp_bb_start(s.ring, S0 + 0x3e00, false);
	s.ring[n++] = VGPU_MI_ARB_CHECK;
	s.nring = n;
	for (i = 0; i < 4; i++) {
		n = cp_sdi(b, S0 + 0x3ff8 - 4 * i, i);
		n += cp_bb_start(b + n, S0 + 0x3e40 + 0x40 * i, false);
		mem_put(&s, S0 + 0x3e00 + 0x40 * i, b, n);
	}
	b[0] = VGPU_MI_BATCH_BUFFER_END;
	mem_put(&s, S0 + 0x3f00, b, 1);
	write_seed(argv[1], "render-chain", &s);

	/* Render: LRI of every GPR, then SRM of each back. */
	memset(&s, 0, sizeof(s));
	s.ring[0] = VGPU_MI_LOAD_REGISTER_IMM(16);
	for (i = 0; i < 16; i++) {
		s.ring[1 + 2 * i] = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, i);
		s.ring[2 + 2 * i] = i;
	}
	n = 33;
	for (i = 0; i < 16; i++)
		n += cp_srm(s.ring + n, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, i),
			    S1 + 4 * i);
	s.nring = n;
	write_seed(argv[1], "render-registers", &s);
	return 0;
}
