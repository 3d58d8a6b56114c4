// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The command table: one descriptor per command of the subset, and the
 * bucket index that finds a descriptor from a header in one load. To add a
 * command, see docs/cmdparser.md.
 */
#include "cmd_desc.h"

enum cmd_id {
	CMD_ID_NOOP,
	CMD_ID_USER_INTERRUPT,
	CMD_ID_ARB_CHECK,
	CMD_ID_BB_END,
	CMD_ID_SDI,
	CMD_ID_LRI,
	CMD_ID_SRM,
	CMD_ID_FLUSH_DW,
	CMD_ID_BB_START,
	CMD_ID_PIPE_CONTROL,
	CMD_ID_XY_COLOR_BLT,
	CMD_ID_XY_SRC_COPY_BLT,
	CMD_ID_XY_FAST_COPY_BLT,
	CMD_ID_COUNT
};

#define ENG_RENDER	VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER)
#define ENG_COPY	VGPU_ENGINE_MASK(VGPU_ENGINE_COPY)
#define ENG_BOTH	(ENG_RENDER | ENG_COPY)
#define ENG_ALL		ENG_BOTH

/* Header bits that identify a command of each client. */
#define MI_MATCH	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_MI_OPCODE_MASK)
#define BLT_MATCH	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_BLT_OPCODE_MASK)
#define GFX_MATCH	(VGPU_CMD_CLIENT_MASK | VGPU_CMD_GFX_OPCODE_MASK)

/* Everything neither matched, allowed nor the length field must be zero. */
#define RESERVED(match, allowed, has_len)				\
	(~((match) | (allowed) | ((has_len) ? VGPU_CMD_LEN_MASK : 0)))

/*
 * The fast path's one test of a header (cmd_decode() in scan.c): every bit
 * that is neither an allowed (supported) flag nor a length bit the rule lets
 * vary, compared with the match value and the fixed part of the length
 * field; above the header bits, the engines the command is not valid on,
 * which must not be the scanned engine's bit.
 */
#define CHECK_MASK(engines, allowed, unsupported, len_vary)		\
	((u64)(ENG_ALL & ~(engines)) << 32 |				\
	 (u32)~(((allowed) & ~(unsupported)) | (len_vary)))
/* The length field of a command of @n dwords. */
#define LEN_FIELD(n)		((n) - VGPU_CMD_LEN_BIAS)

/* Bits 22:0 of MI_NOOP may carry an identification number. */
#define MI_NOOP_ALLOWED		0x007fffff

#define FAST_COPY_TILING	(VGPU_FAST_COPY_SRC_TILING_MASK |	\
				 VGPU_FAST_COPY_DST_TILING_MASK)
#define CLASSIC_BLT_WRITE	(VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB)

