// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_cmd_test - the guest library's command encoder against the host's
 * command parser (cmdparser/, in its userspace model cp_env): every
 * emitter's output is accepted on its engine, the fills cover exactly
 * their bytes, the hostile batches vgpu-work and the guest tests submit
 * are refused for the reason they expect, and arguments the device would
 * refuse never get encoded.
 */
#include <errno.h>
#include <string.h>

#include "igt_core.h"
#include "cp_env.h"
#include "vgpu_cmd.h"

#define R	VGPU_ENGINE_RENDER
#define C	VGPU_ENGINE_COPY
#define S0	CP_SLICE0_START
#define BATCH	(S0 + 0x10000)
#define SURF	(S0 + 0x40000)

static u32 buf[16384];

static void fixture(void *data)
{
	cp_env_init();
}

static void start(struct vgpu_cmd *c)
{
	cp_reset();
	memset(buf, 0, sizeof(buf));
	vgpu_cmd_init(c, buf, sizeof(buf));
}

static void expect(enum vgpu_engine e, const struct vgpu_cmd *c, u32 reason,
		   const char *what)
{
	int ret;

	igt_assert_eq(c->error, 0);
	ret = cp_scan(e, c->dw, c->len);
	igt_assert_f(cp_reason() == reason,
		     "%s on %s: %s (%u) at %#llx, want %s\n", what,
		     e == R ? "render" : "copy",
		     cmdparser_reason_name(cp_reason()), cp_reason(),
		     (unsigned long long)cp.res.offset,
		     cmdparser_reason_name(reason));
	igt_assert_eq(ret == 0, reason == VGPU_AUDIT_OK);
}

static void accepted_mi(void *data)
{
	enum vgpu_engine e;
	struct vgpu_cmd c;

	for (e = R; e <= C; e++) {
		u32 base = VGPU_RING_BASE(e);

		start(&c);
		igt_assert_ok(vgpu_cmd_noop(&c));
		igt_assert_ok(vgpu_cmd_arb_check(&c));
		igt_assert_ok(vgpu_cmd_store_dword(&c, SURF + 4, 1));
		igt_assert_ok(vgpu_cmd_store_qword(&c, SURF + 8, ~0ull));
		igt_assert_ok(vgpu_cmd_store_fill(&c, SURF + 4, 40, 7));
		igt_assert_ok(vgpu_cmd_load_register(&c, VGPU_CS_GPR(base, 3),
						     5));
		igt_assert_ok(vgpu_cmd_store_register(&c,
						      VGPU_RING_TIMESTAMP(base),
						      SURF + 64));
		if (e == C)
			igt_assert_ok(vgpu_cmd_flush_dw_store(&c, SURF + 72, 9));
		else
			igt_assert_ok(vgpu_cmd_pipe_control_store(&c, SURF + 76,
								  9));
		igt_assert_ok(vgpu_cmd_user_interrupt(&c));
		igt_assert_ok(vgpu_cmd_align(&c, 8));
		igt_assert_eq(vgpu_cmd_offset(&c) % 8, 0);
		expect(e, &c, VGPU_AUDIT_OK, "MI commands");
	}
}

static void accepted_blits(void *data)
{
	static const u32 cpps[] = { 1, 2, 4, 8, 16 };
	struct vgpu_surface d = { .addr = SURF, .pitch = 1024 };
	struct vgpu_surface s = { .addr = SURF + 0x20000, .pitch = 512 };
	struct vgpu_cmd c;
	unsigned int i;

	start(&c);
	for (i = 0; i < IGT_ARRAY_SIZE(cpps); i++) {
		d.cpp = cpps[i];
		s.cpp = cpps[i];
		if (cpps[i] <= 4) {
			igt_assert_ok(vgpu_cmd_color_blt(&c, &d, 3, 2, 20, 10,
							 0x12345678));
			igt_assert_ok(vgpu_cmd_src_copy_blt(&c, &d, 0, 0, &s,
							    4, 4, 16, 16));
		}
		igt_assert_ok(vgpu_cmd_fast_copy_blt(&c, &d, 1, 1, &s, 2, 2,
						     8, 8));
	}
	expect(C, &c, VGPU_AUDIT_OK, "blits");
}

