// SPDX-License-Identifier: GPL-2.0
/*
 * kms_vblank - WAIT_VBLANK queries, blocking waits and events on a lit
 * CRTC: sequence numbers exact, timestamps one frame apart at the mode's
 * refresh rate (averaged over many frames, 15% tolerance: the tests run
 * under emulation), counts that keep going while nobody waits and across
 * a modeset, and bad requests refused with EINVAL.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

#define FRAMES		30
#define TOLERANCE	0.15

struct vblank {
	struct kms_device dev;
	struct kms_output out;
	struct kms_fb fb;
	double frame_ns;
};

static struct vblank vb;

static void setup(void *data)
{
	struct vblank *v = data;

	kms_open(&v->dev);
	kms_disable_all(&v->dev);
	kms_require_output(&v->dev, &v->out);
	kms_output_show(&v->dev, &v->out, &v->fb, 0xff204060);
	v->frame_ns = kms_mode_frame_ns(&v->out.mode);
	igt_debug("%s: %dx%d, %.3f Hz\n", v->dev.driver,
		  v->out.mode.hdisplay, v->out.mode.vdisplay,
		  kms_mode_refresh(&v->out.mode));
}

static void teardown(void *data)
{
	struct vblank *v = data;

	kms_disable_all(&v->dev);
	kms_fb_destroy(&v->fb);
	kms_close(&v->dev);
}

static void start(struct vblank *v)
{
	kms_drain_events(v->dev.fd);
	igt_set_timeout(60, "vblanks");
}

/* (t1 - t0) / (s1 - s0) is one frame, within the tolerance. */
static void assert_frame_rate(const struct vblank *v, __u32 s0, __u64 t0,
			      __u32 s1, __u64 t1)
{
	double per;

	igt_assert_lt(0, (__s32)(s1 - s0));
	per = (double)(t1 - t0) / (__u32)(s1 - s0);
	igt_assert_f(kms_within(per, v->frame_ns, TOLERANCE),
		     "%u frames took %.0f ns each, the mode says %.0f ns\n",
		     s1 - s0, per, v->frame_ns);
}

/*
 * A loop's failure: in the parent the subtest fails with @fmt; a forked
 * child explains itself on stderr (the parent only sees its exit status)
 * and the loop returns -1, which the child turns into exit status 1.
 */
static int __igt_printf(2, 3) loop_fail(bool child, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!child)
		igt_fail_f("%s", msg);
	fprintf(stderr, "child %d: %s", (int)getpid(), msg);
	fflush(stderr);
	return -1;
}

/* Queries while the vblanks tick: counts and times only move forward. */
static int query_loop(const struct vblank *v, int frames, bool child)
{
	__u32 s0, s, prev_s;
	__u64 t0, t, prev_t, deadline;
	double per;
	int ret;

	ret = kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0);
	if (ret)
		return loop_fail(child, "query: %s\n", strerror(-ret));
	prev_s = s0;
	prev_t = t0;
	deadline = kms_now_ns() + 30ull * 1000000000ull;
	do {
		usleep(2000);
		ret = kms_vblank_query(&v->dev, v->out.crtc_index, &s, &t);
		if (ret)
			return loop_fail(child, "query: %s\n", strerror(-ret));
		if ((__s32)(s - prev_s) < 0 || t < prev_t ||
		    (s == prev_s && t != prev_t))
			return loop_fail(child,
					 "query went from %u@%llu to %u@%llu\n",
					 prev_s, (unsigned long long)prev_t,
					 s, (unsigned long long)t);
		prev_s = s;
		prev_t = t;
		if (kms_now_ns() > deadline)
			return loop_fail(child,
					 "%u of %d frames in 30 s\n",
					 s - s0, frames);
	} while ((__s32)(s - s0) < frames);
	per = (double)(t - t0) / (s - s0);
	if (!kms_within(per, v->frame_ns, TOLERANCE))
		return loop_fail(child,
				 "%u frames took %.0f ns each, the mode says %.0f ns\n",
				 s - s0, per, v->frame_ns);
	return 0;
}

