// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_soak: mixed load on one GPU for a while, with nothing lost. The
 * roles run as processes side by side for VGPU_SOAK_SECONDS (default 15;
 * `make soak` runs it for DURATION on the debug kernel):
 *  - workers: three vGPUs fill, copy and store on both engines and check
 *    every result, each within a deadline; the first also resets its
 *    device every few rounds and starts over;
 *  - knobs: changes the workers' weights, caps and priorities;
 *  - display: flips between two framebuffers and exports each shown plane
 *    as a dma-buf, checking its pixels;
 *  - churn: creates, opens, uses, closes and removes vGPUs;
 *  - hostile: runs vgpu_hostile's refusal classes, each on a vGPU of its
 *    own, over and over.
 * Every role ends with no error; every vGPU a role closes holds no pin;
 * at the end the GPU's graphics memory and contexts are back to nothing,
 * the type's free instances and unreclaimable slab are back where they
 * were (under KASAN kmemleak judges the slab, see vgpu_lifecycle).
 */
#include <limits.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "vgpu_display.h"
#include "vgpu_guest.h"

#define SOAK_DEFAULT_S		15
#define SOAK_WORKERS		3
/* A round's work is tiny: a late one is a stall, even under KASAN. */
#define SOAK_DEADLINE_S		30
#define SOAK_RESET_EVERY	25	/* rounds of worker 0 between resets */
#define SOAK_RESET_FIRST	2	/* the round of its first reset */
#define SOAK_SETUP_S		300	/* for every role to set up */
#define SOAK_KNOB_PERIOD_US	100000
#define SOAK_FILL_PITCH		4096
#define SOAK_FILL_ROWS		16
#define SOAK_FILL_BYTES		(SOAK_FILL_PITCH * SOAK_FILL_ROWS)
#define SOAK_GPU_STATUS		"/sys/kernel/debug/refgpu/refgpu.0/status"

enum soak_role {
	ROLE_WORKER,		/* SOAK_WORKERS of them */
	ROLE_KNOBS = ROLE_WORKER + SOAK_WORKERS,
	ROLE_DISPLAY,
	ROLE_CHURN,
	ROLE_HOSTILE,
	ROLE_COUNT
};

/* What each role did, in memory shared with the parent. */
struct soak_counts {
	char uuid[MDEV_UUID_STRLEN];	/* a worker's vGPU, for the knobs */
	int uuid_set;			/* @uuid is complete */
	unsigned long long rounds;
	unsigned long long resets;
	unsigned long long dmabufs;
};

/*
 * Shared by the roles and the parent: the roles set up, say they are
 * ready, and run until the end the parent publishes once all are ready
 * (setting up takes seconds on a debug kernel and is not soak time).
 */
struct soak_shared {
	long long end_us;		/* 0 until published */
	int ready;
	struct soak_counts counts[ROLE_COUNT];
};

struct soak {
	char hostile[PATH_MAX + 16];	/* the vgpu_hostile binary */
	struct soak_shared *sh;
	struct soak_counts *counts;	/* sh->counts */
};

static const char *const soak_role_names[ROLE_COUNT] = {
	[ROLE_WORKER] = "worker 0",
	[ROLE_WORKER + 1] = "worker 1",
	[ROLE_WORKER + 2] = "worker 2",
	[ROLE_KNOBS] = "knobs",
	[ROLE_DISPLAY] = "display",
	[ROLE_CHURN] = "churn",
	[ROLE_HOSTILE] = "hostile",
};

