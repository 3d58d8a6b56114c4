// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_bench: the vGPU figures of "make bench", measured in the test VM
 * (tools/vm/suites/vgpu-bench.sh). Each subtest prints "# how" comments
 * and "vm.<key>: <value>" lines on stdout; docs/performance.md lists them
 * with what they measure and the anchors they are compared with. Ratios
 * are taken between runs made in this process, interleaved where the
 * machine's noise could favour one side, and medians rather than bests.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "refgpu_client.h"
#include "vgpu_guest.h"

#define BLITS		64
#define RUNS		3
#define VGPU_MAX_BENCH	64

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value below which a fraction @q of @n samples lie (sorts @v). */
static double quantile(double *v, int n, double q)
{
	int i;

	igt_assert(n > 0);
	qsort(v, n, sizeof(*v), cmp_double);
	i = (int)(q * (n - 1) + 0.5);
	return v[i];
}

static double median(double *v, int n)
{
	return quantile(v, n, 0.5);
}

static void set_slice_us(const char *parent, unsigned int us)
{
	char path[256];

	igt_assert_eq(vg_slice_path(parent, path, sizeof(path)), 0);
	igt_assert_eq(vg_slice_write(path, us), 0);
}

/* Completed submissions of @g's engine @e: the status page's count. */
static u32 hws_completed(struct vg *g, int e)
{
	/* The driver writes it while we read. */
	return __atomic_load_n((u32 *)vg_ptr(g, g->ring[e].hws +
					     VGPU_HWS_COMPLETED),
			       __ATOMIC_RELAXED);
}

/* Fills a loader completed: VG_LOAD_FILLS per submission. */
static u64 loader_fills(struct vg_loader *l)
{
	return (u64)hws_completed(&l->g, COPY) * VG_LOAD_FILLS;
}

/* A CPU-bound neighbour in the VM: a child spinning until killed. */
static pid_t spinner_start(void)
{
	unsigned long n = 0;
	pid_t pid = fork();

	igt_assert(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			__atomic_fetch_add(&n, 1, __ATOMIC_RELAXED);
	}
	return pid;
}

static void spinner_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	igt_assert_eq(waitpid(pid, NULL, 0), pid);
}

static void fig_share_error(void *data)
{
	static const unsigned int w[4] = { 100, 200, 400, 800 };
	struct vg_loader l[4];
	double share[4], worst;
	int i;

	(void)data;
	for (i = 0; i < 4; i++) {
		vg_loader_start(&l[i]);
		vg_set(&l[i].g, "weight", w[i]);
	}
	vg_measure_shares(l, 4, 8, share);
	worst = vg_share_error(share, w, 4);
	printf("# 4 vGPUs saturating copy, weights 1:2:4:8, 8 s, sysfs busy\n");
	printf("vm.share_error_pp: %.2f\n", worst);
	for (i = 0; i < 4; i++)
		vg_destroy(&l[i].g);
}

/* A saturating loader like vg_loader_start()'s, of type @suffix. */
static void loader_start_type(struct vg_loader *l, const char *suffix)
{
	igt_assert_eq(vg_create(&l->g, suffix), 0);
	l->g.mem_size = 2 << 20;
	vg_open(&l->g);
	l->surf = vg_alloc(&l->g, 1 << 20);
	vg_ring_init(&l->g, COPY);
	l->submitted = 0;
}

/*
 * Fills per second the loaders @l[0..n) complete together in @secs, each
 * topped up to @depth (vg_loader_top_up_to()).
 */
static double loaders_rate(struct vg_loader *l, int n, u32 depth,
			   double secs)
{
	double t, end;
	u64 f0 = 0, f1 = 0;
	int i;

	for (i = 0; i < n; i++)
		vg_loader_top_up_to(&l[i], depth);
	for (i = 0; i < n; i++)
		f0 += loader_fills(&l[i]);
	t = vg_now();
	end = t + secs;
	while (vg_now() < end) {
		for (i = 0; i < n; i++)
			vg_loader_top_up_to(&l[i], depth);
		usleep(1000);
	}
	for (i = 0; i < n; i++)
		f1 += loader_fills(&l[i]);
	return (f1 - f0) / (vg_now() - t);
}

/* loaders_rate(), then wait until the loaders' queues are empty again. */
static double loaders_rate_drained(struct vg_loader *l, int n, u32 depth,
				   double secs)
{
	double rate = loaders_rate(l, n, depth, secs);
	int i;

	for (i = 0; i < n; i++)
		igt_assert_eq(vg_wait(&l[i].g, COPY, 120), 0);
	return rate;
}

