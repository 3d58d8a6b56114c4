// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the migration stream's framing (drivers/gpu/vgpu/
 * migration_stream.c, built for userspace): a written stream, with and
 * without pre-copy chunks, received in pieces of any size, gives the same
 * sections and the GGTT its base and deltas make; every truncation, every
 * single bit flip, another type or version, extra bytes, a repeated,
 * unknown, misplaced or missing section, chunks out of order, a delta
 * before its base and GGTT entries outside the slice or repeated are
 * refused, each for its reason.
 */
#include <stdio.h>

#include "igt_core.h"
#include "mig_stream_sample.h"

static u8 buf[MIG_SAMPLE_MAX];
static struct mig_sample_rx dst;

static u32 sample(bool precopy)
{
	int len = mig_sample_write(buf, sizeof(buf), precopy);

	igt_assert_lt(0, len);
	return len;
}

static enum vgpu_mig_refusal receive(u32 len, u32 piece,
				     struct vgpu_mig_stream *s)
{
	mig_sample_rx_init(&dst, sizeof(dst.buf));
	return mig_sample_receive(&dst, buf, len, piece, s);
}

static enum vgpu_mig_refusal parse(u32 len)
{
	struct vgpu_mig_stream s;

	return receive(len, len ? len : 1, &s);
}

/* The sections found are the sample's, byte for byte, and its GGTT. */
static void check_sections(const struct vgpu_mig_stream *s, bool precopy)
{
	u64 pte[MIG_SAMPLE_GGTT_NR];
	struct vgpu_mig_reader r;
	unsigned int id;
	u32 i;

	for (id = VGPU_MIG_SEC_SCHED; id < VGPU_MIG_SEC_END; id++) {
		if (id == VGPU_MIG_SEC_GGTT || id == VGPU_MIG_SEC_GGTT_DELTA)
			continue;
		r = s->section[id - 1];
		igt_assert_f(r.p, "section %u missing\n", id);
		igt_assert_eq_u32(r.left, mig_sample_payload(id));
		for (i = 0; i < mig_sample_payload(id); i++)
			igt_assert_eq(vgpu_mig_get_u8(&r), (u8)(id * 16 + i));
		igt_assert(vgpu_mig_reader_done(&r));
		/* One more read is past the end: zero, and remembered. */
		igt_assert_eq(vgpu_mig_get_u32(&r), 0);
		igt_assert(!vgpu_mig_reader_done(&r));
	}
	mig_sample_ggtt_expected(pte, precopy);
	igt_assert(!memcmp(pte, dst.pte, sizeof(pte)));
	igt_assert_eq_u64(dst.rx.ggtt.start, MIG_SAMPLE_SLICE_START);
}

static void round_trip(void *data)
{
	static const u32 pieces[] = { 1, 7, 48, 4093, MIG_SAMPLE_MAX };
	struct vgpu_mig_stream s;
	unsigned int i, p;
	u32 len;

	for (p = 0; p < 2; p++) {
		for (i = 0; i < ARRAY_SIZE(pieces); i++) {
			len = sample(p);
			igt_assert_eq(receive(len, pieces[i], &s), VGPU_MIG_OK);
			check_sections(&s, p);
		}
	}
	/* The early chunks left the buffer: only the final one is kept. */
	igt_assert_lt(dst.rx.len, len);
}

static void refuse_truncated(void *data)
{
	u32 len = sample(true), n, ends[4];
	enum vgpu_mig_refusal why;

	for (n = 0; n < len; n++) {
		why = parse(n);
		igt_assert_f(why == VGPU_MIG_BAD_TRUNCATED,
			     "%u of %u bytes: %s\n", n, len,
			     vgpu_mig_refusal_name(why));
	}
	/* Every early chunk but no final one: no state. */
	igt_assert_eq(mig_sample_write_chunks(buf, sizeof(buf), true, ends),
		      (int)len);
	igt_assert_eq(parse(ends[2]), VGPU_MIG_BAD_TRUNCATED);
	igt_assert_eq(parse(len), VGPU_MIG_OK);
}

