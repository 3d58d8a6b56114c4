// SPDX-License-Identifier: GPL-2.0
/*
 * cmdparser unit tests: every command accepted in its valid forms and
 * refused in each invalid form, address boundaries to the byte, batch
 * chains and their limits, shadow copies and re-pointing, ring wrap.
 */
#include <stdio.h>

#include "igt_core.h"
#include "cmd_desc.h"
#include "cp_env.h"

#define R	VGPU_ENGINE_RENDER
#define C	VGPU_ENGINE_COPY

/* Handy graphics addresses inside and around the slice. */
#define S0	CP_SLICE0_START
#define E0	CP_SLICE0_END
#define S1	CP_SLICE1_START
#define E1	CP_SLICE1_END
#define BATCH	(S0 + 0x10000)		/* where the tests put batches */
#define TARGET	(S0 + 0x40000)		/* where stores go */

/* Return value of the last scan expect() made. */
static int last_ret;

static void expect(enum vgpu_engine e, u32 reason, const u32 *dw, u32 n,
		   const char *what, int line)
{
	int ret = cp_scan(e, dw, n);

	last_ret = ret;
	igt_assert_f(cp.res.reason == reason,
		     "line %d, %s on %s: got %s (%u) at %#llx, expected %s\n",
		     line, what, e == R ? "render" : "copy",
		     cmdparser_reason_name(cp.res.reason), cp.res.reason,
		     (unsigned long long)cp.res.offset,
		     cmdparser_reason_name(reason));
	igt_assert_f((ret == 0) == (reason == VGPU_AUDIT_OK),
		     "line %d: return %d with reason %u\n", line, ret, reason);
	igt_assert_f(!cp.read_outside, "line %d: read outside the slice\n",
		     line);
}

#define EXPECT(e, reason, buf, n)					\
	expect(e, reason, buf, n, #buf, __LINE__)
#define EXPECT_DW(e, reason, ...) do {					\
	const u32 dw_[] = { __VA_ARGS__ };				\
	expect(e, reason, dw_, ARRAY_SIZE(dw_), #__VA_ARGS__, __LINE__); \
} while (0)

static void fixture(void *data)
{
	cp_env_init();
}

/* ---- commands accepted in their valid forms ---- */

static void accept_single_dword(void *data)
{
	EXPECT_DW(R, VGPU_AUDIT_OK, VGPU_MI_NOOP, VGPU_MI_NOOP | 0x7fffff,
		  VGPU_MI_USER_INTERRUPT, VGPU_MI_ARB_CHECK);
	EXPECT_DW(C, VGPU_AUDIT_OK, VGPU_MI_NOOP, VGPU_MI_USER_INTERRUPT,
		  VGPU_MI_ARB_CHECK, VGPU_MI_NOOP | 0x400001);
	igt_assert_eq(cp.res.commands, 4);
}

static void accept_stores(void *data)
{
	u32 b[64], n;
	int e;

	for (e = R; e <= C; e++) {
		n = cp_sdi(b, TARGET, 1);
		n += cp_sdi_qword(b + n, TARGET + 8, 2);
		/* Five dwords without the qword bit: two dwords. */
		n += cp_sdi_qword(b + n, TARGET + 20, 3);
		b[n - 5] &= ~VGPU_MI_SDI_STORE_QWORD;
		n += cp_sdi(b + n, S1, 4);
		n += cp_srm(b + n, VGPU_CS_GPR(VGPU_RING_BASE(e), 3), TARGET);
		n += cp_srm(b + n, VGPU_RING_TIMESTAMP_UDW(VGPU_RING_BASE(e)),
			    E1 - 4);
		EXPECT(e, VGPU_AUDIT_OK, b, n);
		igt_assert_eq(cp.res.commands, 6);
	}
}

static void accept_lri(void *data)
{
	u32 b[VGPU_CMD_MAX_DWORDS + 8], n, i, base;
	int e;

	for (e = R; e <= C; e++) {
		base = VGPU_RING_BASE(e);
		for (i = 0; i < VGPU_CS_GPR_COUNT; i++) {
			n = cp_lri(b, VGPU_CS_GPR(base, i), i);
			n += cp_lri(b + n, VGPU_CS_GPR_UDW(base, i), i);
			EXPECT(e, VGPU_AUDIT_OK, b, n);
		}
		/* The longest LRI: 126 pairs. */
		b[0] = VGPU_MI_LOAD_REGISTER_IMM(VGPU_MI_LRI_MAX_REGS) |
		       VGPU_MI_LRI_FORCE_POSTED;
		for (i = 0; i < VGPU_MI_LRI_MAX_REGS; i++) {
			b[1 + 2 * i] = VGPU_CS_GPR(base, i % 16);
			b[2 + 2 * i] = i;
		}
		EXPECT(e, VGPU_AUDIT_OK, b, VGPU_CMD_MAX_DWORDS);
	}
}

static void accept_flush_dw(void *data)
{
	u32 b[64], n;

	n = cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_NONE, 0, 4);
	/* Without a post-sync write the address dwords are not used. */
	b[1] = 0xdeadbeef;
	b[2] = 0xffffffff;
	n += cp_flush_dw(b + n, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 4);
	n += cp_flush_dw(b + n, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 5);
	n += cp_flush_dw(b + n, VGPU_MI_FLUSH_DW_OP_TIMESTAMP, E0 - 8, 5);
	n += cp_flush_dw(b + n, VGPU_MI_FLUSH_DW_OP_TIMESTAMP, S1, 4);
	b[n - 4] |= VGPU_MI_FLUSH_DW_INVALIDATE_TLB | VGPU_MI_FLUSH_DW_NOTIFY;
	EXPECT(C, VGPU_AUDIT_OK, b, n);
}

static void accept_pipe_control(void *data)
{
	u32 b[64], n;

	n = cp_pipe_control(b, VGPU_PC_POST_SYNC_NONE, 0);
	b[2] = 0xfffffffc;	/* unused without a post-sync op */
	n += cp_pipe_control(b + n, VGPU_PC_POST_SYNC_WRITE_IMM, TARGET);
	n += cp_pipe_control(b + n, VGPU_PC_POST_SYNC_DEPTH_COUNT, E0 - 8);
	n += cp_pipe_control(b + n, VGPU_PC_POST_SYNC_TIMESTAMP, S1 + 4);
	EXPECT(R, VGPU_AUDIT_OK, b, n);
}

static void accept_blits(void *data)
{
	u32 b[256], n = 0, d;

	for (d = 0; d < 4; d++)
		n += cp_color_blt(b + n, d, 256, 0, 0, 64, 64, TARGET);
	for (d = 0; d < 4; d++)
		n += cp_src_copy_blt(b + n, d, 4096, 10, 20, 50, 60, TARGET,
				     5, 5, 512, S1);
	for (d = 0; d < 6; d++) {
		if (d == 2)
			continue;
		n += cp_fast_copy_blt(b + n, d, 2048, 0, 0, 128, 16, S0,
				      0, 0, 2048, S1);
	}
	EXPECT(C, VGPU_AUDIT_OK, b, n);
	igt_assert_eq(cp.res.commands, 13);
}

static void accept_batches(void *data)
{
	u32 b[64], n, ring[8];
	int e;

	for (e = R; e <= C; e++) {
		cp_reset();
		n = cp_sdi(b, TARGET, 5);
		b[n++] = VGPU_MI_BATCH_BUFFER_END;
		cp_put(BATCH, b, n);
		n = cp_bb_start(ring, BATCH, false);
		ring[n++] = VGPU_MI_USER_INTERRUPT;
		EXPECT(e, VGPU_AUDIT_OK, ring, n);
		igt_assert_eq(cp.res.batches, 1);
		igt_assert_eq(cp.res.commands, 4);
	}
}

/* ---- refusals ---- */

