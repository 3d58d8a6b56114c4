// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_lifecycle: creating, using and removing vGPUs over and over leaves
 * nothing behind; removing an open vGPU asks its user to let go (the
 * request eventfd) and completes once it does; closing with work in
 * flight is clean; 32 vGPUs, and 64 of the copy type (a GPU's most),
 * exist and run at once.
 */
#include <pthread.h>
#include <sys/wait.h>

#include "vgpu_guest.h"

/*
 * KASAN keeps freed objects in a quarantine (up to 1/32 of memory) before
 * they really go back, so on such a kernel the slab figure grows without a
 * leak. There kmemleak decides instead: tools/vm/l1-init scans after the
 * suite and fails it on any object of ours (docs/testing.md).
 */
static bool kernel_has_kasan(void)
{
	static int kasan = -1;

	if (kasan < 0)
		kasan = vg_ksym("kasan_report", NULL, NULL);
	return kasan;
}

/*
 * Cycles of a loop: @n, or a tenth under KASAN, where kmemleak names a
 * leak of one object per cycle after a few (and a cycle costs ten times
 * as much).
 */
static int loop_cycles(int n)
{
	return kernel_has_kasan() ? n / 10 : n;
}

/* Fails if unreclaimable slab grew by a MiB or more (see above for KASAN). */
static void assert_slab_back(long before, long after, int cycles)
{
	igt_info("unreclaimable slab: %ld kB before, %ld kB after %d cycles\n",
		 before, after, cycles);
	if (kernel_has_kasan()) {
		igt_info("KASAN quarantine: the growth is kmemleak's to judge\n");
		return;
	}
	igt_assert_f(after - before < 1024, "slab grew by %ld kB\n",
		     after - before);
}

static void create_remove_loop(void *data)
{
	char parent[64], type[64], uuid[MDEV_UUID_STRLEN];
	int i, avail, cycles = loop_cycles(1000);
	long before, after;

	(void)data;
	igt_set_timeout(600, "create/remove cycles");
	igt_require(!vg_find_type("small", parent, sizeof(parent), type,
				  sizeof(type)));
	avail = mdev_type_available_instances(parent, type);
	/* Warm the caches up before measuring. */
	for (i = 0; i < 20; i++) {
		igt_assert_eq(mdev_uuid_generate(uuid), 0);
		igt_assert_eq(mdev_create(parent, type, uuid), 0);
		igt_assert_eq(mdev_remove(uuid), 0);
	}
	before = vg_slab_kib();
	for (i = 0; i < cycles; i++) {
		igt_assert_eq(mdev_uuid_generate(uuid), 0);
		igt_assert_eq(mdev_create(parent, type, uuid), 0);
		igt_assert_eq(mdev_remove(uuid), 0);
	}
	after = vg_slab_settled(before);
	assert_slab_back(before, after, cycles);
	igt_assert_eq(mdev_type_available_instances(parent, type), avail);
}

/* Guest memory of a loop's vGPU: two rings, their status pages, a page. */
#define LOOP_MEM	(64 * 1024)

static void open_run_close_loop(void *data)
{
	int i, warm = 10, cycles = loop_cycles(50);
	long before = 0, after;
	struct vg g;
	u64 buf;

	(void)data;
	igt_set_timeout(600, "open/run/close cycles");
	for (i = 0; i < warm + cycles; i++) {
		if (i == warm)
			before = vg_slab_kib();
		vg_start_mem(&g, "small", LOOP_MEM);
		buf = vg_alloc(&g, PAGE);
		vg_ring_init(&g, COPY);
		vg_ring_init(&g, RENDER);
		vg_store(&g, COPY, buf, i);
		vg_store(&g, RENDER, buf + 4, i);
		vg_run(&g, COPY);
		vg_run(&g, RENDER);
		igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[1], i);
		vg_destroy(&g);
	}
	after = vg_slab_kib();
	assert_slab_back(before, after, cycles);
}

struct remover {
	const char *uuid;
	int ret;
	double done;
};

static void *remove_thread(void *arg)
{
	struct remover *r = arg;

	r->ret = mdev_remove(r->uuid);
	r->done = vg_now();
	return NULL;
}

static void remove_while_open(void *data)
{
	struct remover r = { .ret = -1 };
	pthread_t thr;
	struct vg g;
	int req;
	u64 buf;
	double closed;

	(void)data;
	igt_set_timeout(60, "remove while open");
	vg_start(&g, "small");
	buf = vg_alloc(&g, 1 << 20);
	vg_ring_init(&g, COPY);
	igt_assert_eq(vfio_req_irq_enable(&g.dev, &req), 0);
	/* Work in flight while the host asks for the device back. */
	vg_fill(&g, COPY, buf, 4096, 1024, 256, 1);
	vg_submit(&g, COPY);
	r.uuid = g.uuid;
	igt_assert_eq(pthread_create(&thr, NULL, remove_thread, &r), 0);
	igt_assert_eq(vfio_eventfd_wait(req, 20000, NULL), 0);
	/* The device is still whole until we let go. */
	igt_assert(mdev_exists(g.uuid) || r.done == 0);
	igt_assert_eq_u32(vg_rd(&g, VGPU_PV_MAGIC_LO), LO(VGPU_PV_MAGIC));
	closed = vg_now();
	vg_close(&g);
	close(req);
	igt_assert_eq(pthread_join(thr, NULL), 0);
	igt_assert_eq(r.ret, 0);
	igt_assert(r.done >= closed);
	igt_assert(!mdev_exists(g.uuid));
}

