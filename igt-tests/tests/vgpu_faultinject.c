// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_faultinject: allocation failures injected into the paths a VMM
 * drives. For each operation (create, open, a GGTT entry's pin, a
 * submission, showing a plane, a dma-buf export, an EDID link-up) the
 * Nth allocation made through the project's modules fails, for N = 1,
 * 2, ... until the operation makes fewer than N: failslab and
 * fail_page_alloc through the task's fail-nth counter, limited by the
 * fault attributes' stack filter to allocations with a frame in vgpu.ko,
 * mdev.ko or refgpu.ko. Every failure must give the caller an error or
 * the guest an error state, leave no half-made object, and the vGPU must
 * work afterwards; kmemleak's scan after the suite finds what leaked
 * (tools/vm/init/l1-init). fail-nth reaches the calling task only: work
 * items and the scheduler's threads are not covered here.
 *
 * Needs a kernel with CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB,
 * FAIL_PAGE_ALLOC and FAULT_INJECTION_STACKTRACE_FILTER (the debug
 * profile's host kernel, docs/testing.md); skips elsewhere.
 */
#include <fcntl.h>
#include <limits.h>

#include "vgpu_display.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
#define FI_DEBUGFS	"/sys/kernel/debug"
/* Allocations of a sweep tried one by one at each end (fi_sweep_attr()). */
#define FI_DENSE	32
/* More tries than any sweep here needs: one that gets there fails. */
#define FI_MAX_TRIES	400
#define EDID_FIELD(f)	offsetof(struct vfio_region_gfx_edid, f)
#define PRIMARY		VD_PLANE_PRIMARY
#define DMABUF		VFIO_GFX_PLANE_TYPE_DMABUF

static const char *const fi_attrs[] = { "failslab", "fail_page_alloc" };
/* The project's modules: the only ones the debug kernel loads. */
static const char *const fi_modules[] = { "[vgpu]", "[mdev]", "[refgpu]" };

static int nth_fd = -1;
/* The text of our modules (fi_text_span()). */
static unsigned long fi_start, fi_end;

static void fi_write(const char *attr, const char *knob, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), FI_DEBUGFS "/%s/%s", attr, knob);
	igt_assert_f(!sysfs_write_str(path, val), "cannot write %s to %s\n",
		     val, path);
}

static bool fi_own_module(const char *line)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fi_modules); i++)
		if (strstr(line, fi_modules[i]))
			return true;
	return false;
}

/*
 * The span of the project's modules' text, from /proc/kallsyms: the stack
 * filter's range. The last function's size is not listed; a page more
 * covers it (the next module's text, if any, starts on a later page).
 */
static void fi_text_span(unsigned long *start, unsigned long *end)
{
	char line[512], type;
	unsigned long addr;
	FILE *f;

	*start = ~0UL;
	*end = 0;
	f = fopen("/proc/kallsyms", "r");
	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c", &addr, &type) != 2)
			continue;
		if ((type != 't' && type != 'T') || !fi_own_module(line))
			continue;
		if (addr < *start)
			*start = addr;
		if (addr > *end)
			*end = addr;
	}
	fclose(f);
	igt_require_f(*end && *start, "no addresses of our modules in /proc/kallsyms\n");
	*end += PAGE;
}

/*
 * Provoked on purpose: the driver core's, kobject's, the IOMMU core's and
 * kmemleak's own errors when an allocation fails (6.1 and 6.12 word the
 * refused probe differently).
 */
static const char *const fi_expected[] = {
	"probe (of [0-9a-f-]+|with driver [a-z_-]+) failed with error -12$",
	"kobject_add_internal failed for [0-9a-z-]+ [(]error: -12",
	"kobject_create_and_add: kobject_add error: -12$",
	"kobject: can not set name properly!$",
	"Failed to add to iommu group [0-9]+: -12$",
	"really_probe: driver_sysfs_add failed$",
	"device_add_groups[(][)] failed$",
	"kmemleak: Cannot allocate a scan area",
};

/* fi_expected[] as one alternation, for igt_dmesg_expect(). */
static const char *fi_expected_regex(void)
{
	static char re[IGT_DMESG_REGEX_MAX];
	size_t i;

	re[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(fi_expected); i++) {
		if (i)
			strcat(re, "|");
		igt_assert(strlen(re) + strlen(fi_expected[i]) + 1 < sizeof(re));
		strcat(re, fi_expected[i]);
	}
	return re;
}