static void refuse_unknown_opcode(void *data)
{
	static const u32 bad[] = {
		VGPU_MI_INSTR(0x01, 0),		/* MI_SET_PREDICATE */
		VGPU_MI_INSTR(0x03, 0),		/* MI_WAIT_FOR_EVENT */
		VGPU_MI_INSTR(0x14, 2),		/* MI_DISPLAY_FLIP */
		VGPU_MI_INSTR(0x21, 1),		/* MI_STORE_DWORD_INDEX */
		VGPU_MI_INSTR(0x29, 2),		/* MI_LOAD_REGISTER_MEM */
		VGPU_MI_INSTR(0x2a, 1),		/* MI_LOAD_REGISTER_REG */
		VGPU_MI_INSTR(0x3f, 0),
		0x20000000,			/* client 1 */
		VGPU_BLT_INSTR(0x40, 3),	/* COLOR_BLT */
		VGPU_BLT_INSTR(0x43, 4),	/* SRC_COPY_BLT */
		VGPU_BLT_INSTR(0x44, 14),	/* XY_FAST_COLOR_BLT */
		0x78000000,			/* 3D state */
		0x7a010004,			/* PIPE_CONTROL sub-opcode 1 */
		0x80000000, 0xa0000000, 0xc0000000, 0xe0000000, 0xffffffff,
	};
	u32 i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_DW(R, VGPU_AUDIT_UNKNOWN_OPCODE, VGPU_MI_NOOP, bad[i],
			  0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
		igt_assert_eq(cp.res.offset, 4);
		igt_assert_eq_u32(cp.res.header, bad[i]);
		EXPECT_DW(C, VGPU_AUDIT_UNKNOWN_OPCODE, bad[i],
			  0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
	}
}

static void refuse_wrong_engine(void *data)
{
	u32 b[16];

	EXPECT(R, VGPU_AUDIT_WRONG_ENGINE, b,
	       cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 4));
	EXPECT(C, VGPU_AUDIT_WRONG_ENGINE, b,
	       cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM, TARGET));
	EXPECT(R, VGPU_AUDIT_WRONG_ENGINE, b,
	       cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET));
	EXPECT(R, VGPU_AUDIT_WRONG_ENGINE, b,
	       cp_src_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0));
	EXPECT(R, VGPU_AUDIT_WRONG_ENGINE, b,
	       cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0));
}

static void refuse_bad_length(void *data)
{
	u32 b[300], n, i;

	/* Every command with a length field, one dword short and long. */
	n = cp_sdi(b, TARGET, 0);
	b[0] = (b[0] & ~VGPU_CMD_LEN_MASK) | 1;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] = (b[0] & ~VGPU_CMD_LEN_MASK) | 4;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	/* Qword store in four dwords. */
	cp_sdi(b, TARGET, 0);
	b[0] |= VGPU_MI_SDI_STORE_QWORD;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);

	cp_srm(b, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0), TARGET);
	b[0]++;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] -= 2;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);

	cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_NONE, 0, 4);
	b[0]--;
	EXPECT(C, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] += 2 + 1;
	EXPECT(C, VGPU_AUDIT_BAD_LENGTH, b, 16);

	cp_bb_start(b, BATCH, false);
	b[0]++;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] -= 2;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);

	cp_pipe_control(b, 0, 0);
	b[0]++;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] -= 2;
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);

	cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	b[0]++;
	EXPECT(C, VGPU_AUDIT_BAD_LENGTH, b, 16);
	cp_src_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0]--;
	EXPECT(C, VGPU_AUDIT_BAD_LENGTH, b, 16);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0]++;
	EXPECT(C, VGPU_AUDIT_BAD_LENGTH, b, 16);

	/* LRI: an even number of dwords, and more than 126 pairs. */
	memset(b, 0, sizeof(b));
	b[0] = VGPU_MI_INSTR(VGPU_MI_OP_LOAD_REGISTER_IMM, 2);
	b[1] = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0);
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 16);
	b[0] = VGPU_MI_LOAD_REGISTER_IMM(VGPU_MI_LRI_MAX_REGS + 1);
	for (i = 0; i <= VGPU_MI_LRI_MAX_REGS; i++)
		b[1 + 2 * i] = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0);
	EXPECT(R, VGPU_AUDIT_BAD_LENGTH, b, 3 + 2 * VGPU_MI_LRI_MAX_REGS);
	(void)n;
}

static void refuse_reserved_bits(void *data)
{
	u32 b[16];

	EXPECT_DW(R, VGPU_AUDIT_RESERVED_BITS, VGPU_MI_USER_INTERRUPT | 1);
	EXPECT_DW(R, VGPU_AUDIT_RESERVED_BITS, VGPU_MI_ARB_CHECK | 0x400000);
	cp_sdi(b, TARGET, 0);
	b[0] |= 0x100;
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 4);
	cp_lri(b, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0), 0);
	b[0] |= 0x80000;	/* CS MMIO relative (Gen11) */
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 3);
	cp_bb_start(b, BATCH, false);
	b[0] |= 1 << 10;	/* resource streamer */
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 3);
	cp_pipe_control(b, 0, 0);
	b[0] |= 0x100;
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 6);
	cp_flush_dw(b, 2, TARGET, 4);	/* reserved post-sync op */
	EXPECT(C, VGPU_AUDIT_RESERVED_BITS, b, 4);
	cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	b[1] |= 1U << 31;
	EXPECT(C, VGPU_AUDIT_RESERVED_BITS, b, 7);
	cp_src_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[7] |= 0x10000;	/* source pitch dword */
	EXPECT(C, VGPU_AUDIT_RESERVED_BITS, b, 10);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[1] |= 1U << 28;	/* system memory (later gens) */
	EXPECT(C, VGPU_AUDIT_RESERVED_BITS, b, 10);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0] |= 1U << 8;	/* alignment hints */
	EXPECT(C, VGPU_AUDIT_RESERVED_BITS, b, 10);
}

static void refuse_unsupported(void *data)
{
	u32 b[16];

	cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 4);
	b[0] |= VGPU_MI_FLUSH_DW_STORE_INDEX;
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 4);
	cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM, TARGET);
	b[1] |= VGPU_PC_STORE_DATA_INDEX;
	EXPECT(R, VGPU_AUDIT_UNSUPPORTED, b, 6);
	cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM, TARGET);
	b[1] |= VGPU_PC_MMIO_WRITE;
	EXPECT(R, VGPU_AUDIT_UNSUPPORTED, b, 6);
	cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	b[0] |= VGPU_BLT_DST_TILED;
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 7);
	cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	b[1] |= VGPU_BLT_CLIP_ENABLE;
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 7);
	cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	b[1] ^= 0x66 << VGPU_BLT_ROP_SHIFT;	/* another ROP */
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 7);
	cp_src_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0] |= VGPU_BLT_SRC_TILED;
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 10);
	cp_src_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[1] = (b[1] & ~VGPU_BLT_ROP_MASK) | (0xf0 << VGPU_BLT_ROP_SHIFT);
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 10);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0] |= 2 << 20;	/* Y-tiled source */
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 10);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[0] |= 1 << 13;	/* X-tiled destination */
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 10);
	cp_fast_copy_blt(b, 3, 64, 0, 0, 1, 1, TARGET, 0, 0, 64, S0);
	b[1] |= VGPU_FAST_COPY_DST_TILE_YF;
	EXPECT(C, VGPU_AUDIT_UNSUPPORTED, b, 10);
}

