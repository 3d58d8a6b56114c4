// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_gem_exec - GPU work through vgpu_drm's render uAPI, checked pixel
 * by pixel: stores, fills and copies on both engines (the render engine
 * has no blitter: it fills with MI_STORE_DATA_IMM), post-sync writes,
 * batch chains and calls, sync_file fences and waits with timeouts,
 * in-fences, implicit synchronisation between engines, many clients at
 * once, hostile clients whose batches the host refuses while others'
 * work completes, a hang the driver recovers from with an engine reset,
 * and clients that go away with work in flight.
 *
 * Subtests skip when the device is not vgpu_drm or lacks the engine they
 * need; the in-fence ones need sw_sync (debugfs, CONFIG_SW_SYNC).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "igt_core.h"
#include "render.h"

#define PAGE		4096u
#define RENDER		DRM_VGPU_ENGINE_RENDER
#define COPY		DRM_VGPU_ENGINE_COPY
#define BIT_RENDER	RENDER_ENGINE_BIT(RENDER)
#define BIT_COPY	RENDER_ENGINE_BIT(COPY)

/* Pixels of canary around every rectangle a test writes. */
#define BORDER		8
#define CANARY		0xdeadbeefu

static struct vgpu_dev device;

static void setup(void *data)
{
	render_open(data, 0);
}

static void teardown(void *data)
{
	vgpu_dev_close(data);
}

/**
 * struct canvas - a 32 bpp surface of (w + 2 BORDER) x (h + 2 BORDER)
 * pixels, CANARY everywhere at first
 * @bo: its object (mapped)
 * @pitch: bytes per line, a multiple of 64
 * @w: width of the inner rectangle
 * @h: height of the inner rectangle
 */
struct canvas {
	struct vgpu_bo bo;
	__u32 pitch;
	__u32 w;
	__u32 h;
};

static void canvas_init(int fd, __u32 w, __u32 h, struct canvas *c)
{
	__u32 *p;
	__u64 i;

	c->w = w;
	c->h = h;
	c->pitch = ((w + 2 * BORDER) * 4 + 63) & ~63u;
	render_bo(fd, (__u64)c->pitch * (h + 2 * BORDER), &c->bo);
	p = c->bo.map;
	for (i = 0; i < c->bo.size / 4; i++)
		p[i] = CANARY;
}

static struct vgpu_surface canvas_surface(const struct canvas *c)
{
	return vgpu_bo_surface(&c->bo, 0, c->pitch, 4);
}

/* Pixel (x, y) of the pattern copies start from. */
static __u32 pattern(__u32 x, __u32 y)
{
	return (x * 0x9e3779b1u) ^ (y * 0x85ebca77u) ^ 0x01000193u;
}

/*
 * Every pixel of the canvas: @color inside the rectangle (or the pattern
 * from (sx, sy) on when @copied), CANARY outside it.
 */
static void canvas_check(const struct canvas *c, __u32 color, bool copied,
			 __u32 sx, __u32 sy)
{
	const __u32 *p = c->bo.map;
	__u32 x, y, got, want;

	for (y = 0; y < c->h + 2 * BORDER; y++) {
		for (x = 0; x < c->w + 2 * BORDER; x++) {
			bool in = x >= BORDER && x < BORDER + c->w &&
				  y >= BORDER && y < BORDER + c->h;

			got = p[y * c->pitch / 4 + x];
			if (!in)
				want = CANARY;
			else if (copied)
				want = pattern(sx + x - BORDER,
					       sy + y - BORDER);
			else
				want = color;
			igt_assert_f(got == want,
				     "pixel (%u, %u) of a %ux%u rectangle at (%d, %d): %#010x, want %#010x\n",
				     x, y, c->w, c->h, BORDER, BORDER, got,
				     want);
		}
	}
}

static void store_dwords(void *data, __u32 e)
{
	struct vgpu_exec ex[2];
	struct vgpu_batch b[2];
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int i, k;

	render_client(data, RENDER_ENGINE_BIT(e), &d);
	render_bo(d.fd, PAGE, &bo);
	for (k = 0; k < 2; k++) {
		render_batch(d.fd, PAGE, &b[k]);
		vgpu_batch_use(&b[k], &bo);
		for (i = 0; i < 64; i++)
			igt_assert_ok(vgpu_cmd_store_dword(&b[k].cmd,
							   bo.gfx_addr + 8 * i + 4 * k,
							   0x10000 * (k + 1) + i));
		vgpu_exec_init(&ex[k], e);
		ex[k].want_out_fence = true;
		igt_assert_ok(vgpu_batch_submit(&b[k], &ex[k]));
	}
	/* One engine runs its submissions in order, numbered in order. */
	igt_assert_lt(ex[0].seqno, ex[1].seqno);
	for (k = 0; k < 2; k++)
		igt_assert_eq(render_fence_finish(ex[k].out_fence,
						  RENDER_FENCE_TIMEOUT_MS), 1);
	for (i = 0; i < 64; i++)
		for (k = 0; k < 2; k++)
			igt_assert_eq_u32(((__u32 *)bo.map)[2 * i + k],
					  0x10000 * (k + 1) + i);
	for (k = 0; k < 2; k++)
		vgpu_batch_fini(&b[k]);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_store_dword_render(void *data)
{
	store_dwords(data, RENDER);
}

static void subtest_store_dword_copy(void *data)
{
	store_dwords(data, COPY);
}

/* Fill a 100x40 rectangle: XY_COLOR_BLT on copy, stores on render. */
static void fill(void *data, __u32 e)
{
	const __u32 color = e == COPY ? 0xff20c040 : 0xff4080f0;
	struct vgpu_surface s;
	struct vgpu_batch b;
	struct canvas c;
	struct vgpu_dev d;

	render_client(data, RENDER_ENGINE_BIT(e), &d);
	canvas_init(d.fd, 100, 40, &c);
	s = canvas_surface(&c);
	render_batch(d.fd, 64 << 10, &b);
	vgpu_batch_use(&b, &c.bo);
	if (e == COPY)
		igt_assert_ok(vgpu_cmd_color_blt(&b.cmd, &s, BORDER, BORDER,
						 c.w, c.h, color));
	else
		igt_assert_ok(vgpu_cmd_store_fill_rect(&b.cmd, &s, BORDER,
						       BORDER, c.w, c.h,
						       color));
	render_run(&b, e);
	canvas_check(&c, color, false, 0, 0);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&c.bo);
	vgpu_dev_close(&d);
}