/* Arm both fault attributes for fail-nth in our modules' code only. */
static void fi_setup(void)
{
	unsigned long rstart = 0, rend = 0;
	char val[32];
	size_t i;

	igt_require_f(!access(FI_DEBUGFS "/failslab/require-start", W_OK) &&
		      !access(FI_DEBUGFS "/fail_page_alloc/min-order", W_OK),
		      "no fault injection with a stack filter in debugfs\n");
	fi_text_span(&fi_start, &fi_end);
	igt_info("injecting into allocations from %#lx-%#lx\n", fi_start,
		 fi_end);
	/*
	 * Linux 6.12's VFIO core mishandles its own allocation failures when
	 * it makes a device's group (vfio_create_group() drops the group
	 * with its iommu_group still set: WARN in vfio_group_release()). Not
	 * ours to fix here: allocations below that function stay whole.
	 */
	if (vg_ksym("vfio_create_group", &rstart, &rend))
		igt_info("not injecting below vfio_create_group (%#lx-%#lx)\n",
			 rstart, rend);
	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++) {
		/* Only fail-nth injects: no random failures elsewhere. */
		fi_write(fi_attrs[i], "probability", "0");
		fi_write(fi_attrs[i], "times", "-1");
		/* A notice per failure, without the stack dump. */
		fi_write(fi_attrs[i], "verbose", "1");
		fi_write(fi_attrs[i], "ignore-gfp-wait", "N");
		fi_write(fi_attrs[i], "stacktrace-depth", "32");
		snprintf(val, sizeof(val), "%#lx", rstart);
		fi_write(fi_attrs[i], "reject-start", val);
		snprintf(val, sizeof(val), "%#lx", rend);
		fi_write(fi_attrs[i], "reject-end", val);
	}
	fi_write("fail_page_alloc", "ignore-gfp-highmem", "N");
	fi_write("fail_page_alloc", "min-order", "0");
	/* A subtest that failed half-way left its descriptor (and maybe N). */
	if (nth_fd >= 0)
		close(nth_fd);
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	igt_assert_f(nth_fd >= 0, "fail-nth: %s\n", strerror(errno));
	igt_assert_eq(pwrite(nth_fd, "0", 1, 0), 1);
	igt_dmesg_expect(fi_expected_regex());
}

/* Back to the kernel's defaults: nothing filtered, nothing armed. */
static void fi_teardown(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++) {
		fi_write(fi_attrs[i], "require-start", "0");
		fi_write(fi_attrs[i], "require-end", "0xffffffffffffffff");
		fi_write(fi_attrs[i], "reject-start", "0");
		fi_write(fi_attrs[i], "reject-end", "0");
		fi_write(fi_attrs[i], "ignore-gfp-wait", "Y");
		fi_write(fi_attrs[i], "verbose", "2");
		fi_write(fi_attrs[i], "times", "1");
	}
	fi_write("fail_page_alloc", "ignore-gfp-highmem", "Y");
	fi_write("fail_page_alloc", "min-order", "1");
	close(nth_fd);
	nth_fd = -1;
}

static void fi_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	igt_assert_eq(pwrite(nth_fd, buf, len, 0), len);
}

/* Disarm; true if the armed failure was injected. */
static bool fi_disarm(void)
{
	char buf[16] = "";
	ssize_t n;

	n = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	igt_assert_lt(0, n);
	igt_assert_eq(pwrite(nth_fd, "0", 1, 0), 1);
	return atoi(buf) == 0;
}

/**
 * struct fi_op - one operation swept
 * @name: for the log
 * @prepare: before each try, with nothing armed (may be NULL)
 * @run: the operation, armed; returns 0 or a negative errno
 * @check: after each try, disarmed: @ret is what @run returned, @failed
 *	whether a failure was injected; asserts the outcome and that the
 *	vGPU works again
 */
struct fi_op {
	const char *name;
	void (*prepare)(struct vg *g);
	int (*run)(struct vg *g);
	void (*check)(struct vg *g, int ret, bool failed);
};

