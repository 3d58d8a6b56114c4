// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The executor's main loop body: fetch the next command from the ring or
 * the current batch, decode it against the command subset the parser
 * audits with (vgpu/cmd_subset_rows.h), run its handler and move the
 * context past it.
 */
#include "exec_internal.h"
#include "vgpu/cmd_subset.h"

/*
 * What the executor takes from the command subset (vgpu/cmd_subset.h):
 * how a header selects a command, the engines that execute it and its
 * length bounds.
 */
struct ex_cmd {
	u32 match_mask;
	u32 match_value;
	u8 engines;
	u16 len_min;
	u16 len_max;
};

static const struct ex_cmd ex_cmds[VGPU_CMD_ID_COUNT] = {
#define VGPU_CMD(...)							\
	[VGPU_CMD_ROW_ID(__VA_ARGS__)] = {				\
		.match_mask = VGPU_CMD_ROW_MATCH_MASK(__VA_ARGS__),	\
		.match_value = VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__),	\
		.engines = VGPU_CMD_ROW_ENGINES(__VA_ARGS__),		\
		.len_min = VGPU_CMD_ROW_LEN_MIN(__VA_ARGS__),		\
		.len_max = VGPU_CMD_ROW_LEN_MAX(__VA_ARGS__),		\
	},
#include "vgpu/cmd_subset_rows.h"
};

/* Commands by the top ten header bits, as the parser finds them. */
static const struct ex_cmd *const ex_buckets[VGPU_CMD_BUCKETS] = {
#define VGPU_CMD(...)							\
	VGPU_CMD_ROW_BUCKETS(&ex_cmds[VGPU_CMD_ROW_ID(__VA_ARGS__)],	\
			     __VA_ARGS__),
#include "vgpu/cmd_subset_rows.h"
};

/*
 * The executor's own part of each command: what it does. The rows leave
 * it out (they hold facts, not code); every id needs one, and the
 * subset-decode test runs them all.
 */
static const ex_handler_fn ex_handlers[VGPU_CMD_ID_COUNT] = {
	[VGPU_CMD_ID_NOOP] = ex_mi_noop,
	[VGPU_CMD_ID_USER_INTERRUPT] = ex_mi_user_interrupt,
	/* Every command boundary is a preemption point: nothing to do. */
	[VGPU_CMD_ID_ARB_CHECK] = ex_mi_noop,
	[VGPU_CMD_ID_BB_END] = ex_mi_bb_end,
	[VGPU_CMD_ID_SDI] = ex_mi_store_data_imm,
	[VGPU_CMD_ID_LRI] = ex_mi_load_register_imm,
	[VGPU_CMD_ID_SRM] = ex_mi_store_register_mem,
	[VGPU_CMD_ID_FLUSH_DW] = ex_mi_flush_dw,
	[VGPU_CMD_ID_BB_START] = ex_mi_bb_start,
	[VGPU_CMD_ID_PIPE_CONTROL] = ex_pipe_control,
	[VGPU_CMD_ID_XY_COLOR_BLT] = ex_xy_color_blt,
	[VGPU_CMD_ID_XY_SRC_COPY_BLT] = ex_xy_src_copy_blt,
	[VGPU_CMD_ID_XY_FAST_COPY_BLT] = ex_xy_fast_copy_blt,
};

/* The command a header starts, or NULL. */
static const struct ex_cmd *ex_decode(u32 hdr)
{
	const struct ex_cmd *d = ex_buckets[hdr >> VGPU_CMD_BUCKET_SHIFT];

	if (!d || (hdr & d->match_mask) != d->match_value)
		return NULL;
	return d;
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
	const struct ex_cmd *d;
	ex_handler_fn run;
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
	len = vgpu_cmd_header_len(hdr);
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
	run = ex_handlers[d - ex_cmds];
	if (!run(&c))
		return;
	ex_advance(st, &c);
	res->status = REFGPU_EXEC_OK;
}