/* A role is set up: wait for the parent to publish the end. */
static void soak_ready(struct soak *s)
{
	__atomic_add_fetch(&s->sh->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&s->sh->end_us, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static bool soak_running(const struct soak *s)
{
	return vg_now() * 1e6 < __atomic_load_n(&s->sh->end_us,
						  __ATOMIC_ACQUIRE);
}

/* VGPU_SOAK_SECONDS, or the default; 0 turns the soak off (skips). */
static unsigned int soak_seconds(void)
{
	const char *s = getenv("VGPU_SOAK_SECONDS");
	unsigned long v;
	char *end;

	if (!s || !*s)
		return SOAK_DEFAULT_S;
	v = strtoul(s, &end, 10);
	igt_assert_f(!*end && v <= 24 * 3600,
		     "VGPU_SOAK_SECONDS=%s: want 0 to 86400\n", s);
	return v;
}

/* Closes @g and checks it holds no pin before removing it. */
static void soak_close_check(struct vg *g)
{
	vg_close(g);
	igt_assert_eq_u64(vg_stat(g, "pinned_pages"), 0);
	igt_assert_eq_u64(vg_stat(g, "display_pinned_pages"), 0);
	igt_assert_eq(mdev_remove(g->uuid), 0);
}

/* Waits for @e's work with the soak's deadline, then checks no error. */
static void soak_wait(struct vg *g, int e, const char *what)
{
	double t = vg_now();
	int ret = vg_wait(g, e, SOAK_DEADLINE_S);

	igt_assert_f(ret == 0, "%s: engine %d: %d after %.1f s (error %#x)\n",
		     what, e, ret, vg_now() - t, vg_error(g, e));
}

/* A worker's buffers: a fill target, its copy, a store target. */
struct soak_bufs {
	u64 fill, copy, store;
};

static void soak_worker_setup(struct vg *g, struct soak_bufs *b)
{
	b->fill = vg_alloc(g, SOAK_FILL_BYTES);
	b->copy = vg_alloc(g, SOAK_FILL_BYTES);
	b->store = vg_alloc(g, PAGE);
	vg_ring_init(g, COPY);
	vg_ring_init(g, RENDER);
}

/* VFIO_DEVICE_RESET drops the GGTT and the rings: map and set up again. */
static void soak_worker_reset(struct vg *g, struct soak_bufs *b)
{
	igt_assert_eq(vfio_dev_reset(&g->dev), 0);
	igt_assert_eq_u64(vg_stat(g, "pinned_pages"), 0);
	vg_map(g, g->slice_base, VG_MEM_IOVA, g->mapped);
	g->next = g->slice_base;
	soak_worker_setup(g, b);
}

static void soak_worker(struct soak *s, int id)
{
	struct soak_counts *c = &s->counts[ROLE_WORKER + id];
	struct soak_bufs b;
	unsigned long long r;
	u32 color;
	struct vg g;

	vg_start(&g, "small");
	memcpy(c->uuid, g.uuid, sizeof(c->uuid));
	__atomic_store_n(&c->uuid_set, 1, __ATOMIC_RELEASE);
	soak_worker_setup(&g, &b);
	soak_ready(s);
	for (r = 0; soak_running(s); r++) {
		color = (u32)(id << 24) ^ (u32)r;
		vg_fill(&g, COPY, b.fill, SOAK_FILL_PITCH, SOAK_FILL_PITCH / 4,
			SOAK_FILL_ROWS, color);
		vg_copy(&g, COPY, b.copy, b.fill, SOAK_FILL_PITCH,
			SOAK_FILL_PITCH / 4, SOAK_FILL_ROWS);
		vg_submit(&g, COPY);
		vg_store(&g, RENDER, b.store, ~color);
		vg_submit(&g, RENDER);
		soak_wait(&g, COPY, soak_role_names[ROLE_WORKER + id]);
		soak_wait(&g, RENDER, soak_role_names[ROLE_WORKER + id]);
		vg_check_fill(&g, b.copy, SOAK_FILL_BYTES / 4, color);
		igt_assert_eq_u32(*(u32 *)vg_ptr(&g, b.store), ~color);
		c->rounds = r + 1;
		if (id == 0 && r % SOAK_RESET_EVERY == SOAK_RESET_FIRST) {
			soak_worker_reset(&g, &b);
			c->resets++;
		}
	}
	soak_close_check(&g);
}

/*
 * Sets a knob of a worker's vGPU. A worker removes its vGPU only after the
 * end, so a vGPU gone before then is an error.
 */
static void soak_knob(struct soak *s, const char *uuid, const char *knob,
		      unsigned int v)
{
	char attr[32], buf[16];
	int ret;

	snprintf(attr, sizeof(attr), "vgpu/%s", knob);
	snprintf(buf, sizeof(buf), "%u", v);
	ret = mdev_attr_write(uuid, attr, buf);
	igt_assert_f(!ret || !soak_running(s), "%s %s=%u: %d\n", uuid, knob,
		     v, ret);
}

/* Weights, caps (in 0.01 % of an engine) and priorities, in turn. */
static void soak_knobs(struct soak *s)
{
	static const unsigned int weights[] = { 1, 25, 100, 400 };
	static const unsigned int caps[] = { 0, 2500, 10000 };
	static const unsigned int prios[] = { 0, 1, 2 };
	struct soak_counts *c = &s->counts[ROLE_KNOBS];
	const char *uuid;
	unsigned long long r;
	int i;

	soak_ready(s);
	for (r = 0; soak_running(s); r++) {
		for (i = 0; i < SOAK_WORKERS; i++) {
			if (!__atomic_load_n(&s->counts[ROLE_WORKER + i].uuid_set,
					     __ATOMIC_ACQUIRE))
				continue;	/* not created yet */
			uuid = s->counts[ROLE_WORKER + i].uuid;
			soak_knob(s, uuid, "weight",
				  weights[(r + i) % IGT_ARRAY_SIZE(weights)]);
			soak_knob(s, uuid, "cap",
				  caps[(r + i) % IGT_ARRAY_SIZE(caps)]);
			soak_knob(s, uuid, "priority",
				  prios[(r + i) % IGT_ARRAY_SIZE(prios)]);
		}
		c->rounds = r + 1;
		usleep(SOAK_KNOB_PERIOD_US);
	}
}

/* Shows @fb, then checks the exported plane holds its pixels. */
static void soak_show_export(struct vg *g, const struct vd_fb *fb, bool flip)
{
	struct vfio_device_gfx_plane_info pi;
	u64 len = vd_page_align((u64)fb->stride * fb->h);
	void *map;
	int fd;

	if (flip)
		vd_flip(g, 0, fb->gfx);
	else
		vd_show(g, 0, fb);
	vd_query_ok(g, VD_PLANE_PRIMARY, VFIO_GFX_PLANE_TYPE_DMABUF, &pi);
	vd_assert_primary(&pi, fb, 0, 0);
	fd = vd_get_dmabuf(g, pi.dmabuf_id);
	igt_assert_f(fd >= 0, "GET_GFX_DMABUF(%u): %d\n", pi.dmabuf_id, fd);
	map = vd_mmap_fd(fd, len);
	vd_check(fb, map, fb->stride, "soak flip");
	igt_assert_eq(munmap(map, len), 0);
	close(fd);
}

static void soak_display(struct soak *s)
{
	struct soak_counts *c = &s->counts[ROLE_DISPLAY];
	struct vd_mode m = vd_mode_simple(640, 480, 800, 525, 60);
	struct vd_fb fb[2];
	unsigned long long r;
	struct vg g;

	vd_start(&g, "small", "dmabuf\n", 0);
	vd_fb_alloc(&g, &fb[0], 640, 480);
	vd_fb_alloc(&g, &fb[1], 640, 480);
	vd_fb_draw(&g, &fb[0], 20);
	vd_fb_draw(&g, &fb[1], 21);
	vd_pipe_on(&g, 0, &m);
	soak_show_export(&g, &fb[0], false);
	soak_ready(s);
	for (r = 0; soak_running(s); r++) {
		soak_show_export(&g, &fb[(r + 1) % 2], true);
		c->rounds = r + 1;
		c->dmabufs = r + 2;
	}
	vd_pipe_off(&g, 0);
	soak_close_check(&g);
}

/* Create, open, one store on each engine, close, remove. */
static void soak_churn_round(u32 r)
{
	struct vg g;
	u64 buf;

	vg_start(&g, "small");
	buf = vg_alloc(&g, PAGE);
	vg_ring_init(&g, COPY);
	vg_ring_init(&g, RENDER);
	vg_store(&g, COPY, buf, r);
	vg_store(&g, RENDER, buf + 4, ~r);
	vg_submit(&g, COPY);
	vg_submit(&g, RENDER);
	soak_wait(&g, COPY, "churn");
	soak_wait(&g, RENDER, "churn");
	igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[0], r);
	igt_assert_eq_u32(((u32 *)vg_ptr(&g, buf))[1], ~r);
	soak_close_check(&g);
}

static void soak_churn(struct soak *s)
{
	struct soak_counts *c = &s->counts[ROLE_CHURN];
	unsigned long long r;

	soak_ready(s);
	for (r = 0; soak_running(s); r++) {
		soak_churn_round((u32)r);
		c->rounds = r + 1;
	}
}

/* vgpu_hostile's refusal classes, a fresh vGPU each time. */
static void soak_hostile(struct soak *s)
{
	struct soak_counts *c = &s->counts[ROLE_HOSTILE];
	unsigned long long r;
	int status;
	pid_t pid;

	soak_ready(s);
	for (r = 0; soak_running(s); r++) {
		pid = fork();
		igt_assert_lte(0, pid);
		if (!pid) {
			/*
			 * Its subtest lines would read as this binary's to
			 * a runner; failures explain themselves on stderr.
			 */
			if (!freopen("/dev/null", "w", stdout))
				_exit(IGT_EXIT_FAILURE);
			execl(s->hostile, s->hostile, "--run-subtest",
			      "every-refusal-class", (char *)NULL);
			_exit(IGT_EXIT_FAILURE);
		}
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
			     "vgpu_hostile round %llu: status %#x\n", r, status);
		c->rounds = r + 1;
	}
}