static void accepted_batches(void *data)
{
	struct vgpu_cmd c, b1, b2;
	static u32 batch1[64], batch2[64];

	/* Ring -> batch 1, which calls batch 2 (render) and chains on. */
	start(&c);
	vgpu_cmd_init(&b1, batch1, sizeof(batch1));
	vgpu_cmd_init(&b2, batch2, sizeof(batch2));
	igt_assert_ok(vgpu_cmd_store_dword(&b2, SURF, 2));
	igt_assert_ok(vgpu_cmd_end(&b2));
	igt_assert_ok(vgpu_cmd_store_dword(&b1, SURF + 4, 1));
	igt_assert_ok(vgpu_cmd_batch_start(&b1, BATCH + 0x1000, true));
	igt_assert_ok(vgpu_cmd_end(&b1));
	cp_put(BATCH, b1.dw, b1.len);
	cp_put(BATCH + 0x1000, b2.dw, b2.len);
	igt_assert_ok(vgpu_cmd_batch_start(&c, BATCH, false));
	igt_assert_ok(vgpu_cmd_user_interrupt(&c));
	expect(R, &c, VGPU_AUDIT_OK, "a batch calling a batch");
}

/*
 * Walk MI_STORE_DATA_IMM commands and mark the bytes they write; every
 * command must be a store.
 */
static void mark_stores(const struct vgpu_cmd *c, u8 *mark, u64 base,
			u64 len)
{
	u32 i = 0, n, k;
	u64 addr;

	while (i < c->len) {
		igt_assert_eq_u32(c->dw[i] & ~(VGPU_MI_SDI_STORE_QWORD | 0xff),
				  VGPU_MI_STORE_DATA_IMM | VGPU_MI_SDI_USE_GGTT);
		n = VGPU_CMD_LEN(c->dw[i]);
		addr = c->dw[i + 1] | (u64)c->dw[i + 2] << 32;
		for (k = 0; k < 4 * (n - 3); k++) {
			igt_assert(addr + k >= base && addr + k < base + len);
			igt_assert_eq(mark[addr + k - base], 0);
			mark[addr + k - base] = 1;
		}
		i += n;
	}
}

static void store_fill_exact(void *data)
{
	static u8 mark[4096];
	struct vgpu_surface d = { .addr = SURF, .pitch = 256, .cpp = 4 };
	struct vgpu_cmd c;
	u32 x, y;
	u64 off;

	/* Unaligned start and end, then a rectangle. */
	start(&c);
	memset(mark, 0, sizeof(mark));
	igt_assert_ok(vgpu_cmd_store_fill(&c, SURF + 12, 44, 0xabc));
	igt_assert_eq_u64(vgpu_cmd_offset(&c),
			  vgpu_cmd_store_fill_size(SURF + 12, 44));
	mark_stores(&c, mark, SURF, sizeof(mark));
	for (off = 0; off < 64; off++)
		igt_assert_eq(mark[off], off >= 12 && off < 56);
	expect(R, &c, VGPU_AUDIT_OK, "a fill");

	start(&c);
	memset(mark, 0, sizeof(mark));
	igt_assert_ok(vgpu_cmd_store_fill_rect(&c, &d, 3, 2, 9, 5, 1));
	igt_assert_eq_u64(vgpu_cmd_offset(&c),
			  vgpu_cmd_store_fill_rect_size(&d, 3, 2, 9, 5));
	mark_stores(&c, mark, SURF, sizeof(mark));
	for (y = 0; y < 16; y++)
		for (x = 0; x < 64; x++)
			igt_assert_eq(mark[y * 256 + x * 4],
				      x >= 3 && x < 12 && y >= 2 && y < 7);
	expect(R, &c, VGPU_AUDIT_OK, "a rectangle of stores");
}