/* Let @l's queued work finish and check its surface holds its last fill. */
static void loader_drain_check(struct vg_loader *l)
{
	igt_assert_eq(vg_wait(&l->g, COPY, 120), 0);
	igt_assert_eq_u32(vg_error(&l->g, COPY), 0);
	vg_check_fill(&l->g, l->surf, 1024 * 256, l->submitted - 1);
}

#define AGG_REPS	5
#define AGG_SECS	5.0

/*
 * As many vGPUs of the "copy" type (32 MiB, sized for 64 on one GPU) as
 * fit, all saturating the copy engine at once, against one of them alone;
 * interleaved, median of the ratios.
 */
static void fig_concurrent(void *data)
{
	static struct vg_loader l[VGPU_MAX_BENCH];
	char parent[64], type[64];
	double ratio[AGG_REPS], one, all;
	int i, n, r;

	(void)data;
	igt_set_timeout(900, "64 vGPUs");
	igt_require(!vg_find_type("copy", parent, sizeof(parent), type,
				  sizeof(type)));
	n = mdev_type_available_instances(parent, type);
	if (n > VGPU_MAX_BENCH)
		n = VGPU_MAX_BENCH;
	for (i = 0; i < n; i++)
		loader_start_type(&l[i], "copy");
	for (r = 0; r < AGG_REPS; r++) {
		/*
		 * The 64 keep shorter queues (the drain after stays short),
		 * still several times what one top-up round takes to run.
		 * Which goes first alternates, against the VM's drift.
		 */
		if (r & 1)
			all = loaders_rate_drained(l, n, 4, AGG_SECS);
		one = loaders_rate_drained(l, 1, VG_LOAD_IN_FLIGHT, AGG_SECS);
		if (!(r & 1))
			all = loaders_rate_drained(l, n, 4, AGG_SECS);
		ratio[r] = all / one;
		igt_info("1 MiB fills/s: one vGPU %.0f, %d vGPUs %.0f\n", one,
			 n, all);
	}
	for (i = 0; i < n; i++)
		loader_drain_check(&l[i]);
	printf("# \"copy\" vGPUs on one GPU, all saturating the copy engine at once\n");
	printf("vm.concurrent_vgpus: %d\n", n);
	printf("# their 1 MiB fills/s over one alone's, %.0f s each, median of %d\n",
	       AGG_SECS, AGG_REPS);
	printf("vm.aggregate_ratio: %.3f\n", median(ratio, AGG_REPS));
	for (i = 0; i < n; i++)
		vg_destroy(&l[i].g);
}

/* ---- blits through the native path (refgpu.0's render node) ---- */

static u64 native_alloc(int fd, u64 size)
{
	u64 addr;

	igt_assert_eq(refgpu_bo_alloc(fd, size, &addr), 0);
	return addr;
}

static void native_submit(int fd, u64 ring, u32 tail, bool first, bool wait)
{
	struct drm_refgpu_submit s = {
		.engine = DRM_REFGPU_ENGINE_COPY,
		.tail = tail,
	};

	if (first) {
		s.flags |= DRM_REFGPU_SUBMIT_SET_RING;
		s.ring_start = ring;
		s.ring_size = VG_RING_SIZE;
	}
	if (wait) {
		s.flags |= DRM_REFGPU_SUBMIT_WAIT;
		s.timeout_ms = DRM_REFGPU_TIMEOUT_MAX_MS;
	}
	igt_assert_eq(refgpu_ioctl(fd, DRM_IOCTL_REFGPU_SUBMIT, &s), 0);
	if (wait)
		igt_assert_eq(s.stop.reason, DRM_REFGPU_STOP_COMPLETE);
}

/* A 1024 x @h copy and two MI_NOOPs: 12 dwords at @dw. */
static u32 copy_cmd(u32 *dw, u64 dst, u64 src, u32 h)
{
	struct vgpu_surface d = vg_surf32(dst, 4096), s = vg_surf32(src, 4096);
	struct vgpu_cmd c;

	vgpu_cmd_init(&c, dw, 12 * 4);
	VG_OK(vgpu_cmd_src_copy_blt(&c, &d, 0, 0, &s, 0, 0, 1024, h));
	VG_OK(vgpu_cmd_noop(&c));
	VG_OK(vgpu_cmd_noop(&c));
	return c.len;
}