static void subtest_fill_render(void *data)
{
	fill(data, RENDER);
}

static void subtest_fill_copy(void *data)
{
	fill(data, COPY);
}

/* Copy a 90x30 piece of a pattern from (5, 3) of the source. */
static void copy(void *data, bool fast)
{
	const __u32 sx = 5, sy = 3;
	struct vgpu_surface ds, ss;
	struct vgpu_bo src;
	struct vgpu_batch b;
	struct canvas c;
	struct vgpu_dev d;
	__u32 x, y, spitch = 128 * 4, *p;

	render_client(data, BIT_COPY, &d);
	canvas_init(d.fd, 90, 30, &c);
	render_bo(d.fd, spitch * 40, &src);
	p = src.map;
	for (y = 0; y < 40; y++)
		for (x = 0; x < 128; x++)
			p[y * 128 + x] = pattern(x, y);
	ds = canvas_surface(&c);
	ss = vgpu_bo_surface(&src, 0, spitch, 4);
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&b, &c.bo);
	vgpu_batch_use(&b, &src);
	if (fast)
		igt_assert_ok(vgpu_cmd_fast_copy_blt(&b.cmd, &ds, BORDER,
						     BORDER, &ss, sx, sy, c.w,
						     c.h));
	else
		igt_assert_ok(vgpu_cmd_src_copy_blt(&b.cmd, &ds, BORDER,
						    BORDER, &ss, sx, sy, c.w,
						    c.h));
	render_run(&b, COPY);
	canvas_check(&c, 0, true, sx, sy);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&src);
	vgpu_bo_free(&c.bo);
	vgpu_dev_close(&d);
}

static void subtest_copy_src_copy(void *data)
{
	copy(data, false);
}

static void subtest_copy_fast_copy(void *data)
{
	copy(data, true);
}

static void subtest_post_sync_render(void *data)
{
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u64 *p;

	render_client(data, BIT_RENDER, &d);
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_pipe_control_store(&b.cmd, bo.gfx_addr + 64,
						  0x0123456789abcdefull));
	igt_assert_ok(vgpu_cmd_store_qword(&b.cmd, bo.gfx_addr + 128,
					   0xfedcba9876543210ull));
	render_run(&b, RENDER);
	p = bo.map;
	igt_assert_eq_u64(p[8], 0x0123456789abcdefull);
	igt_assert_eq_u64(p[16], 0xfedcba9876543210ull);
	igt_assert_eq_u64(p[7] | p[9] | p[15] | p[17], 0);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_post_sync_copy(void *data)
{
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 *p;

	render_client(data, BIT_COPY, &d);
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_flush_dw_store(&b.cmd, bo.gfx_addr + 64,
					      0x5a5a1234));
	render_run(&b, COPY);
	p = bo.map;
	igt_assert_eq_u32(p[16], 0x5a5a1234);
	igt_assert_eq_u32(p[15] | p[17], 0);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/*
 * Batch A stores 1, then starts batch B (another object) and stores 3,
 * which must never run when the start chains (B does not return); B
 * stores 2. With @second_level (render engine) B is called and returns,
 * so 3 is stored after it.
 */
static void batch_chain(void *data, __u32 e, bool second_level)
{
	struct vgpu_batch a, b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 *p;

	render_client(data, RENDER_ENGINE_BIT(e), &d);
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &a);
	render_batch(d.fd, PAGE, &b);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr + 4, 2));
	igt_assert_ok(vgpu_cmd_end(&b.cmd));
	vgpu_batch_use(&a, &bo);
	vgpu_batch_use(&a, &b.bo);
	igt_assert_ok(vgpu_cmd_store_dword(&a.cmd, bo.gfx_addr, 1));
	igt_assert_ok(vgpu_cmd_batch_start(&a.cmd, b.bo.gfx_addr,
					   second_level));
	igt_assert_ok(vgpu_cmd_store_dword(&a.cmd, bo.gfx_addr + 8, 3));
	igt_assert_ok(vgpu_cmd_end(&a.cmd));
	render_run(&a, e);
	p = bo.map;
	igt_assert_eq_u32(p[0], 1);
	igt_assert_eq_u32(p[1], 2);
	igt_assert_eq_u32(p[2], second_level ? 3 : 0);
	vgpu_batch_fini(&a);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_batch_chain_render(void *data)
{
	batch_chain(data, RENDER, false);
}