static void refuse_bit_flips(void *data)
{
	u32 len = sample(true), bit;

	for (bit = 0; bit < len * 8; bit++) {
		buf[bit / 8] ^= 1U << (bit % 8);
		igt_assert_f(parse(len) != VGPU_MIG_OK,
			     "flip of bit %u accepted\n", bit);
		buf[bit / 8] ^= 1U << (bit % 8);
	}
	igt_assert_eq(parse(len), VGPU_MIG_OK);
	/* A payload byte: the checksum says so. */
	buf[len - 1] ^= 1;
	igt_assert_eq(parse(len), VGPU_MIG_BAD_CHECKSUM);
}

static void refuse_type_and_version(void *data)
{
	struct vgpu_mig_stream s;
	struct vgpu_mig_chunk c;
	u32 len = sample(false);

	mig_sample_rx_init(&dst, sizeof(dst.buf));
	dst.rx.type = "large";
	igt_assert_eq(mig_sample_receive(&dst, buf, len, len, &s),
		      VGPU_MIG_BAD_TYPE);
	igt_assert_eq(vgpu_mig_check_header(buf, len, "smal", &c),
		      VGPU_MIG_BAD_TYPE);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_TYPE), -EINVAL);
	buf[4]++;	/* the version */
	igt_assert_eq(parse(len), VGPU_MIG_BAD_VERSION);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_VERSION),
		      -EPROTONOSUPPORT);
	/* Version 1, the format before chunks, is refused for its version. */
	buf[4] = 1;
	igt_assert_eq(parse(len), VGPU_MIG_BAD_VERSION);
	buf[4] = VGPU_MIG_VERSION;
	buf[0]++;	/* the magic */
	igt_assert_eq(parse(len), VGPU_MIG_BAD_MAGIC);
	/* Refused once, refused for good: the first header decides. */
	buf[0]--;
	mig_sample_rx_init(&dst, sizeof(dst.buf));
	buf[4]++;
	memcpy(dst.rx.buf, buf, VGPU_MIG_HEADER_SIZE);
	igt_assert_eq(vgpu_mig_receive(&dst.rx, VGPU_MIG_HEADER_SIZE),
		      VGPU_MIG_BAD_VERSION);
	igt_assert_eq(vgpu_mig_receive(&dst.rx, 0), VGPU_MIG_BAD_VERSION);
}

static void refuse_oversized(void *data)
{
	struct vgpu_mig_stream s;
	u32 len = sample(true);

	igt_assert_eq(parse(len + 1), VGPU_MIG_BAD_OVERSIZED);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_OVERSIZED), -EFBIG);
	/* A chunk longer than the destination's buffer. */
	mig_sample_rx_init(&dst, 256);
	igt_assert_eq(mig_sample_receive(&dst, buf, len, 7, &s),
		      VGPU_MIG_BAD_OVERSIZED);
	/* A header claiming more than any chunk has. */
	len = sample(false);
	memset(buf + 40, 0xff, sizeof(u32));
	igt_assert_eq(parse(len), VGPU_MIG_BAD_OVERSIZED);
}

/* ---- streams built piece by piece ---- */

static struct vgpu_mig_writer w;
static u32 wpos;

static void chunk(enum vgpu_mig_kind kind, u32 seq)
{
	vgpu_mig_begin(&w, buf + wpos, sizeof(buf) - wpos, MIG_SAMPLE_TYPE,
		       kind, seq);
}

static void chunk_end(void)
{
	int len = vgpu_mig_end(&w);

	igt_assert_lt(0, len);
	wpos += len;
}

static void delta(u32 index, u64 pte)
{
	mig_sample_ggtt_delta(&w, &index, &pte, 1);
}

static void final_chunk(u32 seq, bool ggtt, bool display)
{
	chunk(VGPU_MIG_KIND_FINAL, seq);
	if (ggtt)
		mig_sample_ggtt_base(&w);
	mig_sample_final_rest(&w, !display);
	chunk_end();
}

/* A preamble and an early chunk with the GGTT, display and EDID. */
static void early_start(void)
{
	wpos = 0;
	chunk(VGPU_MIG_KIND_PREAMBLE, 0);
	chunk_end();
	chunk(VGPU_MIG_KIND_EARLY, 1);
	mig_sample_ggtt_base(&w);
	mig_sample_section(&w, VGPU_MIG_SEC_DISPLAY, 0);
	mig_sample_section(&w, VGPU_MIG_SEC_EDID, 0);
	chunk_end();
}

