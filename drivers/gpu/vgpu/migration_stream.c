// SPDX-License-Identifier: GPL-2.0
/*
 * The framing of the migration state stream (docs/migration.md): chunk
 * headers, section tables and checksums, the bounds-checked writer and
 * reader the sections' owners use, and the receiver that takes a stream
 * chunk by chunk. What a section holds is its owner's business, with one
 * exception: the receiver applies GGTT deltas to the GGTT sent before
 * them, so it knows the layout of the GGTT's entry table (gtt.c writes
 * it; the entries' values stay gtt.c's to check). Portable: built into
 * vgpu.ko and into the userspace tests and fuzz target
 * (drivers/gpu/vgpu/tests/).
 *
 * A stream is a sequence of chunks. Chunk header (VGPU_MIG_HEADER_SIZE
 * bytes, little endian):
 *	 0 magic		VGPU_MIG_MAGIC
 *	 4 version		VGPU_MIG_VERSION
 *	 8 header size		VGPU_MIG_HEADER_SIZE
 *	12 type name		VGPU_MIG_TYPE_LEN bytes, NUL padded
 *	28 kind			enum vgpu_mig_kind
 *	32 sequence		the chunk's place in the stream, from 0
 *	36 section count
 *	40 payload bytes	everything after the header
 *	44 checksum		CRC-32 (IEEE) of the payload
 * A preamble (no section) may come first, so that a destination refuses
 * another type or version while the source still runs; early chunks
 * (pre-copy) carry the GGTT, the display and the EDIDs, then their
 * changes; the final chunk the rest and what changed since. A stream
 * saved without pre-copy is one final chunk.
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
	VGPU_MIG_OFF_KIND = VGPU_MIG_OFF_TYPE + VGPU_MIG_TYPE_LEN,
	VGPU_MIG_OFF_SEQ = VGPU_MIG_OFF_KIND + 4,
	VGPU_MIG_OFF_NR = VGPU_MIG_OFF_SEQ + 4,
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
 * vgpu_mig_begin() - start a chunk in a buffer
 * @w: the writer
 * @buf: the buffer
 * @size: its bytes
 * @type: the vGPU type's name
 * @kind: what the chunk is
 * @seq: its place in the stream (0 for the first)
 */
void vgpu_mig_begin(struct vgpu_mig_writer *w, u8 *buf, u32 size,
		    const char *type, enum vgpu_mig_kind kind, u32 seq)
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
	vgpu_mig_wr32(h + VGPU_MIG_OFF_KIND, kind);
	vgpu_mig_wr32(h + VGPU_MIG_OFF_SEQ, seq);
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
 * vgpu_mig_end() - finish the chunk: payload size and checksum
 * @w: the writer
 *
 * Return: the chunk's bytes, or -ENOSPC when it did not fit.
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

/* ---- checking ---- */

/* Sections each kind of chunk may hold. */
static const u32 vgpu_mig_allowed[VGPU_MIG_NR_KINDS] = {
	[VGPU_MIG_KIND_PREAMBLE] = 0,
	[VGPU_MIG_KIND_EARLY] = VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT) |
				VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT_DELTA) |
				VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_DISPLAY) |
				VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_EDID),
	[VGPU_MIG_KIND_FINAL] = ((1U << VGPU_MIG_SEC_END) - 1) &
				~VGPU_MIG_SEC_BIT(0),
};

/* What changes while the guest runs: only in the final chunk. */
#define VGPU_MIG_FINAL_ONLY	(VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_SCHED) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_CONFIG) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_IRQ) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_RING) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_WORKLOAD) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_VBLANK))
/* What a whole stream must have had by its end (a delta is optional). */
#define VGPU_MIG_NEEDED		(VGPU_MIG_FINAL_ONLY |			\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_DISPLAY) |	\
				 VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_EDID))