/* Count allocations for fail-nth in @attr only: the other matches nothing. */
static void fi_only(const char *attr, unsigned long start, unsigned long end)
{
	char val[32];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fi_attrs); i++) {
		bool on = !strcmp(fi_attrs[i], attr);

		snprintf(val, sizeof(val), "%#lx", on ? start : 1);
		fi_write(fi_attrs[i], "require-start", val);
		snprintf(val, sizeof(val), "%#lx", on ? end : 1);
		fi_write(fi_attrs[i], "require-end", val);
	}
}

/* One try of @op with its @n-th allocation failing; true if it failed. */
static bool fi_try(struct vg *g, const struct fi_op *op, unsigned int n,
		   unsigned int *errors)
{
	bool failed;
	int ret;

	if (op->prepare)
		op->prepare(g);
	fi_arm(n);
	ret = op->run(g);
	failed = fi_disarm();
	igt_debug("%s: site %u: %s, returned %d\n", op->name, n,
		  failed ? "failed" : "not reached", ret);
	op->check(g, ret, failed);
	if (!failed)
		igt_assert_f(!ret, "%s failed (%d) with nothing injected\n",
			     op->name, ret);
	else if (ret)
		(*errors)++;
	return failed;
}

/*
 * Fail @op's allocations of @attr in turn and return how many it makes.
 * The first FI_DENSE and the last FI_DENSE one by one; between them (a
 * loop allocating page after page: the same call site and error path
 * each time) steps that grow by an eighth. The count is found by
 * bisection.
 */
static unsigned int fi_sweep_attr(struct vg *g, const struct fi_op *op,
				  const char *attr)
{
	unsigned int n, lo = 0, hi, mid, tries = 0, errors = 0, fewer = 0;

	fi_only(attr, fi_start, fi_end);
	for (n = 1; ; n += n < FI_DENSE ? 1 : n / 8) {
		igt_assert_f(++tries <= FI_MAX_TRIES,
			     "%s: too many allocations\n", op->name);
		if (!fi_try(g, op, n, &errors))
			break;
		lo = n;
	}
	for (hi = n; hi - lo > 1; tries++) {
		mid = lo + (hi - lo) / 2;
		if (fi_try(g, op, mid, &errors))
			lo = mid;
		else
			hi = mid;
	}
	/*
	 * A try can allocate less than the one before: state an earlier
	 * failure left behind (a cache filled, a tree node kept) is not
	 * allocated again. Such a site is only not exercised this time.
	 */
	for (n = lo > 2 * FI_DENSE ? lo - FI_DENSE + 1 : FI_DENSE; n < lo;
	     n++, tries++)
		fewer += !fi_try(g, op, n, &errors);
	igt_info("%s: %s: %u allocations, %u tries, %u refused with an error, %u tries with fewer allocations\n",
		 op->name, attr, lo, tries, errors, fewer);
	return lo;
}

/* Sweep @op through both attributes; returns its allocation count. */
static unsigned int fi_sweep(struct vg *g, const struct fi_op *op)
{
	return fi_sweep_attr(g, op, "failslab") +
	       fi_sweep_attr(g, op, "fail_page_alloc");
}

/*
 * Sweep @op on a small vGPU, opened, with the ring of engine @e (none if
 * negative) and whatever @setup (may be NULL) adds.
 */
static void fi_sweep_small(const struct fi_op *op, int e,
			   void (*setup)(struct vg *g))
{
	struct vg g;

	igt_set_timeout(600, "fault sweep");
	fi_setup();
	vg_start(&g, "small");
	if (e >= 0)
		vg_ring_init(&g, e);
	if (setup)
		setup(&g);
	fi_sweep(&g, op);
	fi_teardown();
	vg_destroy(&g);
}

/* A store on @e lands: the vGPU works. */
static void fi_store_works(struct vg *g, int e, u32 val)
{
	u64 buf = vg_alloc(g, PAGE);

	vg_store(g, e, buf, val);
	vg_run(g, e);
	igt_assert_eq_u32(*(u32 *)vg_ptr(g, buf), val);
}

/* ---- create ------------------------------------------------------------ */

static char fi_uuid[MDEV_UUID_STRLEN];
static int fi_avail;

static void create_prepare(struct vg *g)
{
	igt_assert_eq(mdev_uuid_generate(fi_uuid), 0);
	fi_avail = mdev_type_available_instances(g->parent, g->type);
}

