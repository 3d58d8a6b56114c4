/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cmdparser - scanner and auditor for the vGPU command subset.
 *
 * The parser walks a ring segment [head, tail), checks every command against
 * the tables of the engine it runs on, follows batch buffers into
 * caller-provided shadow memory (so the guest cannot change them after the
 * audit) and re-points every MI_BATCH_BUFFER_START at the shadow copy. A
 * refused segment yields a reason code from <linux/vgpu_if.h> and the
 * position of the offending command. The same sources build into vgpu.ko
 * and into the userspace tests; see docs/cmdparser.md.
 */
#ifndef _VGPU_CMDPARSER_H
#define _VGPU_CMDPARSER_H

#include "vgpu/portable.h"
#include <linux/vgpu_if.h>

/* Hard caps: sizes of the arrays inside struct cmdparser_ctx. */
#define CMDPARSER_MAX_BATCHES		64
#define CMDPARSER_MAX_DEPTH		2
#define CMDPARSER_MAX_RANGES		8

/* Defaults for struct cmdparser_limits. */
#define CMDPARSER_DEFAULT_MAX_BATCHES	CMDPARSER_MAX_BATCHES
#define CMDPARSER_DEFAULT_MAX_DEPTH	CMDPARSER_MAX_DEPTH
#define CMDPARSER_DEFAULT_BATCH_BYTES	0x100000	/* 1 MiB */
/* Alignment of cmdparser_config.shadow (cpu and gfx_addr). */
#define CMDPARSER_SHADOW_ALIGN		8

/**
 * struct cmdparser_range - an allowed graphics address range [start, end)
 * @start: first graphics address of the range
 * @end: first graphics address after the range; @end > @start
 */
struct cmdparser_range {
	u64 start;
	u64 end;
};

/* Access rights of a whitelisted register (struct cmdparser_reg.access). */
#define CMDPARSER_REG_LRI	0x1	/* may be written by MI_LOAD_REGISTER_IMM */
#define CMDPARSER_REG_SRM	0x2	/* may be read by MI_STORE_REGISTER_MEM */

/**
 * struct cmdparser_reg - registers on an engine's whitelist
 * @first: BAR0 offset of the first register, dword aligned
 * @last: BAR0 offset of the last register, dword aligned, >= @first; every
 *	dword from @first to @last is covered
 * @access: CMDPARSER_REG_LRI and/or CMDPARSER_REG_SRM
 */
struct cmdparser_reg {
	u32 first;
	u32 last;
	u32 access;
};

/**
 * struct cmdparser_limits - bounds on the batch buffers of one scan
 * @max_depth: deepest batch level allowed, 1 (first level only) or 2
 * @max_batches: batch buffers (each start command followed) per scan,
 *	1..CMDPARSER_MAX_BATCHES
 * @max_batch_bytes: bytes of batch commands copied per scan; the shadow
 *	memory's size bounds it too
 */
struct cmdparser_limits {
	u32 max_depth;
	u32 max_batches;
	u32 max_batch_bytes;
};

/**
 * typedef cmdparser_read_fn - copy guest graphics memory
 * @priv: the caller's cookie (struct cmdparser_config.priv)
 * @gfx_addr: graphics address of the first byte
 * @dst: where to copy
 * @len: bytes to copy, 1..4096
 *
 * The parser only asks for bytes inside one allowed range and one 4 KiB
 * page. The callback must copy them (never map them: the copy is what makes
 * the audit stick) or fail, for example when the page is not mapped.
 *
 * Return: 0 on success, a negative errno otherwise.
 */
typedef int (*cmdparser_read_fn)(void *priv, u64 gfx_addr, void *dst, u32 len);

/**
 * struct cmdparser_shadow - memory for the shadow copies of batch buffers
 * @cpu: CPU address of the memory, at least 8-byte aligned
 * @gfx_addr: graphics address at which the GPU sees @cpu, 8-byte aligned
 * @size: bytes available at @cpu
 *
 * The caller owns the memory (it must lie outside every guest's slice) and
 * keeps it, unchanged, until the GPU has finished with the scanned segment.
 * The parser lays the copies out one after the other from the start.
 */
struct cmdparser_shadow {
	void *cpu;
	u64 gfx_addr;
	u32 size;
};

/**
 * struct cmdparser_config - what the parser needs to know about a vGPU engine
 * @engine: the engine whose command tables apply
 * @ranges: the graphics address ranges the vGPU may use (its slice)
 * @nr_ranges: entries in @ranges, 1..CMDPARSER_MAX_RANGES
 * @whitelist: registers LRI/SRM may use, sorted by offset, not overlapping;
 *	cmdparser_default_whitelist() gives the interface's default
 * @nr_whitelist: entries in @whitelist
 * @limits: batch limits
 * @read: copies guest graphics memory (batch buffers)
 * @priv: passed to @read
 * @shadow: memory for the batch copies
 *
 * The parser copies @ranges and keeps a pointer to @whitelist, which must
 * outlive the context.
 */
struct cmdparser_config {
	enum vgpu_engine engine;
	const struct cmdparser_range *ranges;
	u32 nr_ranges;
	const struct cmdparser_reg *whitelist;
	u32 nr_whitelist;
	struct cmdparser_limits limits;
	cmdparser_read_fn read;
	void *priv;
	struct cmdparser_shadow shadow;
};

/**
 * struct cmdparser_result - outcome of one scan
 * @reason: VGPU_AUDIT_OK, or why the segment was refused
 * @in_batch: @offset is a graphics address inside a batch buffer; when
 *	false it is a byte offset in the ring
 * @offset: position of the offending command (or of the unreadable byte
 *	for VGPU_AUDIT_BATCH_FETCH)
 * @header: first dword of the offending command, 0 if it was not read
 * @commands: commands accepted (ring and batches) before the scan ended
 * @batches: batch buffers followed
 * @shadow_bytes: bytes of @shadow used by the batch copies
 */
