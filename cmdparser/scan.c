// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The walker: decodes the ring segment command by command, copies every
 * batch buffer into the shadow memory while auditing the copy, and points
 * each MI_BATCH_BUFFER_START at the copy of its target.
 *
 * Batches are handled breadth first. Scanning the ring records the batches
 * it starts; each recorded batch is then copied and scanned in turn, which
 * records the batches it chains to or calls. A batch is therefore complete
 * before any batch it leads to is scanned, and every start command gets a
 * fresh copy of its target, so the shadow is a tree that cannot loop even
 * when the guest's batches do.
 */
#include "cmd_audit.h"

/* Batch copies start on 8-byte boundaries of the shadow memory. */
#define SHADOW_ALIGN		CMDPARSER_SHADOW_ALIGN
#define SHADOW_ALIGN_UP(x)	\
	(((u64)(x) + SHADOW_ALIGN - 1) & ~(u64)(SHADOW_ALIGN - 1))
/* Batch reads grow from FETCH_MIN to FETCH_MAX bytes; never past a page. */
#define FETCH_MIN		64
#define FETCH_MAX		VGPU_GTT_PAGE_SIZE

/* A reason with where it happened; reason 0 means success. */
struct scan_error {
	u32 reason;
	bool in_batch;
	u64 offset;
	u32 header;
};

static int scan_fail(struct scan_error *err, u32 reason, bool in_batch,
		     u64 offset, u32 header)
{
	err->reason = reason;
	err->in_batch = in_batch;
	err->offset = offset;
	err->header = header;
	return -1;
}

/*
 * Decode a header the slow way, one check after the other, so that a
 * refused header gets the first reason in the documented order: find the
 * descriptor, check the engine, the reserved bits, the length and the
 * unsupported bits.
 */
static u32 cmd_decode_slow(const struct cmd_scan *s, u32 hdr,
			   const struct cmd_desc **pd, u32 *plen)
{
	const struct cmd_desc *d = cmd_lookup(hdr);
	u32 len;

	if (!d)
		return VGPU_AUDIT_UNKNOWN_OPCODE;
	if (!(d->engines & s->engine_bit))
		return VGPU_AUDIT_WRONG_ENGINE;
	if (hdr & d->reserved)
		return VGPU_AUDIT_RESERVED_BITS;
	/* Without a length field, len_mask and len_span are 0. */
	len = (hdr & d->len_mask) + d->len_bias;
	if (len - d->len_min > d->len_span)
		return VGPU_AUDIT_BAD_LENGTH;
	if (hdr & d->unsupported)
		return VGPU_AUDIT_UNSUPPORTED;
	*pd = d;
	*plen = len;
	return VGPU_AUDIT_OK;
}

/*
 * Decode a header: the descriptor and the length in dwords. A header that
 * passes the descriptor's one combined test (match, reserved, unsupported
 * and fixed length bits, and the engine above them) and its longest length
 * passes every check, with the length vgpu_cmd_header_len() gives;
 * anything else, accepted or not, takes the slow path.
 */
static __always_inline u32 cmd_decode(const struct cmd_scan *s, u32 hdr,
				      const struct cmd_desc **pd, u32 *plen)
{
	const struct cmd_desc *d = cmd_buckets[hdr >> VGPU_CMD_BUCKET_SHIFT];
	const struct cmd_desc *slow_d = NULL;
	u32 len = vgpu_cmd_header_len(hdr), slow_len = 0, r;

	if (likely(d && ((hdr | s->engine_key) & d->check_mask) ==
		   d->check_value && len <= d->len_max)) {
		*pd = d;
		*plen = len;
		return VGPU_AUDIT_OK;
	}
	/* Own locals for the slow path: the fast path's stay in registers. */
	r = cmd_decode_slow(s, hdr, &slow_d, &slow_len);
	*pd = slow_d;
	*plen = slow_len;
	return r;
}

