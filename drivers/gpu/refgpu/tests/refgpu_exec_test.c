// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * refgpu_exec_test: the reference GPU's command executor against golden
 * results, command by command: MI commands and the register file, post-sync
 * writes, batch flow, ring wrap, refusals, blits at every depth with pitch,
 * overlap, write-mask and page-boundary corner cases; then a reference
 * model over thousands of random blits, save/resume of the context state,
 * and random command streams run against guard-paged memory.
 */
#include <stdlib.h>

#include "igt_core.h"
#include "exec_env.h"
#include "exec_model.h"
#include "vgpu/cmd_subset.h"

#define RING		0x100000ULL
#define RING_SIZE	0x1000u
#define SURF		0x200000ULL
#define SURF2		0x280000ULL
#define BATCH		0x300000ULL
#define BATCH2		0x340000ULL
#define BATCH3		0x380000ULL
#define DATA		0x3c0000ULL

#define RGBA		(VGPU_BLT_WRITE_ALPHA | VGPU_BLT_WRITE_RGB)
#define GPR_LO(e, n)	VGPU_CS_GPR(VGPU_RING_BASE(e), n)
#define GPR_HI(e, n)	VGPU_CS_GPR_UDW(VGPU_RING_BASE(e), n)

#define LO(a)		((u32)(a))
#define HI(a)		((u32)((u64)(a) >> 32))

/*
 * Raw dwords on purpose: the executor is tested on every field form (depths,
 * channel masks, lengths, post-syncs), many of them beyond lib/vgpu_cmd.
 */
static u32 classic_dw1(u32 depth, u32 rop, u32 pitch)
{
	return depth << VGPU_BLT_DEPTH_SHIFT | rop << VGPU_BLT_ROP_SHIFT |
	       pitch;
}

static void emit_color_blt(struct tenv *t, u32 flags, u32 depth, u32 pitch,
			   u32 x1, u32 y1, u32 x2, u32 y2, u64 dst, u32 color)
{
	TENV_EMIT(t, VGPU_XY_COLOR_BLT | flags,
		  classic_dw1(depth, VGPU_BLT_ROP_PATCOPY, pitch),
		  VGPU_BLT_XY(x1, y1), VGPU_BLT_XY(x2, y2), LO(dst), HI(dst),
		  color);
}

static void emit_src_copy(struct tenv *t, u32 flags, u32 depth, u32 dpitch,
			  u32 x1, u32 y1, u32 x2, u32 y2, u64 dst,
			  u32 sx, u32 sy, u32 spitch, u64 src)
{
	TENV_EMIT(t, VGPU_XY_SRC_COPY_BLT | flags,
		  classic_dw1(depth, VGPU_BLT_ROP_SRCCOPY, dpitch),
		  VGPU_BLT_XY(x1, y1), VGPU_BLT_XY(x2, y2), LO(dst), HI(dst),
		  VGPU_BLT_XY(sx, sy), spitch, LO(src), HI(src));
}

static void emit_fast_copy(struct tenv *t, u32 depth, u32 dpitch,
			   u32 x1, u32 y1, u32 x2, u32 y2, u64 dst,
			   u32 sx, u32 sy, u32 spitch, u64 src)
{
	TENV_EMIT(t, VGPU_XY_FAST_COPY_BLT,
		  depth << VGPU_FAST_COPY_DEPTH_SHIFT | dpitch,
		  VGPU_BLT_XY(x1, y1), VGPU_BLT_XY(x2, y2), LO(dst), HI(dst),
		  VGPU_BLT_XY(sx, sy), spitch, LO(src), HI(src));
}

static void setup(struct tenv *t, enum vgpu_engine e)
{
	tenv_init(t, e);
	tenv_ring(t, RING, RING_SIZE, 0);
	tenv_map(t, SURF, 0x10000);
	tenv_map(t, SURF2, 0x10000);
	tenv_map(t, DATA, 0x1000);
}

static void expect_bytes(struct tenv *t, u64 addr, const u8 *exp, u32 len)
{
	u32 i;
	u8 got;

	for (i = 0; i < len; i++) {
		got = *tenv_ptr(t, addr + i);
		igt_assert_f(got == exp[i],
			     "byte %u at %#llx is %#04x, expected %#04x\n", i,
			     (unsigned long long)(addr + i), got, exp[i]);
	}
}

/* Deterministic pseudo-random numbers (xorshift64*). */
static u64 rng_state;

static void rng_seed(u64 seed)
{
	rng_state = seed ? seed : 1;
}

static u64 rng64(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static u32 rng_below(u32 n)
{
	return (u32)(rng64() % n);
}

/* ---- MI commands ---- */

static void noop_and_arb_check(void *data)
{
	struct refgpu_exec_result res;
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	/* MI_NOOP's bits 22:0 are an identification number, ignored. */
	TENV_EMIT(&t, VGPU_MI_NOOP, VGPU_MI_NOOP | 0x7fffff,
		  VGPU_MI_ARB_CHECK, VGPU_MI_NOOP);
	igt_assert_eq(tenv_run(&t, 100, &res), 4);
	igt_assert_eq(res.status, REFGPU_EXEC_IDLE);
	igt_assert_eq(t.st.head, 16);
	igt_assert(refgpu_exec_done(&t.st));
	tenv_fini(&t);
}

static void user_interrupt_event(void *data)
{
	struct refgpu_exec_result res;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	TENV_EMIT(&t, VGPU_MI_USER_INTERRUPT, VGPU_MI_NOOP,
		  VGPU_MI_USER_INTERRUPT, VGPU_MI_NOOP);
	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_OK);
	igt_assert_eq(res.events, REFGPU_EXEC_EV_USER_INTERRUPT);
	igt_assert_eq(res.dwords, 1);
	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert_eq(res.events, 0);
	tenv_run_ok(&t);
	igt_assert_eq(t.user_interrupts, 1);
	tenv_fini(&t);
}

static void store_dword_and_qword(void *data)
{
	static const u8 golden[24] = {
		0xdd, 0xcc, 0xbb, 0xaa, 0x00, 0x00, 0x00, 0x00,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x00, 0x00, 0x00, 0x00, 0x04, 0x03, 0x02, 0x01,
	};
	struct tenv t;
	u32 eng;

	for (eng = 0; eng < VGPU_ENGINE_COUNT; eng++) {
		setup(&t, eng);
		TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, LO(DATA), HI(DATA),
			  0xaabbccdd);
		TENV_EMIT(&t, VGPU_MI_STORE_QWORD_GGTT, LO(DATA + 8),
			  HI(DATA + 8), 0x55667788, 0x11223344);
		/* Two dwords without the qword bit: 4-byte alignment is enough. */
		TENV_EMIT(&t, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT |
			  VGPU_MI_SDI_LEN_QWORD, LO(DATA + 16), HI(DATA + 16),
			  0, 0x01020304);
		tenv_run_ok(&t);
		expect_bytes(&t, DATA, golden, sizeof(golden));
		/* Nothing else written. */
		igt_assert_eq_u32(tenv_rd32(&t, DATA + 24), 0);
		igt_assert_eq_u32(tenv_rd32(&t, DATA - 4 + 0x1000), 0);
		tenv_fini(&t);
	}
}

static void store_across_pages(void *data)
{
	struct refgpu_exec_result res;
	u64 edge = SURF + 0x1000 - 4;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	/* Two dwords straddling a page boundary, both pages mapped. */
	TENV_EMIT(&t, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT |
		  VGPU_MI_SDI_LEN_QWORD, LO(edge), HI(edge), 0x11111111,
		  0x22222222);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, edge), 0x11111111);
	igt_assert_eq_u32(tenv_rd32(&t, edge + 4), 0x22222222);

	/* Second page unmapped: a fault, and nothing written at all. */
	tenv_wr32(&t, edge, 0);
	tenv_unmap(&t, edge + 4);
	TENV_EMIT(&t, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT |
		  VGPU_MI_SDI_LEN_QWORD, LO(edge), HI(edge), 0x33333333,
		  0x44444444);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_ERROR);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, edge + 4);
	igt_assert_eq_u64(res.cmd_addr, 20);
	igt_assert(!res.in_batch);
	igt_assert_eq_u32(tenv_rd32(&t, edge), 0);
	igt_assert_eq(t.st.head, 20);
	tenv_fini(&t);
}

static void store_refusals(void *data)
{
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	TENV_EMIT(&t, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_LEN_DWORD,
		  LO(DATA), 0, 1);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_SPACE);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT | VGPU_MI_SDI_STORE_QWORD,
		  LO(DATA), 0, 1);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_QWORD_GGTT, LO(DATA + 4), 0, 1, 2);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_ALIGN);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, LO(DATA + 2), 0, 1);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_ALIGN);
	t.st.head = t.st.tail;
	/* Length 4 (6 dwords) is not a store. */
	TENV_EMIT(&t, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT | 4,
		  LO(DATA), 0, 1, 2, 3);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	t.st.head = t.st.tail;
	igt_assert_eq_u64(tenv_rd64(&t, DATA), 0);
	tenv_fini(&t);
}