static void refuse_privileged_register(void *data)
{
	static const u32 regs[] = {
		VGPU_RING_TAIL(VGPU_RENDER_RING_BASE),
		VGPU_RING_HEAD(VGPU_RENDER_RING_BASE),
		VGPU_RING_START(VGPU_RENDER_RING_BASE),
		VGPU_RING_CTL(VGPU_RENDER_RING_BASE),
		VGPU_RING_HWS_PGA(VGPU_RENDER_RING_BASE),
		VGPU_REG_GDRST, VGPU_REG_MASTER_IRQ, VGPU_REG_GT_IMR(0),
		VGPU_REG_PLANE_SURF(0), VGPU_PV_G2V_NOTIFY,
		VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0) - 4,
		VGPU_CS_GPR_UDW(VGPU_RENDER_RING_BASE, 15) + 4,
		VGPU_CS_GPR(VGPU_COPY_RING_BASE, 0),	/* other engine */
		0,
	};
	u32 b[16], i, gpr = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0);

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		cp_lri(b, regs[i], 0);
		EXPECT(R, VGPU_AUDIT_REG_DENIED, b, 3);
		cp_srm(b, regs[i], TARGET);
		EXPECT(R, VGPU_AUDIT_REG_DENIED, b, 4);
	}
	/* The second pair of an LRI is checked too. */
	b[0] = VGPU_MI_LOAD_REGISTER_IMM(2);
	b[1] = gpr;
	b[2] = 0;
	b[3] = VGPU_RING_TAIL(VGPU_RENDER_RING_BASE);
	b[4] = 0;
	EXPECT(R, VGPU_AUDIT_REG_DENIED, b, 5);
	/* The timestamp is readable but not writable. */
	cp_lri(b, VGPU_RING_TIMESTAMP(VGPU_RENDER_RING_BASE), 0);
	EXPECT(R, VGPU_AUDIT_REG_DENIED, b, 3);
	/* Bits outside the offset field. */
	cp_lri(b, gpr | 1, 0);
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 3);
	cp_lri(b, gpr | 0x800000, 0);
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 3);
	cp_srm(b, gpr | 2, TARGET);
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, b, 4);
	/* An empty whitelist denies everything. */
	cp_lri(b, gpr, 0);
	cp_parser_init(R);
	cp.cfg.nr_whitelist = 0;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), 0);
	memcpy(cp.ring, b, 12);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 0, 12,
					  &cp.res), -EINVAL);
	igt_assert_eq(cp.res.reason, VGPU_AUDIT_REG_DENIED);
}

static void refuse_address_space(void *data)
{
	u32 b[16];

	cp_sdi(b, TARGET, 0);
	b[0] &= ~VGPU_MI_SDI_USE_GGTT;
	EXPECT(R, VGPU_AUDIT_ADDR_SPACE, b, 4);
	cp_srm(b, VGPU_CS_GPR(VGPU_COPY_RING_BASE, 0), TARGET);
	b[0] &= ~VGPU_MI_SRM_USE_GGTT;
	EXPECT(C, VGPU_AUDIT_ADDR_SPACE, b, 4);
	cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 4);
	b[1] &= ~VGPU_MI_FLUSH_DW_ADDR_GGTT;
	EXPECT(C, VGPU_AUDIT_ADDR_SPACE, b, 4);
	cp_pipe_control(b, VGPU_PC_POST_SYNC_TIMESTAMP, TARGET);
	b[1] &= ~VGPU_PC_GLOBAL_GTT;
	EXPECT(R, VGPU_AUDIT_ADDR_SPACE, b, 6);
	cp_bb_start(b, BATCH, false);
	b[0] |= VGPU_MI_BB_START_PPGTT;
	EXPECT(R, VGPU_AUDIT_ADDR_SPACE, b, 3);
}

static void refuse_misaligned(void *data)
{
	u32 b[16];

	EXPECT(R, VGPU_AUDIT_ADDR_ALIGN, b, cp_sdi(b, TARGET + 2, 0));
	EXPECT(R, VGPU_AUDIT_ADDR_ALIGN, b, cp_sdi_qword(b, TARGET + 4, 0));
	EXPECT(R, VGPU_AUDIT_ADDR_ALIGN, b,
	       cp_srm(b, VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0), TARGET + 1));
	cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA, TARGET, 4);
	b[1] |= 1;
	EXPECT(C, VGPU_AUDIT_ADDR_ALIGN, b, 4);
	EXPECT(R, VGPU_AUDIT_ADDR_ALIGN, b,
	       cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM, TARGET + 2));
	EXPECT(R, VGPU_AUDIT_ADDR_ALIGN, b, cp_bb_start(b, BATCH + 2, false));
}

/* Stores at each edge of a range: in at the edge, out one unit past it. */
static void store_boundaries(void *data)
{
	static const struct { u64 start, end; } r[] = {
		{ S0, E0 }, { S1, E1 },
	};
	u32 b[16], i, srm = VGPU_CS_GPR(VGPU_RENDER_RING_BASE, 0);

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		EXPECT(R, VGPU_AUDIT_OK, b, cp_sdi(b, r[i].start, 0));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, r[i].start - 4, 0));
		EXPECT(R, VGPU_AUDIT_OK, b, cp_sdi(b, r[i].end - 4, 0));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, r[i].end, 0));
		EXPECT(R, VGPU_AUDIT_OK, b, cp_sdi_qword(b, r[i].end - 8, 0));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b,
		       cp_sdi_qword(b, r[i].start - 8, 0));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi_qword(b, r[i].end, 0));
		EXPECT(R, VGPU_AUDIT_OK, b, cp_srm(b, srm, r[i].end - 4));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_srm(b, srm, r[i].end));
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_srm(b, srm,
							   r[i].start - 4));
		EXPECT(R, VGPU_AUDIT_OK, b,
		       cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM,
				       r[i].end - 8));
		/* Dword aligned, but the 8-byte write runs 4 bytes over. */
		EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b,
		       cp_pipe_control(b, VGPU_PC_POST_SYNC_WRITE_IMM,
				       r[i].end - 4));
		EXPECT(C, VGPU_AUDIT_OK, b,
		       cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA,
				   r[i].end - 8, 5));
		EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
		       cp_flush_dw(b, VGPU_MI_FLUSH_DW_OP_STORE_DATA,
				   r[i].start - 8, 5));
	}
	/* High address dword: anything at or above 4 GiB is outside. */
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, (1ULL << 32) | S0, 0));
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, ~0ULL - 3, 0));
	/* The hole between the two ranges. */
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, E0, 0));
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, b, cp_sdi(b, S1 - 4, 0));
}

/* Rectangles one byte inside and one byte outside each edge. */
static void blit_boundaries(void *data)
{
	u32 b[16];
	/* 8 bpp, pitch 64, rect (4,2)-(20,6): bytes [2*64+4, 5*64+20). */
	const u64 first = 2 * 64 + 4, end = 5 * 64 + 20;

	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_color_blt(b, 0, 64, 4, 2, 20, 6, S0 - first));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, 64, 4, 2, 20, 6, S0 - first - 1));
	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_color_blt(b, 0, 64, 4, 2, 20, 6, E0 - end));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, 64, 4, 2, 20, 6, E0 - end + 1));
	/* 32 bpp: x counts four bytes. */
	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_color_blt(b, 3, 256, 0, 0, 64, 4, E1 - 3 * 256 - 256));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 3, 256, 0, 0, 64, 4, E1 - 3 * 256 - 255));
	/* Source edges, destination well inside. */
	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_src_copy_blt(b, 0, 64, 0, 0, 16, 4, TARGET, 4, 2, 64,
			       S1 - first));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_src_copy_blt(b, 0, 64, 0, 0, 16, 4, TARGET, 4, 2, 64,
			       S1 - first - 1));
	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_fast_copy_blt(b, 5, 1024, 0, 0, 8, 8, TARGET, 2, 1, 1024,
				E1 - (8 * 1024 + 10 * 16)));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_fast_copy_blt(b, 5, 1024, 0, 0, 8, 8, TARGET, 2, 1, 1024,
				E1 - (8 * 1024 + 10 * 16) + 1));
	/* A rectangle spanning the hole between the ranges. */
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, 0x4000, 0, 0, 16, 0x60, E0 - 0x8000));
}