static void subtest_query_idle(void *data)
{
	struct vblank *v = data;

	start(v);
	query_loop(v, FRAMES, false);
}

/*
 * Blocking absolute waits for the next frame, @frames times: never early,
 * replies in order (sequences strictly increasing, timestamps too), the
 * wall clock saw the frames go by, and the replies' timestamps are one
 * frame apart on average.
 */
static int wait_loop(const struct vblank *v, int frames, bool child)
{
	struct drm_wait_vblank_reply r;
	__u32 s0, target, prev_s;
	__u64 t0, t, prev_t, wall0, wall;
	double per;
	int i, ret;

	/*
	 * The wall clock starts before the query: a process descheduled
	 * between the two (four of them share one slow CPU) must not see
	 * frames that its wall clock did not.
	 */
	wall0 = kms_now_ns();
	ret = kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0);
	if (ret)
		return loop_fail(child, "query: %s\n", strerror(-ret));
	prev_s = s0;
	prev_t = t0;
	t = t0;
	for (i = 1; i <= frames; i++) {
		target = s0 + i;
		ret = kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_ABSOLUTE, target, 0, &r);
		if (ret)
			return loop_fail(child, "wait for %u: %s\n", target,
					 strerror(-ret));
		/* Never early; exactly on target unless the target had
		 * already passed when we asked.
		 */
		if ((__s32)(r.sequence - target) < 0)
			return loop_fail(child, "waited for %u, woke at %u\n",
					 target, r.sequence);
		t = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
		if ((__s32)(r.sequence - prev_s) <= 0 || t <= prev_t)
			return loop_fail(child,
					 "wait for %u: %u@%llu after %u@%llu\n",
					 target, r.sequence,
					 (unsigned long long)t, prev_s,
					 (unsigned long long)prev_t);
		prev_s = r.sequence;
		prev_t = t;
		if ((__s32)(r.sequence - target) > 0)
			i = r.sequence - s0;
	}
	wall = kms_now_ns() - wall0;
	/*
	 * The waits did wait: between wall0 and now the frames s0 + 1 ..
	 * prev_s went by, so at least prev_s - s0 - 1 whole periods passed
	 * (the guest clock against the host's frames, with the tolerance of
	 * every rate check).
	 */
	if (wall < (1.0 - TOLERANCE) * (prev_s - s0 - 1) * v->frame_ns)
		return loop_fail(child, "%u frames passed in %llu ns\n",
				 prev_s - s0, (unsigned long long)wall);
	per = (double)(t - t0) / (prev_s - s0);
	if (!kms_within(per, v->frame_ns, TOLERANCE))
		return loop_fail(child,
				 "%u frames took %.0f ns each, the mode says %.0f ns\n",
				 prev_s - s0, per, v->frame_ns);
	return 0;
}

static void subtest_wait_idle(void *data)
{
	struct vblank *v = data;
	struct drm_wait_vblank_reply r;
	__u32 s0;
	__u64 t0, t;

	start(v);
	wait_loop(v, FRAMES, false);

	/* And the averaged rate over FRAMES relative waits. */
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0));
	igt_assert_ok(kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, FRAMES, 0, &r));
	igt_assert_lte(s0 + FRAMES, r.sequence);
	t = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
	assert_frame_rate(v, s0, t0, r.sequence, t);
}

/*
 * Four processes run @loop at once; each explains a failure on stderr
 * before it exits 1, so the reason is in the subtest's output.
 */
static void forked(struct vblank *v, int (*loop)(const struct vblank *, int,
						 bool), int frames)
{
	int i, status, n = 4, failed = 0;
	pid_t pid;

	start(v);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < n; i++) {
		pid = fork();
		igt_assert(pid >= 0);
		if (!pid)
			_exit(loop(v, frames, true) ? 1 : 0);
	}
	for (i = 0; i < n; i++) {
		pid = wait(&status);
		igt_assert(pid > 0);
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			continue;
		igt_warn("child %d: status 0x%x\n", pid, status);
		failed++;
	}
	igt_assert_f(!failed, "%d of %d children failed (see above)\n",
		     failed, n);
}