static void store_beyond_address_space(void *data)
{
	struct refgpu_exec_result res;
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	/* High dword set: the address is beyond 4 GiB, whatever its low half. */
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, LO(DATA), 1, 5);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, DATA | 1ULL << 32);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, 0xfffffffc, 0xffffffff, 5);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, 0xfffffffffffffffcULL);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0);
	tenv_fini(&t);
}

static void lri_srm_gprs(void *data)
{
	struct tenv t;
	u32 eng, i;

	for (eng = 0; eng < VGPU_ENGINE_COUNT; eng++) {
		setup(&t, eng);
		TENV_EMIT(&t, VGPU_MI_LOAD_REGISTER_IMM(3) |
			  VGPU_MI_LRI_FORCE_POSTED,
			  GPR_LO(eng, 0), 0x10101010,
			  GPR_HI(eng, 0), 0x20202020,
			  GPR_LO(eng, 15), 0xf0f0f0f0);
		TENV_EMIT(&t, VGPU_MI_LOAD_REGISTER_IMM(1), GPR_HI(eng, 15),
			  0xe0e0e0e0);
		TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_LO(eng, 0),
			  LO(DATA), HI(DATA));
		TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_HI(eng, 0),
			  LO(DATA + 4), HI(DATA + 4));
		TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_LO(eng, 15),
			  LO(DATA + 8), HI(DATA + 8));
		TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_HI(eng, 15),
			  LO(DATA + 12), HI(DATA + 12));
		TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_LO(eng, 7),
			  LO(DATA + 16), HI(DATA + 16));
		tenv_wr32(&t, DATA + 16, 0xdeadbeef);
		tenv_run_ok(&t);
		igt_assert_eq_u32(tenv_rd32(&t, DATA), 0x10101010);
		igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 0x20202020);
		igt_assert_eq_u32(tenv_rd32(&t, DATA + 8), 0xf0f0f0f0);
		igt_assert_eq_u32(tenv_rd32(&t, DATA + 12), 0xe0e0e0e0);
		/* GPRs start cleared in a fresh state. */
		igt_assert_eq_u32(tenv_rd32(&t, DATA + 16), 0);
		igt_assert_eq_u64(t.st.gpr[0], 0x2020202010101010ULL);
		igt_assert_eq_u64(t.st.gpr[15], 0xe0e0e0e0f0f0f0f0ULL);
		for (i = 1; i < 15; i++)
			igt_assert_eq_u64(t.st.gpr[i], 0);
		tenv_fini(&t);
	}
}

static void lri_srm_refusals(void *data)
{
	u32 other = VGPU_ENGINE_RENDER;
	u32 eng = VGPU_ENGINE_COPY;
	struct tenv t;

	setup(&t, eng);
	/* Another engine's GPR, with a good one first: nothing is written. */
	TENV_EMIT(&t, VGPU_MI_LOAD_REGISTER_IMM(2), GPR_LO(eng, 1), 5,
		  GPR_LO(other, 1), 6);
	tenv_expect_refused(&t, VGPU_AUDIT_REG_DENIED);
	igt_assert_eq_u64(t.st.gpr[1], 0);
	t.st.head = t.st.tail;
	/* The timestamp is read only. */
	TENV_EMIT(&t, VGPU_MI_LOAD_REGISTER_IMM(1),
		  VGPU_RING_TIMESTAMP(VGPU_COPY_RING_BASE), 1);
	tenv_expect_refused(&t, VGPU_AUDIT_REG_DENIED);
	t.st.head = t.st.tail;
	/* Ring registers are not in the register file. */
	TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT,
		  VGPU_RING_HEAD(VGPU_COPY_RING_BASE), LO(DATA), 0);
	tenv_expect_refused(&t, VGPU_AUDIT_REG_DENIED);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM, GPR_LO(eng, 0), LO(DATA), 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_SPACE);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT, GPR_LO(eng, 0),
		  LO(DATA + 1), 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_ALIGN);
	t.st.head = t.st.tail;
	/* An even LRI length field is no whole number of pairs. */
	TENV_EMIT(&t, VGPU_MI_INSTR(VGPU_MI_OP_LOAD_REGISTER_IMM, 2),
		  GPR_LO(eng, 0), 1, 2);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	tenv_fini(&t);
}

static void lri_max_pairs(void *data)
{
	u32 cmd[VGPU_CMD_MAX_DWORDS];
	struct tenv t;
	u32 i;

	setup(&t, VGPU_ENGINE_RENDER);
	cmd[0] = VGPU_MI_LOAD_REGISTER_IMM(VGPU_MI_LRI_MAX_REGS);
	for (i = 0; i < VGPU_MI_LRI_MAX_REGS; i++) {
		cmd[1 + 2 * i] = GPR_LO(VGPU_ENGINE_RENDER, i % 16);
		cmd[2 + 2 * i] = i;
	}
	tenv_emit(&t, cmd, VGPU_CMD_MAX_DWORDS);
	tenv_run_ok(&t);
	/* The last write to each register wins. */
	for (i = 0; i < 16; i++)
		igt_assert_eq_u64(t.st.gpr[i], 112 + i < 126 ? 112 + i : 96 + i);
	tenv_fini(&t);
}

static void srm_timestamp(void *data)
{
	u32 base = VGPU_RENDER_RING_BASE;
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	t.timestamp = 0xaabbccdd11223344ULL;
	TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT,
		  VGPU_RING_TIMESTAMP(base), LO(DATA), 0);
	TENV_EMIT(&t, VGPU_MI_STORE_REGISTER_MEM_GGTT,
		  VGPU_RING_TIMESTAMP_UDW(base), LO(DATA + 4), 0);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0x11223344);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 0xaabbccdd);
	tenv_fini(&t);
}

static u32 flush_dw(u32 op, u32 len_field)
{
	return VGPU_MI_INSTR(VGPU_MI_OP_FLUSH_DW, len_field) |
	       op << VGPU_MI_FLUSH_DW_OP_SHIFT;
}

static void flush_dw_post_sync(void *data)
{
	u32 ggtt = VGPU_MI_FLUSH_DW_ADDR_GGTT;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	t.timestamp = 0x0102030405060708ULL;
	tenv_fill(&t, DATA, 0xee, 64);
	/* No post-sync op: the address dwords are ignored. */
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_NONE, 2) |
		  VGPU_MI_FLUSH_DW_INVALIDATE_TLB | VGPU_MI_FLUSH_DW_NOTIFY,
		  0xffffffff, 0xffffffff, 0);
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_STORE_DATA, 2),
		  LO(DATA) | ggtt, 0, 0xa1a2a3a4);
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_STORE_DATA, 3),
		  LO(DATA + 8) | ggtt, 0, 0xb1b2b3b4, 0xc1c2c3c4);
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_TIMESTAMP, 2),
		  LO(DATA + 16) | ggtt, 0, 0);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0xa1a2a3a4);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 0xeeeeeeee);
	igt_assert_eq_u64(tenv_rd64(&t, DATA + 8), 0xc1c2c3c4b1b2b3b4ULL);
	igt_assert_eq_u64(tenv_rd64(&t, DATA + 16), 0x0102030405060708ULL);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 24), 0xeeeeeeee);

	t.st.head = t.st.tail;
	TENV_EMIT(&t, flush_dw(2, 2), LO(DATA) | ggtt, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_RESERVED_BITS);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_STORE_DATA, 2), LO(DATA),
		  0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_SPACE);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_STORE_DATA, 2),
		  LO(DATA) | ggtt | 1, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_ALIGN);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_STORE_DATA, 2) |
		  VGPU_MI_FLUSH_DW_STORE_INDEX, LO(DATA) | ggtt, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_UNSUPPORTED);
	tenv_fini(&t);

	setup(&t, VGPU_ENGINE_RENDER);
	TENV_EMIT(&t, flush_dw(VGPU_MI_FLUSH_DW_OP_NONE, 2), 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_WRONG_ENGINE);
	tenv_fini(&t);
}

static u32 pc_flags(u32 op)
{
	return op << VGPU_PC_POST_SYNC_SHIFT | VGPU_PC_GLOBAL_GTT |
	       VGPU_PC_CS_STALL;
}

static void pipe_control_post_sync(void *data)
{
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	t.timestamp = 0x1000000000000001ULL;
	tenv_fill(&t, DATA, 0xee, 64);
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL, VGPU_PC_CS_STALL |
		  VGPU_PC_TLB_INVALIDATE | VGPU_PC_NOTIFY, 0, 0, 0, 0);
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL,
		  pc_flags(VGPU_PC_POST_SYNC_WRITE_IMM), LO(DATA + 4), 0,
		  0x55555555, 0x66666666);
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL,
		  pc_flags(VGPU_PC_POST_SYNC_DEPTH_COUNT), LO(DATA + 16), 0,
		  1, 2);
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL,
		  pc_flags(VGPU_PC_POST_SYNC_TIMESTAMP), LO(DATA + 24), 0,
		  1, 2);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0xeeeeeeee);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 0x55555555);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 8), 0x66666666);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 12), 0xeeeeeeee);
	igt_assert_eq_u64(tenv_rd64(&t, DATA + 16), 0);
	igt_assert_eq_u64(tenv_rd64(&t, DATA + 24), 0x1000000000000001ULL);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 32), 0xeeeeeeee);

	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL, pc_flags(1) | VGPU_PC_MMIO_WRITE,
		  LO(DATA), 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_UNSUPPORTED);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL,
		  pc_flags(1) | VGPU_PC_STORE_DATA_INDEX, LO(DATA), 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_UNSUPPORTED);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL,
		  1 << VGPU_PC_POST_SYNC_SHIFT, LO(DATA), 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_SPACE);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL, pc_flags(1), LO(DATA + 2), 0,
		  0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_ALIGN);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL - 1, 0, 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	tenv_fini(&t);

	setup(&t, VGPU_ENGINE_COPY);
	TENV_EMIT(&t, VGPU_GFX_PIPE_CONTROL, 0, 0, 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_WRONG_ENGINE);
	tenv_fini(&t);
}

