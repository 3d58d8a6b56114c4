// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_hostile: every class of command the audit refuses, submitted
 * through a real vGPU. Each refusal must stop the engine before anything
 * runs, show the reason in the PV error registers, count in sysfs and
 * leave the guest's memory untouched; an engine reset must bring the
 * engine back; and another vGPU running beside it must never stall.
 */
#include "vgpu_guest.h"

/**
 * struct hostile - one refused submission
 * @name: what it is
 * @engine: where it is submitted
 * @reason: the audit reason expected
 * @emit: writes the commands (and batches) into @g's ring
 */
struct hostile {
	const char *name;
	int engine;
	u32 reason;
	void (*emit)(struct vg *g, int e, u64 target);
};

/*
 * The commands are raw dwords where they are malformed on purpose (the
 * encoder refuses to write them) and encoded by vgpu_cmd where only their
 * meaning is refused (wrong engine, register, address, batch nesting).
 */

/* A batch in guest memory holding MI_BATCH_BUFFER_END. */
static u64 end_batch(struct vg *g)
{
	u64 b = vg_alloc(g, PAGE);
	struct vgpu_cmd c;

	vg_batch_init(g, &c, b, PAGE);
	VG_OK(vgpu_cmd_end(&c));
	return b;
}

/* A batch that calls @target as a second-level batch, then ends. */
static u64 call_batch(struct vg *g, u64 target)
{
	u64 b = vg_alloc(g, PAGE);
	struct vgpu_cmd c;

	vg_batch_init(g, &c, b, PAGE);
	VG_OK(vgpu_cmd_batch_start(&c, target, true));
	VG_OK(vgpu_cmd_end(&c));
	return b;
}

static void bb_start(struct vg *g, int e, u64 b)
{
	VG_CMD(g, e, vgpu_cmd_batch_start, b, false);
}

static void e_unknown_opcode(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_INSTR(0x3e, 0), 0);
}

static void e_wrong_engine(struct vg *g, int e, u64 t __igt_attr(unused))
{
	vg_fill(g, e, t, 64, 16, 1, 0x1);
}

static void e_bad_length(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT | 6,
		LO(t), HI(t), 1, 2, 3, 4, 5);
}

static void e_truncated(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_XY_COLOR_BLT | RGBA,
		vg_blt_dw1(VGPU_BLT_ROP_PATCOPY, 64));
}

static void e_reserved_bits(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_USER_INTERRUPT | 0x10, 0);
}

static void e_unsupported(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_XY_COLOR_BLT | RGBA,
		VGPU_BLT_CLIP_ENABLE | vg_blt_dw1(VGPU_BLT_ROP_PATCOPY, 64),
		VGPU_BLT_XY(0, 0), VGPU_BLT_XY(16, 1), LO(t), HI(t), 1);
}

static void e_reg_denied(struct vg *g, int e, u64 t __igt_attr(unused))
{
	VG_CMD(g, e, vgpu_cmd_load_register,
	       VGPU_RING_TAIL(VGPU_RING_BASE(e)), 0);
}

static void e_addr_range(struct vg *g, int e, u64 t __igt_attr(unused))
{
	vg_store(g, e, g->slice_base + g->slice_size, 1);
}

static void e_addr_align(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_STORE_DWORD_GGTT, LO(t + 2), HI(t + 2), 1);
}

static void e_addr_space(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_BATCH_BUFFER_START | VGPU_MI_BB_START_PPGTT,
		LO(t), HI(t));
}

static void e_blt_rect(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_XY_COLOR_BLT | RGBA,
		vg_blt_dw1(VGPU_BLT_ROP_PATCOPY, 64), VGPU_BLT_XY(8, 0),
		VGPU_BLT_XY(8, 1), LO(t), HI(t), 1);
}

static void e_blt_pitch(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_XY_COLOR_BLT | RGBA,
		vg_blt_dw1(VGPU_BLT_ROP_PATCOPY, 0), VGPU_BLT_XY(0, 0),
		VGPU_BLT_XY(16, 1), LO(t), HI(t), 1);
}

static void e_blt_depth(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_XY_FAST_COPY_BLT,
		2 << VGPU_FAST_COPY_DEPTH_SHIFT | 64, VGPU_BLT_XY(0, 0),
		VGPU_BLT_XY(4, 1), LO(t), HI(t), VGPU_BLT_XY(0, 0), 64,
		LO(t + 1024), HI(t));
}