/**
 * vgpu_mig_check_header() - check a chunk's header alone
 * @buf: the chunk's first bytes
 * @len: how many there are (at least VGPU_MIG_HEADER_SIZE)
 * @type: the destination's type name
 * @c: set to what the header says when it is good
 *
 * Lets the destination refuse a stream for another type or version as
 * soon as its first header arrives, and find where a chunk ends.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_check_header(const u8 *buf, u32 len,
					    const char *type,
					    struct vgpu_mig_chunk *c)
{
	char name[VGPU_MIG_TYPE_LEN] = {};
	u32 payload, nr, kind;
	bool preamble;

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
	kind = vgpu_mig_rd32(buf + VGPU_MIG_OFF_KIND);
	payload = vgpu_mig_rd32(buf + VGPU_MIG_OFF_PAYLOAD);
	nr = vgpu_mig_rd32(buf + VGPU_MIG_OFF_NR);
	if (payload > VGPU_MIG_MAX_STREAM - VGPU_MIG_HEADER_SIZE)
		return VGPU_MIG_BAD_OVERSIZED;
	/* A preamble has no section, every other chunk some. */
	preamble = kind == VGPU_MIG_KIND_PREAMBLE;
	if (kind >= VGPU_MIG_NR_KINDS || nr > VGPU_MIG_SEC_COUNT ||
	    preamble != !nr ||
	    (u64)nr * VGPU_MIG_SECTION_HEADER_SIZE > payload)
		return VGPU_MIG_BAD_HEADER;
	c->kind = kind;
	c->seq = vgpu_mig_rd32(buf + VGPU_MIG_OFF_SEQ);
	c->nr = nr;
	c->total = VGPU_MIG_HEADER_SIZE + payload;
	return VGPU_MIG_OK;
}

/* May chunk @c come after those @a took? */
static enum vgpu_mig_refusal vgpu_mig_check_next(const struct vgpu_mig_assembly *a,
						 const struct vgpu_mig_chunk *c)
{
	if (a->final || c->seq != a->seq ||
	    (c->kind == VGPU_MIG_KIND_PREAMBLE && c->seq))
		return VGPU_MIG_BAD_ORDER;
	return VGPU_MIG_OK;
}

/**
 * vgpu_mig_parse_chunk() - check the next chunk of a stream, find its sections
 * @a: the chunks before it; updated when the chunk is good
 * @buf: the chunk
 * @len: its bytes as received
 * @type: the destination's type name
 * @s: set to each section's payload
 *
 * The header must describe exactly @len bytes and come next in the
 * stream, the checksum must match, and every section must be known, of
 * this version, inside the payload, present once and allowed in this
 * kind of chunk; a GGTT delta needs its base in an earlier chunk, a base
 * comes once, and by the final chunk every section has come. The
 * sections' contents are their owners' to check.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_parse_chunk(struct vgpu_mig_assembly *a,
					   const u8 *buf, u32 len,
					   const char *type,
					   struct vgpu_mig_stream *s)
{
	enum vgpu_mig_refusal why;
	struct vgpu_mig_chunk c;
	u32 pos, i, id, size, here = 0;

	memset(s, 0, sizeof(*s));
	if (len > VGPU_MIG_MAX_STREAM)
		return VGPU_MIG_BAD_OVERSIZED;
	why = vgpu_mig_check_header(buf, len, type, &c);
	if (!why)
		why = vgpu_mig_check_next(a, &c);
	if (why)
		return why;
	if (len < c.total)
		return VGPU_MIG_BAD_TRUNCATED;
	if (len > c.total)
		return VGPU_MIG_BAD_OVERSIZED;
	if (vgpu_mig_crc32(buf + VGPU_MIG_HEADER_SIZE,
			   c.total - VGPU_MIG_HEADER_SIZE) !=
	    vgpu_mig_rd32(buf + VGPU_MIG_OFF_CHECKSUM))
		return VGPU_MIG_BAD_CHECKSUM;

	pos = VGPU_MIG_HEADER_SIZE;
	for (i = 0; i < c.nr; i++) {
		if (c.total - pos < VGPU_MIG_SECTION_HEADER_SIZE)
			return VGPU_MIG_BAD_TRUNCATED;
		id = vgpu_mig_rd16(buf + pos + VGPU_MIG_SOFF_ID);
		size = vgpu_mig_rd32(buf + pos + VGPU_MIG_SOFF_SIZE);
		if (id < VGPU_MIG_SEC_SCHED || id >= VGPU_MIG_SEC_END ||
		    (here & VGPU_MIG_SEC_BIT(id)) ||
		    !(vgpu_mig_allowed[c.kind] & VGPU_MIG_SEC_BIT(id)) ||
		    vgpu_mig_rd16(buf + pos + VGPU_MIG_SOFF_VERSION) !=
		    VGPU_MIG_VERSION)
			return VGPU_MIG_BAD_SECTION;
		here |= VGPU_MIG_SEC_BIT(id);
		pos += VGPU_MIG_SECTION_HEADER_SIZE;
		if (size > c.total - pos)
			return VGPU_MIG_BAD_TRUNCATED;
		s->section[id - 1].p = buf + pos;
		s->section[id - 1].left = size;
		pos += size;
	}
	/* Nothing after the last section. */
	if (pos != c.total)
		return VGPU_MIG_BAD_HEADER;
	/* A base and a delta in one chunk: the source never writes that. */
	if ((here & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT)) &&
	    (here & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT_DELTA)))
		return VGPU_MIG_BAD_SECTION;
	/* A delta without the base it changes, or the base twice. */
	if (((here & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT_DELTA)) &&
	     !(a->seen & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT))) ||
	    (here & a->seen & VGPU_MIG_SEC_BIT(VGPU_MIG_SEC_GGTT)))
		return VGPU_MIG_BAD_ORDER;
	if (c.kind == VGPU_MIG_KIND_FINAL &&
	    ((here & VGPU_MIG_FINAL_ONLY) != VGPU_MIG_FINAL_ONLY ||
	     ((here | a->seen) & VGPU_MIG_NEEDED) != VGPU_MIG_NEEDED))
		return VGPU_MIG_BAD_SECTION;
	a->seq++;
	a->seen |= here;
	a->final = c.kind == VGPU_MIG_KIND_FINAL;
	return VGPU_MIG_OK;
}