/* ---- batch buffers and the ring ---- */

static void bb_start(struct tenv *t, u32 flags, u64 target)
{
	TENV_EMIT(t, VGPU_MI_BATCH_BUFFER_START | flags, LO(target),
		  HI(target));
}

static u32 sdi(u64 addr, u32 *cmd, u32 val)
{
	cmd[0] = VGPU_MI_STORE_DWORD_GGTT;
	cmd[1] = LO(addr);
	cmd[2] = HI(addr);
	cmd[3] = val;
	return 4;
}

static void batch_first_level(void *data)
{
	struct refgpu_exec_result res;
	u32 cmd[16], n = 0;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, BATCH, 0x1000);
	n += sdi(DATA, cmd + n, 1);
	n += sdi(DATA + 4, cmd + n, 2);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH, cmd, n);
	bb_start(&t, 0, BATCH);
	n = sdi(DATA + 8, cmd, 3);
	tenv_emit(&t, cmd, n);

	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_OK);
	/* In the batch; the ring head already points after the start. */
	igt_assert_eq(t.st.level, 1);
	igt_assert_eq(t.st.head, 12);
	igt_assert_eq_u64(t.st.batch_addr[1], BATCH);
	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert(res.in_batch);
	igt_assert_eq_u64(res.cmd_addr, BATCH);
	tenv_run_ok(&t);
	igt_assert_eq(t.st.level, 0);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 1);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 2);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 8), 3);
	tenv_fini(&t);
}

static void batch_chain(void *data)
{
	u32 cmd[16], n = 0;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, BATCH, 0x1000);
	tenv_map(&t, BATCH2, 0x1000);
	/* First batch: a store, then a chain; the rest never runs. */
	n += sdi(DATA, cmd + n, 1);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_START;
	cmd[n++] = LO(BATCH2);
	cmd[n++] = HI(BATCH2);
	n += sdi(DATA + 4, cmd + n, 0xbad);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH, cmd, n);
	n = sdi(DATA + 8, cmd, 2);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH2, cmd, n);
	bb_start(&t, 0, BATCH);
	n = sdi(DATA + 12, cmd, 3);
	tenv_emit(&t, cmd, n);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 1);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 0);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 8), 2);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 12), 3);
	tenv_fini(&t);
}

static void batch_second_level(void *data)
{
	struct refgpu_exec_result res;
	u32 cmd[32], n = 0, steps;
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	tenv_map(&t, BATCH, 0x1000);
	tenv_map(&t, BATCH2, 0x1000);
	tenv_map(&t, BATCH3, 0x1000);
	/* L1: store 1, call L2, store 4, end. */
	n += sdi(DATA, cmd + n, 1);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_START | VGPU_MI_BB_START_SECOND_LEVEL;
	cmd[n++] = LO(BATCH2);
	cmd[n++] = HI(BATCH2);
	n += sdi(DATA + 12, cmd + n, 4);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH, cmd, n);
	/* L2: store 2, chain (second level) to L2', which stores 3, ends. */
	n = sdi(DATA + 4, cmd, 2);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_START;
	cmd[n++] = LO(BATCH3);
	cmd[n++] = HI(BATCH3);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH2, cmd, n);
	n = sdi(DATA + 8, cmd, 3);
	cmd[n++] = VGPU_MI_BATCH_BUFFER_END;
	tenv_put(&t, BATCH3, cmd, n);
	bb_start(&t, 0, BATCH);
	n = sdi(DATA + 16, cmd, 5);
	tenv_emit(&t, cmd, n);

	/* start, sdi, call, sdi, chain, sdi, end, sdi, end, sdi */
	steps = tenv_run(&t, 100, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_IDLE);
	igt_assert_eq(steps, 10);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 1);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 4), 2);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 8), 3);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 12), 4);
	igt_assert_eq_u32(tenv_rd32(&t, DATA + 16), 5);
	tenv_fini(&t);
}

static void batch_refusals(void *data)
{
	struct refgpu_exec_result res;
	struct tenv t;

	setup(&t, VGPU_ENGINE_RENDER);
	tenv_map(&t, BATCH, 0x1000);
	tenv_map(&t, BATCH2, 0x1000);
	TENV_EMIT(&t, VGPU_MI_BATCH_BUFFER_END);
	tenv_expect_refused(&t, VGPU_AUDIT_BATCH_CONTEXT);
	t.st.head = t.st.tail;
	/* A second-level call straight from the ring. */
	bb_start(&t, VGPU_MI_BB_START_SECOND_LEVEL, BATCH);
	tenv_expect_refused(&t, VGPU_AUDIT_BATCH_CONTEXT);
	t.st.head = t.st.tail;
	bb_start(&t, VGPU_MI_BB_START_PPGTT, BATCH);
	tenv_expect_refused(&t, VGPU_AUDIT_ADDR_SPACE);
	t.st.head = t.st.tail;
	/* A call from a second-level batch is one level too deep. */
	TENV_PUT(&t, BATCH, VGPU_MI_BATCH_BUFFER_START |
		 VGPU_MI_BB_START_SECOND_LEVEL, LO(BATCH2), 0);
	TENV_PUT(&t, BATCH2, VGPU_MI_BATCH_BUFFER_START |
		 VGPU_MI_BB_START_SECOND_LEVEL, LO(BATCH2), 0);
	bb_start(&t, 0, BATCH);
	igt_assert_eq(tenv_run(&t, 2, &res), 2);
	igt_assert_eq(t.st.level, 2);
	tenv_expect_refused(&t, VGPU_AUDIT_BATCH_DEPTH);
	tenv_fini(&t);

	/* The copy engine has no second level. */
	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, BATCH, 0x1000);
	TENV_PUT(&t, BATCH, VGPU_MI_BATCH_BUFFER_START |
		 VGPU_MI_BB_START_SECOND_LEVEL, LO(BATCH), 0);
	bb_start(&t, 0, BATCH);
	igt_assert_eq(tenv_run(&t, 1, &res), 1);
	tenv_expect_refused(&t, VGPU_AUDIT_BATCH_CONTEXT);
	tenv_fini(&t);
}

static void batch_across_pages_and_fault(void *data)
{
	struct refgpu_exec_result res;
	u64 b = BATCH + 0x1000 - 8;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, BATCH, 0x2000);
	/* A store whose dwords straddle two pages of the batch. */
	b = TENV_PUT(&t, b, VGPU_MI_STORE_DWORD_GGTT, LO(DATA), 0, 0x77);
	b = TENV_PUT(&t, b, VGPU_MI_NOOP, VGPU_MI_NOOP);
	TENV_PUT(&t, b, VGPU_MI_BATCH_BUFFER_END);
	bb_start(&t, 0, BATCH + 0x1000 - 8);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0x77);

	/* The batch runs off its last mapped page: a fault in the batch. */
	tenv_unmap(&t, BATCH + 0x1000);
	tenv_wr32(&t, DATA, 0);
	bb_start(&t, 0, BATCH + 0x1000 - 8);
	tenv_run(&t, 100, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_ERROR);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert(res.in_batch);
	igt_assert_eq_u64(res.cmd_addr, BATCH + 0x1000 - 8);
	igt_assert_eq_u64(res.fault_addr, BATCH + 0x1000);
	igt_assert_eq_u32(res.header, VGPU_MI_STORE_DWORD_GGTT);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0);

	/* A start into unmapped memory faults on the first fetch. */
	t.st.level = 0;
	t.st.head = t.st.tail;
	bb_start(&t, 0, BATCH + 0x10000);
	tenv_run(&t, 100, &res);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, BATCH + 0x10000);
	igt_assert_eq(res.header, 0);
	tenv_fini(&t);
}

static void ring_wrap(void *data)
{
	struct refgpu_exec_result res;
	struct tenv t;

	tenv_init(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, DATA, 0x1000);
	/* Start 8 bytes before the end: the store wraps after two dwords. */
	tenv_ring(&t, RING, RING_SIZE, RING_SIZE - 8);
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, LO(DATA), 0, 0x12345678,
		  VGPU_MI_USER_INTERRUPT);
	igt_assert_eq(t.st.tail, 12);
	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_OK);
	igt_assert_eq(res.dwords, 4);
	igt_assert_eq(t.st.head, 8);
	tenv_run_ok(&t);
	igt_assert_eq(t.user_interrupts, 1);
	igt_assert_eq(t.st.head, 12);
	igt_assert_eq_u32(tenv_rd32(&t, DATA), 0x12345678);
	tenv_fini(&t);
}