static void blit_pitch_overflow(void *data)
{
	u32 b[16], rows;
	const u32 pitch = 0x7fff;
	const u64 size = E0 - S0;

	/* The tallest rectangle that still fits, then one more row. */
	rows = (u32)((size - 16) / pitch) + 1;
	EXPECT(C, VGPU_AUDIT_OK, b,
	       cp_color_blt(b, 0, pitch, 0, 0, 16, rows, S0));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, pitch, 0, 0, 16, rows + 1, S0));
	/* The largest coordinates: far beyond any slice, no wrap-around. */
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 3, pitch, 0x7ffe, 0x7ffe, 0x7fff, 0x7fff, S0));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_src_copy_blt(b, 3, 64, 0, 0, 16, 16, TARGET, 0x7fff, 0x7fff,
			       pitch, S0));
	/* A base near 2^64 plus the extent must not wrap into the slice. */
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, 64, 0, 0, 16, 4, ~0ULL - 100));
	EXPECT(C, VGPU_AUDIT_ADDR_RANGE, b,
	       cp_color_blt(b, 0, 0x1000, 0, 0x7000, 16, 0x7001,
			    S0 - 0x7000ULL * 0x1000));
	/* Zero and negative pitches. */
	EXPECT(C, VGPU_AUDIT_BLT_PITCH, b,
	       cp_color_blt(b, 0, 0, 0, 0, 16, 1, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_PITCH, b,
	       cp_color_blt(b, 0, 0xffc0, 0, 0, 16, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_PITCH, b,
	       cp_src_copy_blt(b, 0, 64, 0, 0, 16, 4, TARGET, 0, 0, 0, S1));
	EXPECT(C, VGPU_AUDIT_BLT_PITCH, b,
	       cp_fast_copy_blt(b, 0, 64, 0, 0, 16, 4, TARGET, 0, 0, 0x8000,
				S1));
}

static void refuse_bad_rectangles(void *data)
{
	u32 b[16];

	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 5, 0, 5, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 6, 0, 5, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 0, 4, 5, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 0, 5, 5, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 0xffff, 0, 5, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 0, 0, 0x8001, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_color_blt(b, 3, 64, 0, 0xfff0, 4, 4, TARGET));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_src_copy_blt(b, 3, 64, 0, 0, 4, 4, TARGET, 0x8000, 0, 64,
			       S1));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_fast_copy_blt(b, 3, 64, 0, 0, 4, 4, TARGET, 0, 0xffff, 64,
				S1));
	EXPECT(C, VGPU_AUDIT_BLT_RECT, b,
	       cp_fast_copy_blt(b, 3, 64, 3, 3, 3, 4, TARGET, 0, 0, 64, S1));
	/* Undefined fast-copy depths. */
	EXPECT(C, VGPU_AUDIT_BLT_DEPTH, b,
	       cp_fast_copy_blt(b, 2, 64, 0, 0, 4, 4, TARGET, 0, 0, 64, S1));
	EXPECT(C, VGPU_AUDIT_BLT_DEPTH, b,
	       cp_fast_copy_blt(b, 6, 64, 0, 0, 4, 4, TARGET, 0, 0, 64, S1));
	EXPECT(C, VGPU_AUDIT_BLT_DEPTH, b,
	       cp_fast_copy_blt(b, 7, 64, 0, 0, 4, 4, TARGET, 0, 0, 64, S1));
}

/* ---- batch buffers ---- */

/* A batch that stores @val and ends. */
static void put_store_batch(u64 gfx, u32 val)
{
	u32 b[8], n;

	n = cp_sdi(b, TARGET, val);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(gfx, b, n);
}

static void shadow_repoint(void *data)
{
	u32 b[16], ring[16], n;
	u64 shadow1, shadow2, shadow3;

	cp_reset();
	/* Ring -> A; A calls C (second level) then chains to B. */
	n = cp_bb_start(b, BATCH + 0x1000, true);
	n += cp_sdi(b + n, TARGET, 1);
	n += cp_bb_start(b + n, BATCH + 0x2000, false);
	cp_put(BATCH, b, n);
	put_store_batch(BATCH + 0x1000, 2);
	put_store_batch(BATCH + 0x2000, 3);

	n = cp_sdi(ring, TARGET, 0);
	n += cp_bb_start(ring + n, BATCH, false);
	ring[n++] = VGPU_MI_USER_INTERRUPT;
	ring[n++] = VGPU_MI_NOOP;
	EXPECT(R, VGPU_AUDIT_OK, ring, n);
	igt_assert_eq(cp.res.batches, 3);

	/* The ring's start command now points at A's copy. */
	shadow1 = ((u64)cp.ring[6] << 32) | cp.ring[5];
	igt_assert_eq_u64(shadow1, CP_SHADOW_GFX);
	igt_assert_eq_u32(cp.ring[4], VGPU_MI_BATCH_BUFFER_START);
	/* A's copy is A, but for the addresses of its two start commands. */
	igt_assert_eq_u32(cp_shadow_ptr(shadow1)[0], b[0]);
	shadow2 = ((u64)cp_shadow_ptr(shadow1)[2] << 32) |
		  cp_shadow_ptr(shadow1)[1];
	shadow3 = ((u64)cp_shadow_ptr(shadow1)[9] << 32) |
		  cp_shadow_ptr(shadow1)[8];
	igt_assert(!memcmp(cp_shadow_ptr(shadow1) + 3, b + 3, 4 * 4));
	igt_assert_eq_u32(cp_shadow_ptr(shadow1)[7], b[7]);
	/* Breadth first: C then B, each after the previous copy. */
	igt_assert_eq_u64(shadow2, CP_SHADOW_GFX + 40);
	igt_assert_eq_u64(shadow3, CP_SHADOW_GFX + 40 + 24);
	igt_assert(!memcmp(cp_shadow_ptr(shadow2), cp.mem + BATCH + 0x1000, 20));
	igt_assert(!memcmp(cp_shadow_ptr(shadow3), cp.mem + BATCH + 0x2000, 20));
	igt_assert_eq(cp.res.shadow_bytes, 40 + 24 + 20);
	/* Every copy is in the shadow, outside the slice. */
	igt_assert(!cmdparser_range_check(cp.ranges, 2, shadow1, 4));
	igt_assert(!cmdparser_range_check(cp.ranges, 2, shadow3, 4));
}

static void shadow_toctou(void *data)
{
	u32 ring[8], n, copy[8];
	u64 shadow;

	cp_reset();
	put_store_batch(BATCH, 0x1111);
	n = cp_bb_start(ring, BATCH, false);
	EXPECT(C, VGPU_AUDIT_OK, ring, n);
	shadow = ((u64)cp.ring[2] << 32) | cp.ring[1];
	memcpy(copy, cp_shadow_ptr(shadow), 20);

	/* The guest rewrites its batch after the audit: a store elsewhere. */
	n = cp_sdi(ring, E1 + 0x1000, 0x2222);
	ring[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH, ring, n);

	/* What runs is the audited copy. */
	igt_assert(!memcmp(copy, cp_shadow_ptr(shadow), 20));
	igt_assert_eq_u32(cp_shadow_ptr(shadow)[1], (u32)TARGET);
	igt_assert_eq_u32(cp_shadow_ptr(shadow)[3], 0x1111);
	igt_assert_eq_u32(cp_shadow_ptr(shadow)[4], VGPU_MI_BATCH_BUFFER_END);
	igt_assert(memcmp(cp_shadow_ptr(shadow), cp.mem + BATCH, 20));
}

