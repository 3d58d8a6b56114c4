// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the migration stream's receiver and parser
 * (migration_stream.c). Every input is a stream for a "small" vGPU with
 * the samples' 64-entry slice (mig_stream_sample.h), written to a
 * destination whole and again in odd pieces: both must come to the same
 * verdict and, when accepted, to the same sections and GGTT. An accepted
 * stream's sections lie inside the receiver's buffers, its readers stay
 * inside them whatever they are asked for, and its assembled state
 * written as one final chunk is received to the same state. A violation
 * aborts, which libFuzzer reports.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mig_stream_sample.h"

/* Odd, so that headers and sections are cut everywhere. */
#define PIECE	97

static struct mig_sample_rx whole, cut, again;
static u8 rewritten[MIG_SAMPLE_MAX];

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

static bool inside(const struct vgpu_mig_reader *r, const u8 *buf, u32 size)
{
	return r->p >= buf && r->p + r->left <= buf + size;
}

static bool same(const struct mig_sample_rx *a,
		 const struct vgpu_mig_stream *sa,
		 const struct mig_sample_rx *b,
		 const struct vgpu_mig_stream *sb)
{
	unsigned int i;

	if (memcmp(a->pte, b->pte, sizeof(a->pte)) ||
	    a->rx.ggtt.start != b->rx.ggtt.start)
		return false;
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		if (i + 1 == VGPU_MIG_SEC_GGTT ||
		    i + 1 == VGPU_MIG_SEC_GGTT_DELTA)
			continue;
		if (!sa->section[i].p != !sb->section[i].p ||
		    sa->section[i].left != sb->section[i].left ||
		    (sa->section[i].left &&
		     memcmp(sa->section[i].p, sb->section[i].p,
			    sa->section[i].left)))
			return false;
	}
	return true;
}

/* The state as one final chunk: the GGTT as a base, the rest as is. */
static int rewrite(const struct mig_sample_rx *m,
		   const struct vgpu_mig_stream *s)
{
	struct vgpu_mig_writer w;
	unsigned int i;
	u32 n = 0;

	vgpu_mig_begin(&w, rewritten, sizeof(rewritten), MIG_SAMPLE_TYPE,
		       VGPU_MIG_KIND_FINAL, 0);
	vgpu_mig_section_begin(&w, VGPU_MIG_SEC_GGTT);
	vgpu_mig_put_u64(&w, m->rx.ggtt.start);
	vgpu_mig_put_u64(&w, MIG_SAMPLE_SLICE_SIZE);
	for (i = 0; i < MIG_SAMPLE_GGTT_NR; i++)
		n += !!m->pte[i];
	vgpu_mig_put_u32(&w, n);
	for (i = 0; i < MIG_SAMPLE_GGTT_NR; i++) {
		if (!m->pte[i])
			continue;
		vgpu_mig_put_u32(&w, i);
		vgpu_mig_put_u64(&w, m->pte[i]);
	}
	vgpu_mig_section_end(&w);
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		if (i + 1 == VGPU_MIG_SEC_GGTT ||
		    i + 1 == VGPU_MIG_SEC_GGTT_DELTA)
			continue;
		check(s->section[i].p, "an accepted stream lacks a section");
		vgpu_mig_section_begin(&w, i + 1);
		vgpu_mig_put_bytes(&w, s->section[i].p, s->section[i].left);
		vgpu_mig_section_end(&w);
	}
	return vgpu_mig_end(&w);
}

int mig_fuzz_one(const u8 *data, size_t size)
{
	struct vgpu_mig_stream s, s2, s3;
	enum vgpu_mig_refusal why, why2;
	const struct vgpu_mig_reader *r;
	unsigned int i, k;
	bool ok;
	int len;

	if (size > 4 * MIG_SAMPLE_MAX)
		return 0;
	mig_sample_rx_init(&whole, sizeof(whole.buf));
	mig_sample_rx_init(&cut, sizeof(cut.buf));
	why = mig_sample_receive(&whole, data, size, size ? size : 1, &s);
	why2 = mig_sample_receive(&cut, data, size, PIECE, &s2);
	/* Only a longer-than-the-buffer write may tell them apart. */
	check(why == why2 || why == VGPU_MIG_BAD_OVERSIZED ||
	      why2 == VGPU_MIG_BAD_OVERSIZED,
	      "the cut changed the verdict");
	if (why || why2)
		return 0;
	check(same(&whole, &s, &cut, &s2), "the cut changed the state");
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		r = &s.section[i];
		if (!r->p)
			continue;
		ok = inside(r, whole.buf, whole.rx.len);
		for (k = 0; k < 2; k++)
			ok |= inside(r, whole.kept[k], MIG_SAMPLE_KEPT);
		check(ok, "a section outside the receiver's buffers");
		drain(*r);
	}
	len = rewrite(&whole, &s);
	check(len > 0, "the state does not fit one chunk");
	mig_sample_rx_init(&again, sizeof(again.buf));
	check(mig_sample_receive(&again, rewritten, len, len, &s3) ==
	      VGPU_MIG_OK, "the state written again is refused");
	check(same(&whole, &s, &again, &s3), "the state changed on the way");
	return 0;
}
