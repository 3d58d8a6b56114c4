// SPDX-License-Identifier: GPL-2.0
/*
 * The framing of the migration state stream (docs/migration.md): the
 * header, the section table and a checksum, and the bounds-checked writer
 * and reader the sections' owners use. What a section holds is its
 * owner's business; here every byte is only counted and checked against
 * the header. Portable: built into vgpu.ko and into the userspace fuzz
 * target (drivers/gpu/vgpu/tests/).
 *
 * Header (VGPU_MIG_HEADER_SIZE bytes, little endian):
 *	 0 magic		VGPU_MIG_MAGIC
 *	 4 version		VGPU_MIG_VERSION
 *	 8 header size		VGPU_MIG_HEADER_SIZE
 *	12 type name		VGPU_MIG_TYPE_LEN bytes, NUL padded
 *	28 section count
 *	32 payload bytes	everything after the header
 *	36 checksum		CRC-32 (IEEE) of the payload
 * A header with no section and no payload is the pre-copy preamble: it
 * may come first, so that a destination refuses another type or version
 * while the source still runs; the state follows it.
 * Section (VGPU_MIG_SECTION_HEADER_SIZE bytes, then its payload):
 *	 0 id (16 bits)	enum vgpu_mig_section_id
 *	 2 version (16 bits)	VGPU_MIG_VERSION
 *	 4 payload bytes
 */
#include "vgpu/migration_stream.h"

enum {
	VGPU_MIG_OFF_MAGIC = 0,
	VGPU_MIG_OFF_VERSION = 4,
	VGPU_MIG_OFF_HSIZE = 8,
	VGPU_MIG_OFF_TYPE = 12,
	VGPU_MIG_OFF_NR = VGPU_MIG_OFF_TYPE + VGPU_MIG_TYPE_LEN,
	VGPU_MIG_OFF_PAYLOAD = VGPU_MIG_OFF_NR + 4,
	VGPU_MIG_OFF_CHECKSUM = VGPU_MIG_OFF_PAYLOAD + 4,
	VGPU_MIG_OFF_END = VGPU_MIG_OFF_CHECKSUM + 4,
};

enum {
	VGPU_MIG_SOFF_ID = 0,
	VGPU_MIG_SOFF_VERSION = 2,
	VGPU_MIG_SOFF_SIZE = 4,
};

#define VGPU_MIG_CRC_INIT	0xffffffffU
#define VGPU_MIG_CRC_POLY	0xedb88320U	/* IEEE 802.3, reflected */
#define VGPU_MIG_NIBBLE_BITS	4
#define VGPU_MIG_NIBBLE_MASK	0xfU

static u32 vgpu_mig_rd16(const u8 *p)
{
	return p[0] | (u32)p[1] << 8;
}