static void e_batch_context(struct vg *g, int e, u64 t __igt_attr(unused))
{
	/* Malformed on purpose: raw dwords. */
	VG_EMIT(g, e, VGPU_MI_BATCH_BUFFER_END, 0);
}

static void e_batch_depth(struct vg *g, int e, u64 t __igt_attr(unused))
{
	bb_start(g, e, call_batch(g, call_batch(g, end_batch(g))));
}

static void e_batch_loop(struct vg *g, int e, u64 t __igt_attr(unused))
{
	u64 b = vg_alloc(g, PAGE);
	struct vgpu_cmd c;

	vg_batch_init(g, &c, b, PAGE);
	VG_OK(vgpu_cmd_noop(&c));
	VG_OK(vgpu_cmd_batch_start(&c, b, false));
	bb_start(g, e, b);
}

static void e_batch_count(struct vg *g, int e, u64 t __igt_attr(unused))
{
	u64 b = end_batch(g);
	int i;

	for (i = 0; i <= 64; i++)
		bb_start(g, e, b);
}

static void e_batch_size(struct vg *g, int e, u64 t __igt_attr(unused))
{
	u64 size = (1 << 20) + PAGE, b = vg_alloc(g, size);
	struct vgpu_cmd c;

	/* Zeroed memory is MI_NOOPs: 1 MiB + 4 KiB of them, then the end. */
	vg_batch_init(g, &c, b + size - 4, 4);
	VG_OK(vgpu_cmd_end(&c));
	bb_start(g, e, b);
}

static void e_batch_fetch(struct vg *g, int e, u64 t __igt_attr(unused))
{
	bb_start(g, e, g->slice_base + g->mapped);
}

static void e_ring_config(struct vg *g, int e, u64 t __igt_attr(unused))
{
	vg_store(g, e, t, 1);
	vg_wr(g, VGPU_RING_CTL(VGPU_RING_BASE(e)),
	      VGPU_RING_CTL_FROM_SIZE(g->ring[e].size));
}

static void e_ring_offset(struct vg *g, int e, u64 t __igt_attr(unused))
{
	g->ring[e].tail = g->ring[e].size;
}

static const struct hostile cases[] = {
	{ "unknown-opcode", RENDER, VGPU_AUDIT_UNKNOWN_OPCODE, e_unknown_opcode },
	{ "wrong-engine", RENDER, VGPU_AUDIT_WRONG_ENGINE, e_wrong_engine },
	{ "bad-length", COPY, VGPU_AUDIT_BAD_LENGTH, e_bad_length },
	{ "truncated", COPY, VGPU_AUDIT_TRUNCATED, e_truncated },
	{ "reserved-bits", RENDER, VGPU_AUDIT_RESERVED_BITS, e_reserved_bits },
	{ "unsupported", COPY, VGPU_AUDIT_UNSUPPORTED, e_unsupported },
	{ "reg-denied", RENDER, VGPU_AUDIT_REG_DENIED, e_reg_denied },
	{ "addr-range", COPY, VGPU_AUDIT_ADDR_RANGE, e_addr_range },
	{ "addr-align", RENDER, VGPU_AUDIT_ADDR_ALIGN, e_addr_align },
	{ "addr-space", RENDER, VGPU_AUDIT_ADDR_SPACE, e_addr_space },
	{ "blt-rect", COPY, VGPU_AUDIT_BLT_RECT, e_blt_rect },
	{ "blt-pitch", COPY, VGPU_AUDIT_BLT_PITCH, e_blt_pitch },
	{ "blt-depth", COPY, VGPU_AUDIT_BLT_DEPTH, e_blt_depth },
	{ "batch-context", RENDER, VGPU_AUDIT_BATCH_CONTEXT, e_batch_context },
	{ "batch-depth", RENDER, VGPU_AUDIT_BATCH_DEPTH, e_batch_depth },
	{ "batch-loop", COPY, VGPU_AUDIT_BATCH_LOOP, e_batch_loop },
	{ "batch-count", RENDER, VGPU_AUDIT_BATCH_COUNT, e_batch_count },
	{ "batch-size", COPY, VGPU_AUDIT_BATCH_SIZE, e_batch_size },
	{ "batch-fetch", RENDER, VGPU_AUDIT_BATCH_FETCH, e_batch_fetch },
	{ "ring-config", COPY, VGPU_AUDIT_RING_CONFIG, e_ring_config },
	{ "ring-offset", RENDER, VGPU_AUDIT_RING_OFFSET, e_ring_offset },
};