const struct cmd_desc cmd_descs[] = {
	[CMD_ID_NOOP] = {
		.name = "MI_NOOP",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_NOOP,
		.reserved = RESERVED(MI_MATCH, MI_NOOP_ALLOWED, false),
		.engines = ENG_BOTH,
		.len_bias = 1, .len_min = 1,
		.check_mask = CHECK_MASK(ENG_BOTH, MI_NOOP_ALLOWED, 0, 0),
		.check_value = VGPU_MI_NOOP,
		.len_max = 1,
	},
	[CMD_ID_USER_INTERRUPT] = {
		.name = "MI_USER_INTERRUPT",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_USER_INTERRUPT,
		.reserved = RESERVED(MI_MATCH, 0, false),
		.engines = ENG_BOTH,
		.len_bias = 1, .len_min = 1,
		.check_mask = CHECK_MASK(ENG_BOTH, 0, 0, 0),
		.check_value = VGPU_MI_USER_INTERRUPT,
		.len_max = 1,
	},
	[CMD_ID_ARB_CHECK] = {
		.name = "MI_ARB_CHECK",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_ARB_CHECK,
		.reserved = RESERVED(MI_MATCH, 0, false),
		.engines = ENG_BOTH,
		.len_bias = 1, .len_min = 1,
		.check_mask = CHECK_MASK(ENG_BOTH, 0, 0, 0),
		.check_value = VGPU_MI_ARB_CHECK,
		.len_max = 1,
	},
	[CMD_ID_BB_END] = {
		.name = "MI_BATCH_BUFFER_END",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_BATCH_BUFFER_END,
		.reserved = RESERVED(MI_MATCH, 0, false),
		.engines = ENG_BOTH,
		.flags = CMD_F_END,
		.len_bias = 1, .len_min = 1,
		.audit = CMD_AUDIT_BB_END,
		.check_mask = CHECK_MASK(ENG_BOTH, 0, 0, 0),
		.check_value = VGPU_MI_BATCH_BUFFER_END,
		.len_max = 1,
	},
	[CMD_ID_SDI] = {
		.name = "MI_STORE_DATA_IMM",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_STORE_DATA_IMM,
		.reserved = RESERVED(MI_MATCH, VGPU_MI_SDI_USE_GGTT |
				     VGPU_MI_SDI_STORE_QWORD, true),
		.engines = ENG_BOTH,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = 4, .len_span = 1,	/* 4 or 5 dwords */
		.addr_dw = 1,
		.audit = CMD_AUDIT_SDI,
		.check_mask = CHECK_MASK(ENG_BOTH, VGPU_MI_SDI_USE_GGTT |
					 VGPU_MI_SDI_STORE_QWORD, 0, 1),
		.check_value = VGPU_MI_STORE_DATA_IMM | LEN_FIELD(4),
		.len_max = 5,
	},
	[CMD_ID_LRI] = {
		.name = "MI_LOAD_REGISTER_IMM",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_INSTR(VGPU_MI_OP_LOAD_REGISTER_IMM, 0),
		.reserved = RESERVED(MI_MATCH, VGPU_MI_LRI_FORCE_POSTED, true),
		.engines = ENG_BOTH,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = 3, .len_span = VGPU_CMD_MAX_DWORDS - 3,
		.audit = CMD_AUDIT_LRI,
		.check_mask = CHECK_MASK(ENG_BOTH, VGPU_MI_LRI_FORCE_POSTED, 0,
					 VGPU_CMD_LEN_MASK & ~1),
		.check_value = VGPU_MI_INSTR(VGPU_MI_OP_LOAD_REGISTER_IMM, 0) |
			       1,	/* odd length field */
		.len_max = VGPU_CMD_MAX_DWORDS,
	},
	[CMD_ID_SRM] = {
		.name = "MI_STORE_REGISTER_MEM",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_INSTR(VGPU_MI_OP_STORE_REGISTER_MEM, 0),
		.reserved = RESERVED(MI_MATCH, VGPU_MI_SRM_USE_GGTT, true),
		.engines = ENG_BOTH,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = 4,
		.addr_dw = 2,
		.audit = CMD_AUDIT_SRM,
		.check_mask = CHECK_MASK(ENG_BOTH, VGPU_MI_SRM_USE_GGTT, 0, 0),
		.check_value = VGPU_MI_INSTR(VGPU_MI_OP_STORE_REGISTER_MEM, 0) |
			       LEN_FIELD(4),
		.len_max = 4,
	},
	[CMD_ID_FLUSH_DW] = {
		.name = "MI_FLUSH_DW",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_INSTR(VGPU_MI_OP_FLUSH_DW, 0),
		.reserved = RESERVED(MI_MATCH, VGPU_MI_FLUSH_DW_STORE_INDEX |
				     VGPU_MI_FLUSH_DW_INVALIDATE_TLB |
				     VGPU_MI_FLUSH_DW_OP_MASK |
				     VGPU_MI_FLUSH_DW_NOTIFY, true),
		.unsupported = VGPU_MI_FLUSH_DW_STORE_INDEX,
		.engines = ENG_COPY,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = 4, .len_span = 1,	/* 4 or 5 dwords */
		.addr_dw = 1,
		.audit = CMD_AUDIT_FLUSH_DW,
		.check_mask = CHECK_MASK(ENG_COPY, VGPU_MI_FLUSH_DW_STORE_INDEX |
					 VGPU_MI_FLUSH_DW_INVALIDATE_TLB |
					 VGPU_MI_FLUSH_DW_OP_MASK |
					 VGPU_MI_FLUSH_DW_NOTIFY,
					 VGPU_MI_FLUSH_DW_STORE_INDEX, 1),
		.check_value = VGPU_MI_INSTR(VGPU_MI_OP_FLUSH_DW, 0) | LEN_FIELD(4),
		.len_max = 5,
	},
	[CMD_ID_BB_START] = {
		.name = "MI_BATCH_BUFFER_START",
		.match_mask = MI_MATCH,
		.match_value = VGPU_MI_INSTR(VGPU_MI_OP_BATCH_BUFFER_START, 0),
		.reserved = RESERVED(MI_MATCH, VGPU_MI_BB_START_SECOND_LEVEL |
				     VGPU_MI_BB_START_PPGTT, true),
		.engines = ENG_BOTH,
		.flags = CMD_F_BRANCH,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = 3,
		.addr_dw = 1,
		.audit = CMD_AUDIT_BB_START,
		.check_mask = CHECK_MASK(ENG_BOTH, VGPU_MI_BB_START_SECOND_LEVEL |
					 VGPU_MI_BB_START_PPGTT, 0, 0),
		.check_value = VGPU_MI_INSTR(VGPU_MI_OP_BATCH_BUFFER_START, 0) |
			       LEN_FIELD(3),
		.len_max = 3,
	},
	[CMD_ID_PIPE_CONTROL] = {
		.name = "PIPE_CONTROL",
		.match_mask = GFX_MATCH,
		.match_value = VGPU_GFX_PIPE_CONTROL & GFX_MATCH,
		.reserved = RESERVED(GFX_MATCH, 0, true),
		.engines = ENG_RENDER,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = VGPU_PIPE_CONTROL_LEN,
		.addr_dw = 2,
		.audit = CMD_AUDIT_PIPE_CONTROL,
		.check_mask = CHECK_MASK(ENG_RENDER, 0, 0, 0),
		.check_value = (VGPU_GFX_PIPE_CONTROL & GFX_MATCH) |
			       LEN_FIELD(VGPU_PIPE_CONTROL_LEN),
		.len_max = VGPU_PIPE_CONTROL_LEN,
	},
	[CMD_ID_XY_COLOR_BLT] = {
		.name = "XY_COLOR_BLT",
		.match_mask = BLT_MATCH,
		.match_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_COLOR, 0),
		.reserved = RESERVED(BLT_MATCH, CLASSIC_BLT_WRITE |
				     VGPU_BLT_DST_TILED, true),
		.unsupported = VGPU_BLT_DST_TILED,
		.engines = ENG_COPY,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = VGPU_XY_COLOR_BLT_LEN,
		.addr_dw = 4,
		.blt = { .rop = VGPU_BLT_ROP_PATCOPY },
		.audit = CMD_AUDIT_BLT,
		.check_mask = CHECK_MASK(ENG_COPY, CLASSIC_BLT_WRITE |
					 VGPU_BLT_DST_TILED, VGPU_BLT_DST_TILED,
					 0),
		.check_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_COLOR, 0) |
			       LEN_FIELD(VGPU_XY_COLOR_BLT_LEN),
		.len_max = VGPU_XY_COLOR_BLT_LEN,
	},
	[CMD_ID_XY_SRC_COPY_BLT] = {
		.name = "XY_SRC_COPY_BLT",
		.match_mask = BLT_MATCH,
		.match_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_SRC_COPY, 0),
		.reserved = RESERVED(BLT_MATCH, CLASSIC_BLT_WRITE |
				     VGPU_BLT_SRC_TILED | VGPU_BLT_DST_TILED,
				     true),
		.unsupported = VGPU_BLT_SRC_TILED | VGPU_BLT_DST_TILED,
		.engines = ENG_COPY,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = VGPU_XY_SRC_COPY_BLT_LEN,
		.addr_dw = 4,
		.blt = { .src = true, .rop = VGPU_BLT_ROP_SRCCOPY },
		.audit = CMD_AUDIT_BLT,
		.check_mask = CHECK_MASK(ENG_COPY, CLASSIC_BLT_WRITE |
					 VGPU_BLT_SRC_TILED |
					 VGPU_BLT_DST_TILED,
					 VGPU_BLT_SRC_TILED |
					 VGPU_BLT_DST_TILED, 0),
		.check_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_SRC_COPY, 0) |
			       LEN_FIELD(VGPU_XY_SRC_COPY_BLT_LEN),
		.len_max = VGPU_XY_SRC_COPY_BLT_LEN,
	},
	[CMD_ID_XY_FAST_COPY_BLT] = {
		.name = "XY_FAST_COPY_BLT",
		.match_mask = BLT_MATCH,
		.match_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_FAST_COPY, 0),
		.reserved = RESERVED(BLT_MATCH, FAST_COPY_TILING, true),
		.unsupported = FAST_COPY_TILING,
		.engines = ENG_COPY,
		.len_mask = VGPU_CMD_LEN_MASK, .len_bias = VGPU_CMD_LEN_BIAS,
		.len_min = VGPU_XY_FAST_COPY_BLT_LEN,
		.addr_dw = 4,
		.blt = { .fast = true, .src = true },
		.audit = CMD_AUDIT_BLT,
		.check_mask = CHECK_MASK(ENG_COPY, FAST_COPY_TILING,
					 FAST_COPY_TILING, 0),
		.check_value = VGPU_BLT_INSTR(VGPU_BLT_OP_XY_FAST_COPY, 0) |
			       LEN_FIELD(VGPU_XY_FAST_COPY_BLT_LEN),
		.len_max = VGPU_XY_FAST_COPY_BLT_LEN,
	},
};