/* Seconds for BLITS copies of @bytes each through the native path. */
static double native_blits(u64 bytes)
{
	int fd = refgpu_open(0);
	u64 ring, src, dst;
	u32 dw[12], tail = 0, n, i;
	double t;

	igt_require_f(fd >= 0, "no render node of refgpu.0: %s\n",
		      strerror(-fd));
	ring = native_alloc(fd, VG_RING_SIZE);
	src = native_alloc(fd, bytes);
	dst = native_alloc(fd, bytes);
	native_submit(fd, ring, 0, true, true);
	t = vg_now();
	for (i = 0; i < BLITS; i++) {
		n = copy_cmd(dw, dst, src, bytes / 4096);
		igt_assert_eq(refgpu_bo_write(fd, ring + tail, dw, n * 4), 0);
		tail = (tail + n * 4) % VG_RING_SIZE;
		native_submit(fd, ring, tail, false, i == BLITS - 1);
	}
	t = vg_now() - t;
	igt_debug("native: %.1f ms wall\n", t * 1e3);
	close(fd);
	return t;
}

/* A vGPU with a source and a destination of @bytes for vgpu_blits(). */
struct blit_vgpu {
	struct vg g;
	u64 src;
	u64 dst;
	u64 bytes;
};

static void blit_vgpu_start(struct blit_vgpu *b, u64 bytes)
{
	igt_assert_eq(vg_create(&b->g, "medium"), 0);
	b->g.mem_size = 2 * bytes + (1 << 20);
	vg_open(&b->g);
	vg_enable_msi(&b->g);
	vg_ring_init(&b->g, COPY);
	b->bytes = bytes;
	b->src = vg_alloc(&b->g, bytes);
	b->dst = vg_alloc(&b->g, bytes);
	memset(vg_ptr(&b->g, b->src), 0x3c, bytes);
}

/* The native path's copies through a vGPU, submitted as a guest would. */
static double vgpu_blits(struct blit_vgpu *b)
{
	u32 dw[12], n, i;
	double t;

	memset(vg_ptr(&b->g, b->dst), 0, b->bytes);
	t = vg_now();
	for (i = 0; i < BLITS; i++) {
		n = copy_cmd(dw, b->dst, b->src, b->bytes / 4096);
		vg_emit(&b->g, COPY, dw, n);
		vg_submit(&b->g, COPY);
	}
	igt_assert_eq(vg_wait_irq(&b->g, COPY, 120), 0);
	t = vg_now() - t;
	vg_check_fill(&b->g, b->dst, b->bytes / 4, 0x3c3c3c3c);
	return t;
}

#define MEDIATION_REPS	15

/*
 * Median over @reps of native time over vGPU time for BLITS copies of
 * @bytes, the two alternating which goes first so that a slow phase of
 * the machine hits both.
 */
static double median_ratio(u64 bytes, int reps)
{
	double ratio[MEDIATION_REPS], nat, vgt;
	struct blit_vgpu b;
	int r;

	igt_assert(reps <= MEDIATION_REPS);
	blit_vgpu_start(&b, bytes);
	for (r = 0; r < reps; r++) {
		if (r & 1) {
			vgt = vgpu_blits(&b);
			nat = native_blits(bytes);
		} else {
			nat = native_blits(bytes);
			vgt = vgpu_blits(&b);
		}
		ratio[r] = nat / vgt;
		igt_info("%llu KiB blits: native %.1f MB/s, vGPU %.1f MB/s\n",
			 (unsigned long long)bytes >> 10,
			 BLITS * bytes / nat / 1e6, BLITS * bytes / vgt / 1e6);
	}
	vg_destroy(&b.g);
	return median(ratio, reps);
}

static void fig_mediation(void *data)
{
	double r1, r4;

	(void)data;
	r1 = median_ratio(1 << 20, MEDIATION_REPS);
	r4 = median_ratio(4 << 20, 5);
	printf("# %d queued 1 MiB blits, vGPU over native path, median of %d interleaved pairs\n",
	       BLITS, MEDIATION_REPS);
	printf("vm.mediation_efficiency: %.3f\n", r1);
	printf("# the same with 4 MiB blits, 5 pairs\n");
	printf("vm.mediation_efficiency_4mib: %.3f\n", r4);
}

static void fig_mediation_noisy(void *data)
{
	pid_t spin;
	double r;

	(void)data;
	spin = spinner_start();
	r = median_ratio(1 << 20, MEDIATION_REPS);
	spinner_stop(spin);
	printf("# vm.mediation_efficiency with a CPU-bound process running in the VM throughout\n");
	printf("vm.mediation_efficiency_noisy: %.3f\n", r);
}