static void batch_self_reference(void *data)
{
	u32 b[16], ring[4], n;

	/* Jump to its own start. */
	cp_reset();
	b[0] = VGPU_MI_NOOP;
	cp_bb_start(b + 1, BATCH, false);
	cp_put(BATCH, b, 4);
	EXPECT(R, VGPU_AUDIT_BATCH_LOOP, ring, cp_bb_start(ring, BATCH, false));
	igt_assert(cp.res.in_batch);
	igt_assert_eq_u64(cp.res.offset, BATCH + 4);

	/* Jump to itself: the start command's own address. */
	cp_bb_start(b, BATCH + 4, false);
	cp_put(BATCH + 4, b, 3);
	EXPECT(R, VGPU_AUDIT_BATCH_LOOP, ring, cp_bb_start(ring, BATCH, false));

	/* A call into its caller. */
	cp_reset();
	n = cp_bb_start(b, BATCH + 0x1000, true);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH, b, n);
	cp_bb_start(b, BATCH, false);
	cp_put(BATCH + 0x1000, b, 3);
	EXPECT(R, VGPU_AUDIT_BATCH_LOOP, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 0x1000);

	/* A jump forward inside the same batch is no loop. */
	cp_reset();
	n = cp_bb_start(b, BATCH + 0x20, false);
	cp_put(BATCH, b, n);
	put_store_batch(BATCH + 0x20, 1);
	EXPECT(R, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.batches, 2);

	/* Calling the same second-level batch twice is no loop either. */
	cp_reset();
	n = cp_bb_start(b, BATCH + 0x1000, true);
	n += cp_bb_start(b + n, BATCH + 0x1000, true);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH, b, n);
	put_store_batch(BATCH + 0x1000, 1);
	EXPECT(R, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.batches, 3);

	/* Two ring start commands may share a batch. */
	cp_reset();
	put_store_batch(BATCH, 1);
	n = cp_bb_start(ring, BATCH, false);
	n += cp_bb_start(ring + n, BATCH, false);
	EXPECT(C, VGPU_AUDIT_OK, ring, n);
	igt_assert_eq(cp.res.batches, 2);
}

static void batch_chain_loop(void *data)
{
	u32 b[4], ring[4];

	cp_reset();
	cp_bb_start(b, BATCH + 0x100, false);
	cp_put(BATCH, b, 3);
	cp_bb_start(b, BATCH + 0x200, false);
	cp_put(BATCH + 0x100, b, 3);
	cp_bb_start(b, BATCH + 0x8, false);	/* into the first batch */
	cp_put(BATCH + 0x200, b, 3);
	EXPECT(C, VGPU_AUDIT_BATCH_LOOP, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 0x200);
}

/* A chain of @len batches, the last one storing and ending. */
static void put_chain(u32 len)
{
	u32 b[4], i;

	for (i = 0; i + 1 < len; i++) {
		cp_bb_start(b, BATCH + (i + 1) * 0x40ULL, false);
		cp_put(BATCH + i * 0x40ULL, b, 3);
	}
	put_store_batch(BATCH + i * 0x40ULL, 7);
}

static void batch_deep_chain(void *data)
{
	u32 ring[4];

	cp_reset();
	put_chain(CMDPARSER_MAX_BATCHES);
	EXPECT(C, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.batches, CMDPARSER_MAX_BATCHES);

	cp_reset();
	put_chain(CMDPARSER_MAX_BATCHES + 1);
	EXPECT(C, VGPU_AUDIT_BATCH_COUNT, ring,
	       cp_bb_start(ring, BATCH, false));
	igt_assert_eq(last_ret, -E2BIG);

	/* A lower limit from the configuration. */
	cp_reset();
	put_chain(5);
	cp.cfg.limits.max_batches = 4;
	EXPECT(C, VGPU_AUDIT_BATCH_COUNT, ring,
	       cp_bb_start(ring, BATCH, false));
	cp.cfg.limits.max_batches = 5;
	EXPECT(C, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
}

static void batch_nesting(void *data)
{
	u32 b[8], ring[4], n;

	/* Second level inside second level. */
	cp_reset();
	n = cp_bb_start(b, BATCH + 0x100, true);
	b[n++] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH, b, n);
	cp_put(BATCH + 0x100, b, n - 1);
	b[0] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH + 0x200, b, 1);
	cp_bb_start(b, BATCH + 0x200, true);
	cp_put(BATCH + 0x100, b, 3);
	EXPECT(R, VGPU_AUDIT_BATCH_DEPTH, ring,
	       cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 0x100);

	/* A chain inside a second-level batch stays at the second level. */
	cp_bb_start(b, BATCH + 0x200, false);
	cp_put(BATCH + 0x100, b, 3);
	EXPECT(R, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.batches, 3);

	/* The host may allow first-level batches only. */
	cp.cfg.limits.max_depth = 1;
	EXPECT(R, VGPU_AUDIT_BATCH_DEPTH, ring,
	       cp_bb_start(ring, BATCH, false));

	/* No second level on the copy engine, nor from the ring. */
	cp.cfg.limits.max_depth = 2;
	EXPECT(C, VGPU_AUDIT_BATCH_CONTEXT, ring,
	       cp_bb_start(ring, BATCH, false));
	EXPECT(R, VGPU_AUDIT_BATCH_CONTEXT, ring,
	       cp_bb_start(ring, BATCH, true));
	/* No batch end in the ring. */
	EXPECT_DW(R, VGPU_AUDIT_BATCH_CONTEXT, VGPU_MI_NOOP,
		  VGPU_MI_BATCH_BUFFER_END);
	igt_assert_eq(cp.res.offset, 4);
	igt_assert(!cp.res.in_batch);
}

static void batch_limits(void *data)
{
	u32 b[16], ring[4], i;

	/* Size: 8 KiB of NOOPs against a 4 KiB limit. */
	cp_reset();
	b[0] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH + 8192, b, 1);
	cp.cfg.limits.max_batch_bytes = 4096;
	EXPECT(R, VGPU_AUDIT_BATCH_SIZE, ring, cp_bb_start(ring, BATCH, false));
	cp.cfg.limits.max_batch_bytes = 8192 + 4;
	EXPECT(R, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.shadow_bytes, 8192 + 4);
	/* The shadow memory's size limits too. */
	cp.cfg.limits.max_batch_bytes = CMDPARSER_DEFAULT_BATCH_BYTES;
	cp.cfg.shadow.size = 8192;
	EXPECT(R, VGPU_AUDIT_BATCH_SIZE, ring, cp_bb_start(ring, BATCH, false));
	cp.cfg.shadow.size = CP_SHADOW_SIZE;

	/* The total over several batches counts. */
	cp_reset();
	put_store_batch(BATCH, 1);
	/* Copies at 0, 24 and 48, the last one 20 bytes long. */
	cp.cfg.limits.max_batch_bytes = 2 * 24 + 20 - 1;
	for (i = 0; i < 3; i++)
		cp_bb_start(b + 3 * i, BATCH, false);
	EXPECT(R, VGPU_AUDIT_BATCH_SIZE, b, 9);
	igt_assert_eq(last_ret, -E2BIG);
	cp.cfg.limits.max_batch_bytes = 2 * 24 + 20;
	EXPECT(R, VGPU_AUDIT_OK, b, 9);
	igt_assert_eq(cp.res.shadow_bytes, 2 * 24 + 20);
}

