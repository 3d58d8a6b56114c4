/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vGPU migration state stream (docs/migration.md): a header, then
 * sections, each owned by the file that owns that state in vgpu.ko. This
 * header and drivers/gpu/vgpu/migration_stream.c only frame: they write
 * and check the header and the section table, and give the owners a
 * bounds-checked writer and reader. Portable (vgpu/portable.h): the same
 * code is the userspace fuzz target's parser.
 *
 * Every multi-byte field is little endian. A stream is untrusted input.
 */
#ifndef _VGPU_MIGRATION_STREAM_H
#define _VGPU_MIGRATION_STREAM_H

#include "vgpu/portable.h"

#define VGPU_MIG_MAGIC			0x4d475076	/* "vPGM" */
#define VGPU_MIG_VERSION		1
/* Type names are "small", "medium", ...: NUL padded, NUL terminated. */
#define VGPU_MIG_TYPE_LEN		16
#define VGPU_MIG_HEADER_SIZE		40
#define VGPU_MIG_SECTION_HEADER_SIZE	8
/* No stream is larger: a large vGPU's full GGTT is 3 MiB of it. */
#define VGPU_MIG_MAX_STREAM		(16U << 20)

/*
 * Section ids, in the order a destination loads them: the slice and its
 * GGTT before the rings, workloads and planes that point into it.
 */
enum vgpu_mig_section_id {
	VGPU_MIG_SEC_SCHED = 1,		/* schedule.c: weight, cap, priority */
	VGPU_MIG_SEC_CONFIG,		/* cfg_space.c: writable config space */
	VGPU_MIG_SEC_GGTT,		/* gtt.c: the slice and its entries */
	VGPU_MIG_SEC_IRQ,		/* interrupt.c: IIR/IMR/IER, INTx mask */
	VGPU_MIG_SEC_RING,		/* ring.c: ring and error registers */
	VGPU_MIG_SEC_WORKLOAD,		/* submit.c: queued workloads */
	VGPU_MIG_SEC_DISPLAY,		/* display.c: pipes and planes */
	VGPU_MIG_SEC_EDID,		/* edid.c: what each head shows */
	VGPU_MIG_SEC_END,
};

#define VGPU_MIG_SEC_COUNT		(VGPU_MIG_SEC_END - 1)

/* Why a stream was refused (a per-vGPU counter and debug line each). */
enum vgpu_mig_refusal {
	VGPU_MIG_OK,
	VGPU_MIG_BAD_TRUNCATED,		/* shorter than it says */
	VGPU_MIG_BAD_OVERSIZED,		/* longer than any stream */
	VGPU_MIG_BAD_MAGIC,
	VGPU_MIG_BAD_VERSION,
	VGPU_MIG_BAD_TYPE,		/* another vGPU type */
	VGPU_MIG_BAD_HEADER,		/* sizes, counts, reserved bits */
	VGPU_MIG_BAD_CHECKSUM,
	VGPU_MIG_BAD_SECTION,		/* unknown, repeated or missing */
	VGPU_MIG_BAD_CONTENT,		/* a section's owner refused it */
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
 * struct vgpu_mig_stream - a checked stream
 * @section: per id (index id - 1), the payload; @section[i].p is NULL
 *	when absent
 */
struct vgpu_mig_stream {
	struct vgpu_mig_reader section[VGPU_MIG_SEC_COUNT];
};

void vgpu_mig_begin(struct vgpu_mig_writer *w, u8 *buf, u32 size,
		    const char *type);
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
					    const char *type, u32 *total);
enum vgpu_mig_refusal vgpu_mig_parse(const u8 *buf, u32 len,
				     const char *type,
				     struct vgpu_mig_stream *s);
const char *vgpu_mig_refusal_name(enum vgpu_mig_refusal why);
int vgpu_mig_refusal_errno(enum vgpu_mig_refusal why);

#endif /* _VGPU_MIGRATION_STREAM_H */
