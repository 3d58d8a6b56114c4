// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_sched: time-slicing between vGPUs. Four saturating vGPUs with
 * weights 1:2:4:8 get engine shares within 5 percentage points of their
 * weights (the scheduler's own simulation holds the tighter bound); a
 * weight changed at run time shows in the next interval's shares; a
 * workload that overstays its watchdog is killed and only its vGPU is
 * reset; workloads within their budget are never killed, however often
 * another vGPU preempts them. The GPU's slice length is a knob of its
 * own; at 1 ms the shares hold and the engine really switches more often.
 */
#include <dirent.h>
#include <limits.h>

#include "vgpu_guest.h"

#define NR	4

#define AUX_DEVICES		"/sys/bus/auxiliary/devices"
#define AUX_VGPU_PREFIX		"refgpu.vgpu."

/* Fixture teardown: no subtest leaves a GPU with another slice, even failing. */
static void restore_slices(void *data)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	(void)data;
	d = opendir(AUX_DEVICES);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, AUX_VGPU_PREFIX, strlen(AUX_VGPU_PREFIX)))
			continue;
		snprintf(path, sizeof(path), AUX_DEVICES "/%s/sched_slice_us",
			 de->d_name);
		if (access(path, F_OK) || vg_slice_read(path) == VG_SLICE_DEFAULT_US)
			continue;
		igt_info("%s: slice back to %d us\n", de->d_name,
			 VG_SLICE_DEFAULT_US);
		ret = ret ?: vg_slice_write(path, VG_SLICE_DEFAULT_US);
	}
	closedir(d);
	igt_assert_eq(ret, 0);
}