static void ring_truncated(void *data)
{
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	/* Three dwords of a four-dword store before the tail. */
	TENV_EMIT(&t, VGPU_MI_STORE_DWORD_GGTT, LO(DATA), 0);
	tenv_expect_refused(&t, VGPU_AUDIT_TRUNCATED);
	tenv_fini(&t);
}

static void state_validation(void *data)
{
	struct refgpu_exec_state st;
	struct tenv t;

	igt_assert_eq(refgpu_exec_state_init(&st, RING, RING_SIZE, 0), 0);
	igt_assert_eq(refgpu_exec_state_init(&st, RING + 4, RING_SIZE, 0),
		      -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, RING, 0x800, 0), -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, RING, 0x1800, 0), -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, RING, 0x400000, 0), -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, RING, RING_SIZE, RING_SIZE),
		      -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, RING, RING_SIZE, 2),
		      -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, 0xfffff000ULL, 0x2000, 0),
		      -EINVAL);
	igt_assert_eq(refgpu_exec_state_init(&st, 0xfffff000ULL, 0x1000, 0),
		      0);

	/* A corrupted state is refused, never followed. */
	setup(&t, VGPU_ENGINE_COPY);
	TENV_EMIT(&t, VGPU_MI_NOOP);
	t.st.level = 3;
	tenv_expect_refused(&t, VGPU_AUDIT_RING_CONFIG);
	t.st.level = 0;
	t.st.tail = RING_SIZE;
	tenv_expect_refused(&t, VGPU_AUDIT_RING_CONFIG);
	tenv_fini(&t);
}

static void unknown_and_wrong_engine(void *data)
{
	static const u32 unknown[] = {
		0x20000000,				/* client 1 */
		0x80000000, 0xa0000000, 0xe0000000,	/* clients 4, 5, 7 */
		VGPU_MI_INSTR(0x3f, 0),			/* MI opcode 0x3f */
		VGPU_MI_INSTR(0x01, 0),			/* MI_SET_PREDICATE-ish */
		VGPU_BLT_INSTR(0x7f, 8),		/* blitter opcode 0x7f */
		VGPU_BLT_INSTR(0x51, 5),		/* XY_PAT_BLT */
		0x79000002,				/* 3D, not PIPE_CONTROL */
	};
	struct tenv t;
	u32 i;

	setup(&t, VGPU_ENGINE_COPY);
	for (i = 0; i < IGT_ARRAY_SIZE(unknown); i++) {
		t.st.head = t.st.tail;
		TENV_EMIT(&t, unknown[i], 0, 0, 0, 0, 0, 0, 0, 0, 0);
		tenv_expect_refused(&t, VGPU_AUDIT_UNKNOWN_OPCODE);
	}
	tenv_fini(&t);

	/* Blits belong to the copy engine. */
	setup(&t, VGPU_ENGINE_RENDER);
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, 64, 0, 0, 1, 1, SURF, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_WRONG_ENGINE);
	t.st.head = t.st.tail;
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, 64, 0, 0, 1, 1, SURF, 0, 0,
		      64, SURF2);
	tenv_expect_refused(&t, VGPU_AUDIT_WRONG_ENGINE);
	t.st.head = t.st.tail;
	emit_fast_copy(&t, VGPU_FAST_COPY_DEPTH_32, 64, 0, 0, 1, 1, SURF, 0, 0,
		       64, SURF2);
	tenv_expect_refused(&t, VGPU_AUDIT_WRONG_ENGINE);
	tenv_fini(&t);

	/* Blits with the wrong length field. */
	setup(&t, VGPU_ENGINE_COPY);
	TENV_EMIT(&t, VGPU_XY_COLOR_BLT + 1, 0, 0, 0, 0, 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_XY_SRC_COPY_BLT - 1, 0, 0, 0, 0, 0, 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	t.st.head = t.st.tail;
	TENV_EMIT(&t, VGPU_MI_BATCH_BUFFER_START + 1, 0, 0, 0);
	tenv_expect_refused(&t, VGPU_AUDIT_BAD_LENGTH);
	tenv_fini(&t);
}

/* ---- the command subset shared with the parser ---- */

/*
 * A row of vgpu/cmd_subset_rows.h, as far as the decode goes: a length is
 * valid within the bounds when the length field bits the rule does not let
 * vary have their fixed value (LRI: odd lengths only).
 */
struct subset_cmd {
	const char *name;
	u32 match;
	u32 engines;
	u32 len_min;
	u32 len_max;
	u32 len_field;
	u32 len_vary;
	u32 len_fixed;
};

static const struct subset_cmd subset[] = {
#define VGPU_CMD(...)							\
	{								\
		.name = VGPU_CMD_ROW_NAME(__VA_ARGS__),			\
		.match = VGPU_CMD_ROW_MATCH_VALUE(__VA_ARGS__),		\
		.engines = VGPU_CMD_ROW_ENGINES(__VA_ARGS__),		\
		.len_min = VGPU_CMD_ROW_LEN_MIN(__VA_ARGS__),		\
		.len_max = VGPU_CMD_ROW_LEN_MAX(__VA_ARGS__),		\
		.len_field = VGPU_CMD_ROW_LEN_FIELD(__VA_ARGS__),	\
		.len_vary = VGPU_CMD_ROW_LEN_VARY(__VA_ARGS__),		\
		.len_fixed = VGPU_CMD_ROW_LEN_FIXED_PART(__VA_ARGS__),	\
	},
#include "vgpu/cmd_subset_rows.h"
};

/* Does @c's rule allow @len dwords? */
static bool subset_len_ok(const struct subset_cmd *c, u32 len)
{
	return len >= c->len_min && len <= c->len_max &&
	       ((len - VGPU_CMD_LEN_BIAS) & c->len_field & ~c->len_vary) ==
	       c->len_fixed;
}

/* Step @hdr followed by @len - 1 zero dwords from a fresh context. */
static void subset_step(struct tenv *t, u32 hdr, u32 len,
			struct refgpu_exec_result *res)
{
	static const u32 zero[VGPU_CMD_MAX_DWORDS + 1];

	igt_assert_eq(refgpu_exec_state_init(&t->st, RING, RING_SIZE, 0), 0);
	TENV_EMIT(t, hdr);
	tenv_emit(t, zero, len - 1);
	refgpu_exec_step(&t->ex, &t->st, res);
}

/* Was the command decoded (whatever its handler then made of it)? */
static bool subset_decoded(const struct refgpu_exec_result *res)
{
	if (res->status != REFGPU_EXEC_ERROR ||
	    res->error != REFGPU_EXEC_ERR_COMMAND)
		return true;
	return res->reason != VGPU_AUDIT_UNKNOWN_OPCODE &&
	       res->reason != VGPU_AUDIT_WRONG_ENGINE &&
	       res->reason != VGPU_AUDIT_BAD_LENGTH &&
	       res->reason != VGPU_AUDIT_TRUNCATED;
}

/*
 * Every command of the subset, at every length from one below its bounds
 * to one above, on each engine, with zero operands: decoded and handed to
 * its handler (which may refuse the operands; a missing handler crashes)
 * at the lengths its rule allows on its engines, else refused.
 */
static void subset_decode(void *data)
{
	const struct subset_cmd *c;
	struct refgpu_exec_result res;
	u32 i, e, len, more, expect;
	struct tenv t;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		setup(&t, e);
		for (i = 0; i < IGT_ARRAY_SIZE(subset); i++) {
			c = &subset[i];
			/* One below and above the bounds, if the field can. */
			more = !!c->len_field;
			for (len = c->len_min - more; len <= c->len_max + more;
			     len++) {
				subset_step(&t, c->match |
					    ((len - VGPU_CMD_LEN_BIAS) &
					     c->len_field), len, &res);
				igt_assert_eq(res.dwords, len);
				expect = VGPU_AUDIT_OK;
				if (!(c->engines & VGPU_ENGINE_MASK(e)))
					expect = VGPU_AUDIT_WRONG_ENGINE;
				else if (!subset_len_ok(c, len))
					expect = VGPU_AUDIT_BAD_LENGTH;
				if (expect == VGPU_AUDIT_OK) {
					igt_assert_f(subset_decoded(&res),
						     "%s, %u dwords, engine %u: reason %u\n",
						     c->name, len, e,
						     res.reason);
					continue;
				}
				igt_assert_eq(res.status, REFGPU_EXEC_ERROR);
				igt_assert_eq(res.reason, expect);
			}
		}
		tenv_fini(&t);
	}
}

/* ---- blits: golden results ---- */

static void color_blt_8bpp(void *data)
{
	/* 8 x 4 surface, pitch 8; fill (1,1)-(4,3) with 0xab. */
	static const u8 golden[32] = {
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x11, 0xab, 0xab, 0xab, 0x11, 0x11, 0x11, 0x11,
		0x11, 0xab, 0xab, 0xab, 0x11, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	};
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_fill(&t, SURF, 0x11, 64);
	/* Only the low byte of the colour counts at 8 bpp. */
	emit_color_blt(&t, 0, VGPU_BLT_DEPTH_8, 8, 1, 1, 4, 3, SURF,
		       0xffffffab);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, golden, sizeof(golden));
	igt_assert_eq_u32(tenv_rd32(&t, SURF + 32), 0x11111111);
	tenv_fini(&t);
}

