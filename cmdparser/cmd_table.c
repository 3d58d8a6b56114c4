// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The command table: the rows of vgpu/cmd_subset_rows.h expanded into one
 * descriptor per command, and the bucket index that finds a descriptor
 * from a header in one load. Every column is derived here from the facts a
 * row states once; to add a command, see docs/cmdparser.md.
 */
#include "cmd_desc.h"

/* Everything neither matched, allowed nor the length field must be zero. */
#define CMD_RESERVED(...)						\
	(~(VGPU_CMD_ROW_MATCH_MASK(__VA_ARGS__) |			\
	   VGPU_CMD_ROW_ALLOWED(__VA_ARGS__) |				\
	   VGPU_CMD_ROW_UNSUPPORTED(__VA_ARGS__) |			\
	   VGPU_CMD_ROW_LEN_FIELD(__VA_ARGS__)))

/*
 * The fast path's one test of a header (cmd_decode() in scan.c): every bit
 * that is neither an allowed (supported) flag nor a length bit the rule lets
 * vary, compared with the match value and the fixed part of the length
 * field; above the header bits, the engines the command is not valid on,
 * which must not be the scanned engine's bit.
 */
#define CMD_CHECK_MASK(...)						\
	((u64)(VGPU_CMD_ON_ALL & ~VGPU_CMD_ROW_ENGINES(__VA_ARGS__)) << 32 | \
	 (u32)~(VGPU_CMD_ROW_ALLOWED(__VA_ARGS__) |			\
		VGPU_CMD_ROW_LEN_VARY(__VA_ARGS__)))
#define CMD_CHECK_VALUE(...)						\
	(VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__) |			\
	 VGPU_CMD_ROW_LEN_FIXED_PART(__VA_ARGS__))

/* One dword and nothing to check beyond the header: cmd_skip_plain(). */
#define CMD_PLAIN(...)							\
	(!VGPU_CMD_ROW_LEN_FIELD(__VA_ARGS__) &&			\
	 VGPU_CMD_ROW_LEN_MIN(__VA_ARGS__) == 1 &&			\
	 VGPU_CMD_ROW_AUDIT(__VA_ARGS__) == CMD_AUDIT_NONE &&		\
	 !VGPU_CMD_ROW_FLAGS(__VA_ARGS__))

const struct cmd_desc cmd_descs[] = {
#define VGPU_CMD(...)							\
	[VGPU_CMD_ROW_ID(__VA_ARGS__)] = {				\
		.name = VGPU_CMD_ROW_NAME(__VA_ARGS__),			\
		.match_mask = VGPU_CMD_ROW_MATCH_MASK(__VA_ARGS__),	\
		.match_value = VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__),	\
		.reserved = CMD_RESERVED(__VA_ARGS__),			\
		.unsupported = VGPU_CMD_ROW_UNSUPPORTED(__VA_ARGS__),	\
		.engines = VGPU_CMD_ROW_ENGINES(__VA_ARGS__),		\
		.flags = VGPU_CMD_ROW_FLAGS(__VA_ARGS__),		\
		.len_mask = VGPU_CMD_ROW_LEN_FIELD(__VA_ARGS__),	\
		.len_bias = VGPU_CMD_ROW_LEN_BIAS(__VA_ARGS__),		\
		.len_min = VGPU_CMD_ROW_LEN_MIN(__VA_ARGS__),		\
		.len_span = VGPU_CMD_ROW_LEN_SPAN(__VA_ARGS__),		\
		.addr_dw = VGPU_CMD_ROW_ADDR_DW(__VA_ARGS__),		\
		.audit = VGPU_CMD_ROW_AUDIT(__VA_ARGS__),		\
		.blt = VGPU_CMD_ROW_BLT(__VA_ARGS__),			\
		.check_mask = CMD_CHECK_MASK(__VA_ARGS__),		\
		.check_value = CMD_CHECK_VALUE(__VA_ARGS__),		\
		.len_max = VGPU_CMD_ROW_LEN_MAX(__VA_ARGS__),		\
		.plain = CMD_PLAIN(__VA_ARGS__),			\
	},
#include "vgpu/cmd_subset_rows.h"
};

const u32 cmd_nr_descs = ARRAY_SIZE(cmd_descs);

/* Each row at its key, or both keys of an MI opcode. */
const struct cmd_desc *const cmd_buckets[VGPU_CMD_BUCKETS] = {
#define VGPU_CMD(...)							\
	VGPU_CMD_ROW_BUCKETS(&cmd_descs[VGPU_CMD_ROW_ID(__VA_ARGS__)],	\
			     __VA_ARGS__),
#include "vgpu/cmd_subset_rows.h"
};

const char *cmdparser_cmd_name(u32 header)
{
	const struct cmd_desc *d = cmd_lookup(header);

	return d ? d->name : "unknown";
}
