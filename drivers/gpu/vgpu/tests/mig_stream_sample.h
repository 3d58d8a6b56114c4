/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sample migration streams for the userspace tests of the stream's
 * framing (migration_stream_test.c, the fuzz target and its seeds), and a
 * destination to receive them. A sample has every section; its GGTT is a
 * real entry table (the receiver applies deltas), the other payloads are
 * patterns: what they hold is their owners' business in vgpu.ko.
 *
 * Without pre-copy a sample is one final chunk. With it: a preamble, an
 * early chunk (GGTT base, DISPLAY, EDID), a second early chunk (a GGTT
 * delta and DISPLAY again, changed), then the final chunk (a GGTT delta
 * and the sections that only a stopped device sends).
 */
#ifndef _MIG_STREAM_SAMPLE_H
#define _MIG_STREAM_SAMPLE_H

#include "vgpu/migration_stream.h"

#define MIG_SAMPLE_TYPE		"small"
#define MIG_SAMPLE_MAX		8192
/* The sample's slice: 64 entries of 4 KiB at 1 GiB. */
#define MIG_SAMPLE_GGTT_NR	64
#define MIG_SAMPLE_SLICE_START	0x40000000ULL
#define MIG_SAMPLE_SLICE_SIZE	((u64)MIG_SAMPLE_GGTT_NR << 12)
/* The longest payload kept of a section sent early (DISPLAY, EDID). */
#define MIG_SAMPLE_KEPT		1024

/* Payload bytes of section @id in the sample: 0 for one, to test empty. */
static inline u32 mig_sample_payload(unsigned int id)
{
	return id == VGPU_MIG_SEC_EDID ? 0 : 4 * id + 1;
}

/* A pattern payload; @round changes it (DISPLAY resent, changed). */
static inline void mig_sample_section(struct vgpu_mig_writer *w,
				      unsigned int id, u32 round)
{
	u32 i;

	vgpu_mig_section_begin(w, id);
	for (i = 0; i < mig_sample_payload(id); i++)
		vgpu_mig_put_u8(w, (u8)(id * 16 + i + round));
	vgpu_mig_section_end(w);
}

/* Entries as a GGTT section's or a delta's table: @n pairs. */
static inline void mig_sample_table(struct vgpu_mig_writer *w,
				    const u32 *index, const u64 *pte, u32 n)
{
	u32 i;

	vgpu_mig_put_u32(w, n);
	for (i = 0; i < n; i++) {
		vgpu_mig_put_u32(w, index[i]);
		vgpu_mig_put_u64(w, pte[i]);
	}
}

static const u32 mig_sample_base_index[] = { 0, 1, 2, 3, 5, 8, 13, 21 };
static const u32 mig_sample_delta1_index[] = { 3, 9, 63 };
static const u64 mig_sample_delta1_pte[] = { 0, 0x9001, 0x3f001 };
static const u32 mig_sample_delta2_index[] = { 0, 9 };
static const u64 mig_sample_delta2_pte[] = { 0xa001, 0xb001 };

static inline void mig_sample_ggtt_base(struct vgpu_mig_writer *w)
{
	u64 pte[ARRAY_SIZE(mig_sample_base_index)];
	u32 i;

	for (i = 0; i < ARRAY_SIZE(pte); i++)
		pte[i] = (u64)(mig_sample_base_index[i] + 1) << 12 | 1;
	vgpu_mig_section_begin(w, VGPU_MIG_SEC_GGTT);
	vgpu_mig_put_u64(w, MIG_SAMPLE_SLICE_START);
	vgpu_mig_put_u64(w, MIG_SAMPLE_SLICE_SIZE);
	mig_sample_table(w, mig_sample_base_index, pte, ARRAY_SIZE(pte));
	vgpu_mig_section_end(w);
}

static inline void mig_sample_ggtt_delta(struct vgpu_mig_writer *w,
					 const u32 *index, const u64 *pte,
					 u32 n)
{
	vgpu_mig_section_begin(w, VGPU_MIG_SEC_GGTT_DELTA);
	mig_sample_table(w, index, pte, n);
	vgpu_mig_section_end(w);
}

/* The GGTT a destination must end with, as a sample without pre-copy. */
static inline void mig_sample_ggtt_expected(u64 *pte, bool precopy)
{
	u32 i;

	memset(pte, 0, MIG_SAMPLE_GGTT_NR * sizeof(*pte));
	for (i = 0; i < ARRAY_SIZE(mig_sample_base_index); i++)
		pte[mig_sample_base_index[i]] =
			(u64)(mig_sample_base_index[i] + 1) << 12 | 1;
	if (!precopy)
		return;
	for (i = 0; i < ARRAY_SIZE(mig_sample_delta1_index); i++)
		pte[mig_sample_delta1_index[i]] = mig_sample_delta1_pte[i];
	for (i = 0; i < ARRAY_SIZE(mig_sample_delta2_index); i++)
		pte[mig_sample_delta2_index[i]] = mig_sample_delta2_pte[i];
}

/* The final chunk's sections besides the GGTT's, in reverse on purpose. */
static inline void mig_sample_final_rest(struct vgpu_mig_writer *w,
					 bool precopy)
{
	unsigned int id;

	for (id = VGPU_MIG_SEC_END - 1; id >= VGPU_MIG_SEC_SCHED; id--) {
		if (id == VGPU_MIG_SEC_GGTT || id == VGPU_MIG_SEC_GGTT_DELTA)
			continue;
		/* Sent early and unchanged since: not again. */
		if (precopy && (id == VGPU_MIG_SEC_DISPLAY ||
				id == VGPU_MIG_SEC_EDID))
			continue;
		mig_sample_section(w, id, 0);
	}
}