static void batch_fetch(void *data)
{
	u32 b[16], ring[4], n;

	/* Target page not mapped. */
	cp_reset();
	put_store_batch(BATCH, 1);
	cp.unmapped[BATCH >> 12] = true;
	EXPECT(R, VGPU_AUDIT_BATCH_FETCH, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH);
	igt_assert(cp.res.in_batch);
	igt_assert_eq(last_ret, -EFAULT);

	/* Target outside the slice. */
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, ring, cp_bb_start(ring, E0, false));
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, ring,
	       cp_bb_start(ring, (1ULL << 32) | BATCH, false));

	/* A command straddling into an unmapped page is truncated. */
	cp_reset();
	n = cp_sdi(b, TARGET, 1);
	cp_put(BATCH + 0x1000 - 8, b, n);
	cp.unmapped[(BATCH >> 12) + 1] = true;
	EXPECT(R, VGPU_AUDIT_TRUNCATED, ring,
	       cp_bb_start(ring, BATCH + 0x1000 - 8, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 0x1000 - 8);
	igt_assert_eq_u32(cp.res.header, b[0]);

	/* ... and so is one running past the end of the slice. */
	cp_reset();
	cp_put(E0 - 8, b, 2);
	EXPECT(R, VGPU_AUDIT_TRUNCATED, ring,
	       cp_bb_start(ring, E0 - 8, false));
	/* A batch without an end runs off its range: refused there. */
	cp_reset();
	EXPECT(R, VGPU_AUDIT_BATCH_FETCH, ring,
	       cp_bb_start(ring, E0 - 0x100, false));
	igt_assert_eq_u64(cp.res.offset, E0);
	/* A refused command inside a batch reports its graphics address. */
	cp_reset();
	n = cp_sdi(b, TARGET, 1);
	n += cp_sdi(b + n, E0, 1);
	cp_put(BATCH, b, n);
	EXPECT(R, VGPU_AUDIT_ADDR_RANGE, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 16);
	igt_assert_eq_u32(cp.res.header, VGPU_MI_STORE_DWORD_GGTT);
	igt_assert(!cp.read_outside);
}

/* ---- the ring ---- */

static void ring_truncated(void *data)
{
	u32 b[16], n;

	n = cp_sdi(b, TARGET, 0);
	EXPECT(R, VGPU_AUDIT_TRUNCATED, b, n - 1);
	igt_assert_eq(cp.res.offset, 0);
	n = cp_color_blt(b, 3, 64, 0, 0, 1, 1, TARGET);
	EXPECT(C, VGPU_AUDIT_TRUNCATED, b, n - 3);
	b[0] = VGPU_MI_NOOP;
	b[1] = VGPU_MI_LOAD_REGISTER_IMM(2);
	EXPECT(R, VGPU_AUDIT_TRUNCATED, b, 2);
	igt_assert_eq(cp.res.offset, 4);
}

/*
 * Runs of plain one-dword commands are stepped over without decoding
 * lengths (cmd_skip_plain()). A run ends at the tail, at the ring end, at
 * the end of what was copied of a batch, and at the first header that is
 * not plain, which the full decode then takes; check each end.
 */
static void plain_runs(void *data)
{
	static const u32 plain[] = {
		VGPU_MI_NOOP, VGPU_MI_ARB_CHECK, VGPU_MI_USER_INTERRUPT,
		VGPU_MI_NOOP | 0x123,
	};
	const u32 bad[] = {
		VGPU_MI_USER_INTERRUPT | 1, VGPU_MI_BATCH_BUFFER_END,
		VGPU_MI_INSTR(0x0f, 0), VGPU_MI_STORE_DATA_IMM,
	};
	const u32 why[] = {
		VGPU_AUDIT_RESERVED_BITS, VGPU_AUDIT_BATCH_CONTEXT,
		VGPU_AUDIT_UNKNOWN_OPCODE, VGPU_AUDIT_BAD_LENGTH,
	};
	u32 b[300], ring[3], n, i, j, k, head;

	/* Each refused header at each place of a run. */
	for (j = 0; j < ARRAY_SIZE(bad); j++) {
		for (k = 0; k < 8; k++) {
			for (i = 0; i < 8; i++)
				b[i] = plain[i % ARRAY_SIZE(plain)];
			b[k] = bad[j];
			EXPECT(R, why[j], b, 8);
			igt_assert_eq_u64(cp.res.offset, 4 * k);
			igt_assert_eq_u32(cp.res.header, bad[j]);
			igt_assert_eq(cp.res.commands, k);
		}
	}

	/* A run, a command with a length, another run up to the tail. */
	for (n = 0; n < 5; n++)
		b[n] = plain[n % ARRAY_SIZE(plain)];
	n += cp_sdi(b + n, TARGET, 1);
	for (i = 0; i < 3; i++)
		b[n++] = plain[i];
	EXPECT(R, VGPU_AUDIT_OK, b, n);
	igt_assert_eq(cp.res.commands, 9);

	/* Across the ring end, and refused just after it. */
	for (i = 0; i < 16; i++)
		b[i] = plain[i % ARRAY_SIZE(plain)];
	n = 16 + cp_sdi(b + 16, TARGET, 1);
	for (j = 1; j <= 17; j++) {
		cp_reset();
		head = CP_RING_SIZE - 4 * j;
		igt_assert_eq(cp_scan_at(C, head, b, n), 0);
		igt_assert_eq(cp.res.commands, 17);
		b[j % 16] = VGPU_MI_USER_INTERRUPT | 1;
		igt_assert_eq(cp_scan_at(C, head, b, n), -EINVAL);
		igt_assert_eq(cp.res.reason, VGPU_AUDIT_RESERVED_BITS);
		igt_assert_eq_u64(cp.res.offset,
				  (head + 4 * (j % 16)) % CP_RING_SIZE);
		b[j % 16] = plain[j % ARRAY_SIZE(plain)];
	}

	/* In a batch, over several reads; refused in the middle. */
	cp_reset();
	for (i = 0; i < 200; i++)
		b[i] = plain[i % ARRAY_SIZE(plain)];
	b[200] = VGPU_MI_BATCH_BUFFER_END;
	cp_put(BATCH, b, 201);
	EXPECT(R, VGPU_AUDIT_OK, ring, cp_bb_start(ring, BATCH, false));
	igt_assert_eq(cp.res.commands, 1 + 201);
	igt_assert_eq(cp.res.shadow_bytes, 201 * 4);
	igt_assert(!memcmp(cp_shadow_ptr(CP_SHADOW_GFX), b, 201 * 4));
	/* Only the plain end header ends a batch without a decode. */
	b[0] = VGPU_MI_BATCH_BUFFER_END | 1;
	cp_put(BATCH + 4 * 200, b, 1);
	EXPECT(R, VGPU_AUDIT_RESERVED_BITS, ring,
	       cp_bb_start(ring, BATCH, false));
	igt_assert_eq_u64(cp.res.offset, BATCH + 4 * 200);
	b[0] = plain[0];
	cp_put(BATCH + 4 * 200, &bad[1], 1);
	for (k = 0; k < 200; k += 13) {
		cp_put(BATCH + 4 * k, &bad[0], 1);
		EXPECT(R, VGPU_AUDIT_RESERVED_BITS, ring,
		       cp_bb_start(ring, BATCH, false));
		igt_assert(cp.res.in_batch);
		igt_assert_eq_u64(cp.res.offset, BATCH + 4 * k);
		igt_assert_eq(cp.res.commands, 1 + k);
		cp_put(BATCH + 4 * k, &b[k], 1);
	}
}

