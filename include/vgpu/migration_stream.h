/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGPU migration state stream (docs/migration.md): a sequence of
 * chunks, each a header and sections, each section owned by the file that
 * owns that state in vgpu.ko. This header and
 * drivers/gpu/vgpu/migration_stream.c frame: they write and check the
 * chunk headers and section tables, give the owners a bounds-checked
 * writer and reader, and receive a stream chunk by chunk, assembling the
 * GGTT from its base section and the deltas that follow it. Portable
 * (vgpu/portable.h): the same code is the userspace fuzz target's.
 *
 * Every multi-byte field is little endian. A stream is untrusted input.
 */
#ifndef _VGPU_MIGRATION_STREAM_H
#define _VGPU_MIGRATION_STREAM_H

#include "vgpu/portable.h"

#define VGPU_MIG_MAGIC			0x4d475076	/* "vPGM" */
/* 2: chunks (pre-copy sends GGTT and display early, then changes). */
#define VGPU_MIG_VERSION		2
/* Type names are "small", "medium", ...: NUL padded, NUL terminated. */
#define VGPU_MIG_TYPE_LEN		16
#define VGPU_MIG_HEADER_SIZE		48
#define VGPU_MIG_SECTION_HEADER_SIZE	8
/* No chunk is larger: a large vGPU's full GGTT is 3 MiB of one. */
#define VGPU_MIG_MAX_STREAM		(16U << 20)
/* A GGTT entry in a GGTT or GGTT_DELTA section: index (u32), value (u64). */
#define VGPU_MIG_GGTT_ENTRY		12
/* Before the entries: slice start and size (u64), count (u32); a delta: count. */
#define VGPU_MIG_GGTT_BASE_HEAD		20
#define VGPU_MIG_GGTT_DELTA_HEAD	4

/* What a chunk is; its sequence number is its place in the stream. */
enum vgpu_mig_kind {
	VGPU_MIG_KIND_PREAMBLE,		/* no section; only first (pre-copy) */
	VGPU_MIG_KIND_EARLY,		/* pre-copy: GGTT, display, EDID */
	VGPU_MIG_KIND_FINAL,		/* the stopped device: the rest */
	VGPU_MIG_NR_KINDS,
};

/*
 * Section ids, in the order a destination loads them: the slice and its
 * GGTT before the rings, workloads and planes that point into it.
 */
enum vgpu_mig_section_id {
	VGPU_MIG_SEC_SCHED = 1,		/* schedule.c: weight, cap, priority */
	VGPU_MIG_SEC_CONFIG,		/* cfg_space.c: writable config space */
	VGPU_MIG_SEC_GGTT,		/* gtt.c: the slice and its entries */
	VGPU_MIG_SEC_GGTT_DELTA,	/* gtt.c: entries changed since sent */
	VGPU_MIG_SEC_IRQ,		/* interrupt.c: IIR/IMR/IER, INTx mask */
	VGPU_MIG_SEC_RING,		/* ring.c: ring and error registers */
	VGPU_MIG_SEC_WORKLOAD,		/* submit.c: queued workloads */
	VGPU_MIG_SEC_DISPLAY,		/* display.c: pipes and planes */
	VGPU_MIG_SEC_VBLANK,		/* display.c: frame counters */
	VGPU_MIG_SEC_EDID,		/* edid.c: what each head shows */
	VGPU_MIG_SEC_END,
};

#define VGPU_MIG_SEC_COUNT		(VGPU_MIG_SEC_END - 1)
#define VGPU_MIG_SEC_BIT(id)		(1U << (id))

/* Why a stream was refused (a per-vGPU counter and debug line each). */
enum vgpu_mig_refusal {
	VGPU_MIG_OK,
	VGPU_MIG_BAD_TRUNCATED,		/* shorter than it says */
	VGPU_MIG_BAD_OVERSIZED,		/* longer than any stream */
	VGPU_MIG_BAD_MAGIC,
	VGPU_MIG_BAD_VERSION,
	VGPU_MIG_BAD_TYPE,		/* another vGPU type */
	VGPU_MIG_BAD_HEADER,		/* sizes, counts, kind */
	VGPU_MIG_BAD_CHECKSUM,
	VGPU_MIG_BAD_SECTION,		/* unknown, repeated or missing */
	VGPU_MIG_BAD_CONTENT,		/* a section's owner refused it */
	VGPU_MIG_BAD_ORDER,		/* a chunk or section out of order */
	VGPU_MIG_BAD_ENTRY,		/* a GGTT entry outside, or repeated */
	VGPU_MIG_NR_REFUSALS,
};

/**
 * struct vgpu_mig_writer - appends to a caller-owned buffer
 * @buf: the buffer
 * @size: its bytes
 * @pos: bytes written
 * @overflow: a write did not fit (the stream is then not used)
 * @section: where the open section's header is
 */
struct vgpu_mig_writer {
	u8 *buf;
	u32 size;
	u32 pos;
	bool overflow;
	u32 section;
};

/**
 * struct vgpu_mig_reader - reads one section's payload
 * @p: next byte
 * @left: bytes left in the section
 * @bad: a read went past the end (every read after it gives zeroes)
 */