static void subtest_batch_chain_copy(void *data)
{
	batch_chain(data, COPY, false);
}

static void subtest_batch_second_level(void *data)
{
	batch_chain(data, RENDER, true);
}

/* A batch at an offset, behind bytes that would be refused as commands. */
static void subtest_batch_offset(void *data)
{
	const __u32 start = PAGE + 64;
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 e;

	render_reopen(data, &d);
	e = vgpu_has_engine(&d, COPY) ? COPY : RENDER;
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, 2 * PAGE, &b);
	memset(b.bo.map, 0xff, start);
	igt_assert_ok(vgpu_batch_reset(&b, start));
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 0x0ff5e7));
	render_run(&b, e);
	igt_assert_eq_u32(*(__u32 *)bo.map, 0x0ff5e7);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/*
 * An endless blit: XY_FAST_COPY_BLT at 128 bpp with a pitch of 1 byte,
 * 0x7fff x 0x7fff pixels over one MiB (every line overlaps the last).
 * The host's watchdog kills it after about 500 ms of engine time.
 */
static void emit_endless_blit(struct vgpu_batch *b, const struct vgpu_bo *bo)
{
	const __u32 dw[] = {
		VGPU_XY_FAST_COPY_BLT,
		VGPU_FAST_COPY_DEPTH_128 << VGPU_FAST_COPY_DEPTH_SHIFT | 1,
		VGPU_BLT_XY(0, 0), VGPU_BLT_XY(0x7fff, 0x7fff),
		(__u32)bo->gfx_addr, (__u32)(bo->gfx_addr >> 32),
		VGPU_BLT_XY(0, 0), 1,
		(__u32)bo->gfx_addr, (__u32)(bo->gfx_addr >> 32),
	};

	igt_assert_lte(1 << 20, bo->size);
	vgpu_batch_use(b, bo);
	igt_assert_ok(vgpu_cmd_emit(&b->cmd, dw, IGT_ARRAY_SIZE(dw)));
}

static void assert_ctx_failed(int fd, __u32 ctx, __u32 class, int reason)
{
	struct drm_vgpu_ctx_query q;

	igt_assert_ok(vgpu_ctx_query(fd, ctx, &q));
	igt_assert_eq_u64(q.failed, 1);
	igt_assert_f(vgpu_error_class(q.last_error) == class,
		     "context %u: error status %#x is class %s, want %s\n",
		     ctx, q.last_error,
		     vgpu_error_class_name(vgpu_error_class(q.last_error)),
		     vgpu_error_class_name(class));
	if (reason >= 0)
		igt_assert_f(vgpu_error_reason(q.last_error) == (__u32)reason,
			     "context %u: reason %u (%s), want %d (%s)\n", ctx,
			     vgpu_error_reason(q.last_error),
			     vgpu_audit_reason_name(vgpu_error_reason(q.last_error)),
			     reason, vgpu_audit_reason_name(reason));
}

/*
 * One endless blit: while it runs, a 50 ms GEM_WAIT is ETIME after at
 * least 45 ms and a 50 ms fence poll times out likewise; then its fence
 * fails with EIO. Returns false when the watchdog ended the blit before
 * both waits were seen timing out (a nested guest can be descheduled for
 * longer than the blit's 500 ms of engine time).
 */
static bool waits_time_out(struct vgpu_dev *d, struct vgpu_batch *b,
			   struct vgpu_bo *bo)
{
	bool gem_seen = false, poll_seen = false;
	int fence, ret;
	double t0, t;

	vgpu_batch_reset(b, 0);
	emit_endless_blit(b, bo);
	fence = render_submit(b, COPY, 0, -1);
	t0 = vgpu_now();
	ret = vgpu_gem_wait(d->fd, bo->handle, 50 * 1000 * 1000);
	t = vgpu_now() - t0;
	igt_assert_f(ret == -ETIME || ret == 0, "GEM_WAIT: %s\n",
		     strerror(-ret));
	if (ret == -ETIME) {
		igt_assert_f(t >= 0.045, "a 50 ms GEM_WAIT gave up after %.3f s\n",
			     t);
		gem_seen = true;
	}
	t0 = vgpu_now();
	ret = vgpu_fence_wait(fence, 50);
	t = vgpu_now() - t0;
	igt_assert_lte(0, ret);
	if (!ret) {
		igt_assert_f(t >= 0.045, "a 50 ms poll gave up after %.3f s\n",
			     t);
		igt_assert_eq(vgpu_fence_status(fence), 0);
		igt_assert_eq(vgpu_gem_wait(d->fd, bo->handle, 0), -ETIME);
		poll_seen = true;
	}
	/* The watchdog ends it: the fence signals with an error. */
	igt_assert_eq(render_fence_finish(fence, RENDER_HANG_TIMEOUT_MS), -EIO);
	igt_assert_ok(vgpu_gem_wait(d->fd, bo->handle, 0));
	return gem_seen && poll_seen;
}