static void color_blt_16bpp(void *data)
{
	/* 5 pixels per 10-byte row; fill (2,0)-(4,2) with 0x1234. */
	static const u8 golden[30] = {
		0x11, 0x11, 0x11, 0x11, 0x34, 0x12, 0x34, 0x12, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x34, 0x12, 0x34, 0x12, 0x11, 0x11,
		0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	};
	struct tenv t;
	u32 depth;

	/* RGB565 and ARGB1555 fill the same way. */
	for (depth = VGPU_BLT_DEPTH_565; depth <= VGPU_BLT_DEPTH_1555;
	     depth++) {
		setup(&t, VGPU_ENGINE_COPY);
		tenv_fill(&t, SURF, 0x11, 64);
		/* The write-enable bits do not matter below 32 bpp. */
		emit_color_blt(&t, 0, depth, 10, 2, 0, 4, 2, SURF, 0x56781234);
		tenv_run_ok(&t);
		expect_bytes(&t, SURF, golden, sizeof(golden));
		tenv_fini(&t);
	}
}

static void color_blt_32bpp_odd_pitch(void *data)
{
	/* Pitch 7: every row starts one byte further into a dword. */
	static const u8 golden[24] = {
		0xdd, 0xcc, 0xbb, 0xaa, 0x11, 0x11, 0x11,
		0xdd, 0xcc, 0xbb, 0xaa, 0x11, 0x11, 0x11,
		0xdd, 0xcc, 0xbb, 0xaa, 0x11, 0x11, 0x11,
		0x11, 0x11, 0x11,
	};
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_fill(&t, SURF, 0x11, 64);
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, 7, 0, 0, 1, 3, SURF,
		       0xaabbccdd);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, golden, sizeof(golden));
	tenv_fini(&t);
}

static void color_blt_rows_overlap(void *data)
{
	/* Pitch 2 < 4 bytes per row: each row overwrites half the last. */
	static const u8 golden[10] = {
		0xa0, 0xa1, 0xa0, 0xa1, 0xa0, 0xa1, 0xa2, 0xa3, 0x11, 0x11,
	};
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_fill(&t, SURF, 0x11, 64);
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, 2, 0, 0, 1, 3, SURF,
		       0xa3a2a1a0);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, golden, sizeof(golden));
	tenv_fini(&t);
}

static void color_blt_write_mask(void *data)
{
	static const struct {
		u32 flags;
		u32 result;
	} cases[] = {
		{ RGBA, 0xaabbccdd },
		{ VGPU_BLT_WRITE_RGB, 0x01bbccdd },
		{ VGPU_BLT_WRITE_ALPHA, 0xaa020304 },
		{ 0, 0x01020304 },
	};
	struct tenv t;
	u32 i;

	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		setup(&t, VGPU_ENGINE_COPY);
		tenv_wr32(&t, SURF, 0x01020304);
		tenv_wr32(&t, SURF + 4, 0x01020304);
		emit_color_blt(&t, cases[i].flags, VGPU_BLT_DEPTH_32, 64, 0, 0,
			       1, 1, SURF, 0xaabbccdd);
		tenv_run_ok(&t);
		igt_assert_eq_u32(tenv_rd32(&t, SURF), cases[i].result);
		igt_assert_eq_u32(tenv_rd32(&t, SURF + 4), 0x01020304);
		tenv_fini(&t);
	}
}

static void color_blt_across_pages(void *data)
{
	/* 3000 x 3 pixels at 32 bpp, pitch 16000: rows cross 3-4 pages. */
	u32 w = 3000, h = 3, pitch = 16000, x, y, v;
	u64 row;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, SURF, 0x10000);
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, pitch, 1, 0, w + 1, h,
		       SURF, 0x5a5a1234);
	tenv_run_ok(&t);
	for (y = 0; y < h + 1; y++) {
		row = SURF + (u64)y * pitch;
		for (x = 0; x < w + 2; x++) {
			v = tenv_rd32(&t, row + x * 4);
			if (y < h && x >= 1 && x <= w)
				igt_assert_eq_u32(v, 0x5a5a1234);
			else
				igt_assert_eq_u32(v, 0);
		}
	}
	tenv_fini(&t);
}

static void src_copy_golden(void *data)
{
	/* 8 bpp: copy source (1,0) 2x2 (pitch 4) to dest (0,1) (pitch 3). */
	static const u8 src[12] = {
		0x00, 0x01, 0x02, 0x03,
		0x10, 0x11, 0x12, 0x13,
		0x20, 0x21, 0x22, 0x23,
	};
	static const u8 golden8[9] = {
		0xee, 0xee, 0xee,
		0x01, 0x02, 0xee,
		0x11, 0x12, 0xee,
	};
	/* 16 bpp: copy source pixel (1,1) 1x2 to dest pixel (1,0). */
	static const u8 golden16[12] = {
		0xee, 0xee, 0x12, 0x13, 0xee, 0xee,
		0xee, 0xee, 0x22, 0x23, 0xee, 0xee,
	};
	/* 32 bpp: source pixel (0,0) 1x1 (pitch 4) to dest (1,1) pitch 8. */
	static const u8 golden32[16] = {
		0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
		0xee, 0xee, 0xee, 0xee, 0x00, 0x01, 0x02, 0x03,
	};
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_write(&t, SURF, src, sizeof(src));
	tenv_fill(&t, SURF2, 0xee, 64);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_8, 3, 0, 1, 2, 3, SURF2, 1, 0, 4,
		      SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF2, golden8, sizeof(golden8));

	tenv_fill(&t, SURF2, 0xee, 64);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_565, 6, 1, 0, 2, 2, SURF2, 1, 1, 4,
		      SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF2, golden16, sizeof(golden16));

	tenv_fill(&t, SURF2, 0xee, 64);
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, 8, 1, 1, 2, 2, SURF2, 0, 0,
		      4, SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF2, golden32, sizeof(golden32));
	tenv_fini(&t);
}

/* One 8-pixel, 8 bpp row 0..7 shifted within itself. */
static void src_copy_overlap_in_row(void *data)
{
	static const u8 row[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const u8 right[8] = { 0, 0, 1, 2, 3, 4, 6, 7 };
	static const u8 left[8] = { 1, 2, 3, 4, 5, 5, 6, 7 };
	struct tenv t;
	u32 i;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_write(&t, SURF, row, 8);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_8, 8, 1, 0, 6, 1, SURF, 0, 0, 8,
		      SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, right, 8);

	tenv_write(&t, SURF, row, 8);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_8, 8, 0, 0, 5, 1, SURF, 1, 0, 8,
		      SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, left, 8);

	/* A 32 bpp row over three pages shifted right, then left, by one. */
	for (i = 0; i < 3000; i++)
		tenv_wr32(&t, SURF + 4 * i, i);
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, 0x4000, 1, 0, 3000, 1,
		      SURF, 0, 0, 0x4000, SURF);
	tenv_run_ok(&t);
	for (i = 1; i < 3000; i++)
		igt_assert_eq_u32(tenv_rd32(&t, SURF + 4 * i), i - 1);
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, 0x4000, 0, 0, 2999, 1,
		      SURF, 1, 0, 0x4000, SURF);
	tenv_run_ok(&t);
	for (i = 0; i < 2999; i++)
		igt_assert_eq_u32(tenv_rd32(&t, SURF + 4 * i), i);
	tenv_fini(&t);
}

/* Four rows r0..r3 of one 16 bpp pixel each, shifted down and up. */
static void src_copy_overlap_rows(void *data)
{
	static const u8 rows[8] = { 0xa0, 0xa1, 0xb0, 0xb1,
				    0xc0, 0xc1, 0xd0, 0xd1 };
	static const u8 down[8] = { 0xa0, 0xa1, 0xa0, 0xa1,
				    0xb0, 0xb1, 0xc0, 0xc1 };
	static const u8 up[8] = { 0xb0, 0xb1, 0xc0, 0xc1,
				  0xd0, 0xd1, 0xd0, 0xd1 };
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_write(&t, SURF, rows, 8);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_565, 2, 0, 1, 1, 4, SURF, 0, 0, 2,
		      SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, down, 8);

	tenv_write(&t, SURF, rows, 8);
	emit_fast_copy(&t, VGPU_FAST_COPY_DEPTH_16, 2, 0, 0, 1, 3, SURF, 0, 1,
		       2, SURF);
	tenv_run_ok(&t);
	expect_bytes(&t, SURF, up, 8);
	tenv_fini(&t);
}

