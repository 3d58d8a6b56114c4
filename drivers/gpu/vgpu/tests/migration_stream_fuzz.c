// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the migration stream's parser (migration_stream.c).
 * Every input is a stream for a "small" vGPU. A stream the parser accepts
 * must describe exactly the input: its sections lie inside it, do not
 * overlap and leave no byte unaccounted for; written again with the
 * writer, the same sections must parse back to the same payloads. The
 * readers must stay inside their sections whatever they are asked for.
 * A violation aborts, which libFuzzer reports.
 */
#include <stdio.h>
#include <stdlib.h>

#include "vgpu/migration_stream.h"

#define TYPE	"small"

static u8 again[VGPU_MIG_MAX_STREAM];

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "migration stream oracle: %s\n", what);
		abort();
	}
}

/* Read a section with every reader call until it is past its end. */
static void drain(struct vgpu_mig_reader r)
{
	const u8 *end = r.p + r.left;
	u8 tmp[7];

	while (!r.bad) {
		vgpu_mig_get_u8(&r);
		vgpu_mig_get_u32(&r);
		vgpu_mig_get_u64(&r);
		vgpu_mig_get_bytes(&r, tmp, sizeof(tmp));
		check(r.p <= end, "a reader left its section");
	}
}

int mig_fuzz_one(const u8 *data, size_t size)
{
	struct vgpu_mig_stream s, s2;
	struct vgpu_mig_writer w;
	unsigned int i;
	u32 covered = 0;
	int len;

	if (size > VGPU_MIG_MAX_STREAM + 1)
		return 0;
	if (vgpu_mig_parse(data, size, TYPE, &s) != VGPU_MIG_OK)
		return 0;
	vgpu_mig_begin(&w, again, sizeof(again), TYPE);
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		check(s.section[i].p >= data &&
		      s.section[i].p + s.section[i].left <= data + size,
		      "a section outside the input");
		covered += VGPU_MIG_SECTION_HEADER_SIZE + s.section[i].left;
		drain(s.section[i]);
		vgpu_mig_section_begin(&w, i + 1);
		vgpu_mig_put_bytes(&w, s.section[i].p, s.section[i].left);
		vgpu_mig_section_end(&w);
	}
	/* The header (one or two, with a preamble) and the sections. */
	check(size == covered + VGPU_MIG_HEADER_SIZE ||
	      size == covered + 2 * VGPU_MIG_HEADER_SIZE,
	      "bytes not accounted for");
	len = vgpu_mig_end(&w);
	check(len > 0, "the same sections do not fit again");
	check(vgpu_mig_parse(again, len, TYPE, &s2) == VGPU_MIG_OK,
	      "the same sections written again are refused");
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++)
		check(s2.section[i].left == s.section[i].left &&
		      !memcmp(s2.section[i].p, s.section[i].p,
			      s.section[i].left),
		      "a section changed on the way");
	return 0;
}