static double time_writes(struct vfio_dev *dev, u64 off, int width, int n)
{
	double t = vg_now();
	int i;

	for (i = 0; i < n; i++) {
		if (width == 4)
			igt_assert_eq(vfio_region_write32(dev, BAR0, off, i), 0);
		else
			igt_assert_eq(vfio_region_write8(dev, BAR0, off, i), 0);
	}
	return (vg_now() - t) / n;
}

static void fig_trap_write(void *data)
{
	char mparent[64], mtype[64], uuid[MDEV_UUID_STRLEN];
	struct vfio_dev mtty;
	double tv = 1, tm = 1, t;
	struct vg g;
	int r;

	(void)data;
	igt_require_f(!vg_find_type_of("mtty", "1", mparent, sizeof(mparent),
				       mtype, sizeof(mtype)),
		      "mtty sample not loaded\n");
	igt_assert_eq(mdev_uuid_generate(uuid), 0);
	igt_assert_eq(mdev_create(mparent, mtype, uuid), 0);
	igt_assert_eq(vfio_dev_open_mdev(&mtty, uuid), 0);
	vg_start(&g, "small");
	for (r = 0; r < RUNS; r++) {
		/* A plain register of the vGPU; mtty's UART scratch register. */
		t = time_writes(&g.dev, VGPU_PV_HEAD_DOTCLOCK_KHZ(0), 4, 20000);
		if (r == 0 || t < tv)
			tv = t;
		t = time_writes(&mtty, 7, 1, 20000);
		if (r == 0 || t < tm)
			tm = t;
	}
	igt_info("trapped write: vGPU %.0f ns, mtty %.0f ns\n", tv * 1e9,
		 tm * 1e9);
	printf("# 20000 register pwrites to vGPU BAR0, best of %d\n", RUNS);
	printf("vm.trap_write_us: %.2f\n", tv * 1e6);
	printf("# the same over 20000 pwrites to mtty BAR0\n");
	printf("vm.trap_write_ns_ratio: %.3f\n", tv / tm);
	vfio_dev_close(&mtty);
	mdev_remove(uuid);
	vg_destroy(&g);
}

/*
 * The host-side baseline of guest.submit_overhead_ratio: what vgpu-work's
 * throughput mode does in a guest (-e copy -s 4K -q 1), done through the
 * VFIO harness: a batch with one 1024x1 XY_COLOR_BLT started from the
 * ring with a seqno store and a user interrupt, waited for on the MSI
 * eventfd, one at a time.
 */
#define TINY_SUBMITS	500

static void fig_tiny_submit(void *data)
{
	struct vgpu_surface surf;
	double t, best = 0;
	struct vgpu_cmd c;
	u64 buf, batch;
	struct vg g;
	int r, i;

	(void)data;
	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	batch = vg_alloc(&g, PAGE);
	surf = vg_surf32(buf, 4096);
	vg_batch_init(&g, &c, batch, PAGE);
	VG_OK(vgpu_cmd_color_blt(&c, &surf, 0, 0, 1024, 1, 0x5eed));
	VG_OK(vgpu_cmd_end(&c));
	vg_ring_init(&g, COPY);
	vg_enable_msi(&g);
	for (r = 0; r < RUNS; r++) {
		t = vg_now();
		for (i = 0; i < TINY_SUBMITS; i++) {
			VG_CMD(&g, COPY, vgpu_cmd_batch_start, batch, false);
			vg_store(&g, COPY, buf + PAGE - 4, i);
			VG_CMD(&g, COPY, vgpu_cmd_user_interrupt);
			vg_submit(&g, COPY);
			igt_assert_eq(vg_wait_irq(&g, COPY, 10), 0);
		}
		t = (vg_now() - t) / TINY_SUBMITS;
		if (r == 0 || t < best)
			best = t;
	}
	vg_check_fill(&g, buf, 1024 - 1, 0x5eed);
	printf("# %d 4 KiB fills through the VFIO harness, one at a time, MSI wait, best of %d\n",
	       TINY_SUBMITS, RUNS);
	printf("vm.host_tiny_submit_us: %.1f\n", best * 1e6);
	vg_destroy(&g);
}

/* Copy-engine busy time of @g, ns (the second field of busy_ns). */
static u64 busy_copy_ns(struct vg *g)
{
	unsigned long long r, c;
	char buf[128];
	int n;

	igt_assert_lt(0, mdev_attr_read(g->uuid, "vgpu/busy_ns", buf,
					sizeof(buf)));
	n = sscanf(buf, "%llu %llu", &r, &c);
	igt_assert_eq(n, 2);
	return c;
}