/* A chunk written: where it ends, the next one's number. */
static inline int mig_sample_chunk_done(struct vgpu_mig_writer *w, u32 *pos,
					u32 *seq, u32 *chunk_end)
{
	int len = vgpu_mig_end(w);

	if (len < 0)
		return len;
	*pos += len;
	if (chunk_end)
		chunk_end[*seq] = *pos;
	++*seq;
	return 0;
}

/*
 * Write a sample to @buf, @chunk_end[i] set to where chunk i ends (at
 * most 4 chunks) if not NULL. Return: its bytes (negative if @size is
 * too small).
 */
static inline int mig_sample_write_chunks(u8 *buf, u32 size, bool precopy,
					  u32 *chunk_end)
{
	struct vgpu_mig_writer w;
	u32 pos = 0, seq = 0;
	int ret;

	if (precopy) {
		vgpu_mig_begin(&w, buf, size, MIG_SAMPLE_TYPE,
			       VGPU_MIG_KIND_PREAMBLE, seq);
		ret = mig_sample_chunk_done(&w, &pos, &seq, chunk_end);
		if (ret)
			return ret;
		vgpu_mig_begin(&w, buf + pos, size - pos, MIG_SAMPLE_TYPE,
			       VGPU_MIG_KIND_EARLY, seq);
		mig_sample_ggtt_base(&w);
		mig_sample_section(&w, VGPU_MIG_SEC_DISPLAY, 1);
		mig_sample_section(&w, VGPU_MIG_SEC_EDID, 0);
		ret = mig_sample_chunk_done(&w, &pos, &seq, chunk_end);
		if (ret)
			return ret;
		vgpu_mig_begin(&w, buf + pos, size - pos, MIG_SAMPLE_TYPE,
			       VGPU_MIG_KIND_EARLY, seq);
		mig_sample_ggtt_delta(&w, mig_sample_delta1_index,
				      mig_sample_delta1_pte,
				      ARRAY_SIZE(mig_sample_delta1_index));
		mig_sample_section(&w, VGPU_MIG_SEC_DISPLAY, 0);
		ret = mig_sample_chunk_done(&w, &pos, &seq, chunk_end);
		if (ret)
			return ret;
	}
	vgpu_mig_begin(&w, buf + pos, size - pos, MIG_SAMPLE_TYPE,
		       VGPU_MIG_KIND_FINAL, seq);
	if (precopy)
		mig_sample_ggtt_delta(&w, mig_sample_delta2_index,
				      mig_sample_delta2_pte,
				      ARRAY_SIZE(mig_sample_delta2_index));
	else
		mig_sample_ggtt_base(&w);
	mig_sample_final_rest(&w, precopy);
	ret = mig_sample_chunk_done(&w, &pos, &seq, chunk_end);
	return ret ? ret : (int)pos;
}

static inline int mig_sample_write(u8 *buf, u32 size, bool precopy)
{
	return mig_sample_write_chunks(buf, size, precopy, NULL);
}

/**
 * struct mig_sample_rx - a destination for samples, its buffers its own
 * @rx: the receiver
 * @buf: its chunk buffer
 * @pte: its GGTT
 * @kept: DISPLAY's and EDID's early copies
 */
struct mig_sample_rx {
	struct vgpu_mig_receiver rx;
	u8 buf[MIG_SAMPLE_MAX];
	u64 pte[MIG_SAMPLE_GGTT_NR];
	u8 kept[2][MIG_SAMPLE_KEPT];
};

static inline void mig_sample_rx_init(struct mig_sample_rx *m, u32 bufsize)
{
	struct vgpu_mig_receiver *rx = &m->rx;

	vgpu_mig_receiver_init(rx, MIG_SAMPLE_TYPE, m->buf,
			       bufsize < sizeof(m->buf) ? bufsize :
			       sizeof(m->buf));
	memset(m->pte, 0, sizeof(m->pte));
	rx->ggtt.pte = m->pte;
	rx->ggtt.nr = MIG_SAMPLE_GGTT_NR;
	rx->ggtt.size = MIG_SAMPLE_SLICE_SIZE;
	rx->kept[VGPU_MIG_SEC_DISPLAY - 1].p = m->kept[0];
	rx->kept[VGPU_MIG_SEC_DISPLAY - 1].size = MIG_SAMPLE_KEPT;
	rx->kept[VGPU_MIG_SEC_EDID - 1].p = m->kept[1];
	rx->kept[VGPU_MIG_SEC_EDID - 1].size = MIG_SAMPLE_KEPT;
}

/*
 * Write @len bytes to a destination as vgpu.ko's data file takes them,
 * in pieces of at most @piece bytes, then end the stream. A write that
 * finds the buffer full is refused as oversized.
 */
static inline enum vgpu_mig_refusal
mig_sample_receive(struct mig_sample_rx *m, const u8 *data, u32 len,
		   u32 piece, struct vgpu_mig_stream *s)
{
	struct vgpu_mig_receiver *rx = &m->rx;
	enum vgpu_mig_refusal why;
	u32 off = 0, n;

	while (off < len) {
		n = rx->size - rx->len;
		if (!n)
			return VGPU_MIG_BAD_OVERSIZED;
		n = n < piece ? n : piece;
		n = n < len - off ? n : len - off;
		memcpy(rx->buf + rx->len, data + off, n);
		why = vgpu_mig_receive(rx, n);
		if (why)
			return why;
		off += n;
	}
	return vgpu_mig_receive_end(rx, s);
}

#endif /* _MIG_STREAM_SAMPLE_H */