static void subtest_query_forked(void *data)
{
	forked(data, query_loop, FRAMES / 2);
}

/*
 * The children's rates are checked over as many frames as wait-idle's: in
 * a nested guest the guest clock and the host's frames may disagree by a
 * third over a few frames and only agree within the tolerance on average.
 */
static void subtest_wait_forked(void *data)
{
	forked(data, wait_loop, FRAMES);
}

static void subtest_accuracy_idle(void *data)
{
	struct vblank *v = data;
	const __u32 ahead = 20, n = 4;
	struct drm_event_vblank ev;
	__u32 s0, now_s, i, seen = 0, first = 0;
	__u64 t0, ts = 0;

	start(v);
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0));
	for (i = 0; i < n; i++)
		igt_assert_ok(kms_wait_vblank(&v->dev, v->out.crtc_index,
					      _DRM_VBLANK_ABSOLUTE |
					      _DRM_VBLANK_EVENT,
					      s0 + ahead, 100 + i, NULL));
	for (i = 0; i < n; i++) {
		igt_assert_ok(kms_read_event(v->dev.fd,
					     ahead * v->frame_ns / 1e6 * 2 +
					     KMS_EVENT_TIMEOUT_MS, &ev));
		igt_assert_eq_u32(ev.base.type, DRM_EVENT_VBLANK);
		/*
		 * Never earlier than the frame asked for. A vblank interrupt
		 * that arrives late (a nested emulator can stall a guest for
		 * frames) is reported with the count it found, later than
		 * asked but the same for every event it completes.
		 */
		igt_assert_lte(s0 + ahead, ev.sequence);
		if (i)
			igt_assert_eq_u32(ev.sequence, first);
		first = ev.sequence;
		igt_assert(ev.user_data >= 100 && ev.user_data < 100 + n);
		igt_assert(!(seen & (1u << (ev.user_data - 100))));
		seen |= 1u << (ev.user_data - 100);
		if (i)
			igt_assert_eq_u64(kms_event_ns(&ev), ts);
		ts = kms_event_ns(&ev);
		igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index,
					       &now_s, NULL));
		igt_assert_lte(s0 + ahead, now_s);
	}
	assert_frame_rate(v, s0, t0, ev.sequence, ts);
	igt_assert_eq(kms_read_event(v->dev.fd, 0, &ev), -ETIMEDOUT);
}

static void subtest_crtc_id(void *data)
{
	struct vblank *v = data;
	struct drm_event_vblank ev;
	__u64 cap = 0;

	start(v);
	igt_require_f(!kms_get_cap(v->dev.fd, DRM_CAP_CRTC_IN_VBLANK_EVENT,
				   &cap) && cap,
		      "no DRM_CAP_CRTC_IN_VBLANK_EVENT\n");
	igt_assert_ok(kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_RELATIVE | _DRM_VBLANK_EVENT,
				      1, 0xabcd, NULL));
	igt_assert_ok(kms_read_event(v->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev));
	igt_assert_eq_u64(ev.user_data, 0xabcd);
	igt_assert_eq_u32(ev.crtc_id, v->out.crtc_id);

	igt_assert_ok(kms_page_flip(&v->dev, v->out.crtc_id, v->fb.fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 0x1234));
	igt_assert_ok(kms_read_event(v->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev));
	igt_assert_eq_u32(ev.base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev.user_data, 0x1234);
	igt_assert_eq_u32(ev.crtc_id, v->out.crtc_id);
}