/* Record the batch a start command at @patch_lo/@patch_hi leads to. */
static __always_inline u32 batch_record(struct cmd_scan *s, u32 *patch_lo,
					u32 *patch_hi)
{
	struct cmdparser_ctx *ctx = s->ctx;
	struct cmdparser_batch *b;

	if (ctx->nr_batches >= ctx->cfg.limits.max_batches)
		return VGPU_AUDIT_BATCH_COUNT;
	b = &ctx->batches[ctx->nr_batches++];
	b->guest_addr = s->target;
	b->shadow_off = 0;
	b->len = 0;
	b->level = s->level && !s->call ? s->level : s->level + 1;
	b->parent = s->cur;
	b->patch[0] = patch_lo;
	b->patch[1] = patch_hi;
	return VGPU_AUDIT_OK;
}

static int scan_ring_segment(struct cmd_scan *s, u32 *ring, u32 size,
			     u32 head, u32 tail, struct scan_error *err,
			     u32 *ncmds)
{
	struct cmdparser_ctx *ctx = s->ctx;
	const struct cmd_desc *d;
	/* In dwords: @i the current command, @left from it to the tail. */
	u32 size_dw = size / 4, i = head / 4, left, hdr, len, first, r, n = 0;
	const u32 *cmd;
	int ret = 0;

	left = (tail >= head ? tail - head : size - head + tail) / 4;
	s->level = 0;
	s->cur = -1;
	while (left) {
		hdr = ring[i];
		if (!(hdr & VGPU_CMD_HAS_LEN_BITS)) {
			/* Plain one-dword commands, to the tail or the ring end. */
			len = cmd_skip_plain(s, &ring[i], min(left, size_dw - i));
			if (len) {
				n += len;
				goto next;
			}
		}
		r = cmd_decode(s, hdr, &d, &len);
		if (r)
			goto refused;
		if (len > left) {
			r = VGPU_AUDIT_TRUNCATED;
			goto refused;
		}
		if (likely(i + len <= size_dw)) {
			cmd = &ring[i];
		} else {
			/* The command wraps: audit a contiguous copy. */
			first = size_dw - i;
			memcpy(ctx->wrap, &ring[i], first * 4);
			memcpy(&ctx->wrap[first], ring, (len - first) * 4);
			cmd = ctx->wrap;
		}
		if (d->flags & CMD_F_BRANCH) {
			s->pos = i * 4;
			r = audit_bb_start(s, d, cmd);
			if (r)
				goto refused;
			/* A start command is 3 dwords: at most one wraps. */
			r = batch_record(s, &ring[i + 1 < size_dw ? i + 1 : 0],
					 &ring[i + 2 < size_dw ? i + 2 :
					       i + 2 - size_dw]);
			if (r)
				goto refused;
		} else if (d->audit) {
			r = cmd_audit(s, d, cmd, len);
			if (r)
				goto refused;
		}
		n++;
next:
		left -= len;
		i += len;
		if (i >= size_dw)
			i -= size_dw;
	}
	goto out;

refused:
	ret = scan_fail(err, r, false, i * 4, hdr);
out:
	*ncmds += n;
	return ret;
}

/*
 * Copy more of the batch at @batch into @buf until @need bytes are there.
 * Reads stop at page and range ends, so nothing outside the slice is ever
 * asked for. Inlined: a tiny batch costs little more than its first read,
 * and through a call @filled and @fail_addr would live in memory.
 */
static __always_inline u32 batch_fetch(const struct cmdparser_ctx *ctx,
				       u64 batch, u8 *buf, u32 *filled,
				       u32 need, u32 avail, u64 *fail_addr)
{
	const struct cmdparser_span *r = ctx->spans;
	u64 addr, chunk, page_left, range_left;
	u32 i;

	while (*filled < need) {
		if (*filled >= avail)
			return VGPU_AUDIT_BATCH_SIZE;
		addr = batch + *filled;
		*fail_addr = addr;
		for (i = 0; i < ctx->nr_spans; i++) {
			if (addr - r[i].start < r[i].size)
				break;
		}
		if (i == ctx->nr_spans)
			return VGPU_AUDIT_BATCH_FETCH;
		range_left = r[i].size - (addr - r[i].start);
		page_left = VGPU_GTT_PAGE_SIZE - (addr & (VGPU_GTT_PAGE_SIZE - 1));
		/*
		 * Batches have no declared length: read what is needed, but
		 * at least as much again as read so far, so that small
		 * batches cost small reads and large ones few calls.
		 */
		chunk = max_t(u32, *filled, FETCH_MIN);
		chunk = min_t(u64, chunk, FETCH_MAX);
		chunk = max_t(u64, chunk, need - *filled);
		chunk = min_t(u64, chunk, page_left);
		chunk = min_t(u64, chunk, range_left);
		chunk = min_t(u64, chunk, avail - *filled);
		if (ctx->cfg.read(ctx->cfg.priv, addr, buf + *filled, chunk))
			return VGPU_AUDIT_BATCH_FETCH;
		*filled += chunk;
	}
	return VGPU_AUDIT_OK;
}