static int create_run(struct vg *g)
{
	return mdev_create(g->parent, g->type, fi_uuid);
}

/* Refused and gone, or made whole. */
static void create_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	if (ret) {
		igt_assert_f(!mdev_exists(fi_uuid),
			     "a refused create (%d) left %s\n", ret, fi_uuid);
		igt_assert_eq(mdev_type_available_instances(g->parent, g->type),
			      fi_avail);
	} else {
		igt_assert(mdev_exists(fi_uuid));
		igt_assert_eq(mdev_remove(fi_uuid), 0);
	}
}

static const struct fi_op op_create = {
	"create", create_prepare, create_run, create_check,
};

static void create_fails_cleanly(void *data)
{
	struct vg g;
	unsigned int sites;

	(void)data;
	igt_set_timeout(600, "create fault sweep");
	fi_setup();
	/* Only the type's names: the sweep makes its own devices. */
	igt_require(!vg_find_type("small", g.parent, sizeof(g.parent), g.type,
				  sizeof(g.type)));
	sites = fi_sweep(&g, &op_create);
	fi_teardown();
	igt_assert_lt(0, sites);
	/* After all of that, a vGPU works (each try also began anew). */
	vg_start(&g, "small");
	vg_ring_init(&g, RENDER);
	fi_store_works(&g, RENDER, 0xc0de);
	vg_destroy(&g);
}

/* ---- open ------------------------------------------------------------- */

static int open_run(struct vg *g)
{
	return vfio_dev_open_mdev(&g->dev, g->uuid);
}

static void open_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	if (!ret)
		igt_assert_eq(vfio_dev_close(&g->dev), 0);
	/* A ring, its status page and a buffer: each entry is a trap. */
	g->mem_size = 8 * PAGE;
	vg_open(g);
	vg_ring_init(g, COPY);
	fi_store_works(g, COPY, 0x0be7);
	vg_close(g);
}

static const struct fi_op op_open = { "open", NULL, open_run, open_check };

static void open_fails_cleanly(void *data)
{
	struct vg g;
	unsigned int sites;

	(void)data;
	igt_set_timeout(600, "open fault sweep");
	fi_setup();
	igt_require(!vg_create(&g, "small"));
	sites = fi_sweep(&g, &op_open);
	fi_teardown();
	igt_assert_eq(mdev_remove(g.uuid), 0);
	igt_assert_lt(0, sites);
}

/* ---- a GGTT entry's pin ------------------------------------------------ */

/* The last page of the mapped part of the slice: re-pointed each try. */
static u64 pin_gfx(const struct vg *g)
{
	return g->slice_base + g->mapped - PAGE;
}

static void pin_prepare(struct vg *g)
{
	unsigned long long pinned = vg_stat(g, "pinned_pages");

	vg_pte(g, pin_gfx(g), 0);
	/* The cleared entry's unpin runs behind a flush. */
	igt_assert(vg_wait_stat(g, "pinned_pages", pinned - 1,
				VG_PIN_SETTLE_S));
}

static int pin_run(struct vg *g)
{
	u64 gfx = pin_gfx(g);

	return vfio_region_write64(&g->dev, BAR0,
				   VGPU_GGTT_OFFSET + (gfx >> 12) * 8,
				   (VG_MEM_IOVA + gfx - g->slice_base) |
				   VGPU_GGTT_PTE_PRESENT);
}

/*
 * Whatever the entry became, the engine either wrote through it or
 * refused the command with an error the guest sees; writing the entry
 * again makes it work.
 */
static void pin_check(struct vg *g, int ret, bool failed)
{
	u64 gfx = pin_gfx(g);
	u32 *p = vg_ptr(g, gfx);

	(void)failed;
	igt_assert_eq(ret, 0);
	*p = 0;
	vg_store(g, COPY, gfx, 0x9a9a);
	vg_submit(g, COPY);
	if (vg_wait(g, COPY, 10)) {
		igt_assert_f(vg_error(g, COPY),
			     "a store through a failed pin neither ran nor raised an error\n");
		vg_reset_engine(g, COPY);
		vg_ring_init(g, COPY);
	} else {
		igt_assert_eq_u32(*p, 0x9a9a);
	}
	vg_pte(g, gfx, (VG_MEM_IOVA + gfx - g->slice_base) |
	       VGPU_GGTT_PTE_PRESENT);
	*p = 0;
	vg_store(g, COPY, gfx, 0x6a6a);
	vg_run(g, COPY);
	igt_assert_eq_u32(*p, 0x6a6a);
}