/* The bad batches the guest tests and vgpu-work --hostile submit. */
static void hostile_refused(void *data)
{
	struct vgpu_surface d = { .addr = SURF, .pitch = 256, .cpp = 4 };
	struct vgpu_cmd c, b;
	static u32 batch[16];
	const u32 unknown = VGPU_MI_INSTR(0x3f, 0);
	const u32 endless[] = {
		VGPU_XY_FAST_COPY_BLT,
		VGPU_FAST_COPY_DEPTH_128 << VGPU_FAST_COPY_DEPTH_SHIFT | 1,
		VGPU_BLT_XY(0, 0), VGPU_BLT_XY(0x7fff, 0x7fff),
		(u32)SURF, 0, VGPU_BLT_XY(0, 0), 1, (u32)SURF, 0,
	};
	enum vgpu_engine e;

	for (e = R; e <= C; e++) {
		start(&c);
		igt_assert_ok(vgpu_cmd_load_register(&c, VGPU_REG_GDRST, 1));
		expect(e, &c, VGPU_AUDIT_REG_DENIED, "LRI of GDRST");
		start(&c);
		igt_assert_ok(vgpu_cmd_store_dword(&c, 1ull << 32, 1));
		expect(e, &c, VGPU_AUDIT_ADDR_RANGE, "a store at 4 GiB");
		start(&c);
		igt_assert_ok(vgpu_cmd_emit(&c, &unknown, 1));
		expect(e, &c, VGPU_AUDIT_UNKNOWN_OPCODE, "MI opcode 0x3f");
		/* A batch chaining to itself, from the ring. */
		start(&c);
		vgpu_cmd_init(&b, batch, sizeof(batch));
		igt_assert_ok(vgpu_cmd_batch_start(&b, BATCH, false));
		cp_put(BATCH, b.dw, b.len);
		igt_assert_ok(vgpu_cmd_batch_start(&c, BATCH, false));
		expect(e, &c, VGPU_AUDIT_BATCH_LOOP, "a batch chaining to itself");
	}
	start(&c);
	igt_assert_ok(vgpu_cmd_color_blt(&c, &d, 0, 0, 8, 8, 1));
	expect(R, &c, VGPU_AUDIT_WRONG_ENGINE, "XY_COLOR_BLT on render");
	/* The endless blit passes the audit: it is the watchdog's. */
	start(&c);
	igt_assert_ok(vgpu_cmd_emit(&c, endless, IGT_ARRAY_SIZE(endless)));
	expect(C, &c, VGPU_AUDIT_OK, "the endless blit");
}

static void encoder_refuses(void *data)
{
	struct vgpu_surface d = { .addr = SURF, .pitch = 256, .cpp = 4 };
	struct vgpu_surface bad = d;
	struct vgpu_cmd c;
	u32 small[4];

	start(&c);
	igt_assert_eq(vgpu_cmd_store_dword(&c, SURF + 2, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_store_qword(&c, SURF + 4, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_store_fill(&c, SURF, 6, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_flush_dw_store(&c, SURF + 4, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_batch_start(&c, SURF + 2, false), -EINVAL);
	igt_assert_eq(vgpu_cmd_load_register(&c, 0x941d, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_color_blt(&c, &d, 0, 0, 0, 1, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_color_blt(&c, &d, 0x7ff0, 0, 0x10, 1, 0),
		      -EINVAL);
	bad.pitch = 0x8000;
	igt_assert_eq(vgpu_cmd_color_blt(&c, &bad, 0, 0, 1, 1, 0), -EINVAL);
	bad = d;
	bad.cpp = 8;
	igt_assert_eq(vgpu_cmd_color_blt(&c, &bad, 0, 0, 1, 1, 0), -EINVAL);
	igt_assert_eq(vgpu_cmd_src_copy_blt(&c, &d, 0, 0, &bad, 0, 0, 1, 1),
		      -EINVAL);
	igt_assert_eq(vgpu_cmd_align(&c, 12), -EINVAL);
	igt_assert_eq(c.len, 0);
	igt_assert_eq(c.error, 0);

	/* Out of room: nothing written, the error kept. */
	vgpu_cmd_init(&c, small, sizeof(small));
	igt_assert_ok(vgpu_cmd_store_dword(&c, SURF, 1));
	igt_assert_eq(vgpu_cmd_noop(&c), -ENOSPC);
	igt_assert_eq(c.len, 4);
	igt_assert_eq(c.error, -ENOSPC);
	vgpu_cmd_init(&c, small, sizeof(small));
	igt_assert_eq(vgpu_cmd_store_fill(&c, SURF, 16, 1), -ENOSPC);
	igt_assert_eq(c.len, 0);
}

static const struct igt_subtest subtests[] = {
	{ "accepted-mi", accepted_mi,
	  "Every MI emitter's output passes the host's audit on both engines." },
	{ "accepted-blits", accepted_blits,
	  "Colour, source and fast copy blits at every depth pass the audit." },
	{ "accepted-batches", accepted_batches,
	  "A ring starting a batch that calls a second-level batch passes." },
	{ "store-fill-exact", store_fill_exact,
	  "Store fills write exactly their bytes and pass the audit." },
	{ "hostile-refused", hostile_refused,
	  "The hostile batches of the guest tests are refused for their reasons." },
	{ "encoder-refuses", encoder_refuses,
	  "Arguments the device refuses are not encoded; overflow writes nothing." },
};

IGT_TEST_MAIN("The guest command encoder against the host's parser.",
	      subtests, .setup = fixture);