static void soak_run_role(struct soak *s, int role)
{
	if (role < ROLE_KNOBS)
		soak_worker(s, role - ROLE_WORKER);
	else if (role == ROLE_KNOBS)
		soak_knobs(s);
	else if (role == ROLE_DISPLAY)
		soak_display(s);
	else if (role == ROLE_CHURN)
		soak_churn(s);
	else
		soak_hostile(s);
}

/* vgpu_hostile beside this binary. */
static void soak_find_hostile(struct soak *s)
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	igt_assert_lt(0, n);
	self[n] = '\0';
	slash = strrchr(self, '/');
	igt_assert(slash);
	*slash = '\0';
	snprintf(s->hostile, sizeof(s->hostile), "%s/vgpu_hostile", self);
	igt_require_f(!access(s->hostile, X_OK), "no %s\n", s->hostile);
}

/* The GPU's graphics memory and contexts hold nothing (refgpu debugfs). */
static void soak_assert_gpu_idle(void)
{
	char line[256];
	bool ggtt = false, ctx = false;
	FILE *f = fopen(SOAK_GPU_STATUS, "r");

	if (!f) {
		igt_info("no %s: GPU-wide idle check skipped\n",
			 SOAK_GPU_STATUS);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "ggtt: ", 6)) {
			igt_assert_f(strstr(line,
					    "ranges 0 reserved_pages 0 present 0 "),
				     "GPU not idle: %s", line);
			ggtt = true;
		}
		if (!strcmp(line, "contexts: 0\n"))
			ctx = true;
	}
	fclose(f);
	igt_assert_f(ggtt && ctx, "GPU still holds contexts or no ggtt line\n");
}

