// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * What a vGPU may touch: the graphics address ranges of its slice and the
 * registers on each engine's whitelist, with the interface's default
 * whitelist and the names of the audit reasons for logs.
 */
#include "cmd_desc.h"

bool cmdparser_range_check(const struct cmdparser_range *ranges, u32 nr_ranges,
			   u64 addr, u64 len)
{
	if (!len)
		return false;
	return cmd_in_ranges(ranges, nr_ranges, addr, len);
}

static const struct cmdparser_reg render_whitelist[] = {
	{
		.first = VGPU_RING_TIMESTAMP(VGPU_RENDER_RING_BASE),
		.last = VGPU_RING_TIMESTAMP_UDW(VGPU_RENDER_RING_BASE),
		.access = CMDPARSER_REG_SRM,
	}, {
		.first = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0),
		.last = VGPU_CS_GPR_UDW(VGPU_RENDER_RING_BASE,
					VGPU_CS_GPR_COUNT - 1),
		.access = CMDPARSER_REG_LRI | CMDPARSER_REG_SRM,
	},
};

static const struct cmdparser_reg copy_whitelist[] = {
	{
		.first = VGPU_RING_TIMESTAMP(VGPU_COPY_RING_BASE),
		.last = VGPU_RING_TIMESTAMP_UDW(VGPU_COPY_RING_BASE),
		.access = CMDPARSER_REG_SRM,
	}, {
		.first = VGPU_CS_GPR(VGPU_COPY_RING_BASE, 0),
		.last = VGPU_CS_GPR_UDW(VGPU_COPY_RING_BASE,
					VGPU_CS_GPR_COUNT - 1),
		.access = CMDPARSER_REG_LRI | CMDPARSER_REG_SRM,
	},
};

const struct cmdparser_reg *cmdparser_default_whitelist(enum vgpu_engine engine,
							u32 *count)
{
	switch (engine) {
	case VGPU_ENGINE_RENDER:
		*count = ARRAY_SIZE(render_whitelist);
		return render_whitelist;
	case VGPU_ENGINE_COPY:
		*count = ARRAY_SIZE(copy_whitelist);
		return copy_whitelist;
	default:
		*count = 0;
		return NULL;
	}
}

static const char * const reason_names[VGPU_AUDIT_REASON_COUNT] = {
	[VGPU_AUDIT_OK] = "ok",
	[VGPU_AUDIT_UNKNOWN_OPCODE] = "unknown-opcode",
	[VGPU_AUDIT_WRONG_ENGINE] = "wrong-engine",
	[VGPU_AUDIT_BAD_LENGTH] = "bad-length",
	[VGPU_AUDIT_TRUNCATED] = "truncated",
	[VGPU_AUDIT_RESERVED_BITS] = "reserved-bits",
	[VGPU_AUDIT_UNSUPPORTED] = "unsupported",
	[VGPU_AUDIT_REG_DENIED] = "reg-denied",
	[VGPU_AUDIT_ADDR_RANGE] = "addr-range",
	[VGPU_AUDIT_ADDR_ALIGN] = "addr-align",
	[VGPU_AUDIT_ADDR_SPACE] = "addr-space",
	[VGPU_AUDIT_BLT_RECT] = "blt-rect",
	[VGPU_AUDIT_BLT_PITCH] = "blt-pitch",
	[VGPU_AUDIT_BLT_DEPTH] = "blt-depth",
	[VGPU_AUDIT_BATCH_CONTEXT] = "batch-context",
	[VGPU_AUDIT_BATCH_DEPTH] = "batch-depth",
	[VGPU_AUDIT_BATCH_LOOP] = "batch-loop",
	[VGPU_AUDIT_BATCH_COUNT] = "batch-count",
	[VGPU_AUDIT_BATCH_SIZE] = "batch-size",
	[VGPU_AUDIT_BATCH_FETCH] = "batch-fetch",
	[VGPU_AUDIT_RING_CONFIG] = "ring-config",
	[VGPU_AUDIT_RING_OFFSET] = "ring-offset",
	[VGPU_AUDIT_HOST_ERROR] = "host-error",
};

const char *cmdparser_reason_name(enum vgpu_audit_reason reason)
{
	if ((u32)reason >= VGPU_AUDIT_REASON_COUNT || !reason_names[reason])
		return "unknown";
	return reason_names[reason];
}
