// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_bench: the vGPU figures of "make bench", measured in the test VM
 * (tools/vm/suites/vgpu-bench.sh). Each subtest prints a "# how" comment
 * and a "vm.<key>: <value>" line on stdout:
 *
 *   vm.share_error_pp        largest share error of 4 saturating vGPUs with
 *                            weights 1:2:4:8
 *   vm.concurrent_vgpus      vGPUs created and running workloads at once
 *   vm.mediation_efficiency  blit throughput through a vGPU over the same
 *                            blits through the reference GPU's native path
 *   vm.trap_write_ns_ratio   a trapped register write to a vGPU over one to
 *                            the mtty sample (both pwrite)
 */
#include "refgpu_client.h"
#include "vgpu_guest.h"

#define BLITS		32
#define RUNS		3
#define VGPU_MAX_BENCH	64

static void fig_share_error(void *data)
{
	static const unsigned int w[4] = { 100, 200, 400, 800 };
	struct vg_loader l[4];
	double share[4], err, worst = 0;
	int i;

	(void)data;
	for (i = 0; i < 4; i++) {
		vg_loader_start(&l[i]);
		vg_set(&l[i].g, "weight", w[i]);
	}
	vg_measure_shares(l, 4, 8, share);
	for (i = 0; i < 4; i++) {
		err = share[i] - 100.0 * w[i] / 1500;
		if (err < 0)
			err = -err;
		if (err > worst)
			worst = err;
	}
	printf("# 4 vGPUs saturating copy, weights 1:2:4:8, 8 s, sysfs busy\n");
	printf("vm.share_error_pp: %.2f\n", worst);
	for (i = 0; i < 4; i++)
		vg_destroy(&l[i].g);
}

static void fig_concurrent(void *data)
{
	static struct vg g[VGPU_MAX_BENCH];
	static u64 buf[VGPU_MAX_BENCH];
	char parent[64], type[64];
	int i, n, ok = 0;

	(void)data;
	igt_require(!vg_find_type("small", parent, sizeof(parent), type,
				  sizeof(type)));
	n = mdev_type_available_instances(parent, type);
	if (n > VGPU_MAX_BENCH)
		n = VGPU_MAX_BENCH;
	for (i = 0; i < n; i++) {
		igt_assert_eq(vg_create(&g[i], "small"), 0);
		g[i].mem_size = 1 << 20;
		vg_open(&g[i]);
		vg_ring_init(&g[i], COPY);
	}
	for (i = 0; i < n; i++) {
		buf[i] = vg_alloc(&g[i], 64 * 1024);
		vg_fill(&g[i], COPY, buf[i], 4096, 1024, 16, i);
		vg_submit(&g[i], COPY);
	}
	for (i = 0; i < n; i++) {
		igt_assert_eq(vg_wait(&g[i], COPY, 120), 0);
		vg_check_fill(&g[i], buf[i], 1024 * 16, i);
		ok++;
	}
	printf("# small vGPUs on one GPU, all open, each filling 64 KiB at once\n");
	printf("vm.concurrent_vgpus: %d\n", ok);
	for (i = 0; i < n; i++)
		vg_destroy(&g[i]);
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

/* The same through a vGPU, submitted as a guest driver would. */
static double vgpu_blits(u64 bytes)
{
	u32 dw[12], n, i;
	struct vg g;
	u64 src, dst;
	double t;

	igt_assert_eq(vg_create(&g, "medium"), 0);
	g.mem_size = 2 * bytes + (1 << 20);
	vg_open(&g);
	vg_enable_msi(&g);
	vg_ring_init(&g, COPY);
	src = vg_alloc(&g, bytes);
	dst = vg_alloc(&g, bytes);
	memset(vg_ptr(&g, src), 0x3c, bytes);
	t = vg_now();
	for (i = 0; i < BLITS; i++) {
		n = copy_cmd(dw, dst, src, bytes / 4096);
		vg_emit(&g, COPY, dw, n);
		vg_submit(&g, COPY);
	}
	igt_assert_eq(vg_wait_irq(&g, COPY, 120), 0);
	t = vg_now() - t;
	igt_debug("vgpu: %.1f ms wall\n", t * 1e3);
	vg_check_fill(&g, dst, bytes / 4, 0x3c3c3c3c);
	vg_destroy(&g);
	return t;
}

static double best_ratio(u64 bytes)
{
	double nat = 1e9, vg = 1e9, t;
	int r;

	for (r = 0; r < RUNS; r++) {
		t = native_blits(bytes);
		if (t < nat)
			nat = t;
		t = vgpu_blits(bytes);
		if (t < vg)
			vg = t;
	}
	igt_info("%llu KiB blits: native %.1f MB/s, vGPU %.1f MB/s\n",
		 (unsigned long long)bytes >> 10, BLITS * bytes / nat / 1e6,
		 BLITS * bytes / vg / 1e6);
	return nat / vg;
}

static void fig_mediation(void *data)
{
	double r1, r4;

	(void)data;
	r1 = best_ratio(1 << 20);
	r4 = best_ratio(4 << 20);
	printf("# 32 queued 1 MiB blits, vGPU over native path, best of 3\n");
	printf("vm.mediation_efficiency: %.3f\n", r1);
	printf("# the same with 4 MiB blits\n");
	printf("vm.mediation_efficiency_4mib: %.3f\n", r4);
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
	printf("# 20000 register pwrites, vGPU BAR0 over mtty BAR0\n");
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

static const struct igt_subtest subtests[] = {
	{ "share-error", fig_share_error, "vm.share_error_pp" },
	{ "concurrent-vgpus", fig_concurrent, "vm.concurrent_vgpus" },
	{ "mediation-efficiency", fig_mediation,
	  "vm.mediation_efficiency" },
	{ "trap-write-ratio", fig_trap_write, "vm.trap_write_ns_ratio" },
	{ "tiny-submit", fig_tiny_submit, "vm.host_tiny_submit_us" },
};

IGT_TEST_MAIN("vGPU figures for make bench", subtests);