/* A 32 bpp block moved diagonally by (+3, +2) over itself, across pages. */
static void src_copy_overlap_diagonal_pages(void *data)
{
	u32 w = 1500, h = 6, pitch = 6100, x, y;
	struct tenv t;
	u32 *before;

	setup(&t, VGPU_ENGINE_COPY);
	before = malloc((size_t)pitch * (h + 2));
	igt_assert(before);
	for (y = 0; y < h + 2; y++)
		for (x = 0; x < pitch / 4; x++)
			tenv_wr32(&t, SURF + (u64)y * pitch + x * 4,
				  y << 16 | x);
	tenv_read(&t, SURF, before, (u64)pitch * (h + 2));
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, pitch, 3, 2, 3 + w, 2 + h,
		      SURF, 0, 0, pitch, SURF);
	tenv_run_ok(&t);
	for (y = 0; y < h + 2; y++) {
		for (x = 0; x < pitch / 4; x++) {
			u32 got = tenv_rd32(&t, SURF + (u64)y * pitch + x * 4);
			u32 exp = before[y * (pitch / 4) + x];

			if (y >= 2 && x >= 3 && x < 3 + w)
				exp = (y - 2) << 16 | (x - 3);
			igt_assert_eq_u32(got, exp);
		}
	}
	/* And back up-left, read-before-write again. */
	emit_src_copy(&t, RGBA, VGPU_BLT_DEPTH_32, pitch, 0, 0, w, h, SURF, 3,
		      2, pitch, SURF);
	tenv_run_ok(&t);
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			igt_assert_eq_u32(tenv_rd32(&t, SURF + (u64)y * pitch +
						    x * 4), y << 16 | x);
	free(before);
	tenv_fini(&t);
}

static void src_copy_write_mask(void *data)
{
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	tenv_wr32(&t, SURF, 0xa1b2c3d4);
	tenv_wr32(&t, SURF2, 0x01020304);
	emit_src_copy(&t, VGPU_BLT_WRITE_RGB, VGPU_BLT_DEPTH_32, 4, 0, 0, 1, 1,
		      SURF2, 0, 0, 4, SURF);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, SURF2), 0x01b2c3d4);
	emit_src_copy(&t, VGPU_BLT_WRITE_ALPHA, VGPU_BLT_DEPTH_32, 4, 0, 0, 1,
		      1, SURF2, 0, 0, 4, SURF);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, SURF2), 0xa1b2c3d4);
	tenv_wr32(&t, SURF2, 0x01020304);
	emit_src_copy(&t, 0, VGPU_BLT_DEPTH_32, 4, 0, 0, 1, 1, SURF2, 0, 0, 4,
		      SURF);
	tenv_run_ok(&t);
	igt_assert_eq_u32(tenv_rd32(&t, SURF2), 0x01020304);
	tenv_fini(&t);
}

static void fast_copy_depths(void *data)
{
	static const u32 cpp[8] = { 1, 2, 0, 4, 8, 16, 0, 0 };
	u8 src[64], exp[64];
	struct tenv t;
	u32 d, i;

	for (i = 0; i < 64; i++)
		src[i] = i + 1;
	for (d = 0; d < 8; d++) {
		setup(&t, VGPU_ENGINE_COPY);
		tenv_write(&t, SURF, src, 64);
		/* Pixel (1,1) of a 2-pixel-wide source to pixel (0,1) of a
		 * 3-pixel-wide destination.
		 */
		emit_fast_copy(&t, d, 3 * 16, 0, 1, 1, 2, SURF2, 1, 1, 2 * 16,
			       SURF);
		if (!cpp[d]) {
			tenv_expect_refused(&t, VGPU_AUDIT_BLT_DEPTH);
			tenv_fini(&t);
			continue;
		}
		tenv_run_ok(&t);
		memset(exp, 0, sizeof(exp));
		memcpy(exp + 3 * 16, src + 2 * 16 + cpp[d], cpp[d]);
		expect_bytes(&t, SURF2, exp, sizeof(exp));
		tenv_fini(&t);
	}
}

static void blt_refusals(void *data)
{
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
#define REFUSE(reason) do {						\
	tenv_expect_refused(&t, reason);				\
	t.st.head = t.st.tail;						\
} while (0)
	emit_color_blt(&t, RGBA, 3, 0, 0, 0, 1, 1, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_PITCH);
	emit_color_blt(&t, RGBA, 3, 0x8004, 0, 0, 1, 1, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_PITCH);
	emit_color_blt(&t, RGBA, 3, 64, 2, 0, 2, 1, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_RECT);
	emit_color_blt(&t, RGBA, 3, 64, 0, 3, 1, 1, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_RECT);
	emit_color_blt(&t, RGBA, 3, 64, 0x8000, 0, 1, 1, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_RECT);
	emit_color_blt(&t, RGBA, 3, 64, 0, 0, 1, 0x8001, SURF, 0);
	REFUSE(VGPU_AUDIT_BLT_RECT);
	emit_color_blt(&t, RGBA | VGPU_BLT_DST_TILED, 3, 64, 0, 0, 1, 1, SURF,
		       0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	TENV_EMIT(&t, VGPU_XY_COLOR_BLT, classic_dw1(3, 0xf0, 64) |
		  VGPU_BLT_CLIP_ENABLE, 0, VGPU_BLT_XY(1, 1), LO(SURF), 0, 0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	TENV_EMIT(&t, VGPU_XY_COLOR_BLT, classic_dw1(3, 0xcc, 64), 0,
		  VGPU_BLT_XY(1, 1), LO(SURF), 0, 0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	TENV_EMIT(&t, VGPU_XY_SRC_COPY_BLT, classic_dw1(3, 0xf0, 64), 0,
		  VGPU_BLT_XY(1, 1), LO(SURF), 0, 0, 64, LO(SURF2), 0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	emit_src_copy(&t, VGPU_BLT_SRC_TILED, 3, 64, 0, 0, 1, 1, SURF, 0, 0,
		      64, SURF2);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	emit_src_copy(&t, 0, 3, 64, 0, 0, 1, 1, SURF, 0, 0, 0, SURF2);
	REFUSE(VGPU_AUDIT_BLT_PITCH);
	emit_src_copy(&t, 0, 3, 64, 0, 0, 1, 1, SURF, 0, 0, 0xffff, SURF2);
	REFUSE(VGPU_AUDIT_BLT_PITCH);
	emit_src_copy(&t, 0, 3, 64, 0, 0, 1, 1, SURF, 0x8000, 0, 64, SURF2);
	REFUSE(VGPU_AUDIT_BLT_RECT);
	TENV_EMIT(&t, VGPU_XY_FAST_COPY_BLT | 0x00100000, 64, 0,
		  VGPU_BLT_XY(1, 1), LO(SURF), 0, 0, 64, LO(SURF2), 0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
	TENV_EMIT(&t, VGPU_XY_FAST_COPY_BLT, VGPU_FAST_COPY_DST_TILE_YF | 64, 0,
		  VGPU_BLT_XY(1, 1), LO(SURF), 0, 0, 64, LO(SURF2), 0);
	REFUSE(VGPU_AUDIT_UNSUPPORTED);
#undef REFUSE
	/* Nothing was drawn. */
	igt_assert_eq_u64(tenv_rd64(&t, SURF), 0);
	igt_assert_eq_u64(tenv_rd64(&t, SURF2), 0);
	tenv_fini(&t);
}

static void blt_fault_partial(void *data)
{
	struct refgpu_exec_result res;
	u32 pitch = 0x1000, y;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	/* Rows 0-3 on mapped pages, row 4 on an unmapped one. */
	tenv_unmap(&t, SURF + 4 * pitch);
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, pitch, 0, 0, 4, 8, SURF,
		       0x77777777);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_ERROR);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, SURF + 4 * pitch);
	igt_assert_eq(t.st.head, 0);
	for (y = 0; y < 4; y++)
		igt_assert_eq_u32(tenv_rd32(&t, SURF + y * pitch), 0x77777777);
	igt_assert_eq_u32(tenv_rd32(&t, SURF + 5 * pitch), 0);

	/* A copy whose source is beyond the address space. */
	t.st.head = t.st.tail;
	emit_src_copy(&t, 0, 0, 64, 0, 0, 1, 1, SURF, 0, 0, 64,
		      0xffffffffffffff00ULL);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, 0xffffffffffffff00ULL);
	/* A destination ending just past 4 GiB faults at the boundary. */
	t.st.head = t.st.tail;
	tenv_map(&t, 0xfffff000ULL, 0x1000);
	emit_color_blt(&t, 0, 0, 0x10, 0, 0, 0x20, 1, 0xfffffff0ULL, 0x5);
	tenv_run(&t, 10, &res);
	igt_assert_eq(res.error, REFGPU_EXEC_ERR_FAULT);
	igt_assert_eq_u64(res.fault_addr, VGPU_GFX_ADDR_SPACE_SIZE);
	igt_assert_eq_u32(tenv_rd32(&t, 0xfffffffcULL), 0x05050505);
	tenv_fini(&t);
}

static void blt_abort(void *data)
{
	struct refgpu_exec_result res;
	struct refgpu_exec_state before;
	struct tenv t;

	setup(&t, VGPU_ENGINE_COPY);
	/* 4096 rows of 4 KiB (pitch 0: all on one page): 16 MiB of fill. */
	emit_color_blt(&t, RGBA, VGPU_BLT_DEPTH_32, 1, 0, 0, 1024, 4096, SURF,
		       1);
	before = t.st;
	t.abort_after = 3;
	refgpu_exec_step(&t.ex, &t.st, &res);
	igt_assert_eq(res.status, REFGPU_EXEC_ABORTED);
	igt_assert_eq(t.abort_calls, 3);
	igt_assert(!memcmp(&before, &t.st, sizeof(before)));
	/* Without abort the same command completes. */
	t.abort_after = 0;
	tenv_run_ok(&t);
	igt_assert_gte(t.abort_calls, 60);
	tenv_fini(&t);
}

/* ---- the reference model over random blits ---- */