/* Submit @c on @g, check the refusal, reset, check the engine works. */
static void try_case(struct vg *g, const struct hostile *c, u64 target)
{
	unsigned long long rejections = vg_stat(g, "audit_rejections");
	int e = c->engine;
	u32 err, count, class, reason;

	vg_check_fill(g, target, PAGE / 4, 0xa5a5a5a5);
	count = vg_rd(g, VGPU_PV_ENGINE_ERROR_COUNT(e));
	c->emit(g, e, target);
	vg_submit(g, e);
	err = vg_error(g, e);
	igt_assert_f(err & VGPU_ENGINE_ERROR_ACTIVE, "%s: accepted\n",
		     c->name);
	class = (err & VGPU_ENGINE_ERROR_CLASS_MASK) >>
		VGPU_ENGINE_ERROR_CLASS_SHIFT;
	reason = err & VGPU_ENGINE_ERROR_REASON_MASK;
	igt_assert_f(class == VGPU_ERROR_CLASS_AUDIT && reason == c->reason,
		     "%s: error status %#x, want reason %u\n", c->name, err,
		     c->reason);
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_ENGINE_ERROR_COUNT(e)), count + 1);
	igt_assert_eq_u64(vg_stat(g, "audit_rejections"), rejections + 1);
	/* Stopped: a further tail write is ignored. */
	vg_store(g, e, target, 0);
	vg_submit(g, e);
	usleep(20000);
	vg_check_fill(g, target, PAGE / 4, 0xa5a5a5a5);

	vg_reset_engine(g, e);
	vg_store(g, e, target + PAGE, 0x600d);
	vg_run(g, e);
	igt_assert_eq_u32(*(u32 *)vg_ptr(g, target + PAGE), 0x600d);
	vg_check_fill(g, target, PAGE / 4, 0xa5a5a5a5);
}

static void every_refusal_class(void *data)
{
	struct vg g;
	u64 target;
	unsigned int i;

	(void)data;
	vg_start(&g, "small");
	target = vg_alloc(&g, 2 * PAGE);
	memset(vg_ptr(&g, target), 0xa5, PAGE);
	vg_ring_init(&g, RENDER);
	vg_ring_init(&g, COPY);
	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		igt_debug("case %s\n", cases[i].name);
		try_case(&g, &cases[i], target);
	}
	igt_info("%zu refusal classes tried, each refused with its reason\n",
		 IGT_ARRAY_SIZE(cases));
	vg_destroy(&g);
}

/* Hostile submissions on one vGPU while another keeps working. */
static void others_keep_running(void *data)
{
	struct vg bad, good;
	u64 target, buf;
	unsigned int i, round;
	double t;

	(void)data;
	vg_start(&bad, "small");
	vg_start(&good, "small");
	target = vg_alloc(&bad, 2 * PAGE);
	memset(vg_ptr(&bad, target), 0xa5, PAGE);
	vg_ring_init(&bad, RENDER);
	vg_ring_init(&bad, COPY);
	buf = vg_alloc(&good, 1 << 20);
	vg_ring_init(&good, COPY);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
			vg_fill(&good, COPY, buf, 4096, 1024, 64, i + round);
			vg_submit(&good, COPY);
			try_case(&bad, &cases[i], target);
			t = vg_now();
			igt_assert_eq(vg_wait(&good, COPY, 10), 0);
			igt_assert_f(vg_now() - t < 5, "good vGPU stalled\n");
			vg_check_fill(&good, buf, 1024 * 64, i + round);
		}
	}
	igt_assert_eq_u32(vg_error(&good, COPY), 0);
	vg_destroy(&good);
	vg_destroy(&bad);
}

static const struct igt_subtest subtests[] = {
	{ "every-refusal-class", every_refusal_class,
	  "each audit reason is reported, nothing runs, reset recovers" },
	{ "others-keep-running", others_keep_running,
	  "a vGPU beside a hostile one never stalls or errs" },
};

IGT_TEST_MAIN("vGPU hostile command streams through the audit", subtests);