static void ring_wrap(void *data)
{
	u32 b[32], n, head, i;
	u64 shadow;

	/* Every split of a blit across the end of the ring. */
	for (i = 1; i < 10; i++) {
		cp_reset();
		n = cp_src_copy_blt(b, 3, 256, 0, 0, 64, 64, TARGET, 0, 0, 256,
				    S1);
		head = CP_RING_SIZE - 4 * i;
		igt_assert_eq(cp_scan_at(C, head, b, n), 0);
		igt_assert_eq(cp.res.commands, 1);
		/* ... and refused when any part of it is bad. */
		b[9] = 1;
		cp_scan_at(C, head, b, n);
		igt_assert_eq(cp.res.reason, VGPU_AUDIT_ADDR_RANGE);
		igt_assert_eq(cp.res.offset, head);
	}

	/* A start command whose address dwords wrap is re-pointed there. */
	for (i = 1; i < 3; i++) {
		cp_reset();
		put_store_batch(BATCH, 1);
		n = cp_bb_start(b, BATCH, false);
		b[n++] = VGPU_MI_USER_INTERRUPT;
		head = CP_RING_SIZE - 4 * i;
		igt_assert_eq(cp_scan_at(R, head, b, n), 0);
		if (i == 1)
			shadow = ((u64)cp.ring[1] << 32) | cp.ring[0];
		else
			shadow = ((u64)cp.ring[0] << 32) |
				 cp.ring[CP_RING_SIZE / 4 - 1];
		igt_assert_eq_u64(shadow, CP_SHADOW_GFX);
	}

	/* Truncated across the wrap: tail one dword short. */
	cp_reset();
	n = cp_sdi(b, TARGET, 0);
	igt_assert_eq(cp_scan_at(R, CP_RING_SIZE - 8, b, n - 1), -EINVAL);
	igt_assert_eq(cp.res.reason, VGPU_AUDIT_TRUNCATED);

	/* A whole ring of NOOPs ending one dword before the head. */
	cp_reset();
	cp_parser_init(R);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 64, 60,
					  &cp.res), 0);
	igt_assert_eq(cp.res.commands, CP_RING_SIZE / 4 - 1);
}

static void ring_arguments(void *data)
{
	cp_reset();
	igt_assert_eq(cp_parser_init(R), 0);
	/* Empty segment. */
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 256,
					  256, &cp.res), 0);
	igt_assert_eq(cp.res.commands, 0);
	/* Offsets outside or misaligned, bad ring sizes. */
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE,
					  CP_RING_SIZE, 0, &cp.res), -EINVAL);
	igt_assert_eq(cp.res.reason, VGPU_AUDIT_RING_OFFSET);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 0,
					  CP_RING_SIZE, &cp.res), -EINVAL);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 2, 8,
					  &cp.res), -EINVAL);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 0, 6,
					  &cp.res), -EINVAL);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, 0x1800, 0, 8,
					  &cp.res), -EINVAL);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, 0, 0, 0,
					  &cp.res), -EINVAL);
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, NULL, CP_RING_SIZE, 0, 8,
					  &cp.res), -EINVAL);
	/* A NULL result is allowed. */
	igt_assert_eq(cmdparser_scan_ring(&cp.ctx, cp.ring, CP_RING_SIZE, 0, 8,
					  NULL), 0);
}

/* ---- configuration and tables ---- */

static void config_validation(void *data)
{
	struct cmdparser_range bad_range = { S0, S0 };
	struct cmdparser_range many[CMDPARSER_MAX_RANGES + 1];
	struct cmdparser_reg wl[2] = {
		{ 0x2600, 0x2604, CMDPARSER_REG_LRI },
		{ 0x2604, 0x2608, CMDPARSER_REG_LRI },
	};
	struct cmdparser_config saved;
	u32 i;

	cp_reset();
	for (i = 0; i < ARRAY_SIZE(many); i++) {
		many[i].start = S0 + 0x1000 * i;
		many[i].end = many[i].start + 0x1000;
	}
	cp.cfg.engine = R;
	saved = cp.cfg;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), 0);

	cp.cfg.engine = VGPU_ENGINE_COUNT;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.nr_ranges = 0;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.ranges = &bad_range;
	cp.cfg.nr_ranges = 1;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.ranges = many;
	cp.cfg.nr_ranges = CMDPARSER_MAX_RANGES;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), 0);
	cp.cfg.nr_ranges = CMDPARSER_MAX_RANGES + 1;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.whitelist = wl;
	cp.cfg.nr_whitelist = 2;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	wl[1].first = 0x2608;
	wl[1].last = 0x2600;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	wl[1].last = 0x260a;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	wl[1].last = 0x260c;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), 0);
	cp.cfg = saved;
	cp.cfg.limits.max_depth = 0;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg.limits.max_depth = CMDPARSER_MAX_DEPTH + 1;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.limits.max_batches = CMDPARSER_MAX_BATCHES + 1;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.read = NULL;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.shadow.gfx_addr += 4;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
	cp.cfg = saved;
	cp.cfg.shadow.cpu = cp.shadow + 4;
	igt_assert_eq(cmdparser_init(&cp.ctx, &cp.cfg), -EINVAL);
}

static void range_check(void *data)
{
	static const struct cmdparser_range r[] = {
		{ 0x1000, 0x2000 }, { 0x2000, 0x3000 }, { 0xfffffffffffff000ULL,
							~0ULL },
	};

	igt_assert(cmdparser_range_check(r, 3, 0x1000, 0x1000));
	igt_assert(!cmdparser_range_check(r, 3, 0x1000, 0x1001));
	igt_assert(!cmdparser_range_check(r, 3, 0xfff, 2));
	igt_assert(!cmdparser_range_check(r, 3, 0x1000, 0));
	/* Adjacent ranges are not merged: an extent must fit in one. */
	igt_assert(!cmdparser_range_check(r, 3, 0x1fff, 2));
	igt_assert(cmdparser_range_check(r, 3, 0x2fff, 1));
	igt_assert(!cmdparser_range_check(r, 3, 0x3000, 1));
	/* Near 2^64: no wrap-around. */
	igt_assert(cmdparser_range_check(r, 3, ~0ULL - 1, 1));
	igt_assert(!cmdparser_range_check(r, 3, ~0ULL - 1, 2));
	igt_assert(!cmdparser_range_check(r, 3, ~0ULL - 1, ~0ULL));
	igt_assert(!cmdparser_range_check(r, 3, ~0ULL, 1));
	igt_assert(!cmdparser_range_check(r, 3, 0x1800, ~0ULL - 0x700));
}

/*
 * The fast decode (scan.c) accepts a header found in @d's bucket when, with
 * the engine's bit above it, (key & check_mask) == check_value and
 * vgpu_cmd_header_len(hdr) <= len_max. Prove that such a header passes every
 * check of the full decode (match, engine, reserved, length, unsupported)
 * with the same length.
 */
static void fast_decode_consistent(const struct cmd_desc *d)
{
	const u32 must = d->match_mask | d->reserved | d->unsupported |
			 VGPU_CMD_HAS_LEN_BITS;
	const u32 all = VGPU_ENGINE_MASK(VGPU_ENGINE_COUNT) - 1;
	u32 mask = (u32)d->check_mask, v = (u32)d->check_value, f, hdr, len;

	igt_assert_eq_u32(mask & must, must);
	igt_assert_eq_u32(d->check_mask >> 32, all & ~d->engines);
	igt_assert_eq_u32(d->check_value >> 32, 0);
	igt_assert_eq_u32(v & ~mask, 0);
	igt_assert_eq_u32(v & d->match_mask, d->match_value);
	igt_assert_eq_u32(v & (d->reserved | d->unsupported), 0);
	igt_assert_eq_u32(d->len_max, d->len_min + d->len_span);
	/* Every length field the test lets through. */
	for (f = 0; f <= VGPU_CMD_LEN_MASK; f++) {
		hdr = (v & ~VGPU_CMD_LEN_MASK) | f;
		if ((hdr & mask) != v || vgpu_cmd_header_len(hdr) > d->len_max)
			continue;
		len = (hdr & d->len_mask) + d->len_bias;
		igt_assert_eq_u32(vgpu_cmd_header_len(hdr), len);
		igt_assert_f(len - d->len_min <= d->len_span,
			     "%s: length %u\n", d->name, len);
	}
	/* The canonical header passes the fast test. */
	hdr = d->match_value;
	if (d->len_mask)
		hdr |= d->len_min - d->len_bias;
	igt_assert_eq_u32(hdr & mask, v);
}

/*
 * The bucket index holds, at each key, the one row whose match bits in the
 * top ten header bits the key has (both keys of an MI opcode), or nothing.
 */