#define WIN_BASE	0x400000ULL
#define WIN_SIZE	0x8000u

static void sync_model(struct tenv *t, struct model_mem *m)
{
	tenv_read(t, m->base, m->bytes, m->size);
}

/* Pick a rectangle whose bytes lie inside the window. */
static bool pick_rect(struct model_rect *r, u32 w, u32 h, u32 cpp,
		      u64 near, bool close)
{
	u64 first, end;

	/* Mostly wider than the row; sometimes narrower (rows overlap). */
	if (rng_below(4))
		r->pitch = w * cpp + rng_below(300);
	else
		r->pitch = 1 + rng_below(w * cpp + 64);
	r->x = rng_below(40);
	r->y = rng_below(20);
	if (close)
		r->base = near + rng_below(256) - 128;
	else
		r->base = WIN_BASE + rng_below(WIN_SIZE);
	first = r->base + (u64)r->y * r->pitch + (u64)r->x * cpp;
	end = r->base + (u64)(r->y + h - 1) * r->pitch + (u64)(r->x + w) * cpp;
	return r->base >= WIN_BASE && first >= WIN_BASE &&
	       end <= WIN_BASE + WIN_SIZE;
}

static void random_blits_match_model(void *data)
{
	static const u32 classic_cpp[4] = { 1, 2, 2, 4 };
	static const u32 fast_depth[5] = { 0, 1, 3, 4, 5 };
	static const u32 fast_cpp[5] = { 1, 2, 4, 8, 16 };
	struct model_rect dst, src;
	struct model_mem m;
	u32 iter, i, op, depth, cpp, w, h, flags, color, done = 0;
	u8 mask;
	struct tenv t;

	rng_seed(0x5eed);
	setup(&t, VGPU_ENGINE_COPY);
	tenv_map(&t, WIN_BASE, WIN_SIZE);
	m.base = WIN_BASE;
	m.size = WIN_SIZE;
	m.bytes = malloc(WIN_SIZE);
	igt_assert(m.bytes);

	for (iter = 0; iter < 4000; iter++) {
		op = rng_below(3);
		if (op == 2) {
			i = rng_below(5);
			depth = fast_depth[i];
			cpp = fast_cpp[i];
		} else {
			depth = rng_below(4);
			cpp = classic_cpp[depth];
		}
		w = 1 + rng_below(op == 0 ? 300 : 200);
		h = 1 + rng_below(16);
		if (!pick_rect(&dst, w, h, cpp, 0, false))
			continue;
		if (op && !pick_rect(&src, w, h, cpp, dst.base, rng_below(2)))
			continue;
		flags = rng_below(4) << 20;
		mask = cpp == 4 ? (flags & VGPU_BLT_WRITE_RGB ? 7 : 0) |
				  (flags & VGPU_BLT_WRITE_ALPHA ? 8 : 0) :
				  MODEL_MASK_ALL;
		if (op == 2)
			mask = MODEL_MASK_ALL;

		for (i = 0; i < WIN_SIZE; i += 4)
			tenv_wr32(&t, WIN_BASE + i, (u32)rng64());
		sync_model(&t, &m);
		color = (u32)rng64();

		switch (op) {
		case 0:
			emit_color_blt(&t, flags, depth, dst.pitch, dst.x,
				       dst.y, dst.x + w, dst.y + h, dst.base,
				       color);
			model_fill(&m, &dst, w, h, cpp, color, mask);
			break;
		case 1:
			emit_src_copy(&t, flags, depth, dst.pitch, dst.x, dst.y,
				      dst.x + w, dst.y + h, dst.base, src.x,
				      src.y, src.pitch, src.base);
			model_copy(&m, &dst, &src, w, h, cpp, mask);
			break;
		default:
			emit_fast_copy(&t, depth, dst.pitch, dst.x, dst.y,
				       dst.x + w, dst.y + h, dst.base, src.x,
				       src.y, src.pitch, src.base);
			model_copy(&m, &dst, &src, w, h, cpp, mask);
			break;
		}
		tenv_run_ok(&t);
		for (i = 0; i < WIN_SIZE; i++) {
			u8 got = *tenv_ptr(&t, WIN_BASE + i);

			igt_assert_f(got == m.bytes[i],
				     "iteration %u op %u cpp %u: byte %#x is %#x, model %#x\n",
				     iter, op, cpp, i, got, m.bytes[i]);
		}
		done++;
	}
	igt_info("%u random blits compared\n", done);
	igt_assert_gt(done, 1000);
	free(m.bytes);
	tenv_fini(&t);
}

/* ---- saving and resuming the context state ---- */

static void build_workload(struct tenv *t)
{
	u32 cmd[64], n, i;
	u64 b = BATCH;

	tenv_map(t, BATCH, 0x2000);
	tenv_map(t, BATCH2, 0x1000);
	/* A batch of overlapping (non-idempotent) shifts and stores. */
	for (i = 0; i < 20; i++) {
		n = 0;
		cmd[n++] = VGPU_XY_SRC_COPY_BLT | RGBA;
		cmd[n++] = classic_dw1(VGPU_BLT_DEPTH_32, VGPU_BLT_ROP_SRCCOPY,
				       256);
		cmd[n++] = VGPU_BLT_XY(1, 0);
		cmd[n++] = VGPU_BLT_XY(40, 4);
		cmd[n++] = LO(SURF);
		cmd[n++] = HI(SURF);
		cmd[n++] = VGPU_BLT_XY(0, 0);
		cmd[n++] = 256;
		cmd[n++] = LO(SURF);
		cmd[n++] = HI(SURF);
		n += sdi(DATA + 4 * i, cmd + n, i + 100);
		if (i == 10) {
			cmd[n++] = VGPU_MI_BATCH_BUFFER_START;
			cmd[n++] = LO(BATCH2);
			cmd[n++] = HI(BATCH2);
			tenv_put(t, b, cmd, n);
			b = BATCH2;
			continue;
		}
		b = tenv_put(t, b, cmd, n);
	}
	TENV_PUT(t, b, VGPU_MI_BATCH_BUFFER_END);
	for (i = 0; i < 16; i++)
		tenv_wr32(t, SURF + 4 * i, i * 0x01010101);
	for (i = 0; i < 3; i++) {
		bb_start(t, 0, BATCH);
		TENV_EMIT(t, VGPU_MI_USER_INTERRUPT, VGPU_MI_NOOP);
	}
}

static void state_save_resume(void *data)
{
	struct refgpu_exec_result res;
	struct refgpu_exec_state saved;
	u8 golden[0x1000], got[0x1000];
	struct tenv a, b;
	u32 stop, n;

	setup(&a, VGPU_ENGINE_COPY);
	build_workload(&a);
	tenv_run_ok(&a);
	tenv_read(&a, SURF, golden, sizeof(golden));
	igt_assert_eq(a.user_interrupts, 3);
	tenv_fini(&a);

	/*
	 * Stop after every possible number of commands, carry the state over
	 * to another executor (another "engine"), and finish there.
	 */
	for (stop = 0; stop < 140; stop++) {
		setup(&a, VGPU_ENGINE_COPY);
		build_workload(&a);
		n = tenv_run(&a, stop, &res);
		saved = a.st;
		setup(&b, VGPU_ENGINE_COPY);
		build_workload(&b);
		tenv_read(&a, SURF, got, sizeof(got));
		tenv_write(&b, SURF, got, sizeof(got));
		tenv_read(&a, DATA, got, sizeof(got));
		tenv_write(&b, DATA, got, sizeof(got));
		b.st = saved;
		tenv_run_ok(&b);
		igt_assert_eq(a.user_interrupts + b.user_interrupts, 3);
		tenv_read(&b, SURF, got, sizeof(got));
		igt_assert_f(!memcmp(got, golden, sizeof(got)),
			     "resume after %u commands differs\n", n);
		for (n = 0; n < 20; n++)
			igt_assert_eq_u32(tenv_rd32(&b, DATA + 4 * n), n + 100);
		tenv_fini(&a);
		tenv_fini(&b);
	}
}

/* ---- robustness ---- */

#define FUZZ_PAGES	48

static u64 fuzz_addr(void)
{
	switch (rng_below(8)) {
	case 0:
		return rng64();
	case 1:
		return (u64)rng_below(FUZZ_PAGES + 4) * TENV_PAGE - 4 +
		       rng_below(8);
	default:
		return rng_below((FUZZ_PAGES + 2) * TENV_PAGE) & ~3u;
	}
}

static u32 fuzz_coord(void)
{
	return rng_below(8) ? rng_below(64) : (u32)rng64() & 0xffff;
}