/* Rewrite the sample with section @from's id replaced by @to. */
static void retag(u32 len, unsigned int from, unsigned int to)
{
	struct vgpu_mig_writer fix;
	u32 pos = VGPU_MIG_HEADER_SIZE, size;

	while (pos < len) {
		size = buf[pos + 4] | buf[pos + 5] << 8;
		if (buf[pos] == from)
			buf[pos] = to;
		pos += VGPU_MIG_SECTION_HEADER_SIZE + size;
	}
	/* A valid checksum again: only the table is wrong. */
	fix.buf = buf;
	fix.size = len;
	fix.pos = len;
	fix.overflow = false;
	igt_assert_eq(vgpu_mig_end(&fix), (int)len);
}

static void refuse_section_table(void *data)
{
	u32 len = sample(false);

	retag(len, VGPU_MIG_SEC_RING, VGPU_MIG_SEC_IRQ);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	len = sample(false);
	retag(len, VGPU_MIG_SEC_RING, VGPU_MIG_SEC_END);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	len = sample(false);
	retag(len, VGPU_MIG_SEC_RING, 0);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	/* A final chunk without what only it carries, or without the GGTT. */
	len = sample(false);
	retag(len, VGPU_MIG_SEC_VBLANK, VGPU_MIG_SEC_GGTT_DELTA);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	wpos = 0;
	final_chunk(0, false, true);
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_SECTION);
	/* Sent early but the display never: missing at the end. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_EARLY, 0);
	mig_sample_ggtt_base(&w);
	mig_sample_section(&w, VGPU_MIG_SEC_EDID, 0);
	chunk_end();
	final_chunk(1, false, false);
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_SECTION);
	/* What changes while the guest runs never comes early. */
	early_start();
	chunk(VGPU_MIG_KIND_EARLY, 2);
	mig_sample_section(&w, VGPU_MIG_SEC_SCHED, 0);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_SECTION);
	/* A base and a delta in one chunk. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_EARLY, 0);
	mig_sample_ggtt_base(&w);
	delta(1, 0x2001);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_SECTION);
	/* An early chunk with no section. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_EARLY, 0);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_HEADER);
}

static void refuse_preambles(void *data)
{
	/* A preamble alone is no state. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_PREAMBLE, 0);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_TRUNCATED);
	/* Two preambles. */
	chunk(VGPU_MIG_KIND_PREAMBLE, 1);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
}

static void refuse_out_of_order(void *data)
{
	u32 len;

	/* A delta before its base. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_EARLY, 0);
	delta(1, 0x2001);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
	wpos = 0;
	chunk(VGPU_MIG_KIND_FINAL, 0);
	delta(1, 0x2001);
	mig_sample_final_rest(&w, false);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
	/* The base twice. */
	early_start();
	final_chunk(2, true, false);
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
	/* A chunk skipped, or repeated. */
	early_start();
	final_chunk(3, false, false);
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
	early_start();
	chunk(VGPU_MIG_KIND_EARLY, 1);
	delta(2, 0x3001);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_ORDER);
	/* Anything after the final chunk. */
	len = sample(true);
	memcpy(buf + len, buf, VGPU_MIG_HEADER_SIZE);
	igt_assert_eq(parse(len + VGPU_MIG_HEADER_SIZE),
		      VGPU_MIG_BAD_OVERSIZED);
	/* And the right order is taken. */
	early_start();
	chunk(VGPU_MIG_KIND_EARLY, 2);
	delta(2, 0x3001);
	chunk_end();
	final_chunk(3, false, false);
	igt_assert_eq(parse(wpos), VGPU_MIG_OK);
	igt_assert_eq_u64(dst.pte[2], 0x3001);
}

/* A GGTT_DELTA chunk after early_start() with a hand-made table. */
static enum vgpu_mig_refusal bad_delta(const u32 *index, const u64 *pte,
				       u32 n, u32 count)
{
	early_start();
	chunk(VGPU_MIG_KIND_EARLY, 2);
	vgpu_mig_section_begin(&w, VGPU_MIG_SEC_GGTT_DELTA);
	mig_sample_table(&w, index, pte, n);
	/* The count as given, the entries as many as @n. */
	memcpy(w.buf + w.section + VGPU_MIG_SECTION_HEADER_SIZE, &count,
	       sizeof(count));
	vgpu_mig_section_end(&w);
	chunk_end();
	final_chunk(3, false, false);
	return parse(wpos);
}