#define SCAN_SUBMITS	256

/*
 * A desktop-like copy-engine stream: each submission starts one batch of
 * four 256 KiB fills and four 256 KiB copies (a compositor's damage), with
 * the ring's batch start around it. The driver's own counters give the
 * host time spent copying and auditing against the engine time used.
 */
static void fig_scan_share(void *data)
{
	u64 scan_ns, scan_bytes, busy, src, dst, batch;
	struct vgpu_surface d, sr;
	struct vgpu_cmd c;
	struct vg g;
	u32 k, i;

	(void)data;
	igt_assert_eq(vg_create(&g, "small"), 0);
	g.mem_size = 4 << 20;
	vg_open(&g);
	vg_ring_init(&g, COPY);
	src = vg_alloc(&g, 1 << 20);
	dst = vg_alloc(&g, 1 << 20);
	batch = vg_alloc(&g, PAGE);
	memset(vg_ptr(&g, src), 0x5a, 1 << 20);
	d = vg_surf32(dst, 2048);
	sr = vg_surf32(src, 2048);
	vg_batch_init(&g, &c, batch, PAGE);
	for (k = 0; k < 4; k++)
		VG_OK(vgpu_cmd_color_blt(&c, &d, 0, k * 128, 512, 128,
					 0x1000 + k));
	for (k = 0; k < 4; k++)
		VG_OK(vgpu_cmd_src_copy_blt(&c, &d, 0, k * 128, &sr, 0,
					    k * 128, 512, 128));
	VG_OK(vgpu_cmd_end(&c));
	scan_ns = vg_stat(&g, "scan_ns");
	scan_bytes = vg_stat(&g, "scan_bytes");
	busy = busy_copy_ns(&g);
	for (i = 0; i < SCAN_SUBMITS; i++) {
		VG_CMD(&g, COPY, vgpu_cmd_batch_start, batch, false);
		vg_submit(&g, COPY);
		if (i % 16 == 15)
			igt_assert_eq(vg_wait(&g, COPY, 120), 0);
	}
	vg_check_fill(&g, dst, (1 << 20) / 4, 0x5a5a5a5a);
	scan_ns = vg_stat(&g, "scan_ns") - scan_ns;
	scan_bytes = vg_stat(&g, "scan_bytes") - scan_bytes;
	busy = busy_copy_ns(&g) - busy;
	igt_assert(busy > 0 && scan_bytes > 0);
	igt_info("scan %.1f us per submission, %llu bytes; engine %.2f ms per submission\n",
		 scan_ns / 1e3 / SCAN_SUBMITS,
		 (unsigned long long)scan_bytes / SCAN_SUBMITS,
		 busy / 1e6 / SCAN_SUBMITS);
	printf("# %d batches of 4+4 256 KiB fills+copies: scan_ns / busy_ns\n",
	       SCAN_SUBMITS);
	printf("vm.scan_share_pct: %.3f\n", 100.0 * scan_ns / busy);
	printf("# the same run: scan_ns per dword of scan_bytes (ring and batch)\n");
	printf("vm.scan_ns_per_dword: %.1f\n", scan_ns / (scan_bytes / 4.0));
	vg_destroy(&g);
}

#define SLICE_SECS	4.0
#define SLICE_ROUNDS	5

/* Fills/s of the four loaders @l in SLICE_SECS, their shares; drained. */
static double four_rate_shares(struct vg_loader *l, double *share)
{
	u64 f0 = 0, f1 = 0;
	double t;
	int i;

	for (i = 0; i < 4; i++)
		f0 += loader_fills(&l[i]);
	t = vg_now();
	vg_measure_shares(l, 4, SLICE_SECS, share);
	for (i = 0; i < 4; i++)
		f1 += loader_fills(&l[i]);
	t = vg_now() - t;
	for (i = 0; i < 4; i++)
		igt_assert_eq(vg_wait(&l[i].g, COPY, 120), 0);
	return (f1 - f0) / t;
}

/*
 * Four saturating vGPUs with weights 1:2:4:8 (@l) at @us slices: rounds of
 * one of them alone and the four, the order alternating against the VM's
 * drift. Returns the median of the percentages of fills per second the
 * four lose against one alone; *@worst: the largest share error, pp.
 */
