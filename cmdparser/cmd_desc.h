/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internals of the command parser: the command descriptor table, the scan
 * state shared by the walker (scan.c) and the per-command audits
 * (cmd_audit.h), and the small inline helpers of the hot path.
 */
#ifndef _VGPU_CMDPARSER_CMD_DESC_H
#define _VGPU_CMDPARSER_CMD_DESC_H

#include "vgpu/cmdparser.h"
#include "vgpu/cmd_subset.h"

struct cmd_desc;

/**
 * struct cmd_scan - state of one cmdparser_scan_ring() call
 * @ctx: the parser
 * @engine_bit: VGPU_ENGINE_MASK() of the engine being scanned
 * @engine_key: @engine_bit above the 32 header bits, for the fast decode
 * @level: 0 while in the ring, else the level of the current batch
 * @cur: index of the current batch in @ctx->batches, -1 in the ring
 * @pos: byte offset of the current command in the ring or the batch (set
 *	for start commands only, whose audit needs it)
 * @target: graphics address a start command branches to (set by its audit)
 * @call: the start command calls a second-level batch (set by its audit)
 */
struct cmd_scan {
	struct cmdparser_ctx *ctx;
	u32 engine_bit;
	u64 engine_key;
	u32 level;
	int cur;
	u32 pos;
	u64 target;
	bool call;
};

/*
 * struct cmd_desc.audit: the command-specific checks (cmd_audit.h). One bit
 * each, tested one after the other: see cmd_audit().
 */
enum cmd_audit_id {
	CMD_AUDIT_NONE = 0,		/* the header says it all */
	CMD_AUDIT_SDI = 0x01,
	CMD_AUDIT_LRI = 0x02,
	CMD_AUDIT_SRM = 0x04,
	CMD_AUDIT_FLUSH_DW = 0x08,
	CMD_AUDIT_PIPE_CONTROL = 0x10,
	CMD_AUDIT_BB_START = 0x20,
	CMD_AUDIT_BB_END = 0x40,
	CMD_AUDIT_BLT = 0x80,
};

/* struct cmd_desc.flags */
#define CMD_F_BRANCH		0x01	/* MI_BATCH_BUFFER_START */
#define CMD_F_END		0x02	/* MI_BATCH_BUFFER_END */

/**
 * struct cmd_blt_info - parameters of the shared blit audit
 * @fast: XY_FAST_COPY_BLT layout of DW1 (depth field, no ROP)
 * @src: the command has a source surface (DW6-DW9)
 * @rop: the only raster operation allowed (classic blits)
 */
struct cmd_blt_info {
	bool fast;
	bool src;
	u8 rop;
};

/* The blt column of vgpu/cmd_subset_rows.h. */
#define CMD_BLT_NONE		{ }
#define CMD_BLT_FILL(rop_)	{ .rop = (rop_) }
#define CMD_BLT_COPY(rop_)	{ .src = true, .rop = (rop_) }
#define CMD_BLT_FAST_COPY	{ .fast = true, .src = true }

/**
 * struct cmd_desc - one command of the subset, derived from its row of
 *	vgpu/cmd_subset_rows.h by cmd_table.c
 * @name: for logs only; never compared
 * @match_mask: header bits that identify the command
 * @match_value: their value
 * @reserved: header bits that must be zero
 * @unsupported: header bits naming a Gen9 feature outside the subset
 * @engines: VGPU_ENGINE_MASK() bits of the engines the command is valid on
 * @flags: CMD_F_*
 * @len_mask: the header's length field (VGPU_CMD_LEN_MASK), 0 if none
 * @len_bias: added to the field to give the length in dwords; the length
 *	itself when there is no field
 * @len_min: shortest length in dwords
 * @len_span: longest length in dwords minus @len_min
 * @addr_dw: index of the first dword of the (first) address, 0 if none;
 *	documents the layout and is used by the audit
 * @blt: blit parameters, for the blit audit
 * @audit: the command-specific checks to run, enum cmd_audit_id
 * @check_mask: the fast decode's test: in the low 32 bits the header bits
 *	@match_mask, @reserved, @unsupported and the bits of the length field
 *	the rule fixes; above them, the engines the command is not valid on
 * @check_value: the value of those bits in a header that passes every
 *	header check (zero above the header bits)
 * @len_max: longest length in dwords (@len_min + @len_span)
 * @plain: one dword, no audit, no flags (MI_NOOP, MI_USER_INTERRUPT,
 *	MI_ARB_CHECK): a header passing the fast decode's test needs nothing
 *	more, so the walkers step over runs of them (cmd_skip_plain())
 *
 * A header found in the command's bucket for which, with the scanned
 * engine's bit above it, (key & @check_mask) == @check_value and whose
 * length (vgpu_cmd_header_len()) is at most @len_max passes all the header
 * checks; any other header takes the full decode, which finds the reason
 * in the documented order. The table-consistency test proves the first
 * implies the second.
 */