static u32 vgpu_mig_rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void vgpu_mig_wr16(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void vgpu_mig_wr32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * CRC-32 four bits at a time: a 16-entry table is small enough to build
 * on each call and fast enough for the few MiB a stream has.
 */
static u32 vgpu_mig_crc32(const u8 *p, u32 len)
{
	u32 table[VGPU_MIG_NIBBLE_MASK + 1];
	u32 crc = VGPU_MIG_CRC_INIT, c, i, b;

	for (i = 0; i <= VGPU_MIG_NIBBLE_MASK; i++) {
		c = i;
		for (b = 0; b < VGPU_MIG_NIBBLE_BITS; b++)
			c = c & 1 ? (c >> 1) ^ VGPU_MIG_CRC_POLY : c >> 1;
		table[i] = c;
	}
	for (i = 0; i < len; i++) {
		crc ^= p[i];
		crc = (crc >> VGPU_MIG_NIBBLE_BITS) ^
		      table[crc & VGPU_MIG_NIBBLE_MASK];
		crc = (crc >> VGPU_MIG_NIBBLE_BITS) ^
		      table[crc & VGPU_MIG_NIBBLE_MASK];
	}
	return ~crc;
}

/* ---- writing ---- */

static u8 *vgpu_mig_reserve(struct vgpu_mig_writer *w, u32 len)
{
	u8 *p;

	if (w->overflow || len > w->size - w->pos) {
		w->overflow = true;
		return NULL;
	}
	p = w->buf + w->pos;
	w->pos += len;
	return p;
}

/**
 * vgpu_mig_begin() - start a stream in a buffer
 * @w: the writer
 * @buf: the buffer
 * @size: its bytes
 * @type: the vGPU type's name
 */
void vgpu_mig_begin(struct vgpu_mig_writer *w, u8 *buf, u32 size,
		    const char *type)
{
	u8 *h;

	BUILD_BUG_ON(VGPU_MIG_OFF_END != VGPU_MIG_HEADER_SIZE);
	w->buf = buf;
	w->size = size;
	w->pos = 0;
	w->overflow = false;
	w->section = 0;
	h = vgpu_mig_reserve(w, VGPU_MIG_HEADER_SIZE);
	if (!h)
		return;
	memset(h, 0, VGPU_MIG_HEADER_SIZE);
	vgpu_mig_wr32(h + VGPU_MIG_OFF_MAGIC, VGPU_MIG_MAGIC);
	vgpu_mig_wr32(h + VGPU_MIG_OFF_VERSION, VGPU_MIG_VERSION);
	vgpu_mig_wr32(h + VGPU_MIG_OFF_HSIZE, VGPU_MIG_HEADER_SIZE);
	/* NUL padded: the last byte always stays 0. */
	memcpy(h + VGPU_MIG_OFF_TYPE, type,
	       min_t(size_t, strlen(type), VGPU_MIG_TYPE_LEN - 1));
}

/**
 * vgpu_mig_section_begin() - open a section (one at a time)
 * @w: the writer
 * @id: the section
 */
void vgpu_mig_section_begin(struct vgpu_mig_writer *w,
			    enum vgpu_mig_section_id id)
{
	u32 at = w->pos;
	u8 *s = vgpu_mig_reserve(w, VGPU_MIG_SECTION_HEADER_SIZE);

	if (!s)
		return;
	vgpu_mig_wr16(s + VGPU_MIG_SOFF_ID, id);
	vgpu_mig_wr16(s + VGPU_MIG_SOFF_VERSION, VGPU_MIG_VERSION);
	w->section = at;
}

/**
 * vgpu_mig_section_end() - close the open section: its size is now known
 * @w: the writer
 */
void vgpu_mig_section_end(struct vgpu_mig_writer *w)
{
	u8 *h = w->buf;

	if (w->overflow)
		return;
	vgpu_mig_wr32(w->buf + w->section + VGPU_MIG_SOFF_SIZE,
		      w->pos - w->section - VGPU_MIG_SECTION_HEADER_SIZE);
	vgpu_mig_wr32(h + VGPU_MIG_OFF_NR,
		      vgpu_mig_rd32(h + VGPU_MIG_OFF_NR) + 1);
}

/**
 * vgpu_mig_end() - finish the stream: payload size and checksum
 * @w: the writer
 *
 * Return: the stream's bytes, or -ENOSPC when it did not fit.
 */
int vgpu_mig_end(struct vgpu_mig_writer *w)
{
	u32 payload;

	if (w->overflow)
		return -ENOSPC;
	payload = w->pos - VGPU_MIG_HEADER_SIZE;
	vgpu_mig_wr32(w->buf + VGPU_MIG_OFF_PAYLOAD, payload);
	vgpu_mig_wr32(w->buf + VGPU_MIG_OFF_CHECKSUM,
		      vgpu_mig_crc32(w->buf + VGPU_MIG_HEADER_SIZE, payload));
	return w->pos;
}

void vgpu_mig_put_bytes(struct vgpu_mig_writer *w, const void *p, u32 len)
{
	u8 *d = vgpu_mig_reserve(w, len);

	if (d)
		memcpy(d, p, len);
}

void vgpu_mig_put_u8(struct vgpu_mig_writer *w, u8 v)
{
	vgpu_mig_put_bytes(w, &v, sizeof(v));
}

void vgpu_mig_put_u32(struct vgpu_mig_writer *w, u32 v)
{
	u8 *d = vgpu_mig_reserve(w, sizeof(v));

	if (d)
		vgpu_mig_wr32(d, v);
}

void vgpu_mig_put_u64(struct vgpu_mig_writer *w, u64 v)
{
	vgpu_mig_put_u32(w, (u32)v);
	vgpu_mig_put_u32(w, (u32)(v >> 32));
}

/* ---- reading ---- */

/* Past the end a reader gives zeroes and remembers it was misused. */
static const u8 *vgpu_mig_take(struct vgpu_mig_reader *r, u32 len)
{
	const u8 *p;

	if (r->bad || len > r->left) {
		r->bad = true;
		return NULL;
	}
	p = r->p;
	r->p += len;
	r->left -= len;
	return p;
}

void vgpu_mig_get_bytes(struct vgpu_mig_reader *r, void *p, u32 len)
{
	const u8 *s = vgpu_mig_take(r, len);

	if (s)
		memcpy(p, s, len);
	else
		memset(p, 0, len);
}

u8 vgpu_mig_get_u8(struct vgpu_mig_reader *r)
{
	const u8 *s = vgpu_mig_take(r, 1);

	return s ? *s : 0;
}

u32 vgpu_mig_get_u32(struct vgpu_mig_reader *r)
{
	const u8 *s = vgpu_mig_take(r, sizeof(u32));

	return s ? vgpu_mig_rd32(s) : 0;
}

u64 vgpu_mig_get_u64(struct vgpu_mig_reader *r)
{
	u64 lo = vgpu_mig_get_u32(r);

	return lo | (u64)vgpu_mig_get_u32(r) << 32;
}

/**
 * vgpu_mig_reader_done() - was the section read exactly to its end?
 * @r: the reader
 *
 * Return: true when no read went past the end and nothing is left over.
 */
bool vgpu_mig_reader_done(const struct vgpu_mig_reader *r)
{
	return !r->bad && !r->left;
}

/**
 * vgpu_mig_check_header() - check a stream's header alone
 * @buf: the stream's first bytes
 * @len: how many there are (at least VGPU_MIG_HEADER_SIZE)
 * @type: the destination's type name
 * @total: set to the whole stream's bytes when the header is good
 *
 * Lets the destination refuse a stream for another type or version as
 * soon as its header arrives.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_check_header(const u8 *buf, u32 len,
					    const char *type, u32 *total)
{
	char name[VGPU_MIG_TYPE_LEN] = {};
	u32 payload, nr;

	if (len < VGPU_MIG_HEADER_SIZE)
		return VGPU_MIG_BAD_TRUNCATED;
	if (vgpu_mig_rd32(buf + VGPU_MIG_OFF_MAGIC) != VGPU_MIG_MAGIC)
		return VGPU_MIG_BAD_MAGIC;
	if (vgpu_mig_rd32(buf + VGPU_MIG_OFF_VERSION) != VGPU_MIG_VERSION)
		return VGPU_MIG_BAD_VERSION;
	if (vgpu_mig_rd32(buf + VGPU_MIG_OFF_HSIZE) != VGPU_MIG_HEADER_SIZE)
		return VGPU_MIG_BAD_HEADER;
	/* The whole field, padding included, as the source writes it. */
	memcpy(name, type, min_t(size_t, strlen(type), sizeof(name) - 1));
	if (memcmp(name, buf + VGPU_MIG_OFF_TYPE, sizeof(name)))
		return VGPU_MIG_BAD_TYPE;
	payload = vgpu_mig_rd32(buf + VGPU_MIG_OFF_PAYLOAD);
	nr = vgpu_mig_rd32(buf + VGPU_MIG_OFF_NR);
	if (payload > VGPU_MIG_MAX_STREAM - VGPU_MIG_HEADER_SIZE)
		return VGPU_MIG_BAD_OVERSIZED;
	/* Either every section, or none: a pre-copy preamble. */
	if (nr != VGPU_MIG_SEC_COUNT && (nr || payload))
		return VGPU_MIG_BAD_HEADER;
	*total = VGPU_MIG_HEADER_SIZE + payload;
	return VGPU_MIG_OK;
}