struct vgpu_mig_reader {
	const u8 *p;
	u32 left;
	bool bad;
};

/**
 * struct vgpu_mig_stream - the sections of a checked chunk
 * @section: per id (index id - 1), the payload; @section[i].p is NULL
 *	when absent
 */
struct vgpu_mig_stream {
	struct vgpu_mig_reader section[VGPU_MIG_SEC_COUNT];
};

/**
 * struct vgpu_mig_chunk - what a chunk's header says
 * @kind: enum vgpu_mig_kind
 * @seq: its place in the stream, from 0
 * @nr: sections
 * @total: bytes, header included
 */
struct vgpu_mig_chunk {
	enum vgpu_mig_kind kind;
	u32 seq;
	u32 nr;
	u32 total;
};

/**
 * struct vgpu_mig_assembly - what the chunks taken so far had
 * @seq: chunks taken (the next one's sequence number)
 * @seen: VGPU_MIG_SEC_BIT() of every section taken
 * @final: the final chunk was taken: nothing may follow
 */
struct vgpu_mig_assembly {
	u32 seq;
	u32 seen;
	bool final;
};

/**
 * struct vgpu_mig_ggtt - a GGTT assembled from its base and deltas
 * @pte: @nr entries as the guest wrote them, 0 when not set (caller-owned)
 * @nr: entries of the destination's slice
 * @size: bytes of the destination's slice; the base must say the same
 * @start: where the source's slice starts (from the base)
 */
struct vgpu_mig_ggtt {
	u64 *pte;
	u32 nr;
	u64 size;
	u64 start;
};

/**
 * struct vgpu_mig_kept - the last payload of a section sent early
 * @p: caller-owned buffer
 * @size: its bytes (the section's longest payload)
 * @len: bytes kept
 */
struct vgpu_mig_kept {
	u8 *p;
	u32 size;
	u32 len;
};

/**
 * struct vgpu_mig_receiver - takes a stream as it is written, chunk by chunk
 * @type: the destination's type name
 * @buf: caller-owned; holds an incomplete chunk, or the final chunk
 * @size: bytes of @buf: the longest chunk the destination takes
 * @len: bytes in @buf
 * @a: the chunks taken
 * @ggtt: the GGTT, base and deltas applied in order
 * @kept: per section id (index id - 1), the last payload of the sections
 *	that come early and may be resent whole (@kept[i].p NULL: none)
 * @refused: why the stream was refused, VGPU_MIG_OK while it is not
 */
struct vgpu_mig_receiver {
	const char *type;
	u8 *buf;
	u32 size;
	u32 len;
	struct vgpu_mig_assembly a;
	struct vgpu_mig_ggtt ggtt;
	struct vgpu_mig_kept kept[VGPU_MIG_SEC_COUNT];
	enum vgpu_mig_refusal refused;
};

void vgpu_mig_begin(struct vgpu_mig_writer *w, u8 *buf, u32 size,
		    const char *type, enum vgpu_mig_kind kind, u32 seq);
void vgpu_mig_section_begin(struct vgpu_mig_writer *w,
			    enum vgpu_mig_section_id id);
void vgpu_mig_section_end(struct vgpu_mig_writer *w);
int vgpu_mig_end(struct vgpu_mig_writer *w);

void vgpu_mig_put_u8(struct vgpu_mig_writer *w, u8 v);
void vgpu_mig_put_u32(struct vgpu_mig_writer *w, u32 v);
void vgpu_mig_put_u64(struct vgpu_mig_writer *w, u64 v);
void vgpu_mig_put_bytes(struct vgpu_mig_writer *w, const void *p, u32 len);

u8 vgpu_mig_get_u8(struct vgpu_mig_reader *r);
u32 vgpu_mig_get_u32(struct vgpu_mig_reader *r);
u64 vgpu_mig_get_u64(struct vgpu_mig_reader *r);
void vgpu_mig_get_bytes(struct vgpu_mig_reader *r, void *p, u32 len);
bool vgpu_mig_reader_done(const struct vgpu_mig_reader *r);

enum vgpu_mig_refusal vgpu_mig_check_header(const u8 *buf, u32 len,
					    const char *type,
					    struct vgpu_mig_chunk *c);
enum vgpu_mig_refusal vgpu_mig_parse_chunk(struct vgpu_mig_assembly *a,
					   const u8 *buf, u32 len,
					   const char *type,
					   struct vgpu_mig_stream *s);
enum vgpu_mig_refusal vgpu_mig_ggtt_take(struct vgpu_mig_ggtt *g,
					 struct vgpu_mig_reader r, bool base);

void vgpu_mig_receiver_init(struct vgpu_mig_receiver *rx, const char *type,
			    u8 *buf, u32 size);
enum vgpu_mig_refusal vgpu_mig_receive(struct vgpu_mig_receiver *rx,
				       u32 added);
enum vgpu_mig_refusal vgpu_mig_receive_end(struct vgpu_mig_receiver *rx,
					   struct vgpu_mig_stream *s);

const char *vgpu_mig_refusal_name(enum vgpu_mig_refusal why);
int vgpu_mig_refusal_errno(enum vgpu_mig_refusal why);

#endif /* _VGPU_MIGRATION_STREAM_H */