const u32 cmd_nr_descs = ARRAY_SIZE(cmd_descs);

/*
 * Bucket keys: the top ten header bits. An MI opcode sits in bits 28:23, so
 * header bit 22 (a flag, the GGTT bit of several) splits each MI command
 * over two keys.
 */
#define MI_KEY(op)	((u32)(op) << (VGPU_CMD_MI_OPCODE_SHIFT - CMD_BUCKET_SHIFT))
#define BLT_KEY(op)	(((u32)VGPU_CMD_CLIENT_BLT <<			\
			  (VGPU_CMD_CLIENT_SHIFT - CMD_BUCKET_SHIFT)) | (op))
#define MI_KEY_GGTT(op)	(MI_KEY(op) | 1)

const struct cmd_desc *const cmd_buckets[CMD_BUCKETS] = {
	[MI_KEY(VGPU_MI_OP_NOOP)] = &cmd_descs[CMD_ID_NOOP],
	[MI_KEY_GGTT(VGPU_MI_OP_NOOP)] = &cmd_descs[CMD_ID_NOOP],
	[MI_KEY(VGPU_MI_OP_USER_INTERRUPT)] = &cmd_descs[CMD_ID_USER_INTERRUPT],
	[MI_KEY_GGTT(VGPU_MI_OP_USER_INTERRUPT)] = &cmd_descs[CMD_ID_USER_INTERRUPT],
	[MI_KEY(VGPU_MI_OP_ARB_CHECK)] = &cmd_descs[CMD_ID_ARB_CHECK],
	[MI_KEY_GGTT(VGPU_MI_OP_ARB_CHECK)] = &cmd_descs[CMD_ID_ARB_CHECK],
	[MI_KEY(VGPU_MI_OP_BATCH_BUFFER_END)] = &cmd_descs[CMD_ID_BB_END],
	[MI_KEY_GGTT(VGPU_MI_OP_BATCH_BUFFER_END)] = &cmd_descs[CMD_ID_BB_END],
	[MI_KEY(VGPU_MI_OP_STORE_DATA_IMM)] = &cmd_descs[CMD_ID_SDI],
	[MI_KEY_GGTT(VGPU_MI_OP_STORE_DATA_IMM)] = &cmd_descs[CMD_ID_SDI],
	[MI_KEY(VGPU_MI_OP_LOAD_REGISTER_IMM)] = &cmd_descs[CMD_ID_LRI],
	[MI_KEY_GGTT(VGPU_MI_OP_LOAD_REGISTER_IMM)] = &cmd_descs[CMD_ID_LRI],
	[MI_KEY(VGPU_MI_OP_STORE_REGISTER_MEM)] = &cmd_descs[CMD_ID_SRM],
	[MI_KEY_GGTT(VGPU_MI_OP_STORE_REGISTER_MEM)] = &cmd_descs[CMD_ID_SRM],
	[MI_KEY(VGPU_MI_OP_FLUSH_DW)] = &cmd_descs[CMD_ID_FLUSH_DW],
	[MI_KEY_GGTT(VGPU_MI_OP_FLUSH_DW)] = &cmd_descs[CMD_ID_FLUSH_DW],
	[MI_KEY(VGPU_MI_OP_BATCH_BUFFER_START)] = &cmd_descs[CMD_ID_BB_START],
	[MI_KEY_GGTT(VGPU_MI_OP_BATCH_BUFFER_START)] = &cmd_descs[CMD_ID_BB_START],
	[VGPU_GFX_PIPE_CONTROL >> CMD_BUCKET_SHIFT] = &cmd_descs[CMD_ID_PIPE_CONTROL],
	[BLT_KEY(VGPU_BLT_OP_XY_COLOR)] = &cmd_descs[CMD_ID_XY_COLOR_BLT],
	[BLT_KEY(VGPU_BLT_OP_XY_SRC_COPY)] = &cmd_descs[CMD_ID_XY_SRC_COPY_BLT],
	[BLT_KEY(VGPU_BLT_OP_XY_FAST_COPY)] = &cmd_descs[CMD_ID_XY_FAST_COPY_BLT],
};

const char *cmdparser_cmd_name(u32 header)
{
	const struct cmd_desc *d = cmd_lookup(header);

	return d ? d->name : "unknown";
}