static double slice_rounds(struct vg_loader *l, const unsigned int *w,
			   unsigned int us, double *worst)
{
	double share[4], err, ratio[SLICE_ROUNDS], one, four = 0;
	int r;

	set_slice_us(l[0].g.parent, us);
	*worst = 0;
	for (r = 0; r < SLICE_ROUNDS; r++) {
		if (r & 1)
			four = four_rate_shares(l, share);
		one = loaders_rate_drained(l, 1, VG_LOAD_IN_FLIGHT, SLICE_SECS);
		if (!(r & 1))
			four = four_rate_shares(l, share);
		ratio[r] = four / one;
		err = vg_share_error(share, w, 4);
		if (err > *worst)
			*worst = err;
		igt_info("%u us slices, 1 MiB fills/s: one vGPU %.0f, four %.0f; share error %.2f pp\n",
			 us, one, four, err);
	}
	set_slice_us(l[0].g.parent, VG_SLICE_DEFAULT_US);
	return 100.0 * (1 - median(ratio, SLICE_ROUNDS));
}

/*
 * 1 ms slices: shares and the throughput the four lose against one alone;
 * the same at 20 ms slices (a switch every 20 ms at most) tells how much
 * of that loss is the slicing.
 */
static void fig_slice_1ms(void *data)
{
	static const unsigned int w[4] = { 100, 200, 400, 800 };
	double worst, worst20, loss, loss20;
	struct vg_loader l[4];
	int i;

	(void)data;
	igt_set_timeout(600, "1 ms slices");
	for (i = 0; i < 4; i++) {
		vg_loader_start(&l[i]);
		vg_set(&l[i].g, "weight", w[i]);
	}
	loss = slice_rounds(l, w, 1000, &worst);
	loss20 = slice_rounds(l, w, 20000, &worst20);
	for (i = 0; i < 4; i++)
		loader_drain_check(&l[i]);
	printf("# vm.share_error_pp with 1 ms slices (sched_slice_us), worst of %d x %.0f s\n",
	       SLICE_ROUNDS, SLICE_SECS);
	printf("vm.share_error_pp_1ms: %.2f\n", worst);
	printf("# the same rounds: fills/s the four lose against one alone, %%, median\n");
	printf("vm.slice_overhead_pct_1ms: %.2f\n", loss);
	printf("# the same at 20 ms slices: the part of the loss that is not slicing\n");
	printf("vm.slice_overhead_pct_20ms: %.2f\n", loss20);
	for (i = 0; i < 4; i++)
		vg_destroy(&l[i].g);
}

/* Loaders kept busy by a thread while the main thread measures. */
struct busy_loaders {
	struct vg_loader *l;
	int n;
	bool stop;
};

static void *busy_loaders_thread(void *arg)
{
	struct busy_loaders *b = arg;
	int i;

	while (!__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < b->n; i++)
			vg_loader_top_up(&b->l[i]);
		usleep(1000);
	}
	return NULL;
}

/* Submit-to-interrupt time of one 4 KiB fill on @g's copy engine. */
static double tiny_fill_latency(struct vg *g, u64 buf, u32 color)
{
	double t = vg_now();

	vg_fill(g, COPY, buf, 4096, 1024, 1, color);
	VG_CMD(g, COPY, vgpu_cmd_user_interrupt);
	vg_submit(g, COPY);
	igt_assert_eq(vg_wait_irq(g, COPY, 30), 0);
	return vg_now() - t;
}

#define LIGHT_LOADERS	8
#define LIGHT_SAMPLES	300

/*
 * An interactive vGPU among eight saturating ones at the default slice: a
 * 4 KiB fill now and then, its submit-to-interrupt time less the same
 * fill's time on an idle GPU, in slices.
 */