static void subtest_wait_timeout(void *data)
{
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int i;
	bool seen = false;

	igt_set_timeout(600, "endless blits to be killed");
	render_client(data, BIT_COPY, &d);
	render_bo(d.fd, 1 << 20, &bo);
	render_batch(d.fd, PAGE, &b);
	for (i = 0; i < 4 && !seen; i++)
		seen = waits_time_out(&d, &b, &bo);
	igt_require_f(seen, "the watchdog ended 4 endless blits before both waits timed out\n");
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/*
 * A client's endless blit on the copy engine, and another client's stores
 * submitted while it runs: on the copy engine (queued behind it) when
 * @behind, else on the render engine (which the host may stop along with
 * the copy engine: the driver replays that work). The watchdog kills the
 * blit; the driver fails only its submission (-EIO, class hang in its
 * context), resets the engine, and everything else completes; the
 * offender's next batch runs.
 */
static void hang_beside_work(void *data, bool behind)
{
	const unsigned int n = 8;
	struct vgpu_batch bad, ok[8];
	struct drm_vgpu_ctx_query q;
	struct vgpu_dev a, b;
	struct vgpu_bo hang, out;
	int fence, good[8], status;
	unsigned int i;
	__u32 ctx, e;

	igt_set_timeout(240, "an endless blit and the work beside it");
	render_client(data, behind ? BIT_COPY : BIT_COPY | BIT_RENDER, &a);
	render_reopen(&a, &b);
	e = behind ? COPY : RENDER;
	igt_assert_ok(vgpu_ctx_create(a.fd, &ctx));
	render_bo(a.fd, 1 << 20, &hang);
	render_batch(a.fd, PAGE, &bad);
	emit_endless_blit(&bad, &hang);
	fence = render_submit(&bad, COPY, ctx, -1);

	render_bo(b.fd, PAGE, &out);
	for (i = 0; i < n; i++) {
		render_batch(b.fd, PAGE, &ok[i]);
		vgpu_batch_use(&ok[i], &out);
		igt_assert_ok(vgpu_cmd_store_dword(&ok[i].cmd,
						   out.gfx_addr + 4 * i,
						   0x100 + i));
		good[i] = render_submit(&ok[i], e, 0, -1);
	}
	status = render_fence_finish(fence, RENDER_HANG_TIMEOUT_MS);
	igt_assert_eq(status, -EIO);
	assert_ctx_failed(a.fd, ctx, VGPU_ERROR_CLASS_HANG, -1);
	for (i = 0; i < n; i++) {
		status = render_fence_finish(good[i], RENDER_HANG_TIMEOUT_MS);
		igt_assert_f(status == 1,
			     "the other client's submission %u on the %s engine: fence status %d\n",
			     i, vgpu_engine_name(e), status);
		igt_assert_eq_u32(((__u32 *)out.map)[i], 0x100 + i);
	}
	igt_assert_ok(vgpu_ctx_query(b.fd, 0, &q));
	igt_assert_eq_u64(q.failed, 0);
	igt_assert_eq_u64(q.completed, n);

	/* The offender's next batch runs on the reset engine. */
	vgpu_batch_reset(&bad, 0);
	vgpu_batch_use(&bad, &hang);
	igt_assert_ok(vgpu_cmd_store_dword(&bad.cmd, hang.gfx_addr, 0xa11ce));
	render_run(&bad, COPY);
	igt_assert_eq_u32(*(__u32 *)hang.map, 0xa11ce);

	for (i = 0; i < n; i++)
		vgpu_batch_fini(&ok[i]);
	vgpu_batch_fini(&bad);
	vgpu_bo_free(&out);
	vgpu_bo_free(&hang);
	vgpu_dev_close(&b);
	vgpu_dev_close(&a);
}

static void subtest_hang_recovered(void *data)
{
	hang_beside_work(data, false);
}

static void subtest_hang_queued_behind(void *data)
{
	hang_beside_work(data, true);
}

/* waitpid() with a deadline; the child's exit status, or -1. */
static int wait_child(pid_t pid, double timeout_s)
{
	double end = vgpu_now() + timeout_s;
	int st;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
			       (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		igt_assert_f(r == 0, "waitpid: %s\n", strerror(errno));
		if (vgpu_now() > end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(10000);
	}
}

static int require_sw_sync(void)
{
	int tl = vgpu_sw_sync_timeline();

	igt_require_f(tl >= 0, "no %s (%s): debugfs not mounted or no CONFIG_SW_SYNC\n",
		      VGPU_SW_SYNC_PATH, strerror(-tl));
	return tl;
}

/*
 * A submission given an unsignalled in-fence does not run until the
 * fence signals (the SUBMIT call waits for it, so a child makes it);
 * the same file's other work meanwhile completes.
 */
static void subtest_in_fence_held(void *data)
{
	struct vgpu_batch b, other;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 *p;
	int tl, in, st;
	pid_t pid;
	__u32 e;

	igt_set_timeout(120, "in-fences");
	tl = require_sw_sync();
	render_reopen(data, &d);
	e = vgpu_has_engine(&d, COPY) ? COPY : RENDER;
	render_bo(d.fd, PAGE, &bo);
	p = bo.map;
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 1));
	in = vgpu_sw_sync_fence(tl, 1);
	igt_assert_lte(0, in);

	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		int f = render_submit(&b, e, 0, in);

		_exit(render_fence_finish(f, RENDER_FENCE_TIMEOUT_MS) == 1 ?
		      0 : 1);
	}
	usleep(500000);
	igt_assert_eq_u32(p[0], 0);
	/* Work without the fence goes by. */
	render_batch(d.fd, PAGE, &other);
	vgpu_batch_use(&other, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&other.cmd, bo.gfx_addr + 4, 2));
	render_run(&other, e);
	igt_assert_eq_u32(p[1], 2);
	igt_assert_eq_u32(p[0], 0);
	igt_assert_ok(vgpu_sw_sync_advance(tl, 1));
	st = wait_child(pid, 90);
	igt_assert_f(st == 0, "the submission with the in-fence: child status %d\n",
		     st);
	igt_assert_eq_u32(p[0], 1);
	close(in);
	close(tl);
	vgpu_batch_fini(&other);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/*
 * B waits for A's out-fence, on the other engine when there is one: B's
 * store lands after all of A's fill.
 */