static void buckets_consistent(void)
{
	const u32 top = ~0u << VGPU_CMD_BUCKET_SHIFT;
	const struct cmd_desc *d, *want;
	u32 i, key, hdr, m;

	for (key = 0; key < VGPU_CMD_BUCKETS; key++) {
		hdr = key << VGPU_CMD_BUCKET_SHIFT;
		want = NULL;
		for (i = 0; i < cmd_nr_descs; i++) {
			d = &cmd_descs[i];
			m = d->match_mask & top;
			if ((hdr & m) != (d->match_value & m))
				continue;
			igt_assert_f(!want, "%s and %s share key %#x\n",
				     want ? want->name : "", d->name, key);
			want = d;
		}
		igt_assert_f(cmd_buckets[key] == want, "key %#x\n", key);
	}
}

static void table_consistency(void *data)
{
	const struct cmd_desc *d;
	u32 i, hdr, count;
	const struct cmdparser_reg *wl;

	igt_assert_eq_u32(cmd_nr_descs, VGPU_CMD_ID_COUNT);
	for (i = 0; i < cmd_nr_descs; i++) {
		d = &cmd_descs[i];
		igt_assert(d->name && d->engines && d->len_min);
		igt_assert(d->len_min + d->len_span <= VGPU_CMD_MAX_DWORDS);
		igt_assert_eq_u32(d->match_value & ~d->match_mask, 0);
		igt_assert_eq_u32(d->reserved & d->match_mask, 0);
		igt_assert_eq_u32(d->unsupported & d->reserved, 0);
		igt_assert(!d->len_mask || !(d->reserved & d->len_mask));
		igt_assert(d->len_mask || d->len_bias == d->len_min);
		igt_assert(d->len_mask || !d->len_span);
		/* The header rule of vgpu_cmd_header_len() holds. */
		igt_assert_eq(!!d->len_mask,
			      !!(d->match_value & VGPU_CMD_HAS_LEN_BITS));
		/* The walkers audit start commands themselves. */
		igt_assert_eq(!!(d->flags & CMD_F_BRANCH),
			      d->audit == CMD_AUDIT_BB_START);
		/* Plain: one dword, no audit, no flags (cmd_skip_plain()). */
		igt_assert_eq(d->plain, !d->len_mask && d->len_min == 1 &&
			      !d->audit && !d->flags);
		hdr = d->match_value;
		if (d->len_mask)
			hdr |= d->len_min - d->len_bias;
		igt_assert_f(cmd_lookup(hdr) == d, "%s not found\n", d->name);
		igt_assert_eq_str(cmdparser_cmd_name(hdr), d->name);
		fast_decode_consistent(d);
	}
	buckets_consistent();
	/* scan_batch() ends a batch on this header without a decode. */
	hdr = VGPU_MI_BATCH_BUFFER_END;
	d = cmd_lookup(hdr);
	igt_assert(d && (d->flags & CMD_F_END) && d->audit == CMD_AUDIT_BB_END);
	igt_assert_eq(vgpu_cmd_header_len(hdr), 1);
	for (i = 0; i < VGPU_ENGINE_COUNT; i++)
		igt_assert(((hdr | (u64)VGPU_ENGINE_MASK(i) << 32) &
			    d->check_mask) == d->check_value);
	igt_assert_eq_str(cmdparser_cmd_name(0xffffffff), "unknown");
	for (i = 0; i < VGPU_AUDIT_REASON_COUNT; i++)
		igt_assert(strcmp(cmdparser_reason_name(i), "unknown"));
	igt_assert_eq_str(cmdparser_reason_name(VGPU_AUDIT_REASON_COUNT),
			  "unknown");
	for (i = 0; i < VGPU_ENGINE_COUNT; i++) {
		wl = cmdparser_default_whitelist(i, &count);
		igt_assert(wl && count);
	}
	igt_assert(!cmdparser_default_whitelist(VGPU_ENGINE_COUNT, &count));
	igt_assert_eq(count, 0);
}

static const struct igt_subtest subtests[] = {
	{ "accept-single-dword", accept_single_dword,
	  "MI_NOOP, MI_USER_INTERRUPT, MI_ARB_CHECK on both engines" },
	{ "accept-stores", accept_stores,
	  "MI_STORE_DATA_IMM (dword, qword, two dwords) and SRM in range" },
	{ "accept-lri", accept_lri,
	  "LRI of every GPR half, and the longest LRI" },
	{ "accept-flush-dw", accept_flush_dw,
	  "MI_FLUSH_DW with each post-sync op and length" },
	{ "accept-pipe-control", accept_pipe_control,
	  "PIPE_CONTROL with each post-sync op" },
	{ "accept-blits", accept_blits,
	  "the three blits at every defined colour depth" },
	{ "accept-batches", accept_batches,
	  "a first-level batch on each engine" },
	{ "refuse-unknown-opcode", refuse_unknown_opcode,
	  "Gen commands outside the subset and other clients are refused" },
	{ "refuse-wrong-engine", refuse_wrong_engine,
	  "commands of the other engine are refused" },
	{ "refuse-bad-length", refuse_bad_length,
	  "every command with a length field, one dword off either way" },
	{ "refuse-reserved-bits", refuse_reserved_bits,
	  "must-be-zero header and field bits" },
	{ "refuse-unsupported", refuse_unsupported,
	  "tiling, clipping, other ROPs, store index, MMIO post-sync" },
	{ "refuse-privileged-register", refuse_privileged_register,
	  "LRI/SRM of registers off the whitelist" },
	{ "refuse-address-space", refuse_address_space,
	  "per-process GTT selected in each command that has the bit" },
	{ "refuse-misaligned", refuse_misaligned,
	  "misaligned store and batch addresses" },
	{ "store-boundaries", store_boundaries,
	  "store targets at each range edge, in and one unit out" },
	{ "blit-boundaries", blit_boundaries,
	  "blit extents one byte inside and outside each range edge" },
	{ "blit-pitch-overflow", blit_pitch_overflow,
	  "rectangles overflowing the slice through the pitch; bad pitches" },
	{ "refuse-bad-rectangles", refuse_bad_rectangles,
	  "empty, inverted and negative rectangles; undefined depths" },
	{ "shadow-repoint", shadow_repoint,
	  "start commands point at the shadow copies, laid out in order" },
	{ "shadow-toctou", shadow_toctou,
	  "guest writes after the audit do not reach the shadow" },
	{ "batch-self-reference", batch_self_reference,
	  "jumps into a running batch refused; forward jumps and reuse not" },
	{ "batch-chain-loop", batch_chain_loop,
	  "a chain that comes back to its first batch is refused" },
	{ "batch-deep-chain", batch_deep_chain,
	  "chains up to the batch count limit pass, one more is refused" },
	{ "batch-nesting", batch_nesting,
	  "second-level rules, depth limit, batch end in the ring" },
	{ "batch-limits", batch_limits,
	  "batch byte limit and shadow size" },
	{ "batch-fetch", batch_fetch,
	  "unmapped, out-of-slice and truncated batches" },
	{ "ring-truncated", ring_truncated,
	  "a command cut off by the tail is refused" },
	{ "plain-runs", plain_runs,
	  "one-dword runs end at the tail, the ring end, the copy's end, a bad header" },
	{ "ring-wrap", ring_wrap,
	  "commands wrapping around the ring end, audited and re-pointed" },
	{ "ring-arguments", ring_arguments,
	  "empty segments, bad head, tail and ring sizes" },
	{ "config-validation", config_validation,
	  "cmdparser_init() refuses inconsistent configurations" },
	{ "range-check", range_check,
	  "the shared range check, including wrap-around at 2^64" },
	{ "table-consistency", table_consistency,
	  "every descriptor reachable, fields consistent, names defined" },
};

IGT_TEST_MAIN("cmdparser: command audit, batch shadowing, ring walk",
	      subtests, .setup = fixture);
