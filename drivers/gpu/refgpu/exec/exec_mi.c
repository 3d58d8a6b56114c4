// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * MI commands and PIPE_CONTROL: batch flow, stores, the engine's register
 * file (LRI/SRM) and post-sync writes.
 *
 * Bits the audit requires to be zero are ignored here unless they select
 * something this engine cannot do (another address space, store index,
 * MMIO writes): those are refused with the audit's reason code.
 */
#include "exec_internal.h"

bool ex_mi_noop(struct ex_cmd_ctx *c)
{
	return true;
}

bool ex_mi_user_interrupt(struct ex_cmd_ctx *c)
{
	c->res->events |= REFGPU_EXEC_EV_USER_INTERRUPT;
	return true;
}

bool ex_mi_bb_end(struct ex_cmd_ctx *c)
{
	if (!c->st->level)
		return ex_refuse(c->res, VGPU_AUDIT_BATCH_CONTEXT);
	c->flow = EX_FLOW_END;
	return true;
}

bool ex_mi_bb_start(struct ex_cmd_ctx *c)
{
	u32 hdr = c->cmd[0];
	bool call = hdr & VGPU_MI_BB_START_SECOND_LEVEL;

	if (hdr & VGPU_MI_BB_START_PPGTT)
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_SPACE);
	if (call) {
		/* Calls: render engine, from a first-level batch only. */
		if (!c->st->level ||
		    c->ex->env.engine != VGPU_ENGINE_RENDER)
			return ex_refuse(c->res, VGPU_AUDIT_BATCH_CONTEXT);
		if (c->st->level >= REFGPU_EXEC_MAX_LEVEL)
			return ex_refuse(c->res, VGPU_AUDIT_BATCH_DEPTH);
	}
	c->flow = EX_FLOW_START;
	c->call = call;
	c->target = ((u64)c->cmd[2] << 32) |
		    (c->cmd[1] & VGPU_MI_BB_START_ADDR_MASK);
	return true;
}

bool ex_mi_store_data_imm(struct ex_cmd_ctx *c)
{
	u32 hdr = c->cmd[0];
	bool qword = hdr & VGPU_MI_SDI_STORE_QWORD;
	u64 addr = ex_addr64(c->cmd, 1);

	if (!(hdr & VGPU_MI_SDI_USE_GGTT))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_SPACE);
	if (qword && c->len != VGPU_MI_SDI_LEN_QWORD + VGPU_CMD_LEN_BIAS)
		return ex_refuse(c->res, VGPU_AUDIT_BAD_LENGTH);
	if (addr & (qword ? 7 : 3))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_ALIGN);
	/* One or two data dwords follow the two address dwords. */
	return ex_write(c->ex, addr, &c->cmd[3], (c->len - 3) * 4, c->res);
}

/*
 * The register file: the engine's GPRs (read and write) and its timestamp
 * (read only). Offsets are full BAR0 offsets of this engine's registers;
 * anything else is refused.
 */
static bool ex_gpr_index(const struct ex_cmd_ctx *c, u32 reg, u32 *dword)
{
	u32 first = VGPU_CS_GPR(VGPU_RING_BASE(c->ex->env.engine), 0);

	if (reg < first || reg - first >= VGPU_CS_GPR_COUNT * 8)
		return false;
	/* Dword 2n is the low half of GPR n, dword 2n + 1 the high half. */
	*dword = (reg - first) / 4;
	return true;
}

static u32 ex_gpr_get(const struct ex_cmd_ctx *c, u32 dword)
{
	return (u32)(c->st->gpr[dword / 2] >> (32 * (dword & 1)));
}

static void ex_gpr_set(struct ex_cmd_ctx *c, u32 dword, u32 val)
{
	u32 shift = 32 * (dword & 1);
	u64 *gpr = &c->st->gpr[dword / 2];

	*gpr = (*gpr & ~(0xffffffffULL << shift)) | ((u64)val << shift);
}

static bool ex_reg_read(struct ex_cmd_ctx *c, u32 reg, u32 *val)
{
	u32 base = VGPU_RING_BASE(c->ex->env.engine);
	u32 dword;
	u64 ts;

	if (ex_gpr_index(c, reg, &dword)) {
		*val = ex_gpr_get(c, dword);
		return true;
	}
	if (reg == VGPU_RING_TIMESTAMP(base) ||
	    reg == VGPU_RING_TIMESTAMP_UDW(base)) {
		ts = c->ex->env.timestamp(c->ex->env.priv);
		*val = reg == VGPU_RING_TIMESTAMP(base) ? (u32)ts :
							  (u32)(ts >> 32);
		return true;
	}
	return false;
}

