// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The executor's main loop body: fetch the next command from the ring or
 * the current batch, decode it against the command table, run its handler
 * and move the context past it.
 */
#include "exec_internal.h"

/**
 * struct ex_desc - one command of the subset, as the executor sees it
 * @run: the handler
 * @engines: VGPU_ENGINE_MASK() bits of the engines that execute it
 * @len_min: shortest length in dwords
 * @len_max: longest length in dwords; 1 means the header has no length field
 */
struct ex_desc {
	ex_handler_fn run;
	u8 engines;
	u8 len_min;
	u8 len_max;
};

#define EX_RENDER	VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER)
#define EX_COPY		VGPU_ENGINE_MASK(VGPU_ENGINE_COPY)
#define EX_BOTH		(EX_RENDER | EX_COPY)

enum ex_cmd_id {
	EX_NOOP,
	EX_USER_INTERRUPT,
	EX_ARB_CHECK,
	EX_BB_END,
	EX_SDI,
	EX_LRI,
	EX_SRM,
	EX_FLUSH_DW,
	EX_BB_START,
	EX_PIPE_CONTROL,
	EX_XY_COLOR_BLT,
	EX_XY_SRC_COPY_BLT,
	EX_XY_FAST_COPY_BLT,
	EX_CMD_COUNT
};

static const struct ex_desc ex_descs[EX_CMD_COUNT] = {
	[EX_NOOP] = { ex_mi_noop, EX_BOTH, 1, 1 },
	[EX_USER_INTERRUPT] = { ex_mi_user_interrupt, EX_BOTH, 1, 1 },
	/* Every command boundary is a preemption point: nothing to do. */
	[EX_ARB_CHECK] = { ex_mi_noop, EX_BOTH, 1, 1 },
	[EX_BB_END] = { ex_mi_bb_end, EX_BOTH, 1, 1 },
	[EX_SDI] = { ex_mi_store_data_imm, EX_BOTH, 4, 5 },
	[EX_LRI] = { ex_mi_load_register_imm, EX_BOTH, 3, VGPU_CMD_MAX_DWORDS },
	[EX_SRM] = { ex_mi_store_register_mem, EX_BOTH, 4, 4 },
	[EX_FLUSH_DW] = { ex_mi_flush_dw, EX_COPY, 4, 5 },
	[EX_BB_START] = { ex_mi_bb_start, EX_BOTH, 3, 3 },
	[EX_PIPE_CONTROL] = { ex_pipe_control, EX_RENDER,
			      VGPU_PIPE_CONTROL_LEN, VGPU_PIPE_CONTROL_LEN },
	[EX_XY_COLOR_BLT] = { ex_xy_color_blt, EX_COPY,
			      VGPU_XY_COLOR_BLT_LEN, VGPU_XY_COLOR_BLT_LEN },
	[EX_XY_SRC_COPY_BLT] = { ex_xy_src_copy_blt, EX_COPY,
				 VGPU_XY_SRC_COPY_BLT_LEN,
				 VGPU_XY_SRC_COPY_BLT_LEN },
	[EX_XY_FAST_COPY_BLT] = { ex_xy_fast_copy_blt, EX_COPY,
				  VGPU_XY_FAST_COPY_BLT_LEN,
				  VGPU_XY_FAST_COPY_BLT_LEN },
};

/* The descriptor of the command a header starts, or NULL. */
static const struct ex_desc *ex_decode(u32 hdr)
{
	int id = -1;

	switch (hdr >> VGPU_CMD_CLIENT_SHIFT) {
	case VGPU_CMD_CLIENT_MI:
		switch ((hdr & VGPU_CMD_MI_OPCODE_MASK) >>
			VGPU_CMD_MI_OPCODE_SHIFT) {
		case VGPU_MI_OP_NOOP:
			id = EX_NOOP;
			break;
		case VGPU_MI_OP_USER_INTERRUPT:
			id = EX_USER_INTERRUPT;
			break;
		case VGPU_MI_OP_ARB_CHECK:
			id = EX_ARB_CHECK;
			break;
		case VGPU_MI_OP_BATCH_BUFFER_END:
			id = EX_BB_END;
			break;
		case VGPU_MI_OP_STORE_DATA_IMM:
			id = EX_SDI;
			break;
		case VGPU_MI_OP_LOAD_REGISTER_IMM:
			id = EX_LRI;
			break;
		case VGPU_MI_OP_STORE_REGISTER_MEM:
			id = EX_SRM;
			break;
		case VGPU_MI_OP_FLUSH_DW:
			id = EX_FLUSH_DW;
			break;
		case VGPU_MI_OP_BATCH_BUFFER_START:
			id = EX_BB_START;
			break;
		}
		break;
	case VGPU_CMD_CLIENT_BLT:
		switch ((hdr & VGPU_CMD_BLT_OPCODE_MASK) >>
			VGPU_CMD_BLT_OPCODE_SHIFT) {
		case VGPU_BLT_OP_XY_COLOR:
			id = EX_XY_COLOR_BLT;
			break;
		case VGPU_BLT_OP_XY_SRC_COPY:
			id = EX_XY_SRC_COPY_BLT;
			break;
		case VGPU_BLT_OP_XY_FAST_COPY:
			id = EX_XY_FAST_COPY_BLT;
			break;
		}
		break;
	case VGPU_CMD_CLIENT_GFX:
		if ((hdr & VGPU_CMD_GFX_OPCODE_MASK) ==
		    (VGPU_GFX_PIPE_CONTROL & VGPU_CMD_GFX_OPCODE_MASK))
			id = EX_PIPE_CONTROL;
		break;
	}
	return id < 0 ? NULL : &ex_descs[id];
}