/* One of each kind of object the roles create, before slab is measured. */
static void soak_warm_up(struct soak *s)
{
	struct soak_shared sh = { .end_us = 1 };	/* ended */
	struct soak w = *s;

	w.sh = &sh;
	w.counts = sh.counts;
	soak_churn_round(0);
	soak_display(&w);	/* shows one frame, then stops */
}

/*
 * Waits until every role is set up (or one ended early: its setup failed),
 * then publishes the end, @secs from now.
 */
static void soak_start(struct soak *s, const pid_t *pids, bool *reaped,
		       int *status, unsigned int secs)
{
	double give_up = vg_now() + SOAK_SETUP_S;
	bool early = false;
	int role;

	while (__atomic_load_n(&s->sh->ready, __ATOMIC_ACQUIRE) < ROLE_COUNT &&
	       !early && vg_now() < give_up) {
		usleep(10000);
		for (role = 0; role < ROLE_COUNT; role++) {
			if (reaped[role] ||
			    waitpid(pids[role], &status[role], WNOHANG) != pids[role])
				continue;
			reaped[role] = true;
			early = true;
		}
	}
	igt_info("roles set up: %d of %d\n", s->sh->ready, ROLE_COUNT);
	__atomic_store_n(&s->sh->end_us, (long long)((vg_now() + secs) * 1e6),
			 __ATOMIC_RELEASE);
}