/**
 * vgpu_mig_parse() - check a whole stream and find its sections
 * @buf: the stream
 * @len: its bytes as received
 * @type: the destination's type name
 * @s: set to each section's payload
 *
 * The header must describe exactly @len bytes, the checksum must match,
 * and every section must be known, of this version, inside the payload
 * and present exactly once. The sections' contents are their owners' to
 * check.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_parse(const u8 *buf, u32 len,
				     const char *type,
				     struct vgpu_mig_stream *s)
{
	enum vgpu_mig_refusal why;
	u32 total, pos, i, id, size;

	memset(s, 0, sizeof(*s));
	if (len > VGPU_MIG_MAX_STREAM)
		return VGPU_MIG_BAD_OVERSIZED;
	why = vgpu_mig_check_header(buf, len, type, &total);
	if (why)
		return why;
	/* A pre-copy preamble (no sections) comes before the state. */
	if (total == VGPU_MIG_HEADER_SIZE) {
		buf += total;
		len -= total;
		why = vgpu_mig_check_header(buf, len, type, &total);
		if (why)
			return why;
		if (total == VGPU_MIG_HEADER_SIZE)
			return VGPU_MIG_BAD_HEADER;
	}
	if (len < total)
		return VGPU_MIG_BAD_TRUNCATED;
	if (len > total)
		return VGPU_MIG_BAD_OVERSIZED;
	if (vgpu_mig_crc32(buf + VGPU_MIG_HEADER_SIZE,
			   total - VGPU_MIG_HEADER_SIZE) !=
	    vgpu_mig_rd32(buf + VGPU_MIG_OFF_CHECKSUM))
		return VGPU_MIG_BAD_CHECKSUM;

	pos = VGPU_MIG_HEADER_SIZE;
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		if (total - pos < VGPU_MIG_SECTION_HEADER_SIZE)
			return VGPU_MIG_BAD_TRUNCATED;
		id = vgpu_mig_rd16(buf + pos + VGPU_MIG_SOFF_ID);
		size = vgpu_mig_rd32(buf + pos + VGPU_MIG_SOFF_SIZE);
		if (id < VGPU_MIG_SEC_SCHED || id >= VGPU_MIG_SEC_END ||
		    s->section[id - 1].p ||
		    vgpu_mig_rd16(buf + pos + VGPU_MIG_SOFF_VERSION) !=
		    VGPU_MIG_VERSION)
			return VGPU_MIG_BAD_SECTION;
		pos += VGPU_MIG_SECTION_HEADER_SIZE;
		if (size > total - pos)
			return VGPU_MIG_BAD_TRUNCATED;
		s->section[id - 1].p = buf + pos;
		s->section[id - 1].left = size;
		pos += size;
	}
	/* Every id once, and nothing after the last section. */
	return pos == total ? VGPU_MIG_OK : VGPU_MIG_BAD_HEADER;
}