static int scan_batch(struct cmd_scan *s, u32 idx, struct scan_error *err,
		      u32 *ncmds)
{
	struct cmdparser_ctx *ctx = s->ctx;
	struct cmdparser_batch *b = &ctx->batches[idx];
	const struct cmd_desc *d;
	/* Positions in dwords: @i the current command, @have copied so far. */
	u32 i = 0, have = 0, filled = 0, hdr, len, avail, r, n = 0;
	u64 gfx, off, fail_addr = b->guest_addr;
	u32 *buf;
	int ret = 0;

	off = SHADOW_ALIGN_UP(ctx->shadow_used);
	if (off >= ctx->max_batch_bytes)
		return scan_fail(err, VGPU_AUDIT_BATCH_SIZE, true,
				 b->guest_addr, 0);
	b->shadow_off = off;
	avail = ctx->max_batch_bytes - b->shadow_off;
	buf = (u32 *)((u8 *)ctx->cfg.shadow.cpu + b->shadow_off);

	/* Point the start command that led here at the copy. */
	gfx = ctx->cfg.shadow.gfx_addr + b->shadow_off;
	*b->patch[0] = (u32)gfx;
	*b->patch[1] = (u32)(gfx >> 32);

	s->cur = idx;
	s->level = b->level;
	for (;;) {
		if (unlikely(i >= have)) {
			r = batch_fetch(ctx, b->guest_addr, (u8 *)buf, &filled,
					i * 4 + 4, avail, &fail_addr);
			if (r) {
				ret = scan_fail(err, r, true, fail_addr, 0);
				break;
			}
			have = filled / 4;
		}
		hdr = buf[i];
		if (!(hdr & VGPU_CMD_HAS_LEN_BITS)) {
			/* Plain one-dword commands, as far as copied. */
			len = cmd_skip_plain(s, &buf[i], have - i);
			n += len;
			i += len;
			if (i >= have)
				continue;
			hdr = buf[i];	/* what ended the run */
			/*
			 * The usual end of a batch: this exact header passes
			 * the decode on every engine and, inside a batch,
			 * needs no audit (table-consistency checks both).
			 */
			if (hdr == VGPU_MI_BATCH_BUFFER_END) {
				n++;
				i++;
				break;
			}
		}
		r = cmd_decode(s, hdr, &d, &len);
		if (r)
			goto refused;
		if (unlikely(i + len > have)) {
			r = batch_fetch(ctx, b->guest_addr, (u8 *)buf, &filled,
					(i + len) * 4, avail, &fail_addr);
			if (r == VGPU_AUDIT_BATCH_FETCH)
				r = VGPU_AUDIT_TRUNCATED;
			if (r)
				goto refused;
			have = filled / 4;
		}
		/* Inside a batch its end needs no audit (level >= 1). */
		if (d->flags & CMD_F_END) {
			n++;
			i += len;
			break;
		}
		if (unlikely(d->flags & CMD_F_BRANCH)) {
			s->pos = i * 4;
			r = audit_bb_start(s, d, &buf[i]);
			if (r)
				goto refused;
			r = batch_record(s, &buf[i + 1], &buf[i + 2]);
			if (r)
				goto refused;
			n++;
			i += len;
			if (!s->call)
				break;	/* a chain never comes back */
			continue;
		}
		if (d->audit) {
			r = cmd_audit(s, d, &buf[i], len);
			if (r)
				goto refused;
		}
		n++;
		i += len;
	}
	goto out;

refused:
	ret = scan_fail(err, r, true, b->guest_addr + i * 4, hdr);
out:
	*ncmds += n;
	if (ret)
		return ret;
	b->len = i * 4;
	ctx->shadow_used = b->shadow_off + b->len;
	return 0;
}