static double check_shares(const double *share, const unsigned int *w,
			   double limit)
{
	double wsum = 0, worst = vg_share_error(share, w, NR);
	int i;

	for (i = 0; i < NR; i++)
		wsum += w[i];
	for (i = 0; i < NR; i++)
		igt_info("weight %u: share %.2f %% (ideal %.2f %%)\n", w[i],
			 share[i], 100.0 * w[i] / wsum);
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

/* Preemptions of @n loaders' vGPUs so far, summed: they share one copy engine. */
static unsigned long long loader_preemptions(struct vg_loader *l, int n)
{
	unsigned long long sum = 0, p;
	char buf[256], *at;
	int i, got;

	for (i = 0; i < n; i++) {
		igt_assert_lt(0, mdev_attr_read(l[i].g.uuid, "vgpu/workloads",
						buf, sizeof(buf)));
		at = strstr(buf, "preemptions ");
		igt_assert(at);
		got = sscanf(at, "preemptions %llu", &p);
		igt_assert_eq(got, 1);
		sum += p;
	}
	return sum;
}

/* Preemptions per second of @l's vGPUs over a share measurement of @secs. */
static double preemption_rate(struct vg_loader *l, double secs, double *share)
{
	unsigned long long p0, p1;
	double t0, t1;

	t0 = vg_now();
	p0 = loader_preemptions(l, NR);
	vg_measure_shares(l, NR, secs, share);
	p1 = loader_preemptions(l, NR);
	t1 = vg_now();
	igt_info("%llu preemptions in %.2f s: a switch every %.2f ms\n",
		 p1 - p0, t1 - t0, p1 > p0 ? (t1 - t0) * 1e3 / (p1 - p0) : 0.0);
	return (p1 - p0) / (t1 - t0);
}

/*
 * The same weights with 1 ms slices on the loaders' GPU. A loader's 1 MiB
 * fill is not preemptible and a switch costs the GPU time, so switches
 * come a slice plus c apart, c being the end of the running fill and that
 * cost: going from 5 ms to 1 ms slices multiplies the rate by about
 * (5 + c) / (1 + c). c was 0.5-2.5 ms on Debian's 6.1 and 2.6-6.5 ms on
 * the sanitizer kernel, where the rate at 1 ms did not always beat one
 * preemption per 5 ms (the most 5 ms slices give loaders that never run
 * dry). So the test compares with 5 ms slices on the same loaders just
 * before, and wants 10 % more: that holds while c is below 39 ms, i.e.
 * on a VM several times slower than measured.
 */
#define SLICE_1MS_RATIO		1.1

static void fairness_weights_1ms_slices(void *data)
{
	static const unsigned int w[NR] = { 100, 200, 400, 800 };
	double share[NR], at_5ms, at_1ms;
	struct vg_loader l[NR];
	char path[PATH_MAX];
	int i, set, restored;

	(void)data;
	igt_set_timeout(180, "fairness measurement at 1 ms slices");
	for (i = 0; i < NR; i++) {
		vg_loader_start(&l[i]);
		vg_set(&l[i].g, "weight", w[i]);
		igt_assert_eq_str(l[i].g.parent, l[0].g.parent);
	}
	igt_assert_eq(vg_slice_path(l[0].g.parent, path, sizeof(path)), 0);
	igt_assert_eq(vg_slice_read(path), VG_SLICE_DEFAULT_US);
	at_5ms = preemption_rate(l, 6, share);
	set = vg_slice_write(path, 1000);
	igt_assert_eq(set, 0);
	at_1ms = preemption_rate(l, 6, share);
	restored = vg_slice_write(path, VG_SLICE_DEFAULT_US);
	for (i = 0; i < NR; i++)
		vg_destroy(&l[i].g);

	igt_assert_eq(restored, 0);
	check_shares(share, w, 5.0);
	igt_assert_f(at_1ms > SLICE_1MS_RATIO * at_5ms,
		     "%.0f preemptions per s at 1 ms slices, %.0f at 5 ms\n",
		     at_1ms, at_5ms);
}

/* An endless fill: 16 GiB through 1 MiB of memory (pitch 1, 128 bpp). */
static void emit_endless_blit(struct vg *g, u64 s)
{
	const struct vgpu_surface surf = { .addr = s, .pitch = 1, .cpp = 16 };

	VG_CMD(g, COPY, vgpu_cmd_fast_copy_blt, &surf, 0, 0, &surf, 0, 0,
	       0x7fff, 0x7fff);
}

static void watchdog_resets_only_offender(void *data)
{
	struct vg bad, good;
	unsigned long long resets;
	char hang[32];
	u64 s, buf;
	u32 err, i;
	int ret;

	(void)data;
	igt_set_timeout(120, "watchdog");
	/* Else the GPU's own check stops the blit, which makes no progress. */
	igt_assert_lt(0, sysfs_read_str("/sys/module/refgpu/parameters/hang_timeout_ms",
					hang, sizeof(hang)));
	igt_require_f(vg_watchdog_s() * 1e3 < strtod(hang, NULL),
		      "the reference GPU's hang check (%s ms) comes before the watchdog\n",
		      hang);
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

/* 4 MiB fills (1024 x 1024 at 32 bpp) for the heavy workloads below. */
#define HEAVY_PITCH		4096
#define HEAVY_DIM		1024
#define HEAVY_BYTES		(HEAVY_PITCH * HEAVY_DIM)
/* A run covers at most this many workloads (vgpu.ko, schedule.c). */
#define HEAVY_WORKLOADS		16
/* What fits in the ring: HEAVY_WORKLOADS of them, 7 dwords per fill. */
#define HEAVY_FILLS_MAX		32
/* A workload's share of the watchdog's budget (vg_watchdog_s()). */
#define HEAVY_TARGET_SHARE	0.3

static void heavy_workload(struct vg *g, u64 surf, u32 fills, u32 color)
{
	u32 i;

	for (i = 0; i < fills; i++)
		vg_fill(g, COPY, surf, HEAVY_PITCH, HEAVY_DIM, HEAVY_DIM,
			color);
	vg_submit(g, COPY);
}

static unsigned long long workloads_started(struct vg *g)
{
	unsigned long long started = 0;
	char buf[256];
	int n;

	igt_assert_lt(0, mdev_attr_read(g->uuid, "vgpu/workloads", buf,
					sizeof(buf)));
	n = sscanf(buf, "started %llu", &started);
	igt_assert_eq(n, 1);
	return started;
}

/*
 * The watchdog's budget is per run: each workload a run covers adds one.
 * A run that another vGPU preempts resumes with the workloads it had, not
 * with the ones queued since, or a vGPU kept busy and often preempted
 * would overrun a budget sized for fewer workloads and be killed though
 * every workload is well within its own. Workloads of about a third of
 * the budget (150 ms by default): first one alone, started, then fifteen
 * more behind it while a saturating vGPU preempts it every slice.
 */
static void watchdog_budget_covers_resumed_run(void *data)
{
	unsigned long long resets, started;
	struct vg_loader other;
	struct vg g;
	u32 fills, round, i, color = 0;
	double t, one, watchdog = vg_watchdog_s();
	u64 surf;

	(void)data;
	igt_set_timeout(240 + 3 * HEAVY_WORKLOADS * watchdog,
			"heavy workloads under contention");
	vg_start(&g, "small");
	surf = vg_alloc(&g, HEAVY_BYTES);
	vg_ring_init(&g, COPY);
	/* The engine's speed here: one fill, alone. */
	t = vg_now();
	vg_fill(&g, COPY, surf, HEAVY_PITCH, HEAVY_DIM, HEAVY_DIM, 0);
	vg_run(&g, COPY);
	one = vg_now() - t;
	fills = HEAVY_TARGET_SHARE * watchdog / one;
	fills = fills < 1 ? 1 : fills > HEAVY_FILLS_MAX ? HEAVY_FILLS_MAX : fills;
	igt_info("one fill: %.1f ms; %u fills per workload\n", one * 1e3, fills);
	if (HEAVY_WORKLOADS * fills * one <= 1.5 * watchdog ||
	    fills * one >= watchdog / 2)
		vg_destroy(&g);
	igt_require_f(HEAVY_WORKLOADS * fills * one > 1.5 * watchdog,
		      "the engine is too fast for %u workloads to outlast a budget\n",
		      HEAVY_WORKLOADS);
	igt_require_f(fills * one < watchdog / 2,
		      "the engine is too slow: one workload (%.0f ms) is not well within its budget\n",
		      fills * one * 1e3);

	vg_loader_start(&other);
	vg_loader_top_up(&other);
	resets = vg_stat(&g, "resets");
	for (round = 0; round < 3; round++) {
		started = workloads_started(&g);
		heavy_workload(&g, surf, fills, ++color);
		while (workloads_started(&g) == started) {
			vg_loader_top_up(&other);
			usleep(500);
		}
		for (i = 1; i < HEAVY_WORKLOADS; i++)
			heavy_workload(&g, surf, fills, ++color);
		t = vg_now() + 120;
		while ((vg_rd(&g, VGPU_RING_HEAD(vg_base(COPY))) &
			VGPU_RING_HEAD_ADDR_MASK) != g.ring[COPY].tail) {
			igt_assert_f(!(vg_error(&g, COPY) & VGPU_ENGINE_ERROR_ACTIVE),
				     "round %u: engine stopped, error %#x\n",
				     round, vg_error(&g, COPY));
			igt_assert_f(vg_now() < t, "round %u: no progress\n",
				     round);
			vg_loader_top_up(&other);
			usleep(2000);
		}
	}
	igt_assert_eq_u32(vg_error(&g, COPY), 0);
	igt_assert_eq_u64(vg_stat(&g, "resets"), resets);
	vg_check_fill(&g, surf, HEAVY_BYTES / 4, color);
	vg_destroy(&other.g);
	vg_destroy(&g);
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

/*
 * The GPU's slice: read, set, and refused outside 100 us..100 ms or when
 * not a number. The outcomes are kept and the default restored before
 * anything is asserted, so a failure leaves the GPU as it was.
 */
static void slice_knob(void *data)
{
	static const struct {
		const char *write;
		int ret;
		long reads;
	} steps[] = {
		{ "100", 0, 100 },
		{ "100000", 0, 100000 },
		{ "1000", 0, 1000 },
		{ "0", -EINVAL, 1000 },
		{ "99", -EINVAL, 1000 },
		{ "100001", -EINVAL, 1000 },
		{ "abc", -EINVAL, 1000 },
		{ "-1", -EINVAL, 1000 },
		/* What "echo > sched_slice_us" writes. */
		{ "\n", -EINVAL, 1000 },
		/* Zero bytes: sysfs takes them without calling the driver. */
		{ "", 0, 1000 },
	};
	int ret[IGT_ARRAY_SIZE(steps)], restored;
	long reads[IGT_ARRAY_SIZE(steps)], def, after;
	char parent[64], type[64], path[PATH_MAX];
	unsigned int i;

	(void)data;
	igt_require(!vg_find_type("small", parent, sizeof(parent), type,
				  sizeof(type)));
	igt_assert_eq(vg_slice_path(parent, path, sizeof(path)), 0);
	def = vg_slice_read(path);
	for (i = 0; i < IGT_ARRAY_SIZE(steps); i++) {
		ret[i] = sysfs_write_str(path, steps[i].write);
		reads[i] = vg_slice_read(path);
	}
	restored = vg_slice_write(path, VG_SLICE_DEFAULT_US);
	after = vg_slice_read(path);

	igt_assert_eq(def, VG_SLICE_DEFAULT_US);
	for (i = 0; i < IGT_ARRAY_SIZE(steps); i++) {
		igt_assert_f(ret[i] == steps[i].ret,
			     "writing \"%s\": %d, want %d\n", steps[i].write,
			     ret[i], steps[i].ret);
		igt_assert_f(reads[i] == steps[i].reads,
			     "after \"%s\": reads %ld, want %ld\n",
			     steps[i].write, reads[i], steps[i].reads);
	}
	igt_assert_eq(restored, 0);
	igt_assert_eq(after, VG_SLICE_DEFAULT_US);
}

static const struct igt_subtest subtests[] = {
	{ "knobs", knobs,
	  "weight, cap and priority are settable and validated" },
	{ "slice-knob", slice_knob,
	  "the GPU's sched_slice_us reads 5000, takes 100..100000 and refuses the rest" },
	{ "fairness-weights", fairness_weights,
	  "1:2:4:8 weights give shares within 5 pp; a change applies at once" },
	{ "fairness-weights-1ms-slices", fairness_weights_1ms_slices,
	  "at 1 ms slices shares stay within 5 pp and the engine switches more than at 5 ms" },
	{ "watchdog-resets-only-offender", watchdog_resets_only_offender,
	  "an endless blit is killed; only its vGPU resets" },
	{ "watchdog-budget-covers-resumed-run",
	  watchdog_budget_covers_resumed_run,
	  "a preempted run resumes as it was: queued work never overruns its budget" },
};

IGT_TEST_MAIN("vGPU scheduling: shares, knobs and the watchdog", subtests,
	      .teardown = restore_slices);