static const char *const vgpu_mig_refusal_names[VGPU_MIG_NR_REFUSALS] = {
	[VGPU_MIG_OK] = "ok",
	[VGPU_MIG_BAD_TRUNCATED] = "truncated",
	[VGPU_MIG_BAD_OVERSIZED] = "oversized",
	[VGPU_MIG_BAD_MAGIC] = "bad magic",
	[VGPU_MIG_BAD_VERSION] = "unsupported version",
	[VGPU_MIG_BAD_TYPE] = "another vGPU type",
	[VGPU_MIG_BAD_HEADER] = "bad header",
	[VGPU_MIG_BAD_CHECKSUM] = "bad checksum",
	[VGPU_MIG_BAD_SECTION] = "bad section table",
	[VGPU_MIG_BAD_CONTENT] = "section content refused",
};

const char *vgpu_mig_refusal_name(enum vgpu_mig_refusal why)
{
	return why < VGPU_MIG_NR_REFUSALS ? vgpu_mig_refusal_names[why] : "?";
}

/* What the RESUMING -> STOP arc (or the write that found it) returns. */
int vgpu_mig_refusal_errno(enum vgpu_mig_refusal why)
{
	switch (why) {
	case VGPU_MIG_OK:
		return 0;
	case VGPU_MIG_BAD_VERSION:
		return -EPROTONOSUPPORT;
	case VGPU_MIG_BAD_OVERSIZED:
		return -EFBIG;
	default:
		return -EINVAL;
	}
}