static u32 fuzz_command(u32 *dw)
{
	static const u32 headers[] = {
		VGPU_MI_NOOP, VGPU_MI_USER_INTERRUPT, VGPU_MI_ARB_CHECK,
		VGPU_MI_BATCH_BUFFER_END, VGPU_MI_STORE_DWORD_GGTT,
		VGPU_MI_STORE_QWORD_GGTT, VGPU_MI_LOAD_REGISTER_IMM(2),
		VGPU_MI_STORE_REGISTER_MEM_GGTT, VGPU_MI_FLUSH_DW | 0xc000,
		VGPU_MI_BATCH_BUFFER_START, VGPU_GFX_PIPE_CONTROL,
		VGPU_XY_COLOR_BLT | RGBA, VGPU_XY_SRC_COPY_BLT | RGBA,
		VGPU_XY_FAST_COPY_BLT,
	};
	u32 hdr = headers[rng_below(IGT_ARRAY_SIZE(headers))];
	u32 n = hdr >> VGPU_CMD_CLIENT_SHIFT == 0 &&
		((hdr >> 23) & 0x3f) < 0x20 ? 1 : VGPU_CMD_LEN(hdr);
	u64 a;
	u32 i;

	if (!rng_below(16))
		hdr ^= 1u << rng_below(32);
	dw[0] = hdr;
	for (i = 1; i < n; i++)
		dw[i] = (u32)rng64();
	if (n >= 3) {
		a = fuzz_addr();
		dw[1] = LO(a);
		dw[2] = HI(a);
	}
	if (n >= 7 && (hdr >> VGPU_CMD_CLIENT_SHIFT) == VGPU_CMD_CLIENT_BLT) {
		/* Keep depth bits, pick a usable ROP and pitch mostly. */
		dw[1] = (dw[1] & 0xff000000 & ~VGPU_BLT_CLIP_ENABLE) |
			(rng_below(2) ? VGPU_BLT_ROP_PATCOPY :
					VGPU_BLT_ROP_SRCCOPY) << VGPU_BLT_ROP_SHIFT |
			(rng_below(4) ? 1 + rng_below(3000) : dw[1] & 0xffff);
		dw[2] = fuzz_coord() << 16 | fuzz_coord();
		dw[3] = fuzz_coord() << 16 | fuzz_coord();
		a = fuzz_addr();
		dw[4] = LO(a);
		dw[5] = HI(a);
		if (n == 10) {
			dw[6] = fuzz_coord() << 16 | fuzz_coord();
			dw[7] = rng_below(4) ? 1 + rng_below(3000) : dw[7];
			a = fuzz_addr();
			dw[8] = LO(a);
			dw[9] = HI(a);
		}
	}
	return n;
}

static void random_streams_stay_in_bounds(void *data)
{
	struct refgpu_exec_result res;
	u32 iter, i, n, size, dw[16], steps;
	u64 total = 0;
	struct tenv t;

	rng_seed(0xf00d);
	for (iter = 0; iter < 400; iter++) {
		tenv_init(&t, iter & 1);
		/* A random subset of the first FUZZ_PAGES pages. */
		for (i = 0; i < FUZZ_PAGES; i++)
			if (rng_below(4))
				tenv_map(&t, (u64)i * TENV_PAGE, TENV_PAGE);
		size = TENV_PAGE * (1 + rng_below(2));
		tenv_ring(&t, 8 * TENV_PAGE, size, rng_below(size / 4) * 4);
		/* Random contents everywhere, then commands in the ring. */
		for (i = 0; i < FUZZ_PAGES; i++)
			if (t.pages[i])
				for (n = 0; n < TENV_PAGE; n += 4)
					tenv_wr32(&t, (u64)i * TENV_PAGE + n,
						  rng_below(2) ? (u32)rng64() :
						  0);
		for (i = 0; i < 120; i++) {
			n = rng_below(8) ? fuzz_command(dw) : 1;
			if (n == 1 && !i)
				dw[0] = (u32)rng64();
			tenv_emit(&t, dw, n);
		}
		/* Batches may loop: bound the steps and the blit work. */
		for (steps = 0; steps < 400; steps++) {
			t.abort_calls = 0;
			t.abort_after = 16;
			refgpu_exec_step(&t.ex, &t.st, &res);
			total++;
			igt_assert(t.st.level <= REFGPU_EXEC_MAX_LEVEL);
			igt_assert(t.st.head < t.st.ring_size);
			if (res.status == REFGPU_EXEC_IDLE)
				break;
			if (res.status == REFGPU_EXEC_OK)
				continue;
			igt_assert(res.error != REFGPU_EXEC_ERR_NONE ||
				   res.status == REFGPU_EXEC_ABORTED);
			/* Skip the offending command, as a reset would. */
			t.st.level = 0;
			t.st.head = (t.st.head + 4) % t.st.ring_size;
		}
		tenv_fini(&t);
	}
	igt_info("%llu random steps executed\n", (unsigned long long)total);
}

static const struct igt_subtest subtests[] = {
	{ "noop-and-arb-check", noop_and_arb_check,
	  "MI_NOOP (with its ignored bits) and MI_ARB_CHECK only advance" },
	{ "user-interrupt-event", user_interrupt_event,
	  "MI_USER_INTERRUPT raises exactly one event" },
	{ "store-dword-and-qword", store_dword_and_qword,
	  "MI_STORE_DATA_IMM writes one dword, a qword and two dwords" },
	{ "store-across-pages", store_across_pages,
	  "a store straddling pages is written whole, or not at all" },
	{ "store-refusals", store_refusals,
	  "SDI without GGTT, bad length or misaligned is refused" },
	{ "store-beyond-address-space", store_beyond_address_space,
	  "addresses at or above 4 GiB fault without wrapping" },
	{ "lri-srm-gprs", lri_srm_gprs,
	  "LRI loads GPR halves and SRM stores them, on both engines" },
	{ "lri-srm-refusals", lri_srm_refusals,
	  "registers outside the file are refused, nothing half written" },
	{ "lri-max-pairs", lri_max_pairs,
	  "an LRI with 126 pairs executes in order" },
	{ "srm-timestamp", srm_timestamp,
	  "SRM of RING_TIMESTAMP stores both halves of the counter" },
	{ "flush-dw-post-sync", flush_dw_post_sync,
	  "MI_FLUSH_DW writes data or the timestamp, refuses the rest" },
	{ "pipe-control-post-sync", pipe_control_post_sync,
	  "PIPE_CONTROL writes immediate, zero or timestamp" },
	{ "batch-first-level", batch_first_level,
	  "a batch runs and returns to the ring after its start" },
	{ "batch-chain", batch_chain,
	  "a start inside a batch chains and never returns" },
	{ "batch-second-level", batch_second_level,
	  "render calls a second-level batch that chains and returns" },
	{ "batch-refusals", batch_refusals,
	  "batch end in the ring, bad calls and PPGTT are refused" },
	{ "batch-across-pages-and-fault", batch_across_pages_and_fault,
	  "batch commands straddle pages; unmapped batch memory faults" },
	{ "ring-wrap", ring_wrap,
	  "a command wrapping around the end of the ring executes" },
	{ "ring-truncated", ring_truncated,
	  "a command that does not fit before the tail is refused" },
	{ "state-validation", state_validation,
	  "bad rings and corrupted states are refused" },
	{ "unknown-and-wrong-engine", unknown_and_wrong_engine,
	  "unknown opcodes, wrong engines and bad lengths are refused" },
	{ "subset-decode", subset_decode,
	  "each command of the shared subset: engines, length bounds, handler" },
	{ "color-blt-8bpp", color_blt_8bpp,
	  "XY_COLOR_BLT at 8 bpp against a golden surface" },
	{ "color-blt-16bpp", color_blt_16bpp,
	  "XY_COLOR_BLT at 565 and 1555 against a golden surface" },
	{ "color-blt-32bpp-odd-pitch", color_blt_32bpp_odd_pitch,
	  "32 bpp fill with an odd pitch (unaligned rows)" },
	{ "color-blt-rows-overlap", color_blt_rows_overlap,
	  "a pitch below the row size: later rows win" },
	{ "color-blt-write-mask", color_blt_write_mask,
	  "32 bpp write enables select RGB, alpha, both or none" },
	{ "color-blt-across-pages", color_blt_across_pages,
	  "a wide fill across pages, pixels outside untouched" },
	{ "src-copy-golden", src_copy_golden,
	  "XY_SRC_COPY_BLT at 8, 16, 32 bpp with different pitches" },
	{ "src-copy-overlap-in-row", src_copy_overlap_in_row,
	  "overlapping copies left and right within a row" },
	{ "src-copy-overlap-rows", src_copy_overlap_rows,
	  "overlapping copies one row down and one row up" },
	{ "src-copy-overlap-diagonal-pages", src_copy_overlap_diagonal_pages,
	  "a block moved over itself diagonally, across pages" },
	{ "src-copy-write-mask", src_copy_write_mask,
	  "32 bpp copy write enables" },
	{ "fast-copy-depths", fast_copy_depths,
	  "XY_FAST_COPY_BLT at 8..128 bpp; undefined depths refused" },
	{ "blt-refusals", blt_refusals,
	  "bad pitch, rectangle, tiling, clipping and ROP are refused" },
	{ "blt-fault-partial", blt_fault_partial,
	  "a fill into an unmapped page faults after the rows before it" },
	{ "blt-abort", blt_abort,
	  "a long blit can be aborted and leaves the state unchanged" },
	{ "random-blits-match-model", random_blits_match_model,
	  "4000 random fills and copies equal a naive reference model" },
	{ "state-save-resume", state_save_resume,
	  "stopping anywhere and resuming elsewhere gives the same result" },
	{ "random-streams-stay-in-bounds", random_streams_stay_in_bounds,
	  "random command streams never touch unmapped or guard memory" },
};

IGT_TEST_MAIN("The reference GPU's command executor", subtests);