struct cmd_desc {
	const char *name;
	u32 match_mask;
	u32 match_value;
	u32 reserved;
	u32 unsupported;
	u8 engines;
	u8 flags;
	u8 len_mask;
	u8 len_bias;
	u16 len_min;
	u16 len_span;
	u8 addr_dw;
	u8 audit;
	struct cmd_blt_info blt;
	u64 check_mask;
	u64 check_value;
	u16 len_max;
	bool plain;
};

/*
 * Descriptors are found by the top ten bits of a header (see
 * VGPU_CMD_ROW_BUCKETS()).
 */
extern const struct cmd_desc cmd_descs[];
extern const struct cmd_desc *const cmd_buckets[VGPU_CMD_BUCKETS];
extern const u32 cmd_nr_descs;

/**
 * cmd_lookup() - the descriptor a header dword selects
 * @header: first dword of a command
 *
 * Return: the descriptor, or NULL for a header outside the subset.
 */
static inline const struct cmd_desc *cmd_lookup(u32 header)
{
	const struct cmd_desc *d = cmd_buckets[header >> VGPU_CMD_BUCKET_SHIFT];

	if (!d || (header & d->match_mask) != d->match_value)
		return NULL;
	return d;
}

/*
 * How many of the @count dwords at @cmd are plain commands (struct
 * cmd_desc.plain) passing the fast decode's test, from the first on. Their
 * length is one dword whatever the header says (the test fixes bits 31:28,
 * which are clear for every one-dword command), so the position of the next
 * header does not wait for this one to be loaded and decoded: a run of
 * one-dword commands costs the checks only.
 */
static __always_inline u32 cmd_skip_plain(const struct cmd_scan *s,
					  const u32 *cmd, u32 count)
{
	const struct cmd_desc *d;
	u32 i, hdr;

	for (i = 0; i < count; i++) {
		hdr = cmd[i];
		d = cmd_buckets[hdr >> VGPU_CMD_BUCKET_SHIFT];
		if (!d || !d->plain ||
		    ((hdr | s->engine_key) & d->check_mask) != d->check_value)
			break;
	}
	return i;
}

/* A 64-bit graphics address held in dwords @dw (low) and @dw + 1 (high). */
static inline u64 cmd_addr64(const u32 *cmd, u32 dw)
{
	return ((u64)cmd[dw + 1] << 32) | cmd[dw];
}

/* Is [addr, addr + len) inside one range? @len >= 1; overflow-safe. */
static inline bool cmd_in_ranges(const struct cmdparser_range *r, u32 n,
				 u64 addr, u64 len)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (addr - r[i].start < r[i].end - r[i].start &&
		    len <= r[i].end - addr)
			return true;
	}
	return false;
}

/*
 * The same on the context's spans: one subtraction less per range. There is
 * always a first span (cmdparser_init() wants one range at least; a zeroed
 * context has an empty one), and it is the common case: the parent passes
 * one range, so test it before the loop.
 */
static inline bool cmd_range_ok(const struct cmd_scan *s, u64 addr, u64 len)
{
	const struct cmdparser_span *r = s->ctx->spans;
	u32 i, n;
	u64 off;

	off = addr - r[0].start;
	if (likely(off < r[0].size && len <= r[0].size - off))
		return true;
	n = s->ctx->nr_spans;
	for (i = 1; i < n; i++) {
		off = addr - r[i].start;
		if (off < r[i].size && len <= r[i].size - off)
			return true;
	}
	return false;
}

/* The whitelist entry holding @offset, or NULL. Binary search, sorted table. */
static inline const struct cmdparser_reg *
cmd_reg_find(const struct cmdparser_reg *wl, u32 n, u32 offset)
{
	u32 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (offset < wl[mid].first)
			hi = mid;
		else if (offset > wl[mid].last)
			lo = mid + 1;
		else
			return &wl[mid];
	}
	return NULL;
}

/* Is @offset on the whitelist with @access? */
static inline bool cmd_reg_allowed(const struct cmdparser_ctx *ctx,
				   u32 offset, u32 access)
{
	const struct cmdparser_reg *r;

	r = cmd_reg_find(ctx->cfg.whitelist, ctx->cfg.nr_whitelist, offset);
	return r && (r->access & access) == access;
}

#endif /* _VGPU_CMDPARSER_CMD_DESC_H */