static void subtest_invalid(void *data)
{
	struct vblank *v = data;
	union drm_wait_vblank w;

	start(v);
	/* A CRTC index past the last CRTC. */
	memset(&w, 0, sizeof(w));
	w.request.type = _DRM_VBLANK_RELATIVE |
			 kms_vblank_pipe(v->dev.res.count_crtcs);
	igt_assert_eq(kms_ioctl(v->dev.fd, DRM_IOCTL_WAIT_VBLANK, &w),
		      -EINVAL);
	/* Unknown type bits. */
	memset(&w, 0, sizeof(w));
	w.request.type = _DRM_VBLANK_RELATIVE | 0x100 |
			 kms_vblank_pipe(v->out.crtc_index);
	igt_assert_eq(kms_ioctl(v->dev.fd, DRM_IOCTL_WAIT_VBLANK, &w),
		      -EINVAL);
	/* Queries still work. */
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, NULL,
				       NULL));
}

static void subtest_ts_continuation_idle(void *data)
{
	struct vblank *v = data;
	__u32 s0, s1;
	__u64 t0, t1, w0, w1;

	start(v);
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0));
	w0 = kms_now_ns();
	/* Nobody waits: the driver may turn its vblank interrupt off. */
	sleep(2);
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s1, &t1));
	w1 = kms_now_ns();
	assert_frame_rate(v, s0, t0, s1, t1);
	/* The count followed the wall clock. */
	igt_assert_f(kms_within((double)(s1 - s0) * v->frame_ns,
				(double)(w1 - w0), TOLERANCE + 0.05),
		     "%u frames counted in %llu ns\n", s1 - s0,
		     (unsigned long long)(w1 - w0));
}

static void subtest_ts_continuation_modeset(void *data)
{
	struct vblank *v = data;
	struct drm_wait_vblank_reply r;
	__u32 s0, s1;
	__u64 t0, t1;

	start(v);
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s0, &t0));
	igt_assert_ok(kms_disable_crtc(&v->dev, v->out.crtc_id));
	/* A CRTC that is off has no vblanks to wait for. */
	igt_assert_eq(kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, 1, 0, NULL),
		      -EINVAL);
	usleep(100 * 1000);
	igt_assert_ok(kms_set_mode(&v->dev, &v->out, NULL, v->fb.fb_id));
	igt_assert_ok(kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, 1, 0, &r));
	igt_assert_ok(kms_vblank_query(&v->dev, v->out.crtc_index, &s1, &t1));
	igt_assert_lt(0, (__s32)(s1 - s0));
	igt_assert_lt(t0, t1);
	/* And ticks at the same rate again. */
	igt_assert_ok(kms_wait_vblank(&v->dev, v->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, FRAMES / 2, 0,
				      &r));
	assert_frame_rate(v, s1, t1, r.sequence,
			  (__u64)r.tval_sec * 1000000000ull +
			  r.tval_usec * 1000ull);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "invalid",
		.func = subtest_invalid,
		.description =
			"A CRTC index past the last and unknown type bits are EINVAL.",
	},
	{
		.name = "crtc-id",
		.func = subtest_crtc_id,
		.description =
			"Vblank and flip events name their CRTC and carry the user data.",
	},
	{
		.name = "accuracy-idle",
		.func = subtest_accuracy_idle,
		.description =
			"Events for frame N+20 arrive together, not before N+20, 20 frames later.",
	},
	{
		.name = "query-idle",
		.func = subtest_query_idle,
		.description =
			"Queries move forward only; one frame per refresh period on average.",
	},
	{
		.name = "query-forked",
		.func = subtest_query_forked,
		.description =
			"Queries from several processes at once.",
	},
	{
		.name = "wait-idle",
		.func = subtest_wait_idle,
		.description =
			"Blocking waits end on their frame, never early, one frame per period.",
	},
	{
		.name = "wait-forked",
		.func = subtest_wait_forked,
		.description =
			"Blocking waits from several processes at once.",
	},
	{
		.name = "ts-continuation-idle",
		.func = subtest_ts_continuation_idle,
		.description =
			"Counts and timestamps follow the clock while nobody waits.",
	},
	{
		.name = "ts-continuation-modeset",
		.func = subtest_ts_continuation_modeset,
		.description =
			"Off refuses waits; back on, counts go on forward at the same rate.",
	},
};

IGT_TEST_MAIN("Vblank queries, waits and events (upstream kms_vblank).",
	      subtests, .setup = setup, .teardown = teardown, .data = &vb);