struct cmdparser_result {
	enum vgpu_audit_reason reason;
	bool in_batch;
	u64 offset;
	u32 header;
	u32 commands;
	u32 batches;
	u32 shadow_bytes;
};

/**
 * struct cmdparser_span - an allowed range as the hot path checks it
 * @start: first graphics address
 * @size: bytes in the range
 */
struct cmdparser_span {
	u64 start;
	u64 size;
};

/**
 * struct cmdparser_batch - a batch buffer followed during a scan (private)
 * @guest_addr: graphics address of the batch in guest memory
 * @shadow_off: offset of its copy in the shadow memory
 * @len: bytes of the batch, up to and including its last command
 * @level: 1 for a first-level batch, 2 for a second-level one
 * @parent: index of the batch whose start command led here, -1 for the ring
 * @patch: where the start command's address dwords are (ring or shadow)
 */
struct cmdparser_batch {
	u64 guest_addr;
	u32 shadow_off;
	u32 len;
	u8 level;
	s8 parent;
	u32 *patch[2];
};

/**
 * struct cmdparser_ctx - a parser instance for one vGPU engine
 * @cfg: the configuration given to cmdparser_init()
 * @spans: the allowed ranges, as start and size
 * @nr_spans: entries in @spans
 * @max_batch_bytes: effective batch byte limit (limit and shadow size)
 * @nr_batches: batches recorded by the current scan
 * @shadow_used: bytes of shadow memory used by the current scan
 * @batches: the batches of the current scan, in the order they are copied
 * @wrap: a command that wraps around the end of the ring, made contiguous
 *
 * About 4 KiB: allocate it, do not put it on a kernel stack. A context is
 * not reentrant; one scan at a time.
 */
struct cmdparser_ctx {
	struct cmdparser_config cfg;
	struct cmdparser_span spans[CMDPARSER_MAX_RANGES];
	u32 nr_spans;
	u32 max_batch_bytes;
	u32 nr_batches;
	u32 shadow_used;
	struct cmdparser_batch batches[CMDPARSER_MAX_BATCHES];
	u32 wrap[VGPU_CMD_MAX_DWORDS];
};

/**
 * cmdparser_init() - check a configuration and set up a context
 * @ctx: the context to set up
 * @cfg: the configuration; copied, except @cfg->whitelist, which is
 *	referenced
 *
 * Return: 0, or -EINVAL when the configuration is inconsistent (unknown
 * engine, no or too many ranges, an empty or inverted range, an unsorted
 * whitelist, limits out of bounds, no read callback, misaligned shadow memory).
 */
int cmdparser_init(struct cmdparser_ctx *ctx,
		   const struct cmdparser_config *cfg);

/**
 * cmdparser_scan_ring() - audit a ring segment and shadow its batches
 * @ctx: the engine's parser
 * @ring: the host-owned copy of the ring (the whole ring, @ring_size bytes);
 *	start commands in it are re-pointed at their shadow copies
 * @ring_size: ring size in bytes, a multiple of 4 KiB up to 2 MiB
 * @head: byte offset of the first command, dword aligned, < @ring_size
 * @tail: byte offset after the last command, dword aligned, < @ring_size;
 *	the segment wraps when @tail < @head and is empty when they are equal
 * @res: filled in with the outcome and statistics
 *
 * Nothing of a refused segment may run: on error the ring and the shadow
 * memory hold a partial result.
 *
 * Return: 0 when every command was accepted; otherwise a negative errno
 * with @res->reason set: -EINVAL for a refused command or bad arguments,
 * -EFAULT when a batch buffer could not be read (VGPU_AUDIT_BATCH_FETCH),
 * -E2BIG when a batch limit was hit (VGPU_AUDIT_BATCH_COUNT/SIZE).
 */
int cmdparser_scan_ring(struct cmdparser_ctx *ctx, u32 *ring, u32 ring_size,
			u32 head, u32 tail, struct cmdparser_result *res);

/**
 * cmdparser_range_check() - is [addr, addr + len) inside one allowed range?
 * @ranges: the ranges
 * @nr_ranges: entries in @ranges
 * @addr: first byte
 * @len: bytes, at least 1
 *
 * Overflow-safe for any @addr and @len. The parent uses it for the ring,
 * the status page and display surfaces, so that one rule applies.
 *
 * Return: true if one range contains the whole extent.
 */
bool cmdparser_range_check(const struct cmdparser_range *ranges, u32 nr_ranges,
			   u64 addr, u64 len);

/**
 * cmdparser_default_whitelist() - the interface's register whitelist
 * @engine: the engine
 * @count: set to the number of entries
 *
 * The engine's 16 GPRs (both halves, LRI and SRM) and its RING_TIMESTAMP
 * (both halves, SRM only), sorted by offset.
 *
 * Return: the table, or NULL (and @count 0) for an unknown engine.
 */
const struct cmdparser_reg *cmdparser_default_whitelist(enum vgpu_engine engine,
							u32 *count);

/**
 * cmdparser_reason_name() - short name of an audit reason, for logs
 * @reason: the code
 *
 * Return: a constant string such as "addr-range"; "unknown" for codes
 * outside the enum.
 */
const char *cmdparser_reason_name(enum vgpu_audit_reason reason);

/**
 * cmdparser_cmd_name() - name of the command a header dword starts, for logs
 * @header: first dword of a command
 *
 * Return: a constant string such as "XY_SRC_COPY_BLT", or "unknown".
 */
const char *cmdparser_cmd_name(u32 header);

#endif /* _VGPU_CMDPARSER_H */