/**
 * vgpu_mig_ggtt_take() - apply a GGTT or GGTT_DELTA section
 * @g: the GGTT so far (all zero before the base)
 * @r: the section's payload
 * @base: a GGTT section (the slice and every entry set), else a delta
 *
 * A base holds the slice's start and size (u64), then the entry table;
 * a delta only the table: a count (u32), then per entry its index in the
 * slice (u32) and its value (u64), indices rising. A base's entries are
 * not zero; a delta's zero clears an entry. Whether a value is an entry
 * the guest could have written is the GGTT's owner to check, when it
 * loads the result.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_ggtt_take(struct vgpu_mig_ggtt *g,
					 struct vgpu_mig_reader r, bool base)
{
	u32 n, i, index, next = 0;
	u64 pte;

	if (base) {
		g->start = vgpu_mig_get_u64(&r);
		if (vgpu_mig_get_u64(&r) != g->size)
			return VGPU_MIG_BAD_CONTENT;
	}
	n = vgpu_mig_get_u32(&r);
	if (r.bad || n > g->nr || (u64)n * VGPU_MIG_GGTT_ENTRY != r.left)
		return VGPU_MIG_BAD_CONTENT;
	for (i = 0; i < n; i++) {
		index = vgpu_mig_get_u32(&r);
		pte = vgpu_mig_get_u64(&r);
		/* Rising: none repeated; below @nr: inside the slice. */
		if (index < next || index >= g->nr)
			return VGPU_MIG_BAD_ENTRY;
		if (base && !pte)
			return VGPU_MIG_BAD_CONTENT;
		g->pte[index] = pte;
		next = index + 1;
	}
	return VGPU_MIG_OK;
}

/* ---- receiving ---- */

/**
 * vgpu_mig_receiver_init() - a destination ready for a stream
 * @rx: the receiver; the caller then sets @rx->ggtt (its slice, a zeroed
 *	entry array) and the @rx->kept buffers of the sections that come
 *	early and are resent whole
 * @type: the destination's type name
 * @buf: buffer for one chunk
 * @size: its bytes: the longest chunk the destination takes
 */
void vgpu_mig_receiver_init(struct vgpu_mig_receiver *rx, const char *type,
			    u8 *buf, u32 size)
{
	memset(rx, 0, sizeof(*rx));
	rx->type = type;
	rx->buf = buf;
	rx->size = size;
}

