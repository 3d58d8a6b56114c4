// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_isolation: vGPUs cannot reach each other. Four vGPUs run at once
 * with correct results each; GGTT entries and commands aimed at another
 * vGPU's slice are refused; a ring outside the slice is refused; and a
 * batch rewritten after its submission runs as it was when submitted
 * (the audited shadow copy runs, not guest memory).
 */
#include "vgpu_guest.h"

#define NR_VGPUS	4

static void four_vgpus_at_once(void *data)
{
	const u32 pitch = 4096, h = 64, n = pitch / 4 * h;
	struct vg g[NR_VGPUS];
	u64 src[NR_VGPUS], dst[NR_VGPUS], seq[NR_VGPUS];
	u32 i, j, k, *s;

	(void)data;
	for (i = 0; i < NR_VGPUS; i++) {
		vg_start(&g[i], "small");
		src[i] = vg_alloc(&g[i], pitch * h);
		dst[i] = vg_alloc(&g[i], pitch * h);
		seq[i] = vg_alloc(&g[i], PAGE);
		s = vg_ptr(&g[i], src[i]);
		for (j = 0; j < n; j++)
			s[j] = j ^ (i << 24);
		vg_ring_init(&g[i], RENDER);
		vg_ring_init(&g[i], COPY);
	}
	for (k = 0; k < 8; k++) {
		for (i = 0; i < NR_VGPUS; i++) {
			vg_copy(&g[i], COPY, dst[i], src[i], pitch, pitch / 4,
				h);
			vg_fill(&g[i], COPY, src[i], pitch, pitch / 4, 1,
				0x1000 * i + k);
			vg_submit(&g[i], COPY);
			vg_store(&g[i], RENDER, seq[i] + 4 * k, i << 8 | k);
			vg_submit(&g[i], RENDER);
		}
	}
	for (i = 0; i < NR_VGPUS; i++) {
		igt_assert_eq(vg_wait(&g[i], COPY, 60), 0);
		igt_assert_eq(vg_wait(&g[i], RENDER, 60), 0);
	}
	for (i = 0; i < NR_VGPUS; i++) {
		s = vg_ptr(&g[i], dst[i]);
		/* Row 0 was refilled by round 6 before the last copy. */
		for (j = 0; j < pitch / 4; j++)
			igt_assert_eq_u32(s[j], 0x1000 * i + 6);
		for (j = pitch / 4; j < n; j++)
			igt_assert_eq_u32(s[j], j ^ (i << 24));
		for (k = 0; k < 8; k++)
			igt_assert_eq_u32(((u32 *)vg_ptr(&g[i], seq[i]))[k],
					  i << 8 | k);
	}
	for (i = 0; i < NR_VGPUS; i++)
		vg_destroy(&g[i]);
}

static void ggtt_write_outside_slice(void *data)
{
	unsigned long long refused;
	struct vg a, b;
	u64 pte;

	(void)data;
	vg_start(&a, "small");
	vg_start(&b, "small");
	igt_assert(a.slice_base + a.slice_size <= b.slice_base ||
		   b.slice_base + b.slice_size <= a.slice_base);
	pte = vg_pte_read(&b, b.slice_base);
	refused = vg_stat(&a, "gtt_refused");
	/* a tries to map its own memory over b's first page. */
	vg_pte(&a, b.slice_base, VG_MEM_IOVA | VGPU_GGTT_PTE_PRESENT);
	igt_assert_eq_u64(vg_pte_read(&a, b.slice_base), 0);
	igt_assert_eq_u64(vg_pte_read(&b, b.slice_base), pte);
	igt_assert_eq_u64(vg_stat(&a, "gtt_refused"), refused + 1);
	vg_destroy(&b);
	vg_destroy(&a);
}