static void mixed(void *data)
{
	char parent[64], type[64];
	unsigned int secs = soak_seconds();
	pid_t pids[ROLE_COUNT];
	bool reaped[ROLE_COUNT] = { };
	int status[ROLE_COUNT];
	long slab_before, slab_after;
	int role, avail, failed = 0;
	struct soak s;

	(void)data;
	igt_require_f(secs, "VGPU_SOAK_SECONDS=0: the soak is off here\n");
	igt_set_timeout(secs + SOAK_SETUP_S + 600, "the soak's roles");
	soak_find_hostile(&s);
	igt_require(!vg_find_type("small", parent, sizeof(parent), type,
				  sizeof(type)));
	avail = mdev_type_available_instances(parent, type);
	soak_warm_up(&s);
	slab_before = vg_slab_kib();
	s.sh = mmap(NULL, sizeof(*s.sh), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(s.sh != MAP_FAILED);
	memset(s.sh, 0, sizeof(*s.sh));
	s.counts = s.sh->counts;

	for (role = 0; role < ROLE_COUNT; role++) {
		pids[role] = fork();
		igt_assert_lte(0, pids[role]);
		if (!pids[role]) {
			soak_run_role(&s, role);
			_exit(IGT_EXIT_SUCCESS);
		}
	}
	soak_start(&s, pids, reaped, status, secs);
	for (role = 0; role < ROLE_COUNT; role++) {
		if (!reaped[role])
			igt_assert_eq(waitpid(pids[role], &status[role], 0),
				      pids[role]);
		if (!WIFEXITED(status[role]) || WEXITSTATUS(status[role])) {
			igt_warn("%s failed: status %#x\n",
				 soak_role_names[role], status[role]);
			failed++;
		}
	}
	for (role = 0; role < ROLE_COUNT; role++)
		igt_info("%-8s rounds %llu resets %llu dma-bufs %llu\n",
			 soak_role_names[role], s.counts[role].rounds,
			 s.counts[role].resets, s.counts[role].dmabufs);
	igt_assert_eq(failed, 0);
	for (role = 0; role < ROLE_COUNT; role++)
		igt_assert_f(s.counts[role].rounds > 0, "%s did nothing\n",
			     soak_role_names[role]);
	igt_assert_f(s.counts[ROLE_WORKER].resets > 0,
		     "worker 0 never reset (%llu rounds)\n",
		     s.counts[ROLE_WORKER].rounds);

	igt_assert_eq(mdev_type_available_instances(parent, type), avail);
	soak_assert_gpu_idle();
	slab_after = vg_slab_settled(slab_before);
	igt_info("unreclaimable slab: %ld kB before, %ld kB after %u s\n",
		 slab_before, slab_after, secs);
	if (vg_ksym("kasan_report", NULL, NULL))
		igt_info("KASAN quarantine: the growth is kmemleak's to judge\n");
	else
		igt_assert_f(slab_after - slab_before < 1024,
			     "slab grew by %ld kB\n", slab_after - slab_before);
	munmap(s.sh, sizeof(*s.sh));
}

static const struct igt_subtest subtests[] = {
	{ "mixed", mixed,
	  "workers, knobs, resets, flips, dma-bufs, churn, hostile: no error, nothing left" },
};

IGT_TEST_MAIN("vGPU soak: mixed load on one GPU, nothing lost", subtests);