static void subtest_in_fence_chain(void *data)
{
	const __u32 size = 1 << 20;
	struct vgpu_batch a, b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 ea, eb;
	int fa, fb;

	render_reopen(data, &d);
	ea = vgpu_has_engine(&d, COPY) ? COPY : RENDER;
	eb = vgpu_has_engine(&d, RENDER) ? RENDER : COPY;
	render_bo(d.fd, size, &bo);
	render_batch(d.fd, 4 * PAGE, &a);
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&a, &bo);
	if (ea == COPY) {
		struct vgpu_surface s = vgpu_bo_surface(&bo, 0, PAGE, 4);

		igt_assert_ok(vgpu_cmd_color_blt(&a.cmd, &s, 0, 0, PAGE / 4,
						 size / PAGE, 0xaaaa));
	} else {
		igt_assert_ok(vgpu_cmd_store_fill(&a.cmd, bo.gfx_addr,
						  PAGE, 0xaaaa));
	}
	fa = render_submit(&a, ea, 0, -1);
	/* B does not list the object: only the fence orders them. */
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 0xbbbb));
	fb = render_submit(&b, eb, 0, fa);
	igt_assert_eq(render_fence_finish(fb, RENDER_FENCE_TIMEOUT_MS), 1);
	igt_assert_eq(vgpu_fence_status(fa), 1);
	close(fa);
	igt_assert_eq_u32(((__u32 *)bo.map)[0], 0xbbbb);
	igt_assert_eq_u32(((__u32 *)bo.map)[1], 0xaaaa);
	vgpu_batch_fini(&a);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/*
 * Implicit synchronisation: a large fill on the copy engine, then a store
 * on the render engine into the same object, both listing it: the store
 * waits for the fill and survives it.
 */
static void subtest_implicit_sync(void *data)
{
	const __u32 size = 4 << 20;
	struct vgpu_batch a, b;
	struct vgpu_surface s;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	int fa, fb;

	render_client(data, BIT_RENDER | BIT_COPY, &d);
	render_bo(d.fd, size, &bo);
	s = vgpu_bo_surface(&bo, 0, PAGE, 4);
	render_batch(d.fd, PAGE, &a);
	render_batch(d.fd, PAGE, &b);
	vgpu_batch_use(&a, &bo);
	igt_assert_ok(vgpu_cmd_color_blt(&a.cmd, &s, 0, 0, PAGE / 4,
					 size / PAGE, 0xc0c0c0c0));
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 0x5555));
	fa = render_submit(&a, COPY, 0, -1);
	fb = render_submit(&b, RENDER, 0, -1);
	igt_assert_eq(render_fence_finish(fb, RENDER_FENCE_TIMEOUT_MS), 1);
	igt_assert_eq(render_fence_finish(fa, RENDER_FENCE_TIMEOUT_MS), 1);
	igt_assert_eq_u32(((__u32 *)bo.map)[0], 0x5555);
	render_check_dwords((__u32 *)bo.map + 1, size / 4 - 1, 0xc0c0c0c0,
			    "the fill");
	vgpu_batch_fini(&a);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

#define CLIENTS		4
#define CLIENT_ROUNDS	6
#define CLIENT_BYTES	(16 << 10)

