// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the migration stream's framing (drivers/gpu/vgpu/
 * migration_stream.c, built for userspace): a written stream parses back
 * to the same sections; every truncation, every single bit flip, another
 * type or version, extra bytes, a repeated or unknown section and a
 * preamble in the wrong place are refused, each for its reason.
 */
#include <stdio.h>

#include "igt_core.h"
#include "mig_stream_sample.h"

static u8 buf[MIG_SAMPLE_MAX];

static u32 sample(bool preamble)
{
	int len = mig_sample_write(buf, sizeof(buf), preamble);

	igt_assert_lt(0, len);
	return len;
}

static enum vgpu_mig_refusal parse(u32 len)
{
	struct vgpu_mig_stream s;

	return vgpu_mig_parse(buf, len, MIG_SAMPLE_TYPE, &s);
}

/* The sections found are the sample's, byte for byte. */
static void check_sections(const struct vgpu_mig_stream *s)
{
	struct vgpu_mig_reader r;
	unsigned int id;
	u32 i;

	for (id = VGPU_MIG_SEC_SCHED; id < VGPU_MIG_SEC_END; id++) {
		r = s->section[id - 1];
		igt_assert(r.p);
		igt_assert_eq_u32(r.left, mig_sample_payload(id));
		for (i = 0; i < mig_sample_payload(id); i++)
			igt_assert_eq(vgpu_mig_get_u8(&r), (u8)(id * 16 + i));
		igt_assert(vgpu_mig_reader_done(&r));
		/* One more read is past the end: zero, and remembered. */
		igt_assert_eq(vgpu_mig_get_u32(&r), 0);
		igt_assert(!vgpu_mig_reader_done(&r));
	}
}

static void round_trip(void *data)
{
	struct vgpu_mig_stream s;
	u32 len;

	len = sample(false);
	igt_assert_eq(vgpu_mig_parse(buf, len, MIG_SAMPLE_TYPE, &s),
		      VGPU_MIG_OK);
	check_sections(&s);
	len = sample(true);
	igt_assert_eq(vgpu_mig_parse(buf, len, MIG_SAMPLE_TYPE, &s),
		      VGPU_MIG_OK);
	check_sections(&s);
}

static void refuse_truncated(void *data)
{
	u32 len = sample(true), n;
	enum vgpu_mig_refusal why;

	for (n = 0; n < len; n++) {
		why = parse(n);
		igt_assert_f(why != VGPU_MIG_OK, "%u of %u bytes accepted\n",
			     n, len);
	}
	igt_assert_eq(parse(VGPU_MIG_HEADER_SIZE - 1),
		      VGPU_MIG_BAD_TRUNCATED);
	igt_assert_eq(parse(len - 1), VGPU_MIG_BAD_TRUNCATED);
}

static void refuse_bit_flips(void *data)
{
	u32 len = sample(false), bit;

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
	u32 len = sample(false), total;

	igt_assert_eq(vgpu_mig_parse(buf, len, "large", &s),
		      VGPU_MIG_BAD_TYPE);
	igt_assert_eq(vgpu_mig_check_header(buf, len, "smal", &total),
		      VGPU_MIG_BAD_TYPE);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_TYPE), -EINVAL);
	buf[4]++;	/* the version */
	igt_assert_eq(parse(len), VGPU_MIG_BAD_VERSION);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_VERSION),
		      -EPROTONOSUPPORT);
	buf[4]--;
	buf[0]++;	/* the magic */
	igt_assert_eq(parse(len), VGPU_MIG_BAD_MAGIC);
}

static void refuse_oversized(void *data)
{
	u32 len = sample(false);

	igt_assert_eq(parse(len + 1), VGPU_MIG_BAD_OVERSIZED);
	igt_assert_eq(parse(VGPU_MIG_MAX_STREAM + 1), VGPU_MIG_BAD_OVERSIZED);
	igt_assert_eq(vgpu_mig_refusal_errno(VGPU_MIG_BAD_OVERSIZED), -EFBIG);
	/* A header claiming more than any stream has. */
	memset(buf + 32, 0xff, sizeof(u32));
	igt_assert_eq(parse(len), VGPU_MIG_BAD_OVERSIZED);
}

/* Rewrite the stream with section @dup's id replaced by @id. */
static void retag(u32 len, unsigned int from, unsigned int to)
{
	struct vgpu_mig_writer w;
	u32 pos = VGPU_MIG_HEADER_SIZE, size;

	while (pos < len) {
		size = buf[pos + 4] | buf[pos + 5] << 8;
		if (buf[pos] == from)
			buf[pos] = to;
		pos += VGPU_MIG_SECTION_HEADER_SIZE + size;
	}
	/* A valid checksum again: only the table is wrong. */
	w.buf = buf;
	w.size = len;
	w.pos = len;
	w.overflow = false;
	igt_assert_eq(vgpu_mig_end(&w), (int)len);
}

static void refuse_section_table(void *data)
{
	u32 len = sample(false);

	retag(len, VGPU_MIG_SEC_RING, VGPU_MIG_SEC_GGTT);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	len = sample(false);
	retag(len, VGPU_MIG_SEC_RING, VGPU_MIG_SEC_END);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
	len = sample(false);
	retag(len, VGPU_MIG_SEC_RING, 0);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_SECTION);
}

static void refuse_preambles(void *data)
{
	struct vgpu_mig_writer w;
	u32 len;

	/* A preamble alone is no state. */
	vgpu_mig_begin(&w, buf, sizeof(buf), MIG_SAMPLE_TYPE);
	len = vgpu_mig_end(&w);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_TRUNCATED);
	/* Two preambles. */
	vgpu_mig_begin(&w, buf + len, sizeof(buf) - len, MIG_SAMPLE_TYPE);
	len += vgpu_mig_end(&w);
	igt_assert_eq(parse(len), VGPU_MIG_BAD_HEADER);
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
	  "a written stream parses to the same sections, with a preamble too" },
	{ "refuse-truncated", refuse_truncated,
	  "every prefix of a stream is refused" },
	{ "refuse-bit-flips", refuse_bit_flips,
	  "every single bit flip is refused" },
	{ "refuse-type-and-version", refuse_type_and_version,
	  "another type, version or magic is refused for that reason" },
	{ "refuse-oversized", refuse_oversized,
	  "extra bytes and oversized headers are refused" },
	{ "refuse-section-table", refuse_section_table,
	  "repeated, unknown and zero section ids are refused" },
	{ "refuse-preambles", refuse_preambles,
	  "a preamble alone or twice is refused" },
	{ "writer-overflow", writer_overflow,
	  "a stream that does not fit is never half written" },
};

IGT_TEST_MAIN("The framing of the vGPU migration stream.", subtests);