int cmdparser_scan_ring(struct cmdparser_ctx *ctx, u32 *ring, u32 ring_size,
			u32 head, u32 tail, struct cmdparser_result *res)
{
	struct scan_error err = { 0 };
	struct cmd_scan s = {
		.ctx = ctx,
		.engine_bit = VGPU_ENGINE_MASK(ctx->cfg.engine),
		.engine_key = (u64)VGPU_ENGINE_MASK(ctx->cfg.engine) << 32,
	};
	u32 i, ncmds = 0;
	int ret = 0;

	ctx->nr_batches = 0;
	ctx->shadow_used = 0;
	if (!ring || ring_size < VGPU_RING_MIN_SIZE ||
	    ring_size > VGPU_RING_MAX_SIZE ||
	    (ring_size & (VGPU_GTT_PAGE_SIZE - 1)) ||
	    head >= ring_size || tail >= ring_size || ((head | tail) & 3)) {
		scan_fail(&err, VGPU_AUDIT_RING_OFFSET, false, head, 0);
		ret = -EINVAL;
		goto out;
	}

	if (scan_ring_segment(&s, ring, ring_size, head, tail, &err, &ncmds))
		goto refused;
	for (i = 0; i < ctx->nr_batches; i++) {
		if (scan_batch(&s, i, &err, &ncmds))
			goto refused;
	}
	goto out;

refused:
	switch (err.reason) {
	case VGPU_AUDIT_BATCH_FETCH:
		ret = -EFAULT;
		break;
	case VGPU_AUDIT_BATCH_COUNT:
	case VGPU_AUDIT_BATCH_SIZE:
		ret = -E2BIG;
		break;
	default:
		ret = -EINVAL;
	}
out:
	if (res) {
		res->reason = err.reason;
		res->in_batch = err.in_batch;
		res->offset = err.offset;
		res->header = err.header;
		res->commands = ncmds;
		res->batches = ctx->nr_batches;
		res->shadow_bytes = ctx->shadow_used;
	}
	return ret;
}

int cmdparser_init(struct cmdparser_ctx *ctx,
		   const struct cmdparser_config *cfg)
{
	const struct cmdparser_limits *lim = &cfg->limits;
	u32 i;

	if ((u32)cfg->engine >= VGPU_ENGINE_COUNT || !cfg->read ||
	    !cfg->ranges || !cfg->nr_ranges ||
	    cfg->nr_ranges > CMDPARSER_MAX_RANGES)
		return -EINVAL;
	for (i = 0; i < cfg->nr_ranges; i++) {
		if (cfg->ranges[i].start >= cfg->ranges[i].end)
			return -EINVAL;
	}
	if (cfg->nr_whitelist && !cfg->whitelist)
		return -EINVAL;
	for (i = 0; i < cfg->nr_whitelist; i++) {
		if (cfg->whitelist[i].last < cfg->whitelist[i].first ||
		    ((cfg->whitelist[i].first | cfg->whitelist[i].last) & 3))
			return -EINVAL;
		if (i && cfg->whitelist[i].first <= cfg->whitelist[i - 1].last)
			return -EINVAL;
	}
	if (!lim->max_depth || lim->max_depth > CMDPARSER_MAX_DEPTH ||
	    !lim->max_batches || lim->max_batches > CMDPARSER_MAX_BATCHES)
		return -EINVAL;
	if ((cfg->shadow.size && !cfg->shadow.cpu) ||
	    ((unsigned long)cfg->shadow.cpu & (SHADOW_ALIGN - 1)) ||
	    (cfg->shadow.gfx_addr & (SHADOW_ALIGN - 1)))
		return -EINVAL;

	/*
	 * The parent sets up a context before every scan: clear the small
	 * head only. The batch records and the wrap buffer (most of the
	 * context) are always written before they are read.
	 */
	memset(ctx, 0, offsetof(struct cmdparser_ctx, batches));
	ctx->cfg = *cfg;
	ctx->cfg.ranges = NULL;		/* the caller's; use the spans */
	for (i = 0; i < cfg->nr_ranges; i++) {
		ctx->spans[i].start = cfg->ranges[i].start;
		ctx->spans[i].size = cfg->ranges[i].end - cfg->ranges[i].start;
	}
	ctx->nr_spans = cfg->nr_ranges;
	ctx->max_batch_bytes = min(lim->max_batch_bytes, cfg->shadow.size);
	return 0;
}