/* One of many clients: its own file, objects and context, checked. */
static int client_work(const struct vgpu_dev *dev, unsigned int id)
{
	struct vgpu_surface s;
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int r;
	__u32 ctx, e, v;

	render_reopen(dev, &d);
	igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
	render_bo(d.fd, CLIENT_BYTES, &bo);
	render_batch(d.fd, 64 << 10, &b);
	s = vgpu_bo_surface(&bo, 0, 256, 4);
	for (r = 0; r < CLIENT_ROUNDS; r++) {
		v = 0xc0000000u | id << 16 | r;
		e = (r + id) & 1 ? RENDER : COPY;
		if (!vgpu_has_engine(&d, e))
			e = !e;
		vgpu_batch_reset(&b, 0);
		vgpu_batch_use(&b, &bo);
		if (e == COPY)
			igt_assert_ok(vgpu_cmd_color_blt(&b.cmd, &s, 0, 0, 64,
							 CLIENT_BYTES / 256,
							 v));
		else
			igt_assert_ok(vgpu_cmd_store_fill(&b.cmd, bo.gfx_addr,
							  CLIENT_BYTES, v));
		igt_assert_eq(render_fence_finish(render_submit(&b, e,
								r & 1 ? ctx : 0,
								-1),
						  RENDER_FENCE_TIMEOUT_MS), 1);
		render_check_dwords(bo.map, CLIENT_BYTES / 4, v, "a client's fill");
	}
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
	return 0;
}

static void subtest_many_clients(void *data)
{
	pid_t pid[CLIENTS];
	unsigned int i;
	int st;

	igt_set_timeout(300, "many clients");
	for (i = 0; i < CLIENTS; i++) {
		pid[i] = fork();
		igt_assert(pid[i] >= 0);
		if (!pid[i])
			_exit(client_work(data, i));
	}
	for (i = 0; i < CLIENTS; i++) {
		st = wait_child(pid[i], 280);
		igt_assert_f(st == 0, "client %u: exit status %d\n", i, st);
	}
}

/* A client's stream of checked stores, with a pause between them. */
static int good_client(const struct vgpu_dev *dev, __u32 e, unsigned int n)
{
	struct drm_vgpu_ctx_query q;
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int i;

	render_reopen(dev, &d);
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &b);
	for (i = 0; i < n; i++) {
		vgpu_batch_reset(&b, 0);
		vgpu_batch_use(&b, &bo);
		igt_assert_ok(vgpu_cmd_store_dword(&b.cmd,
						   bo.gfx_addr + 4 * i,
						   0x900d0000 + i));
		render_run(&b, e);
		igt_assert_eq_u32(((__u32 *)bo.map)[i],
				  0x900d0000 + i);
		usleep(20000);
	}
	igt_assert_ok(vgpu_ctx_query(d.fd, 0, &q));
	igt_assert_eq_u64(q.failed, 0);
	igt_assert_eq_u64(q.completed, n);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
	return 0;
}

/*
 * A hostile client's LRI to a register off the whitelist (GDRST) is
 * refused by the host: its fence fails with -EIO, its context records the
 * audit reason and the offending command; another client's work on the
 * same engine completes, and the hostile client's next batch runs.
 */
static void hostile_beside_good(void *data, __u32 e)
{
	const __u32 lri = VGPU_MI_LOAD_REGISTER_IMM(1);
	struct drm_vgpu_ctx_query q;
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	unsigned int i;
	__u32 ctx;
	pid_t pid;
	int st;

	igt_set_timeout(180, "a refused client beside a good one");
	render_client(data, RENDER_ENGINE_BIT(e), &d);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid)
		_exit(good_client(&d, e, 20));
	usleep(100000);
	igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &b);
	for (i = 0; i < 3; i++) {
		vgpu_batch_reset(&b, 0);
		vgpu_batch_use(&b, &bo);
		igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, i));
		igt_assert_ok(vgpu_cmd_load_register(&b.cmd, VGPU_REG_GDRST,
						     VGPU_GDRST_ENGINE(e)));
		igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr + 4,
						   i));
		st = render_fence_finish(render_submit(&b, e, ctx, -1),
					 RENDER_FENCE_TIMEOUT_MS);
		igt_assert_eq(st, -EIO);
		usleep(50000);
	}
	/* Refused whole: not even the store before the LRI ran. */
	igt_assert_eq_u32(((__u32 *)bo.map)[0], 0);
	igt_assert_eq_u32(((__u32 *)bo.map)[1], 0);
	igt_assert_ok(vgpu_ctx_query(d.fd, ctx, &q));
	igt_assert_eq_u64(q.submitted, 3);
	igt_assert_eq_u64(q.failed, 3);
	igt_assert_eq_u64(q.completed, 0);
	igt_assert_eq_u32(vgpu_error_class(q.last_error),
			  VGPU_ERROR_CLASS_AUDIT);
	igt_assert_f(vgpu_error_reason(q.last_error) == VGPU_AUDIT_REG_DENIED,
		     "audit reason %u (%s), want reg-denied\n",
		     vgpu_error_reason(q.last_error),
		     vgpu_audit_reason_name(vgpu_error_reason(q.last_error)));
	igt_assert_eq_u32(q.last_error_cmd, lri);
	/* The default context saw nothing of it. */
	igt_assert_ok(vgpu_ctx_query(d.fd, 0, &q));
	igt_assert_eq_u64(q.failed, 0);

	vgpu_batch_reset(&b, 0);
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 0x600d));
	render_run(&b, e);
	igt_assert_eq_u32(((__u32 *)bo.map)[0], 0x600d);
	st = wait_child(pid, 150);
	igt_assert_f(st == 0, "the good client: exit status %d\n", st);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static void subtest_hostile_client_render(void *data)
{
	hostile_beside_good(data, RENDER);
}