static void refuse_ggtt_entries(void *data)
{
	static const u32 outside[] = { MIG_SAMPLE_GGTT_NR };
	static const u32 repeated[] = { 4, 4 };
	static const u32 falling[] = { 6, 5 };
	static const u32 last[] = { MIG_SAMPLE_GGTT_NR - 1 };
	static const u64 pte[] = { 0x1001, 0x2001 };

	igt_assert_eq(bad_delta(outside, pte, 1, 1), VGPU_MIG_BAD_ENTRY);
	igt_assert_eq(bad_delta(repeated, pte, 2, 2), VGPU_MIG_BAD_ENTRY);
	igt_assert_eq(bad_delta(falling, pte, 2, 2), VGPU_MIG_BAD_ENTRY);
	igt_assert_eq(bad_delta(last, pte, 1, 2), VGPU_MIG_BAD_CONTENT);
	igt_assert_eq(bad_delta(last, pte, 1, 0), VGPU_MIG_BAD_CONTENT);
	igt_assert_eq(bad_delta(last, pte, 1, 1), VGPU_MIG_OK);
	igt_assert_eq_u64(dst.pte[MIG_SAMPLE_GGTT_NR - 1], 0x1001);
	/* A base of another slice size, or with an entry of zero. */
	wpos = 0;
	chunk(VGPU_MIG_KIND_FINAL, 0);
	vgpu_mig_section_begin(&w, VGPU_MIG_SEC_GGTT);
	vgpu_mig_put_u64(&w, MIG_SAMPLE_SLICE_START);
	vgpu_mig_put_u64(&w, 2 * MIG_SAMPLE_SLICE_SIZE);
	vgpu_mig_put_u32(&w, 0);
	vgpu_mig_section_end(&w);
	mig_sample_final_rest(&w, false);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_CONTENT);
	wpos = 0;
	chunk(VGPU_MIG_KIND_FINAL, 0);
	vgpu_mig_section_begin(&w, VGPU_MIG_SEC_GGTT);
	vgpu_mig_put_u64(&w, MIG_SAMPLE_SLICE_START);
	vgpu_mig_put_u64(&w, MIG_SAMPLE_SLICE_SIZE);
	mig_sample_table(&w, last, (const u64[]){ 0 }, 1);
	vgpu_mig_section_end(&w);
	mig_sample_final_rest(&w, false);
	chunk_end();
	igt_assert_eq(parse(wpos), VGPU_MIG_BAD_CONTENT);
}

static void writer_overflow(void *data)
{
	int len = mig_sample_write(buf, sizeof(buf), true), n;

	for (n = 0; n < len; n++)
		igt_assert_eq(mig_sample_write(buf, n, true), -ENOSPC);
	igt_assert_eq(mig_sample_write(buf, len, true), len);
}

static const struct igt_subtest subtests[] = {
	{ "round-trip", round_trip,
	  "streams with and without pre-copy, in any pieces: the same sections and GGTT" },
	{ "refuse-truncated", refuse_truncated,
	  "every prefix of a stream is refused as truncated" },
	{ "refuse-bit-flips", refuse_bit_flips,
	  "every single bit flip is refused" },
	{ "refuse-type-and-version", refuse_type_and_version,
	  "another type, version (1 too) or magic is refused for that reason" },
	{ "refuse-oversized", refuse_oversized,
	  "extra bytes, oversized chunks and headers are refused" },
	{ "refuse-section-table", refuse_section_table,
	  "repeated, unknown, misplaced and missing sections are refused" },
	{ "refuse-preambles", refuse_preambles,
	  "a preamble alone or twice is refused" },
	{ "refuse-out-of-order", refuse_out_of_order,
	  "a delta before its base, a base twice, chunks skipped or repeated" },
	{ "refuse-ggtt-entries", refuse_ggtt_entries,
	  "GGTT entries outside the slice, repeated, miscounted are refused" },
	{ "writer-overflow", writer_overflow,
	  "a stream that does not fit is never half written" },
};

IGT_TEST_MAIN("The framing of the vGPU migration stream.", subtests);