static void close_with_work_in_flight(void *data)
{
	struct vg g;
	u64 buf;
	int i, round;

	(void)data;
	for (round = 0; round < 5; round++) {
		vg_start(&g, "small");
		buf = vg_alloc(&g, 4 << 20);
		vg_ring_init(&g, COPY);
		vg_ring_init(&g, RENDER);
		for (i = 0; i < 40; i++) {
			vg_fill(&g, COPY, buf, 4096, 1024, 1024, i);
			vg_submit(&g, COPY);
			vg_store(&g, RENDER, buf, i);
			vg_submit(&g, RENDER);
		}
		/* Closing and removing with all of that queued. */
		vg_destroy(&g);
	}
}

#define SCALE	32
/* Guest memory each: two rings, their status pages and the fill. */
#define SCALE_32_MEM	(512 * 1024)

static void scale_32_vgpus(void *data)
{
	static struct vg g[SCALE];
	u64 buf[SCALE];
	int i, n = 0;
	double t;

	(void)data;
	igt_set_timeout(600, "32 vGPUs");
	for (i = 0; i < SCALE; i++) {
		vg_start_mem(&g[i], "small", SCALE_32_MEM);
		buf[i] = vg_alloc(&g[i], 256 * 1024);
		vg_ring_init(&g[i], COPY);
		vg_ring_init(&g[i], RENDER);
	}
	t = vg_now();
	for (i = 0; i < SCALE; i++) {
		vg_fill(&g[i], COPY, buf[i], 4096, 1024, 63, 0x100 + i);
		vg_submit(&g[i], COPY);
		vg_store(&g[i], RENDER, buf[i] + 63 * 4096, i);
		vg_submit(&g[i], RENDER);
	}
	for (i = 0; i < SCALE; i++) {
		igt_assert_eq(vg_wait(&g[i], COPY, 60), 0);
		igt_assert_eq(vg_wait(&g[i], RENDER, 60), 0);
		vg_check_fill(&g[i], buf[i], 1024 * 63, 0x100 + i);
		igt_assert_eq_u32(*(u32 *)vg_ptr(&g[i], buf[i] + 63 * 4096), i);
		n++;
	}
	igt_info("%d vGPUs created and ran workloads at once (%.2f s)\n", n,
		 vg_now() - t);
	for (i = 0; i < SCALE; i++)
		vg_destroy(&g[i]);
}

/* Every vGPU a GPU schedules (VGPU_MAX_INSTANCES), all of the copy type. */
#define SCALE_MAX	64
/* Guest memory each: its ring, status page and fill, not VG_MEM_SIZE. */
#define SCALE_MEM	(256 * 1024)
#define SCALE_FILL	(64 * 1024)

static void scale_64_vgpus(void *data)
{
	static struct vg g[SCALE_MAX];
	char parent[64], type[64];
	u64 buf[SCALE_MAX];
	int i, avail;
	double t;

	(void)data;
	igt_set_timeout(600, "64 vGPUs");
	igt_require(!vg_find_type("copy", parent, sizeof(parent), type,
				  sizeof(type)));
	avail = mdev_type_available_instances(parent, type);
	igt_require_f(avail >= SCALE_MAX, "%s: %d %s vGPUs available\n",
		      parent, avail, type);
	for (i = 0; i < SCALE_MAX; i++) {
		igt_assert_eq(vg_create(&g[i], "copy"), 0);
		igt_assert_eq_str(g[i].parent, parent);
		g[i].mem_size = SCALE_MEM;
		vg_open(&g[i]);
		vg_ring_init(&g[i], COPY);
		buf[i] = vg_alloc(&g[i], SCALE_FILL);
	}
	igt_assert_eq(mdev_type_available_instances(parent, type),
		      avail - SCALE_MAX);
	t = vg_now();
	for (i = 0; i < SCALE_MAX; i++) {
		vg_fill(&g[i], COPY, buf[i], 4096, 1024, SCALE_FILL / 4096,
			0x200 + i);
		vg_submit(&g[i], COPY);
	}
	for (i = 0; i < SCALE_MAX; i++) {
		igt_assert_eq(vg_wait(&g[i], COPY, 120), 0);
		vg_check_fill(&g[i], buf[i], SCALE_FILL / 4, 0x200 + i);
	}
	igt_info("%d vGPUs of type %s filled %d KiB each at once (%.2f s)\n",
		 SCALE_MAX, type, SCALE_FILL / 1024, vg_now() - t);
	for (i = 0; i < SCALE_MAX; i++) {
		vg_close(&g[i]);
		igt_assert_eq_u64(vg_stat(&g[i], "pinned_pages"), 0);
		igt_assert_eq(mdev_remove(g[i].uuid), 0);
		igt_assert(!mdev_exists(g[i].uuid));
	}
	igt_assert_eq(mdev_type_available_instances(parent, type), avail);
}

static const struct igt_subtest subtests[] = {
	{ "create-remove-loop", create_remove_loop,
	  "1000 create/remove cycles without slab growth (100 and kmemleak under KASAN)" },
	{ "open-run-close-loop", open_run_close_loop,
	  "vGPUs opened, used and removed repeatedly leave nothing behind" },
	{ "remove-while-open", remove_while_open,
	  "remove signals the request eventfd and completes after close" },
	{ "close-with-work-in-flight", close_with_work_in_flight,
	  "closing and removing with queued work is clean" },
	{ "scale-32-vgpus", scale_32_vgpus,
	  "32 vGPUs on one GPU created and running workloads at once" },
	{ "scale-64-vgpus", scale_64_vgpus,
	  "64 copy vGPUs, a GPU's most, created, open and filling at once; none left after" },
};

IGT_TEST_MAIN("vGPU lifecycle: loops, removal while open, scale", subtests);
