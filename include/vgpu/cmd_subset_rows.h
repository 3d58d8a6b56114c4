/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The command subset, one row per command: see vgpu/cmd_subset.h, which
 * must be included first. This file has no include guard on purpose: it
 * is included once per table, with VGPU_CMD() defined to expand a row, and
 * undefines VGPU_CMD() at its end.
 *
 * VGPU_CMD(id, name,
 *	    match, header,
 *	    allowed, unsupported,
 *	    engines, length,
 *	    addr_dw, audit, flags, blt)
 *
 * id:		the command's enum vgpu_cmd_id constant
 * name:	for logs only
 * match:	VGPU_CMD_MATCH_*: the header bits that identify the command
 * header:	a header of the command; its @match bits are the match value
 * allowed:	header flags that may be set; every bit neither matched,
 *		allowed, unsupported nor in the length field must be zero
 * unsupported:	header bits naming a Gen9 feature outside the subset
 * engines:	VGPU_CMD_ON_*: the engines the command is valid on
 * length:	VGPU_CMD_LEN_*: the length rule and bounds
 *
 * The last four columns are the parser's alone (the executor has its own
 * code for what they describe), yet belong here so that a command is one
 * row; only cmdparser/cmd_table.c expands them, with the names of
 * cmdparser/cmd_desc.h:
 *
 * addr_dw:	index of the first dword of the (first) address, 0 if none
 * audit:	CMD_AUDIT_*: the command-specific checks
 * flags:	CMD_F_*: batch start or end
 * blt:		CMD_BLT_*: parameters of the shared blit audit
 */
#ifndef VGPU_CMD
#error "define VGPU_CMD() before including vgpu/cmd_subset_rows.h"
#endif

/* Bits 22:0 of MI_NOOP may carry an identification number. */
VGPU_CMD(VGPU_CMD_ID_NOOP, "MI_NOOP",
	 VGPU_CMD_MATCH_MI, VGPU_MI_NOOP,
	 0x007fffff, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_ONE,
	 0, CMD_AUDIT_NONE, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_USER_INTERRUPT, "MI_USER_INTERRUPT",
	 VGPU_CMD_MATCH_MI, VGPU_MI_USER_INTERRUPT,
	 0, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_ONE,
	 0, CMD_AUDIT_NONE, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_ARB_CHECK, "MI_ARB_CHECK",
	 VGPU_CMD_MATCH_MI, VGPU_MI_ARB_CHECK,
	 0, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_ONE,
	 0, CMD_AUDIT_NONE, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_BB_END, "MI_BATCH_BUFFER_END",
	 VGPU_CMD_MATCH_MI, VGPU_MI_BATCH_BUFFER_END,
	 0, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_ONE,
	 0, CMD_AUDIT_BB_END, CMD_F_END, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_SDI, "MI_STORE_DATA_IMM",
	 VGPU_CMD_MATCH_MI, VGPU_MI_STORE_DATA_IMM,
	 VGPU_MI_SDI_USE_GGTT | VGPU_MI_SDI_STORE_QWORD, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_PAIR(4),
	 1, CMD_AUDIT_SDI, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_LRI, "MI_LOAD_REGISTER_IMM",
	 VGPU_CMD_MATCH_MI, VGPU_MI_LOAD_REGISTER_IMM(1),
	 VGPU_MI_LRI_FORCE_POSTED, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_ODD(VGPU_CMD_MAX_DWORDS),
	 0, CMD_AUDIT_LRI, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_SRM, "MI_STORE_REGISTER_MEM",
	 VGPU_CMD_MATCH_MI, VGPU_MI_STORE_REGISTER_MEM,
	 VGPU_MI_SRM_USE_GGTT, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_FIXED(4),
	 2, CMD_AUDIT_SRM, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_FLUSH_DW, "MI_FLUSH_DW",
	 VGPU_CMD_MATCH_MI, VGPU_MI_FLUSH_DW,
	 VGPU_MI_FLUSH_DW_INVALIDATE_TLB | VGPU_MI_FLUSH_DW_OP_MASK |
	 VGPU_MI_FLUSH_DW_NOTIFY, VGPU_MI_FLUSH_DW_STORE_INDEX,
	 VGPU_CMD_ON_COPY, VGPU_CMD_LEN_PAIR(4),
	 1, CMD_AUDIT_FLUSH_DW, 0, CMD_BLT_NONE)
/* PPGTT is a flag the audit refuses (ADDR_SPACE), not a header check. */
VGPU_CMD(VGPU_CMD_ID_BB_START, "MI_BATCH_BUFFER_START",
	 VGPU_CMD_MATCH_MI, VGPU_MI_BATCH_BUFFER_START,
	 VGPU_MI_BB_START_SECOND_LEVEL | VGPU_MI_BB_START_PPGTT, 0,
	 VGPU_CMD_ON_ALL, VGPU_CMD_LEN_FIXED(3),
	 1, CMD_AUDIT_BB_START, CMD_F_BRANCH, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_PIPE_CONTROL, "PIPE_CONTROL",
	 VGPU_CMD_MATCH_GFX, VGPU_GFX_PIPE_CONTROL,
	 0, 0,
	 VGPU_CMD_ON_RENDER, VGPU_CMD_LEN_FIXED(VGPU_PIPE_CONTROL_LEN),
	 2, CMD_AUDIT_PIPE_CONTROL, 0, CMD_BLT_NONE)
VGPU_CMD(VGPU_CMD_ID_XY_COLOR_BLT, "XY_COLOR_BLT",
	 VGPU_CMD_MATCH_BLT, VGPU_XY_COLOR_BLT,
	 VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB, VGPU_BLT_DST_TILED,
	 VGPU_CMD_ON_COPY, VGPU_CMD_LEN_FIXED(VGPU_XY_COLOR_BLT_LEN),
	 4, CMD_AUDIT_BLT, 0, CMD_BLT_FILL(VGPU_BLT_ROP_PATCOPY))
VGPU_CMD(VGPU_CMD_ID_XY_SRC_COPY_BLT, "XY_SRC_COPY_BLT",
	 VGPU_CMD_MATCH_BLT, VGPU_XY_SRC_COPY_BLT,
	 VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB,
	 VGPU_BLT_SRC_TILED | VGPU_BLT_DST_TILED,
	 VGPU_CMD_ON_COPY, VGPU_CMD_LEN_FIXED(VGPU_XY_SRC_COPY_BLT_LEN),
	 4, CMD_AUDIT_BLT, 0, CMD_BLT_COPY(VGPU_BLT_ROP_SRCCOPY))
VGPU_CMD(VGPU_CMD_ID_XY_FAST_COPY_BLT, "XY_FAST_COPY_BLT",
	 VGPU_CMD_MATCH_BLT, VGPU_XY_FAST_COPY_BLT,
	 0, VGPU_FAST_COPY_SRC_TILING_MASK | VGPU_FAST_COPY_DST_TILING_MASK,
	 VGPU_CMD_ON_COPY, VGPU_CMD_LEN_FIXED(VGPU_XY_FAST_COPY_BLT_LEN),
	 4, CMD_AUDIT_BLT, 0, CMD_BLT_FAST_COPY)

#undef VGPU_CMD