static void fig_light_wait(void *data)
{
	static struct vg_loader l[LIGHT_LOADERS];
	struct busy_loaders b = { .l = l, .n = LIGHT_LOADERS };
	double wait[LIGHT_SAMPLES], alone[32], base, slice_s;
	char path[256];
	long us;
	pthread_t tid;
	struct vg g;
	u64 buf4k;
	int i;

	(void)data;
	igt_set_timeout(600, "light vGPU among busy ones");
	vg_start(&g, "small");
	vg_enable_msi(&g);
	vg_ring_init(&g, COPY);
	buf4k = vg_alloc(&g, PAGE);
	igt_assert_eq(vg_slice_path(g.parent, path, sizeof(path)), 0);
	us = vg_slice_read(path);
	igt_assert_lt(0, us);
	slice_s = us / 1e6;
	for (i = 0; i < 32; i++)
		alone[i] = tiny_fill_latency(&g, buf4k, i);
	base = median(alone, 32);
	for (i = 0; i < LIGHT_LOADERS; i++)
		vg_loader_start(&l[i]);
	igt_assert_eq(pthread_create(&tid, NULL, busy_loaders_thread, &b), 0);
	usleep(500 * 1000);
	for (i = 0; i < LIGHT_SAMPLES; i++) {
		wait[i] = tiny_fill_latency(&g, buf4k, i) - base;
		usleep(2000 + (i * 7919) % 3000);
	}
	__atomic_store_n(&b.stop, true, __ATOMIC_RELAXED);
	igt_assert_eq(pthread_join(tid, NULL), 0);
	vg_check_fill(&g, buf4k, 1024, LIGHT_SAMPLES - 1);
	igt_info("light vGPU: alone %.2f ms; wait median %.2f ms, p99 %.2f ms, slice %.1f ms\n",
		 base * 1e3, median(wait, LIGHT_SAMPLES) * 1e3,
		 quantile(wait, LIGHT_SAMPLES, 0.99) * 1e3, slice_s * 1e3);
	printf("# %d 4 KiB fills of a light vGPU among %d busy ones\n",
	       LIGHT_SAMPLES, LIGHT_LOADERS);
	printf("# p99 of submit-to-interrupt less alone, in %.0f ms slices\n",
	       slice_s * 1e3);
	printf("vm.light_wait_p99_slices: %.2f\n",
	       quantile(wait, LIGHT_SAMPLES, 0.99) / slice_s);
	for (i = 0; i < LIGHT_LOADERS; i++)
		vg_destroy(&l[i].g);
	vg_destroy(&g);
}

/* ---- engine switches, from the driver's tracepoints ---- */

static const char *tracefs_dir(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < IGT_ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/events/vgpu", dirs[i]);
		if (!access(path, F_OK))
			return dirs[i];
	}
	igt_skip("no tracefs with the vgpu events\n");
	return NULL;
}

static void trace_set(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	igt_assert_f(!sysfs_write_str(path, val), "cannot write %s\n", path);
}

/* Time stamp, event name and the value of field @key of a trace line. */
static bool trace_event(const char *line, double *ts, char *ev, size_t evlen,
			const char *key, long *val)
{
	const char *p = strstr(line, ": vgpu_"), *q, *k;
	size_t n;

	if (!p)
		return false;
	for (q = p; q > line && q[-1] != ' '; q--)
		;
	*ts = strtod(q, NULL);
	p += 2;
	n = strcspn(p, ":");
	if (n >= evlen)
		return false;
	memcpy(ev, p, n);
	ev[n] = 0;
	k = strstr(p, key);
	*val = k ? strtol(k + strlen(key), NULL, 0) : -1;
	return true;
}

#define SWITCH_SECS	4.0
#define SWITCH_MAX	20000

/*
 * Two saturating vGPUs on the copy engine at the default slice. For every
 * preemption: from the preempted run's stop (its context saved) to the
 * next run's start (restored and running): the switch; and from the
 * request to the stop: the wait for the command in flight to end.
 */