static const struct fi_op op_pin = {
	"ggtt-pin", pin_prepare, pin_run, pin_check,
};

static void pin_fails_cleanly(void *data)
{
	(void)data;
	fi_sweep_small(&op_pin, COPY, NULL);
}

/* ---- a submission -------------------------------------------------------- */

static u64 submit_buf;
static u32 submit_val;

static void submit_prepare(struct vg *g)
{
	*(u32 *)vg_ptr(g, submit_buf) = 0;
	vg_store(g, RENDER, submit_buf, ++submit_val);
}

static int submit_run(struct vg *g)
{
	return vfio_region_write32(&g->dev, BAR0,
				   VGPU_RING_TAIL(vg_base(RENDER)),
				   g->ring[RENDER].tail);
}

/* Done, or refused with an error the guest sees; never lost. */
static void submit_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	igt_assert_eq(ret, 0);
	if (vg_wait(g, RENDER, 10)) {
		igt_assert_f(vg_error(g, RENDER),
			     "a submission neither ran nor raised an error\n");
		vg_reset_engine(g, RENDER);
		vg_ring_init(g, RENDER);
		fi_store_works(g, RENDER, 0x5eed);
		return;
	}
	igt_assert_eq_u32(*(u32 *)vg_ptr(g, submit_buf), submit_val);
}

static const struct fi_op op_submit = {
	"submit", submit_prepare, submit_run, submit_check,
};

static void submit_setup(struct vg *g)
{
	submit_buf = vg_alloc(g, PAGE);
}

static void submit_fails_cleanly(void *data)
{
	(void)data;
	fi_sweep_small(&op_submit, RENDER, submit_setup);
}

/* ---- display: show a plane, export it -------------------------------- */

static struct vd_fb fi_fb;

/* Nothing shown, nothing of the display pinned. */
static void show_prepare(struct vg *g)
{
	vg_wr(g, VGPU_REG_PLANE_CTL(0), 0);
	vg_wr(g, VGPU_REG_PLANE_SURF(0), (u32)fi_fb.gfx);
	igt_assert(vd_wait_nothing(g, PRIMARY, DMABUF, 5));
	igt_assert(vg_wait_stat(g, "display_pinned_pages", 0, 5));
}

/* vd_show() without its assertions: 0 once the flip is done. */
static int show_run(struct vg *g)
{
	vd_plane_regs(g, 0, VD_PLANE_CTL_XRGB, fi_fb.w, fi_fb.h, fi_fb.stride,
		      0, 0);
	vg_wr(g, VGPU_REG_DE_PIPE_IER(0),
	      vg_rd(g, VGPU_REG_DE_PIPE_IER(0)) | VGPU_DE_PIPE_FLIP_DONE);
	vg_wr(g, VGPU_REG_DE_PIPE_IIR(0), VGPU_DE_PIPE_FLIP_DONE);
	vg_wr(g, VGPU_REG_PLANE_SURF(0), (u32)fi_fb.gfx);
	return vd_wait_iir(g, 0, VGPU_DE_PIPE_FLIP_DONE, 10) ? 0 : -ETIMEDOUT;
}

/* The shown plane exports with the picture. */
static void shown_exports(struct vg *g, const char *what)
{
	struct vfio_device_gfx_plane_info pi;
	void *map;
	int fd;

	vd_query_ok(g, PRIMARY, DMABUF, &pi);
	vd_assert_primary(&pi, &fi_fb, 0, 0);
	fd = vd_get_dmabuf(g, pi.dmabuf_id);
	igt_assert_lte(0, fd);
	map = vd_mmap_fd(fd, vd_page_align(pi.size));
	vd_check(&fi_fb, map, pi.stride, what);
	igt_assert_eq(munmap(map, vd_page_align(pi.size)), 0);
	close(fd);
}