static void subtest_hostile_client_copy(void *data)
{
	hostile_beside_good(data, COPY);
}

/*
 * Other refusals, each in its own context of one file: a store outside
 * the slice, an unknown opcode, a blit on the render engine, a batch that
 * chains to itself; each context records its reason.
 */
static void subtest_hostile_reasons(void *data)
{
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	__u32 ctx, e, dw;
	struct vgpu_surface s;

	render_reopen(data, &d);
	e = vgpu_has_engine(&d, COPY) ? COPY : RENDER;
	render_bo(d.fd, PAGE, &bo);
	render_batch(d.fd, PAGE, &b);
	s = vgpu_bo_surface(&bo, 0, 256, 4);

	/* The high dword is all address: 4 GiB is past any slice. */
	igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
	vgpu_batch_reset(&b, 0);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, 1ull << 32, 1));
	igt_assert_eq(render_fence_finish(render_submit(&b, e, ctx, -1),
					  RENDER_FENCE_TIMEOUT_MS), -EIO);
	assert_ctx_failed(d.fd, ctx, VGPU_ERROR_CLASS_AUDIT,
			  VGPU_AUDIT_ADDR_RANGE);

	igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
	vgpu_batch_reset(&b, 0);
	dw = VGPU_MI_INSTR(0x3f, 0);
	igt_assert_ok(vgpu_cmd_emit(&b.cmd, &dw, 1));
	igt_assert_eq(render_fence_finish(render_submit(&b, e, ctx, -1),
					  RENDER_FENCE_TIMEOUT_MS), -EIO);
	assert_ctx_failed(d.fd, ctx, VGPU_ERROR_CLASS_AUDIT,
			  VGPU_AUDIT_UNKNOWN_OPCODE);

	if (vgpu_has_engine(&d, RENDER)) {
		igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
		vgpu_batch_reset(&b, 0);
		vgpu_batch_use(&b, &bo);
		igt_assert_ok(vgpu_cmd_color_blt(&b.cmd, &s, 0, 0, 8, 8, 1));
		igt_assert_eq(render_fence_finish(render_submit(&b, RENDER,
								ctx, -1),
						  RENDER_FENCE_TIMEOUT_MS),
			      -EIO);
		assert_ctx_failed(d.fd, ctx, VGPU_ERROR_CLASS_AUDIT,
				  VGPU_AUDIT_WRONG_ENGINE);
	}

	/* A batch that chains to itself. */
	igt_assert_ok(vgpu_ctx_create(d.fd, &ctx));
	vgpu_batch_reset(&b, 0);
	igt_assert_ok(vgpu_cmd_batch_start(&b.cmd, b.bo.gfx_addr, false));
	igt_assert_eq(render_fence_finish(render_submit(&b, e, ctx, -1),
					  RENDER_FENCE_TIMEOUT_MS), -EIO);
	assert_ctx_failed(d.fd, ctx, VGPU_ERROR_CLASS_AUDIT,
			  VGPU_AUDIT_BATCH_LOOP);

	/* The file's default context still works. */
	vgpu_batch_reset(&b, 0);
	vgpu_batch_use(&b, &bo);
	igt_assert_ok(vgpu_cmd_store_dword(&b.cmd, bo.gfx_addr, 0x600d));
	render_run(&b, e);
	igt_assert_eq_u32(*(__u32 *)bo.map, 0x600d);
	vgpu_batch_fini(&b);
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

/* Queue @n fills without waiting for them. */
static void queue_work(struct vgpu_dev *d, unsigned int n)
{
	struct vgpu_batch b;
	struct vgpu_bo bo;
	struct vgpu_exec ex;
	unsigned int i;

	render_bo(d->fd, 64 << 10, &bo);
	for (i = 0; i < n; i++) {
		struct vgpu_surface s = vgpu_bo_surface(&bo, 0, 1024, 4);
		__u32 e = (i & 1) && vgpu_has_engine(d, RENDER) ? RENDER :
			  vgpu_has_engine(d, COPY) ? COPY : RENDER;

		render_batch(d->fd, 128 << 10, &b);
		vgpu_batch_use(&b, &bo);
		if (e == COPY)
			igt_assert_ok(vgpu_cmd_color_blt(&b.cmd, &s, 0, 0, 256,
							 64, i));
		else
			igt_assert_ok(vgpu_cmd_store_fill(&b.cmd, bo.gfx_addr,
							  16 << 10, i));
		vgpu_exec_init(&ex, e);
		ex.want_out_fence = i & 1;
		igt_assert_ok(vgpu_batch_submit(&b, &ex));
		/* The handles go; the submissions keep the objects. */
		vgpu_batch_fini(&b);
	}
	vgpu_bo_free(&bo);
}

/*
 * Clients that go with work in flight: one exits, one closes its file
 * and carries on, one is killed while its SUBMIT waits for an in-fence.
 * A later client's work completes and is right.
 */
