/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Internals of the executor shared by its files: graphics memory access
 * (exec_mem.c), the per-command context handed to the command handlers
 * (exec_mi.c, exec_blt.c) and the decode table (exec_step.c).
 */
#ifndef _REFGPU_EXEC_INTERNAL_H
#define _REFGPU_EXEC_INTERNAL_H

#include "exec.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the executor reads and writes little-endian dwords in place"
#endif

#define EX_PAGE_SIZE		VGPU_GTT_PAGE_SIZE
#define EX_PAGE_MASK		((u64)EX_PAGE_SIZE - 1)

/* Longest write of a store command: a qword (two data dwords). */
#define EX_STORE_MAX		8

/**
 * enum ex_flow - what a command does to the flow of execution
 * @EX_FLOW_NEXT: continue with the next command
 * @EX_FLOW_START: enter a batch (MI_BATCH_BUFFER_START)
 * @EX_FLOW_END: leave the current batch (MI_BATCH_BUFFER_END)
 */
enum ex_flow {
	EX_FLOW_NEXT,
	EX_FLOW_START,
	EX_FLOW_END,
};

/**
 * struct ex_cmd_ctx - one command being executed
 * @ex: the executor
 * @st: the context's state (not yet advanced past the command)
 * @res: the step's result; handlers fill in errors and events
 * @cmd: the command, @len dwords, contiguous
 * @len: its length in dwords
 * @flow: set by branch handlers, applied after the state has advanced
 * @call: EX_FLOW_START calls a second-level batch
 * @target: EX_FLOW_START's graphics address
 */
struct ex_cmd_ctx {
	struct refgpu_exec *ex;
	struct refgpu_exec_state *st;
	struct refgpu_exec_result *res;
	const u32 *cmd;
	u32 len;
	enum ex_flow flow;
	bool call;
	u64 target;
};

/* Returns true when the command ran, false when @c->res holds an error. */
typedef bool (*ex_handler_fn)(struct ex_cmd_ctx *c);

/* exec_mem.c: graphics memory, one translated page at a time. */
u8 *ex_map(struct refgpu_exec *ex, u64 addr, bool write,
	   struct refgpu_exec_result *res);
bool ex_read(struct refgpu_exec *ex, u64 addr, void *dst, u32 len,
	     struct refgpu_exec_result *res);
bool ex_write(struct refgpu_exec *ex, u64 addr, const void *src, u32 len,
	      struct refgpu_exec_result *res);

static inline bool ex_refuse(struct refgpu_exec_result *res, u32 reason)
{
	res->status = REFGPU_EXEC_ERROR;
	res->error = REFGPU_EXEC_ERR_COMMAND;
	res->reason = reason;
	return false;
}

static inline u64 ex_addr64(const u32 *cmd, u32 dw)
{
	return ((u64)cmd[dw + 1] << 32) | cmd[dw];
}

/* exec_mi.c: MI commands and PIPE_CONTROL. */
bool ex_mi_noop(struct ex_cmd_ctx *c);
bool ex_mi_user_interrupt(struct ex_cmd_ctx *c);
bool ex_mi_bb_end(struct ex_cmd_ctx *c);
bool ex_mi_bb_start(struct ex_cmd_ctx *c);
bool ex_mi_store_data_imm(struct ex_cmd_ctx *c);
bool ex_mi_load_register_imm(struct ex_cmd_ctx *c);
bool ex_mi_store_register_mem(struct ex_cmd_ctx *c);
bool ex_mi_flush_dw(struct ex_cmd_ctx *c);
bool ex_pipe_control(struct ex_cmd_ctx *c);

/* exec_blt.c: the blitter commands. */
bool ex_xy_color_blt(struct ex_cmd_ctx *c);
bool ex_xy_src_copy_blt(struct ex_cmd_ctx *c);
bool ex_xy_fast_copy_blt(struct ex_cmd_ctx *c);

#endif /* _REFGPU_EXEC_INTERNAL_H */