static void command_targets_other_slice(void *data)
{
	struct vg a, b;
	u64 victim;
	u32 err;

	(void)data;
	vg_start(&a, "small");
	vg_start(&b, "small");
	victim = vg_alloc(&b, PAGE);
	memset(vg_ptr(&b, victim), 0x5c, PAGE);
	vg_ring_init(&a, COPY);
	vg_fill(&a, COPY, victim, 1024, 256, 1, 0);
	vg_submit(&a, COPY);
	err = vg_error(&a, COPY);
	igt_assert(err & VGPU_ENGINE_ERROR_ACTIVE);
	igt_assert_eq_u32(err & VGPU_ENGINE_ERROR_REASON_MASK,
			  VGPU_AUDIT_ADDR_RANGE);
	vg_ring_init(&a, RENDER);
	vg_store(&a, RENDER, victim, 0);
	vg_submit(&a, RENDER);
	igt_assert_eq_u32(vg_error(&a, RENDER) & VGPU_ENGINE_ERROR_REASON_MASK,
			  VGPU_AUDIT_ADDR_RANGE);
	usleep(50000);
	vg_check_fill(&b, victim, PAGE / 4, 0x5c5c5c5c);
	vg_destroy(&b);
	vg_destroy(&a);
}

static void ring_outside_slice(void *data)
{
	struct vg a, b;

	(void)data;
	vg_start(&a, "small");
	vg_start(&b, "small");
	vg_ring_init(&a, RENDER);
	vg_wr(&a, VGPU_RING_START(VGPU_RENDER_RING_BASE), b.slice_base);
	vg_store(&a, RENDER, a.slice_base, 1);
	vg_submit(&a, RENDER);
	igt_assert_eq_u32(vg_error(&a, RENDER) & VGPU_ENGINE_ERROR_REASON_MASK,
			  VGPU_AUDIT_RING_CONFIG);
	vg_destroy(&b);
	vg_destroy(&a);
}

/* Rewriting a batch after the tail write has no effect on what runs. */
static void toctou_batch_rewrite(void *data)
{
	struct vgpu_cmd c;
	u64 b, buf, fill;
	u32 *p, i;
	struct vg g;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	fill = vg_alloc(&g, 4 << 20);
	b = vg_alloc(&g, PAGE);
	vg_ring_init(&g, COPY);
	for (i = 0; i < 16; i++) {
		p = vg_ptr(&g, b);
		vg_batch_init(&g, &c, b, PAGE);
		VG_OK(vgpu_cmd_store_dword(&c, buf + 4 * i, 0x900d0000 + i));
		VG_OK(vgpu_cmd_end(&c));
		/* A long fill first, so the batch runs well after the write. */
		vg_fill(&g, COPY, fill, 4096, 1024, 1024, i);
		VG_CMD(&g, COPY, vgpu_cmd_batch_start, b, false);
		vg_submit(&g, COPY);
		/*
		 * The rewrite, dwords patched in place as a hostile guest
		 * would: another value, and a store outside the slice.
		 */
		p[1] = LO(g.slice_base + g.slice_size);
		p[3] = 0xbad00000 + i;
		igt_assert_eq(vg_wait(&g, COPY, 30), 0);
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[i], 0x900d0000 + i);
	}
	vg_destroy(&g);
}

static const struct igt_subtest subtests[] = {
	{ "four-vgpus-at-once", four_vgpus_at_once,
	  "four vGPUs copy, fill and store at once, each correctly" },
	{ "ggtt-write-outside-slice", ggtt_write_outside_slice,
	  "a GGTT entry of another vGPU's slice is refused and counted" },
	{ "command-targets-other-slice", command_targets_other_slice,
	  "blits and stores aimed at another vGPU's memory are refused" },
	{ "ring-outside-slice", ring_outside_slice,
	  "a ring placed in another vGPU's slice is refused" },
	{ "toctou-batch-rewrite", toctou_batch_rewrite,
	  "a batch rewritten after submission runs as audited" },
};

IGT_TEST_MAIN("vGPU isolation between vGPUs", subtests);
