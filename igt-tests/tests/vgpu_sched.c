// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_sched: time-slicing between vGPUs. Four saturating vGPUs with
 * weights 1:2:4:8 get engine shares within 5 percentage points of their
 * weights (the scheduler's own simulation holds the tighter bound); a
 * weight changed at run time shows in the next interval's shares; a
 * workload that overstays its watchdog is killed and only its vGPU is
 * reset.
 */
#include "vgpu_guest.h"

#define NR	4

static double check_shares(const double *share, const unsigned int *w,
			   double limit)
{
	double wsum = 0, err, worst = 0;
	int i;

	for (i = 0; i < NR; i++)
		wsum += w[i];
	for (i = 0; i < NR; i++) {
		err = share[i] - 100.0 * w[i] / wsum;
		if (err < 0)
			err = -err;
		if (err > worst)
			worst = err;
		igt_info("weight %u: share %.2f %% (ideal %.2f %%)\n", w[i],
			 share[i], 100.0 * w[i] / wsum);
	}
	igt_info("largest share error: %.2f pp\n", worst);
	igt_assert_f(worst <= limit, "share error %.2f pp > %.1f pp\n", worst,
		     limit);
	return worst;
}

static void fairness_weights(void *data)
{
	static const unsigned int w1[NR] = { 100, 200, 400, 800 };
	static const unsigned int w2[NR] = { 800, 400, 200, 100 };
	struct vg_loader l[NR];
	double share[NR];
	int i;

	(void)data;
	igt_set_timeout(240, "fairness measurement");
	for (i = 0; i < NR; i++) {
		vg_loader_start(&l[i]);
		vg_set(&l[i].g, "weight", w1[i]);
	}
	vg_measure_shares(l, NR, 6, share);
	check_shares(share, w1, 5.0);
	/* Reversed at run time: the next interval follows. */
	for (i = 0; i < NR; i++)
		vg_set(&l[i].g, "weight", w2[i]);
	vg_measure_shares(l, NR, 6, share);
	check_shares(share, w2, 5.0);
	for (i = 0; i < NR; i++)
		vg_destroy(&l[i].g);
}

/* An endless fill: 16 GiB through 1 MiB of memory (pitch 1, 128 bpp). */
static void emit_endless_blit(struct vg *g, u64 s)
{
	VG_EMIT(g, COPY, VGPU_XY_FAST_COPY_BLT,
		VGPU_FAST_COPY_DEPTH_128 << VGPU_FAST_COPY_DEPTH_SHIFT | 1,
		VGPU_BLT_XY(0, 0), VGPU_BLT_XY(0x7fff, 0x7fff), LO(s), HI(s),
		VGPU_BLT_XY(0, 0), 1, LO(s), HI(s));
}

static void watchdog_resets_only_offender(void *data)
{
	struct vg bad, good;
	unsigned long long resets;
	u64 s, buf;
	u32 err, i;
	int ret;

	(void)data;
	igt_set_timeout(120, "watchdog");
	vg_start(&bad, "small");
	vg_start(&good, "small");
	s = vg_alloc(&bad, 1 << 20);
	buf = vg_alloc(&good, PAGE);
	vg_ring_init(&bad, COPY);
	vg_ring_init(&good, COPY);
	resets = vg_stat(&bad, "resets");
	emit_endless_blit(&bad, s);
	vg_submit(&bad, COPY);
	for (i = 0; i < 20; i++) {
		vg_store(&good, COPY, buf + 4 * i, i + 1);
		vg_run(&good, COPY);
	}
	ret = vg_wait(&bad, COPY, 30);
	igt_assert_eq(ret, -EIO);
	err = vg_error(&bad, COPY);
	igt_assert_eq_u32((err & VGPU_ENGINE_ERROR_CLASS_MASK) >>
			  VGPU_ENGINE_ERROR_CLASS_SHIFT, VGPU_ERROR_CLASS_HANG);
	igt_assert_lt(resets, vg_stat(&bad, "resets"));
	igt_assert_eq_u32(vg_error(&good, COPY), 0);
	for (i = 0; i < 20; i++)
		igt_assert_eq_u32(((u32 *)vg_ptr(&good, buf))[i], i + 1);
	/* The offender resets its engine and carries on. */
	vg_reset_engine(&bad, COPY);
	vg_store(&bad, COPY, s, 0x5eed);
	vg_run(&bad, COPY);
	igt_assert_eq_u32(*(u32 *)vg_ptr(&bad, s), 0x5eed);
	vg_destroy(&good);
	vg_destroy(&bad);
}

static void knobs(void *data)
{
	struct vg g;

	(void)data;
	igt_assert_eq(vg_create(&g, "small"), 0);
	igt_assert_eq_u64(vg_stat(&g, "weight"), 25);
	vg_set(&g, "weight", 300);
	igt_assert_eq_u64(vg_stat(&g, "weight"), 300);
	vg_set(&g, "cap", 5000);
	igt_assert_eq_u64(vg_stat(&g, "cap"), 5000);
	vg_set(&g, "priority", 2);
	igt_assert_eq_u64(vg_stat(&g, "priority"), 2);
	igt_assert_eq(mdev_attr_write(g.uuid, "vgpu/weight", "0"), -EINVAL);
	igt_assert_eq(mdev_attr_write(g.uuid, "vgpu/priority", "9"), -EINVAL);
	igt_assert_eq(mdev_attr_write(g.uuid, "vgpu/cap", "x"), -EINVAL);
	igt_assert_eq(mdev_remove(g.uuid), 0);
}

static const struct igt_subtest subtests[] = {
	{ "knobs", knobs,
	  "weight, cap and priority are settable and validated" },
	{ "fairness-weights", fairness_weights,
	  "1:2:4:8 weights give shares within 5 pp; a change applies at once" },
	{ "watchdog-resets-only-offender", watchdog_resets_only_offender,
	  "an endless blit is killed; only its vGPU resets" },
};

int main(int argc, char **argv)
{
	const struct igt_test test = {
		.description = "vGPU scheduling: shares, knobs and the watchdog",
		.subtests = subtests,
		.num_subtests = IGT_ARRAY_SIZE(subtests),
	};

	return igt_main(&test, argc, argv);
}