int refgpu_exec_init(struct refgpu_exec *ex, const struct refgpu_exec_env *env)
{
	if ((unsigned int)env->engine >= VGPU_ENGINE_COUNT || !env->map ||
	    !env->timestamp)
		return -EINVAL;
	memset(ex, 0, sizeof(*ex));
	ex->env = *env;
	return 0;
}

bool refgpu_exec_ring_valid(u64 ring_base, u32 ring_size)
{
	return !(ring_base & EX_PAGE_MASK) && !(ring_size & EX_PAGE_MASK) &&
	       ring_size >= VGPU_RING_MIN_SIZE &&
	       ring_size <= VGPU_RING_MAX_SIZE &&
	       ring_base < VGPU_GFX_ADDR_SPACE_SIZE &&
	       ring_size <= VGPU_GFX_ADDR_SPACE_SIZE - ring_base;
}

int refgpu_exec_state_init(struct refgpu_exec_state *st, u64 ring_base,
			   u32 ring_size, u32 head)
{
	if (!refgpu_exec_ring_valid(ring_base, ring_size) ||
	    head >= ring_size || (head & 3))
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	st->ring_base = ring_base;
	st->ring_size = ring_size;
	st->head = head;
	st->tail = head;
	return 0;
}

/* A state nobody could have produced is refused, never followed. */
static bool ex_state_sane(const struct refgpu_exec_state *st)
{
	return refgpu_exec_ring_valid(st->ring_base, st->ring_size) &&
	       st->head < st->ring_size && !(st->head & 3) &&
	       st->tail < st->ring_size && !(st->tail & 3) &&
	       st->level <= REFGPU_EXEC_MAX_LEVEL;
}

/* Read @len bytes of the ring from offset @off, wrapping at its end. */
static bool ex_ring_read(struct refgpu_exec *ex,
			 const struct refgpu_exec_state *st, u32 off,
			 void *dst, u32 len, struct refgpu_exec_result *res)
{
	u32 first = min_t(u32, len, st->ring_size - off);

	if (!ex_read(ex, st->ring_base + off, dst, first, res))
		return false;
	return first == len ||
	       ex_read(ex, st->ring_base, (u8 *)dst + first, len - first, res);
}

/* Fetch the rest of the command whose header is ex->cmd[0]. */
static bool ex_fetch_rest(struct refgpu_exec *ex,
			  const struct refgpu_exec_state *st, u32 len,
			  struct refgpu_exec_result *res)
{
	u32 bytes = (len - 1) * 4;

	if (!bytes)
		return true;
	if (!st->level)
		return ex_ring_read(ex, st, (st->head + 4) % st->ring_size,
				    &ex->cmd[1], bytes, res);
	return ex_read(ex, st->batch_addr[st->level] + 4, &ex->cmd[1], bytes,
		       res);
}

/* Move past the command just executed and apply its effect on the flow. */
static void ex_advance(struct refgpu_exec_state *st,
		       const struct ex_cmd_ctx *c)
{
	u32 bytes = c->len * 4;

	if (!st->level)
		st->head = (st->head + bytes) % st->ring_size;
	else
		st->batch_addr[st->level] += bytes;

	switch (c->flow) {
	case EX_FLOW_NEXT:
		break;
	case EX_FLOW_START:
		/* From the ring or a call: one level down; else a chain. */
		if (!st->level || c->call)
			st->level++;
		st->batch_addr[st->level] = c->target;
		break;
	case EX_FLOW_END:
		st->level--;
		break;
	}
}

void refgpu_exec_step(struct refgpu_exec *ex, struct refgpu_exec_state *st,
		      struct refgpu_exec_result *res)
{
	const struct ex_desc *d;
	struct ex_cmd_ctx c;
	u32 hdr, len, avail = 0;

	memset(res, 0, sizeof(*res));
	if (!ex_state_sane(st)) {
		ex_refuse(res, VGPU_AUDIT_RING_CONFIG);
		return;
	}
	if (!st->level) {
		if (st->head == st->tail) {
			res->status = REFGPU_EXEC_IDLE;
			return;
		}
		res->cmd_addr = st->head;
		avail = (st->tail + st->ring_size - st->head) % st->ring_size;
		if (!ex_ring_read(ex, st, st->head, &hdr, 4, res))
			return;
	} else {
		res->in_batch = true;
		res->cmd_addr = st->batch_addr[st->level];
		if (!ex_read(ex, res->cmd_addr, &hdr, 4, res))
			return;
	}
	res->header = hdr;

	d = ex_decode(hdr);
	if (!d) {
		ex_refuse(res, VGPU_AUDIT_UNKNOWN_OPCODE);
		return;
	}
	len = d->len_max == 1 ? 1 : VGPU_CMD_LEN(hdr);
	res->dwords = len;
	if (!(d->engines & VGPU_ENGINE_MASK(ex->env.engine))) {
		ex_refuse(res, VGPU_AUDIT_WRONG_ENGINE);
		return;
	}
	if (len < d->len_min || len > d->len_max) {
		ex_refuse(res, VGPU_AUDIT_BAD_LENGTH);
		return;
	}
	if (!st->level && len * 4 > avail) {
		ex_refuse(res, VGPU_AUDIT_TRUNCATED);
		return;
	}
	ex->cmd[0] = hdr;
	if (!ex_fetch_rest(ex, st, len, res))
		return;

	c = (struct ex_cmd_ctx) {
		.ex = ex, .st = st, .res = res, .cmd = ex->cmd, .len = len,
	};
	if (!d->run(&c))
		return;
	ex_advance(st, &c);
	res->status = REFGPU_EXEC_OK;
}