bool ex_mi_load_register_imm(struct ex_cmd_ctx *c)
{
	u32 i, dword;

	/* 1 + 2n dwords. */
	if (!(c->len & 1))
		return ex_refuse(c->res, VGPU_AUDIT_BAD_LENGTH);
	/* All registers are checked before any is written. */
	for (i = 1; i < c->len; i += 2)
		if (!ex_gpr_index(c, c->cmd[i] & VGPU_MI_REG_OFFSET_MASK,
				  &dword))
			return ex_refuse(c->res, VGPU_AUDIT_REG_DENIED);
	for (i = 1; i < c->len; i += 2) {
		ex_gpr_index(c, c->cmd[i] & VGPU_MI_REG_OFFSET_MASK, &dword);
		ex_gpr_set(c, dword, c->cmd[i + 1]);
	}
	return true;
}

bool ex_mi_store_register_mem(struct ex_cmd_ctx *c)
{
	u64 addr = ex_addr64(c->cmd, 2);
	u32 val;

	if (!(c->cmd[0] & VGPU_MI_SRM_USE_GGTT))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_SPACE);
	if (addr & 3)
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_ALIGN);
	if (!ex_reg_read(c, c->cmd[1] & VGPU_MI_REG_OFFSET_MASK, &val))
		return ex_refuse(c->res, VGPU_AUDIT_REG_DENIED);
	return ex_write(c->ex, addr, &val, 4, c->res);
}

bool ex_mi_flush_dw(struct ex_cmd_ctx *c)
{
	u32 hdr = c->cmd[0];
	u32 op = (hdr & VGPU_MI_FLUSH_DW_OP_MASK) >> VGPU_MI_FLUSH_DW_OP_SHIFT;
	u32 lo = c->cmd[1];
	u64 addr, ts;

	if (hdr & VGPU_MI_FLUSH_DW_STORE_INDEX)
		return ex_refuse(c->res, VGPU_AUDIT_UNSUPPORTED);
	switch (op) {
	case VGPU_MI_FLUSH_DW_OP_NONE:
		return true;
	case VGPU_MI_FLUSH_DW_OP_STORE_DATA:
	case VGPU_MI_FLUSH_DW_OP_TIMESTAMP:
		break;
	default:
		return ex_refuse(c->res, VGPU_AUDIT_RESERVED_BITS);
	}
	if (!(lo & VGPU_MI_FLUSH_DW_ADDR_GGTT))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_SPACE);
	if (lo & ~(VGPU_MI_FLUSH_DW_ADDR_MASK | VGPU_MI_FLUSH_DW_ADDR_GGTT))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_ALIGN);
	addr = ((u64)c->cmd[2] << 32) | (lo & VGPU_MI_FLUSH_DW_ADDR_MASK);
	if (op == VGPU_MI_FLUSH_DW_OP_TIMESTAMP) {
		ts = c->ex->env.timestamp(c->ex->env.priv);
		return ex_write(c->ex, addr, &ts, 8, c->res);
	}
	/* DW3, or DW3 and DW4 with the long form. */
	return ex_write(c->ex, addr, &c->cmd[3], (c->len - 3) * 4, c->res);
}

bool ex_pipe_control(struct ex_cmd_ctx *c)
{
	u32 flags = c->cmd[1];
	u32 op = (flags & VGPU_PC_POST_SYNC_MASK) >> VGPU_PC_POST_SYNC_SHIFT;
	u64 addr = ex_addr64(c->cmd, 2);
	u64 val;

	if (flags & (VGPU_PC_MMIO_WRITE | VGPU_PC_STORE_DATA_INDEX))
		return ex_refuse(c->res, VGPU_AUDIT_UNSUPPORTED);
	if (op == VGPU_PC_POST_SYNC_NONE)
		return true;
	if (!(flags & VGPU_PC_GLOBAL_GTT))
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_SPACE);
	if (addr & 3)
		return ex_refuse(c->res, VGPU_AUDIT_ADDR_ALIGN);
	switch (op) {
	case VGPU_PC_POST_SYNC_WRITE_IMM:
		val = ex_addr64(c->cmd, 4);
		break;
	case VGPU_PC_POST_SYNC_DEPTH_COUNT:
		val = 0;	/* no depth counter on this device */
		break;
	default:
		val = c->ex->env.timestamp(c->ex->env.priv);
		break;
	}
	return ex_write(c->ex, addr, &val, VGPU_PC_WRITE_SIZE, c->res);
}