/* A plane that did not flip says why; showing it again works. */
static void show_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	if (ret)
		igt_assert_f(vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(0)),
			     "no flip-done and no display error\n");
	vd_show(g, 0, &fi_fb);
	igt_assert_eq_u32(vg_rd(g, VGPU_PV_HEAD_DISPLAY_ERROR(0)), 0);
	shown_exports(g, "after a failed show");
}

static const struct fi_op op_show = {
	"show-plane", show_prepare, show_run, show_check,
};

static int export_run(struct vg *g)
{
	struct vfio_device_gfx_plane_info pi;
	int ret, fd;

	ret = vd_query(g, PRIMARY, DMABUF, &pi);
	if (ret)
		return ret;
	fd = vd_get_dmabuf(g, pi.dmabuf_id);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Refused or made; the next export has the picture. */
static void export_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	(void)ret;
	shown_exports(g, "export after a failed export");
}

/* The plane shown, its dma-buf not yet made: each try exports anew. */
static void export_prepare(struct vg *g)
{
	show_prepare(g);
	vd_show(g, 0, &fi_fb);
	igt_assert(vg_wait_stat(g, "dmabufs", 0, 5));
}

static const struct fi_op op_export = {
	"dmabuf-export", export_prepare, export_run, export_check,
};

static void display_fails_cleanly(void *data)
{
	struct vd_mode m = vd_mode_simple(1024, 768, 1344, 806, 60);
	struct vg g;

	(void)data;
	igt_set_timeout(600, "display fault sweep");
	fi_setup();
	vd_start(&g, "small", "dmabuf\n", 0);
	vd_fb_alloc(&g, &fi_fb, 640, 480);
	vd_fb_draw(&g, &fi_fb, 1);
	vd_pipe_on(&g, 0, &m);
	fi_sweep(&g, &op_show);
	fi_sweep(&g, &op_export);
	fi_teardown();
	vd_pipe_off(&g, 0);
	vg_destroy(&g);
}

/* ---- EDID: link up ------------------------------------------------------- */

static bool head_connected(struct vg *g)
{
	return vg_rd(g, VGPU_PV_HEAD_STATUS(0)) & VGPU_HEAD_STATUS_CONNECTED;
}

static void edid_prepare(struct vg *g)
{
	igt_assert_eq(vfio_region_write32(&g->dev, VGPU_VFIO_REGION_EDID(0),
					  EDID_FIELD(link_state),
					  VFIO_DEVICE_GFX_LINK_STATE_DOWN), 0);
	igt_assert(!head_connected(g));
}

static int edid_run(struct vg *g)
{
	return vfio_region_write32(&g->dev, VGPU_VFIO_REGION_EDID(0),
				   EDID_FIELD(link_state),
				   VFIO_DEVICE_GFX_LINK_STATE_UP);
}

/* Refused and down, or up; going up again works. */
static void edid_check(struct vg *g, int ret, bool failed)
{
	(void)failed;
	igt_assert_eq(head_connected(g), !ret);
	if (ret)
		igt_assert_eq(edid_run(g), 0);
	igt_assert(head_connected(g));
	igt_assert_lt(0, vg_rd(g, VGPU_PV_HEAD_EDID_SIZE(0)));
}

static const struct fi_op op_edid = {
	"edid-link-up", edid_prepare, edid_run, edid_check,
};

static void edid_fails_cleanly(void *data)
{
	(void)data;
	fi_sweep_small(&op_edid, -1, NULL);
}

static const struct igt_subtest subtests[] = {
	{ "create", create_fails_cleanly,
	  "each allocation of a create failing: an error, no device left, the next create works" },
	{ "open", open_fails_cleanly,
	  "each allocation of an open failing: an error, the next open works" },
	{ "ggtt-pin", pin_fails_cleanly,
	  "each allocation of a GGTT entry's pin failing: work through it runs or errors" },
	{ "submit", submit_fails_cleanly,
	  "each allocation of a ring tail write failing: the work runs or errors, never lost" },
	{ "display", display_fails_cleanly,
	  "each allocation of showing or exporting a plane failing: shown and exported after" },
	{ "edid-link-up", edid_fails_cleanly,
	  "each allocation of an EDID link-up failing (none today): refused and down, or up" },
};

IGT_TEST_MAIN("vGPU fault injection: allocation failures on every VMM-driven path",
	      subtests);