static void subtest_close_in_flight(void *data)
{
	struct vgpu_batch b;
	struct vgpu_dev d;
	struct vgpu_bo bo;
	int tl;
	pid_t pid;
	__u32 e;

	igt_set_timeout(240, "clients closing with work in flight");
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		render_reopen(data, &d);
		queue_work(&d, 32);
		_exit(0);
	}
	igt_assert_eq(wait_child(pid, 120), 0);

	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		render_reopen(data, &d);
		queue_work(&d, 16);
		vgpu_dev_close(&d);
		render_reopen(data, &d);
		queue_work(&d, 4);
		sleep(1);
		_exit(0);
	}
	igt_assert_eq(wait_child(pid, 120), 0);

	tl = vgpu_sw_sync_timeline();
	if (tl >= 0) {
		int in = vgpu_sw_sync_fence(tl, 1);

		igt_assert_lte(0, in);
		pid = fork();
		igt_assert(pid >= 0);
		if (!pid) {
			render_reopen(data, &d);
			render_batch(d.fd, PAGE, &b);
			render_submit(&b, vgpu_has_engine(&d, COPY) ? COPY :
				      RENDER, 0, in);
			_exit(0);
		}
		usleep(500000);
		kill(pid, SIGKILL);
		igt_assert_eq(wait_child(pid, 60), 128 + SIGKILL);
		close(in);
		close(tl);
	} else {
		igt_info("no sw_sync: not killing a client blocked on an in-fence\n");
	}

	render_reopen(data, &d);
	render_bo(d.fd, PAGE, &bo);
	for (e = 0; e < DRM_VGPU_ENGINE_COUNT; e++) {
		if (!vgpu_has_engine(&d, e))
			continue;
		render_batch(d.fd, PAGE, &b);
		vgpu_batch_use(&b, &bo);
		igt_assert_ok(vgpu_cmd_store_fill(&b.cmd, bo.gfx_addr, 256,
						  0x1a7e0 + e));
		render_run(&b, e);
		render_check_dwords(bo.map, 64, 0x1a7e0 + e, "a later client");
		vgpu_batch_fini(&b);
	}
	vgpu_bo_free(&bo);
	vgpu_dev_close(&d);
}

static const struct igt_subtest subtests[] = {
	{ "store-dword-render", subtest_store_dword_render,
	  "Stores on the render engine; two submissions in order." },
	{ "store-dword-copy", subtest_store_dword_copy,
	  "Stores on the copy engine; two submissions in order." },
	{ "fill-render", subtest_fill_render,
	  "A rectangle filled with stores on render; every pixel checked." },
	{ "fill-copy", subtest_fill_copy,
	  "A rectangle filled with XY_COLOR_BLT; every pixel checked." },
	{ "copy-src-copy", subtest_copy_src_copy,
	  "XY_SRC_COPY_BLT of a pattern; every pixel checked." },
	{ "copy-fast-copy", subtest_copy_fast_copy,
	  "XY_FAST_COPY_BLT of a pattern; every pixel checked." },
	{ "post-sync-render", subtest_post_sync_render,
	  "PIPE_CONTROL post-sync write and a qword store on render." },
	{ "post-sync-copy", subtest_post_sync_copy,
	  "MI_FLUSH_DW post-sync write on the copy engine." },
	{ "batch-chain-render", subtest_batch_chain_render,
	  "A batch chains to another object's batch, never returning." },
	{ "batch-chain-copy", subtest_batch_chain_copy,
	  "A batch chains to another object's batch on the copy engine." },
	{ "batch-second-level", subtest_batch_second_level,
	  "A second-level batch is called and returns (render)." },
	{ "batch-offset", subtest_batch_offset,
	  "A batch starts at an offset, behind bytes that are no commands." },
	{ "wait-timeout", subtest_wait_timeout,
	  "GEM_WAIT and polls time out on an endless blit; its fence fails." },
	{ "hang-recovered", subtest_hang_recovered,
	  "A hang fails only its submission; render work meanwhile completes." },
	{ "hang-queued-behind", subtest_hang_queued_behind,
	  "Work queued behind a hang on its engine completes after the reset." },
	{ "in-fence-held", subtest_in_fence_held,
	  "A submission waits for its sw_sync in-fence; other work goes by." },
	{ "in-fence-chain", subtest_in_fence_chain,
	  "A submission given another's out-fence runs after it." },
	{ "implicit-sync", subtest_implicit_sync,
	  "A render store into an object a copy fill writes waits for it." },
	{ "many-clients", subtest_many_clients,
	  "Four processes fill and check their own objects at once." },
	{ "hostile-client-render", subtest_hostile_client_render,
	  "A refused LRI on render beside another client's good work." },
	{ "hostile-client-copy", subtest_hostile_client_copy,
	  "A refused LRI on copy beside another client's good work." },
	{ "hostile-reasons", subtest_hostile_reasons,
	  "Refusals (range, opcode, engine, loop) recorded per context." },
	{ "close-in-flight", subtest_close_in_flight,
	  "Clients exit, close or die with work in flight; later ones work." },
};

IGT_TEST_MAIN("GPU work through vgpu_drm, checked pixel by pixel.", subtests,
	      .setup = setup, .teardown = teardown, .data = &device);