static void fig_switch(void *data)
{
	static double sw[SWITCH_MAX], pre[SWITCH_MAX];
	double ts, t_pre = -1, t_stop = -1;
	int nsw = 0, npre = 0, i;
	struct vg_loader l[2];
	const char *dir;
	char path[256], ev[32], *line = NULL;
	size_t cap = 0;
	long v;
	FILE *f;

	(void)data;
	dir = tracefs_dir();
	for (i = 0; i < 2; i++)
		vg_loader_start(&l[i]);
	trace_set(dir, "tracing_on", "0");
	trace_set(dir, "buffer_size_kb", "8192");
	trace_set(dir, "trace", "");
	trace_set(dir, "events/vgpu/vgpu_preempt/enable", "1");
	trace_set(dir, "events/vgpu/vgpu_complete/enable", "1");
	trace_set(dir, "events/vgpu/vgpu_run/enable", "1");
	trace_set(dir, "tracing_on", "1");
	loaders_rate(l, 2, VG_LOAD_IN_FLIGHT, SWITCH_SECS);
	trace_set(dir, "tracing_on", "0");
	trace_set(dir, "events/vgpu/enable", "0");
	for (i = 0; i < 2; i++)
		loader_drain_check(&l[i]);

	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	igt_assert(f);
	while (getline(&line, &cap, f) > 0) {
		if (!trace_event(line, &ts, ev, sizeof(ev), "reason=", &v) ||
		    !strstr(line, "engine=1"))
			continue;
		if (!strcmp(ev, "vgpu_preempt")) {
			t_pre = ts;
		} else if (!strcmp(ev, "vgpu_complete")) {
			/* reason 1: REFGPU_STOP_PREEMPTED */
			if (v == 1 && t_pre >= 0 && npre < SWITCH_MAX)
				pre[npre++] = ts - t_pre;
			t_stop = v == 1 ? ts : -1;
			t_pre = -1;
		} else if (!strcmp(ev, "vgpu_run") && t_stop >= 0) {
			if (nsw < SWITCH_MAX)
				sw[nsw++] = ts - t_stop;
			t_stop = -1;
		}
	}
	free(line);
	fclose(f);
	trace_set(dir, "trace", "");
	igt_info("%d switches, %d preemptions traced\n", nsw, npre);
	igt_require_f(nsw >= 20 && npre >= 20,
		      "too few switches traced (%d, %d)\n", nsw, npre);
	printf("# 2 vGPUs saturating the copy engine, %.0f s of tracepoints\n",
	       SWITCH_SECS);
	printf("# median of %d: a preempted run's stop (saved) to the next run\n",
	       nsw);
	printf("vm.switch_us: %.1f\n", median(sw, nsw) * 1e6);
	printf("# the same: preemption request to stop (a 1 MiB fill ends)\n");
	printf("vm.preempt_us: %.1f\n", median(pre, npre) * 1e6);
	for (i = 0; i < 2; i++)
		vg_destroy(&l[i].g);
}

#define CREATE_REPS	11

/* Median time to create an mdev of @type and open it through VFIO. */
static double create_open_s(const char *parent, const char *type)
{
	char uuid[MDEV_UUID_STRLEN];
	double t[CREATE_REPS];
	struct vfio_dev dev;
	int r;

	for (r = 0; r < CREATE_REPS; r++) {
		igt_assert_eq(mdev_uuid_generate(uuid), 0);
		t[r] = vg_now();
		igt_assert_eq(mdev_create(parent, type, uuid), 0);
		igt_assert_eq(vfio_dev_open_mdev(&dev, uuid), 0);
		t[r] = vg_now() - t[r];
		vfio_dev_close(&dev);
		igt_assert_eq(mdev_remove(uuid), 0);
	}
	return median(t, CREATE_REPS);
}

static void fig_create(void *data)
{
	char parent[64], type[64], mparent[64], mtype[64];
	double tv, tm;

	(void)data;
	igt_require_f(!vg_find_type_of("mtty", "1", mparent, sizeof(mparent),
				       mtype, sizeof(mtype)),
		      "mtty sample not loaded\n");
	igt_assert_eq(vg_find_type("small", parent, sizeof(parent), type,
				   sizeof(type)), 0);
	tv = create_open_s(parent, type);
	tm = create_open_s(mparent, mtype);
	printf("# create + VFIO open of a small vGPU, median of %d\n",
	       CREATE_REPS);
	printf("vm.create_ms: %.2f\n", tv * 1e3);
	printf("# the same over create + open of an mtty device\n");
	printf("vm.create_ratio: %.3f\n", tv / tm);
}

static const struct igt_subtest subtests[] = {
	{ "share-error", fig_share_error, "vm.share_error_pp" },
	{ "slice-1ms", fig_slice_1ms,
	  "vm.share_error_pp_1ms, vm.slice_overhead_pct_1ms" },
	{ "light-wait", fig_light_wait, "vm.light_wait_p99_slices" },
	{ "switch", fig_switch, "vm.switch_us, vm.preempt_us" },
	{ "concurrent-vgpus", fig_concurrent,
	  "vm.concurrent_vgpus, vm.aggregate_ratio" },
	{ "mediation-efficiency", fig_mediation,
	  "vm.mediation_efficiency" },
	{ "mediation-efficiency-noisy", fig_mediation_noisy,
	  "vm.mediation_efficiency_noisy" },
	{ "scan-share", fig_scan_share,
	  "vm.scan_share_pct, vm.scan_ns_per_dword" },
	{ "trap-write-ratio", fig_trap_write,
	  "vm.trap_write_us, vm.trap_write_ns_ratio" },
	{ "create", fig_create, "vm.create_ms, vm.create_ratio" },
	{ "tiny-submit", fig_tiny_submit, "vm.host_tiny_submit_us" },
};

IGT_TEST_MAIN("vGPU figures for make bench", subtests);