/* An early chunk or the final one arrived whole: stage its sections. */
static enum vgpu_mig_refusal vgpu_mig_stage(struct vgpu_mig_receiver *rx,
					    u32 len, struct vgpu_mig_stream *s)
{
	struct vgpu_mig_reader *r;
	struct vgpu_mig_kept *k;
	enum vgpu_mig_refusal why;
	unsigned int i;

	why = vgpu_mig_parse_chunk(&rx->a, rx->buf, len, rx->type, s);
	if (why)
		return why;
	r = &s->section[VGPU_MIG_SEC_GGTT - 1];
	if (r->p)
		why = vgpu_mig_ggtt_take(&rx->ggtt, *r, true);
	r = &s->section[VGPU_MIG_SEC_GGTT_DELTA - 1];
	if (!why && r->p)
		why = vgpu_mig_ggtt_take(&rx->ggtt, *r, false);
	if (why)
		return why;
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		r = &s->section[i];
		k = &rx->kept[i];
		if (!r->p || !k->p)
			continue;
		if (r->left > k->size)
			return VGPU_MIG_BAD_OVERSIZED;
		memcpy(k->p, r->p, r->left);
		k->len = r->left;
	}
	return VGPU_MIG_OK;
}

/**
 * vgpu_mig_receive() - bytes of the stream were appended to @rx->buf
 * @rx: the receiver
 * @added: how many (at most @rx->size - @rx->len before)
 *
 * Every early chunk complete now is checked and staged, and leaves the
 * buffer; the final chunk stays until vgpu_mig_receive_end(). A header
 * is checked as soon as it is in: another type or version is refused at
 * once. Once refused, the receiver refuses everything.
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_receive(struct vgpu_mig_receiver *rx,
				       u32 added)
{
	struct vgpu_mig_stream s;
	struct vgpu_mig_chunk c;
	enum vgpu_mig_refusal why = VGPU_MIG_OK;

	if (rx->refused)
		return rx->refused;
	rx->len += added;
	while (rx->len >= VGPU_MIG_HEADER_SIZE) {
		why = vgpu_mig_check_header(rx->buf, rx->len, rx->type, &c);
		if (!why)
			why = vgpu_mig_check_next(&rx->a, &c);
		if (!why && c.total > rx->size)
			why = VGPU_MIG_BAD_OVERSIZED;
		if (why || rx->len < c.total)
			break;
		/* Taken at the end: only a stopped source writes it. */
		if (c.kind == VGPU_MIG_KIND_FINAL) {
			if (rx->len > c.total)
				why = VGPU_MIG_BAD_OVERSIZED;
			break;
		}
		why = vgpu_mig_stage(rx, c.total, &s);
		if (why)
			break;
		rx->len -= c.total;
		memmove(rx->buf, rx->buf + c.total, rx->len);
	}
	rx->refused = why;
	return why;
}

/**
 * vgpu_mig_receive_end() - the stream ended: take its final chunk
 * @rx: the receiver
 * @s: set to the sections to load: the final chunk's, and for those it
 *	does not carry, their last early copy in @rx->kept; the GGTT is
 *	@rx->ggtt, base and deltas applied
 *
 * Return: VGPU_MIG_OK or why the stream is refused.
 */
enum vgpu_mig_refusal vgpu_mig_receive_end(struct vgpu_mig_receiver *rx,
					   struct vgpu_mig_stream *s)
{
	struct vgpu_mig_kept *k;
	enum vgpu_mig_refusal why = rx->refused;
	unsigned int i;

	memset(s, 0, sizeof(*s));
	/* Nothing but early chunks: the state itself never came. */
	if (!why && !rx->len)
		why = VGPU_MIG_BAD_TRUNCATED;
	if (!why)
		why = vgpu_mig_stage(rx, rx->len, s);
	rx->refused = why;
	if (why)
		return why;
	for (i = 0; i < VGPU_MIG_SEC_COUNT; i++) {
		k = &rx->kept[i];
		if (!s->section[i].p && k->p &&
		    (rx->a.seen & VGPU_MIG_SEC_BIT(i + 1))) {
			s->section[i].p = k->p;
			s->section[i].left = k->len;
		}
	}
	return VGPU_MIG_OK;
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
	[VGPU_MIG_BAD_ORDER] = "chunk or section out of order",
	[VGPU_MIG_BAD_ENTRY] = "GGTT entry outside the slice or repeated",
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
