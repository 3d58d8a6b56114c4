// SPDX-License-Identifier: GPL-2.0
/*
 * kms_atomic_fence - explicit fencing of atomic commits: a primary plane
 * flip given an IN_FENCE_FD (a sw_sync fence) waits for it, with no flip
 * event and the old picture on screen (pipe CRC) while it is unsignalled,
 * and completes once it signals; an OUT_FENCE_PTR sync_file signals with
 * the flip, at the flip's vblank, never before; an IN_FENCE_FD that is not
 * a fence is refused with EINVAL and changes nothing. No upstream binary
 * has this name; the closest upstream subtests are kms_atomic_transition's
 * *-fencing ones and kms_atomic's plane-/crtc-invalid-params-fence.
 *
 * An atomic nonblocking commit updates the committed state (GETCRTC, the
 * plane's FB_ID) when the ioctl returns, before its fences signal; what
 * the display shows is seen through the pipe CRC and the flip event.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sync_file.h>

#include "crc.h"
#include "igt_core.h"
#include "kms.h"

/*
 * sw_sync (CONFIG_SW_SYNC): debugfs timelines whose fences userspace
 * signals. Its ioctls are kernel uAPI without an exported header
 * (drivers/dma-buf/sw_sync.c).
 */
#define SW_SYNC_PATH	"/sys/kernel/debug/sync/sw_sync"

struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define SW_SYNC_IOC_MAGIC		'W'
#define SW_SYNC_IOC_CREATE_FENCE	_IOWR(SW_SYNC_IOC_MAGIC, 0, \
					      struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC			_IOW(SW_SYNC_IOC_MAGIC, 1, __u32)

/* The "type" property's value of a primary plane (enum drm_plane_type). */
#define PLANE_TYPE_PRIMARY	1

/* Frames a flip is held back by an unsignalled fence and watched. */
#define HOLD_FRAMES		4
/* A flip that is free to go completes within this many frames. */
#define FLIP_FRAMES		30
/* Seconds per subtest: a few frames each, TCG-in-TCG, CRCs in software. */
#define SUBTEST_TIMEOUT		120

struct fence_test {
	struct kms_device dev;
	struct kms_output out;
	__u32 plane;
	__u32 prop_fb_id;
	__u32 prop_in_fence;
	__u32 prop_out_fence;
	struct kms_fb fb[2];
	bool have_crc;
	/* Per subtest. */
	struct kms_crc_source src;
	struct kms_crc crc[2];
};

static struct fence_test ft;

/* Atomic requests ---------------------------------------------------- */

#define MAX_OBJS	4
#define MAX_PROPS	8

struct commit {
	unsigned int n_objs, n_props;
	__u32 objs[MAX_OBJS];
	__u32 count_props[MAX_OBJS];
	__u32 props[MAX_PROPS];
	__u64 values[MAX_PROPS];
};

/* Properties of one object must be added one after the other. */
static void commit_add(struct commit *c, __u32 obj, __u32 prop, __u64 value)
{
	igt_assert(c->n_props < MAX_PROPS);
	if (!c->n_objs || c->objs[c->n_objs - 1] != obj) {
		igt_assert(c->n_objs < MAX_OBJS);
		c->objs[c->n_objs++] = obj;
	}
	c->count_props[c->n_objs - 1]++;
	c->props[c->n_props] = prop;
	c->values[c->n_props++] = value;
}

static int commit_run(struct fence_test *t, const struct commit *c,
		      __u32 flags, __u64 user_data)
{
	struct drm_mode_atomic a = {
		.flags = flags,
		.count_objs = c->n_objs,
		.objs_ptr = (uintptr_t)c->objs,
		.count_props_ptr = (uintptr_t)c->count_props,
		.props_ptr = (uintptr_t)c->props,
		.prop_values_ptr = (uintptr_t)c->values,
		.user_data = user_data,
	};

	return kms_ioctl(t->dev.fd, DRM_IOCTL_MODE_ATOMIC, &a);
}

/*
 * A flip of the primary plane to framebuffer @fb, with @in_fence (-1: none)
 * and, if @out_fence, an OUT_FENCE_PTR on the CRTC.
 */
static int flip(struct fence_test *t, __u32 fb, __s64 in_fence,
		__s32 *out_fence, __u32 flags, __u64 user_data)
{
	struct commit c = { 0 };

	commit_add(&c, t->plane, t->prop_fb_id, fb);
	commit_add(&c, t->plane, t->prop_in_fence, (__u64)in_fence);
	if (out_fence)
		commit_add(&c, t->out.crtc_id, t->prop_out_fence,
			   (uintptr_t)out_fence);
	return commit_run(t, &c, flags, user_data);
}

/* Fences --------------------------------------------------------------- */

/* A new sw_sync timeline, or skip. */
static int timeline_create(void)
{
	int fd = open(SW_SYNC_PATH, O_RDWR | O_CLOEXEC);

	igt_require_f(fd >= 0,
		      "no %s (%s): debugfs not mounted or no CONFIG_SW_SYNC\n",
		      SW_SYNC_PATH, strerror(errno));
	return fd;
}

/* A sync_file of a fence that signals when the timeline reaches @seqno. */
static int timeline_fence(int timeline, __u32 seqno)
{
	struct sw_sync_create_fence_data d = { .value = seqno };

	snprintf(d.name, sizeof(d.name), "kms_atomic_fence-%u", seqno);
	igt_assert_f(!ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &d),
		     "SW_SYNC_IOC_CREATE_FENCE: %s\n", strerror(errno));
	igt_assert_lte(0, d.fence);
	return d.fence;
}

static void timeline_inc(int timeline, __u32 n)
{
	igt_assert_f(!ioctl(timeline, SW_SYNC_IOC_INC, &n),
		     "SW_SYNC_IOC_INC: %s\n", strerror(errno));
}

/* A sync_file's state: 1 signalled, 0 active, < 0 error; its time. */
static int fence_status(int fd, __u64 *timestamp_ns)
{
	struct sync_fence_info fi;
	struct sync_file_info info;

	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	igt_assert_f(!ioctl(fd, SYNC_IOC_FILE_INFO, &info),
		     "SYNC_IOC_FILE_INFO: %s\n", strerror(errno));
	igt_assert_eq(info.num_fences, 1);
	if (timestamp_ns)
		*timestamp_ns = fi.timestamp_ns;
	return info.status;
}

/* True if @fd (a sync_file or the DRM fd) is readable within @timeout_ms. */
static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&p, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	igt_assert_f(ret >= 0, "poll: %s\n", strerror(errno));
	return ret > 0 && (p.revents & POLLIN);
}

/* Common steps --------------------------------------------------------- */

static __u32 plane_fb(struct fence_test *t)
{
	__u64 v = 0;

	igt_assert_ok(kms_get_property(t->dev.fd, t->plane,
				       DRM_MODE_OBJECT_PLANE, "FB_ID", &v,
				       NULL));
	return (__u32)v;
}

static __u32 crtc_fb(struct fence_test *t)
{
	struct drm_mode_crtc c;

	igt_assert_ok(kms_get_crtc(&t->dev, t->out.crtc_id, &c));
	return c.fb_id;
}

static __u32 vblank_now(struct fence_test *t)
{
	__u32 seq;

	igt_assert_ok(kms_vblank_query(&t->dev, t->out.crtc_index, &seq,
				       NULL));
	return seq;
}

static __u32 wait_frames(struct fence_test *t, __u32 n)
{
	struct drm_wait_vblank_reply r;

	igt_assert_ok(kms_wait_vblank(&t->dev, t->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, n, 0, &r));
	return r.sequence;
}

/* A blocking (no fence) atomic flip to fb[@i]: on screen when it returns. */
static void show(struct fence_test *t, int i)
{
	igt_assert_ok(flip(t, t->fb[i].fb_id, -1, NULL, 0, 0));
	igt_assert_eq_u32(crtc_fb(t), t->fb[i].fb_id);
}

static void crc_expect(struct fence_test *t, const struct kms_crc *got,
		       int i, const char *when)
{
	char a[64], b[64];

	igt_assert_f(kms_crc_equal(got, &t->crc[i]),
		     "%s: frame %u has CRC %s, framebuffer %d's is %s\n",
		     when, got->frame, kms_crc_str(got, a, sizeof(a)), i,
		     kms_crc_str(&t->crc[i], b, sizeof(b)));
}

/* The CRC of what is on screen now is framebuffer @i's. */
static void screen_is(struct fence_test *t, int i, const char *when)
{
	struct kms_crc crc;

	if (!t->have_crc)
		return;
	kms_crc_of_screen(&t->dev, t->out.crtc_index, &t->src, &crc);
	crc_expect(t, &crc, i, when);
}

/*
 * Mode set with fb[0]; with CRCs, the reference CRCs of both framebuffers
 * (fb[1] shown, then fb[0] again). Ends with fb[0] on screen.
 */
static void start(struct fence_test *t)
{
	igt_set_timeout(SUBTEST_TIMEOUT, "fenced flips");
	kms_drain_events(t->dev.fd);
	igt_assert_ok(kms_set_mode(&t->dev, &t->out, NULL, t->fb[0].fb_id));
	t->src.data_fd = -1;
	if (!t->have_crc)
		return;
	igt_assert_ok(kms_crc_start(&t->dev, t->out.crtc_index, &t->src));
	show(t, 1);
	kms_crc_of_screen(&t->dev, t->out.crtc_index, &t->src, &t->crc[1]);
	show(t, 0);
	kms_crc_of_screen(&t->dev, t->out.crtc_index, &t->src, &t->crc[0]);
	igt_assert_f(!kms_crc_equal(&t->crc[0], &t->crc[1]),
		     "the two framebuffers have the same CRC\n");
	kms_drain_events(t->dev.fd);
}

static void finish(struct fence_test *t)
{
	kms_crc_stop(&t->src);
}

/* The flip event of the commit with @user_data, within the timeout. */
static void flip_event(struct fence_test *t, __u64 user_data,
		       struct drm_event_vblank *ev)
{
	int ret = kms_read_event(t->dev.fd, KMS_EVENT_TIMEOUT_MS, ev);

	igt_assert_f(!ret, "no flip event within %d ms: %s\n",
		     KMS_EVENT_TIMEOUT_MS, strerror(-ret));
	igt_assert_eq_u32(ev->base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev->user_data, user_data);
	igt_assert_eq_u32(ev->crtc_id, t->out.crtc_id);
}

/*
 * For @n frames: no flip event, (@out_fence >= 0) the out fence
 * unsignalled, (with CRCs) every frame still framebuffer 0. Returns the
 * last frame watched.
 */
static __u32 watch_held(struct fence_test *t, __u32 from, int n, int out_fence)
{
	struct kms_crc crc;
	__u32 seq = from;
	int i;

	for (i = 0; i < n; i++) {
		seq = wait_frames(t, 1);
		igt_assert_f(!readable(t->dev.fd, 0),
			     "flip event at frame %u with the in-fence unsignalled\n",
			     seq);
		if (out_fence >= 0)
			igt_assert_f(fence_status(out_fence, NULL) == 0,
				     "out-fence signalled at frame %u with the in-fence unsignalled\n",
				     seq);
	}
	igt_debug("in-fence held the flip from frame %u to %u\n", from,
		  seq);
	if (!t->have_crc)
		return seq;
	/* Every frame from the commit's to the last watched: the old one. */
	igt_assert_ok(kms_crc_after(&t->src, from, &crc));
	for (;;) {
		crc_expect(t, &crc, 0, "in-fence unsignalled");
		if ((__s32)(crc.frame - seq) >= 0)
			break;
		igt_assert_ok(kms_crc_read(&t->src, KMS_EVENT_TIMEOUT_MS,
					   &crc));
	}
	return seq;
}

/* After a refused commit: no event, framebuffer 0 everywhere. */
static void unchanged(struct fence_test *t, const char *what)
{
	wait_frames(t, 1);
	igt_assert_f(!readable(t->dev.fd, 0), "%s: an event came\n", what);
	igt_assert_f(crtc_fb(t) == t->fb[0].fb_id &&
		     plane_fb(t) == t->fb[0].fb_id,
		     "%s: CRTC shows fb %u, plane fb %u, expected %u\n", what,
		     crtc_fb(t), plane_fb(t), t->fb[0].fb_id);
}

/* Fixture ------------------------------------------------------------ */

static void setup(void *data)
{
	struct fence_test *t = data;
	char path[160];
	__u64 v;

	kms_open(&t->dev);
	kms_disable_all(&t->dev);
	kms_require_output(&t->dev, &t->out);
	igt_require_f(!kms_set_client_cap(t->dev.fd, DRM_CLIENT_CAP_ATOMIC, 1),
		      "%s is not atomic\n", t->dev.driver);
	t->plane = kms_find_plane(&t->dev, t->out.crtc_index,
				  PLANE_TYPE_PRIMARY);
	igt_require_f(t->plane, "no primary plane\n");
	igt_assert_ok(kms_get_property(t->dev.fd, t->plane,
				       DRM_MODE_OBJECT_PLANE, "FB_ID", &v,
				       &t->prop_fb_id));
	igt_require_f(!kms_get_property(t->dev.fd, t->plane,
					DRM_MODE_OBJECT_PLANE, "IN_FENCE_FD",
					&v, &t->prop_in_fence),
		      "the primary plane has no IN_FENCE_FD\n");
	igt_require_f(!kms_get_property(t->dev.fd, t->out.crtc_id,
					DRM_MODE_OBJECT_CRTC, "OUT_FENCE_PTR",
					&v, &t->prop_out_fence),
		      "the CRTC has no OUT_FENCE_PTR\n");

	kms_output_show(&t->dev, &t->out, &t->fb[0], 0);
	kms_fb_fill_pattern(&t->fb[0], 0x204080);
	igt_assert_ok(kms_fb_create(t->dev.fd, t->out.mode.hdisplay,
				    t->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &t->fb[1]));
	kms_fb_fill_pattern(&t->fb[1], 0xc06010);

	snprintf(path, sizeof(path),
		 "/sys/kernel/debug/dri/%d/crtc-%d/crc/control", t->dev.minor,
		 t->out.crtc_index);
	t->have_crc = !access(path, W_OK);
	if (!t->have_crc)
		igt_info("no pipe CRCs (%s): the screen is not checked\n",
			 path);
	igt_debug("%s: crtc %u, primary plane %u, fbs %u %u\n",
		  t->dev.driver, t->out.crtc_id, t->plane, t->fb[0].fb_id,
		  t->fb[1].fb_id);
}

static void teardown(void *data)
{
	struct fence_test *t = data;

	kms_disable_all(&t->dev);
	kms_fb_destroy(&t->fb[0]);
	kms_fb_destroy(&t->fb[1]);
	kms_close(&t->dev);
}

/* Subtests ------------------------------------------------------------ */

static void subtest_in_fence(void *data)
{
	struct fence_test *t = data;
	struct drm_event_vblank ev;
	__u32 from, last;
	int tl, fence;

	start(t);
	tl = timeline_create();
	fence = timeline_fence(tl, 1);
	igt_assert_eq(fence_status(fence, NULL), 0);

	from = vblank_now(t);
	igt_assert_ok(flip(t, t->fb[1].fb_id, fence, NULL,
			   DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
			   0xfe1));
	/* The commit holds its own reference. */
	close(fence);
	/* Committed state: the new framebuffer, at once. */
	igt_assert_eq_u32(crtc_fb(t), t->fb[1].fb_id);
	igt_assert_eq_u32(plane_fb(t), t->fb[1].fb_id);

	last = watch_held(t, from, HOLD_FRAMES, -1);
	/* Nobody gets ahead of a pending commit without waiting. */
	igt_assert_eq(flip(t, t->fb[0].fb_id, -1, NULL,
			   DRM_MODE_ATOMIC_NONBLOCK, 0), -EBUSY);

	timeline_inc(tl, 1);
	flip_event(t, 0xfe1, &ev);
	igt_assert_f((__s32)(ev.sequence - last) > 0,
		     "flip completed at frame %u, frame %u went by without it\n",
		     ev.sequence, last);
	igt_debug("signalled after frame %u, flip at frame %u\n", last,
		  ev.sequence);
	screen_is(t, 1, "in-fence signalled, flip done");
	igt_assert_eq_u32(crtc_fb(t), t->fb[1].fb_id);
	close(tl);
	finish(t);
}

static void subtest_in_fence_signalled(void *data)
{
	struct fence_test *t = data;
	struct drm_event_vblank ev;
	int tl, fence;
	__u32 from;

	start(t);
	tl = timeline_create();
	fence = timeline_fence(tl, 1);
	timeline_inc(tl, 1);
	igt_assert_eq(fence_status(fence, NULL), 1);

	from = vblank_now(t);
	igt_assert_ok(flip(t, t->fb[1].fb_id, fence, NULL,
			   DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
			   0x5e1));
	close(fence);
	flip_event(t, 0x5e1, &ev);
	igt_assert_f((__s32)(ev.sequence - from) > 0 &&
		     (__s32)(ev.sequence - from) <= FLIP_FRAMES,
		     "committed at frame %u, flipped at frame %u\n", from,
		     ev.sequence);
	igt_debug("committed at frame %u, flipped at frame %u\n", from,
		  ev.sequence);
	screen_is(t, 1, "signalled in-fence");
	close(tl);
	finish(t);
}

/*
 * @tl >= 0: the flip also waits for an in-fence of that timeline, held for
 * HOLD_FRAMES before it is signalled.
 */
static void out_fence_flip(struct fence_test *t, int tl)
{
	struct drm_event_vblank ev;
	int in = -1, status;
	__s32 out = -1;
	__u64 ts;
	__u32 from;

	if (tl >= 0)
		in = timeline_fence(tl, 1);
	from = vblank_now(t);
	igt_assert_ok(flip(t, t->fb[1].fb_id, in, &out,
			   DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
			   0x0f1));
	igt_assert_f(out >= 0, "OUT_FENCE_PTR gave %d\n", out);
	if (in >= 0) {
		close(in);
		from = watch_held(t, from, HOLD_FRAMES, out);
		timeline_inc(tl, 1);
	}

	/* The fence signals with the flip, in the same vblank. */
	igt_assert_f(readable(out, KMS_EVENT_TIMEOUT_MS),
		     "the out-fence did not signal within %d ms\n",
		     KMS_EVENT_TIMEOUT_MS);
	flip_event(t, 0x0f1, &ev);
	status = fence_status(out, &ts);
	igt_assert_eq(status, 1);
	igt_assert_f((__s32)(ev.sequence - from) > 0,
		     "flip at frame %u, not after frame %u\n", ev.sequence,
		     from);
	/* The event's time is the fence's, cut to microseconds. */
	igt_assert_f(ts >= kms_event_ns(&ev) && ts < kms_event_ns(&ev) + 1000,
		     "out-fence signalled at %llu ns, flip at %llu ns\n",
		     (unsigned long long)ts,
		     (unsigned long long)kms_event_ns(&ev));
	igt_debug("flip at frame %u (after %u), fence at %llu ns\n",
		  ev.sequence, from, (unsigned long long)ts);
	close(out);
	screen_is(t, 1, "out-fence signalled");
}

static void subtest_out_fence(void *data)
{
	struct fence_test *t = data;

	start(t);
	out_fence_flip(t, -1);
	finish(t);
}

static void subtest_in_out_fence(void *data)
{
	struct fence_test *t = data;
	int tl;

	start(t);
	tl = timeline_create();
	out_fence_flip(t, tl);
	close(tl);
	finish(t);
}

static void subtest_in_fence_invalid(void *data)
{
	struct fence_test *t = data;
	struct drm_event_vblank ev;
	struct commit c = { 0 };
	int pipefd[2], memfd, closed, tl, fence;
	struct {
		const char *what;
		__s64 fd;
	} *b, bad[] = {
		{ "IN_FENCE_FD -2", -2 },
		{ "IN_FENCE_FD INT_MIN", -2147483648LL },
		{ "the DRM fd as IN_FENCE_FD", 0 },
		{ "a pipe as IN_FENCE_FD", 0 },
		{ "a regular file as IN_FENCE_FD", 0 },
		{ "a closed fd as IN_FENCE_FD", 0 },
	};

	start(t);
	igt_assert_ok(pipe(pipefd) ? -errno : 0);
	memfd = memfd_create("kms_atomic_fence", MFD_CLOEXEC);
	igt_assert_lte(0, memfd);
	closed = dup(memfd);
	igt_assert_lte(0, closed);
	close(closed);
	bad[2].fd = t->dev.fd;
	bad[3].fd = pipefd[0];
	bad[4].fd = memfd;
	bad[5].fd = closed;
	for (b = bad; b < bad + IGT_ARRAY_SIZE(bad); b++) {
		igt_debug("%s (%lld)\n", b->what, (long long)b->fd);
		igt_assert_f(flip(t, t->fb[1].fb_id, b->fd, NULL,
				  DRM_MODE_ATOMIC_NONBLOCK |
				  DRM_MODE_PAGE_FLIP_EVENT, 0xbad) == -EINVAL,
			     "%s not refused with EINVAL\n", b->what);
		unchanged(t, b->what);
	}
	close(pipefd[0]);
	close(pipefd[1]);
	close(memfd);

	/* A real fence given twice in one commit. */
	tl = open(SW_SYNC_PATH, O_RDWR | O_CLOEXEC);
	if (tl >= 0) {
		fence = timeline_fence(tl, 1);
		timeline_inc(tl, 1);
		commit_add(&c, t->plane, t->prop_fb_id, t->fb[1].fb_id);
		commit_add(&c, t->plane, t->prop_in_fence, fence);
		commit_add(&c, t->plane, t->prop_in_fence, fence);
		igt_assert_eq(commit_run(t, &c, DRM_MODE_ATOMIC_NONBLOCK |
					 DRM_MODE_PAGE_FLIP_EVENT, 0xbad),
			      -EINVAL);
		unchanged(t, "IN_FENCE_FD twice");
		close(fence);
		close(tl);
	}
	screen_is(t, 0, "after the refused commits");

	/* IN_FENCE_FD -1 is no fence: the flip goes. */
	igt_assert_ok(flip(t, t->fb[1].fb_id, -1, NULL,
			   DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
			   0x600d));
	flip_event(t, 0x600d, &ev);
	igt_assert_eq_u32(crtc_fb(t), t->fb[1].fb_id);
	screen_is(t, 1, "valid commit after the refused ones");
	finish(t);
}

static void subtest_out_fence_invalid(void *data)
{
	struct fence_test *t = data;
	struct drm_event_vblank ev;
	void *ro;
	__s32 out;

	start(t);
	/* A pointer the kernel cannot write: EFAULT, nothing changes. */
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	igt_assert_eq(flip(t, t->fb[1].fb_id, -1, ro,
			   DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT,
			   0xbad), -EFAULT);
	unchanged(t, "read-only OUT_FENCE_PTR");
	munmap(ro, 4096);

	/* A test-only commit makes no fence: -1. */
	out = 1234;
	igt_assert_ok(flip(t, t->fb[1].fb_id, -1, &out,
			   DRM_MODE_ATOMIC_TEST_ONLY, 0));
	igt_assert_eq(out, -1);
	unchanged(t, "test-only commit");

	/* OUT_FENCE_PTR alone (no event flag) still completes the flip. */
	out = -1;
	igt_assert_ok(flip(t, t->fb[1].fb_id, -1, &out,
			   DRM_MODE_ATOMIC_NONBLOCK, 0));
	igt_assert_lte(0, out);
	igt_assert_f(readable(out, KMS_EVENT_TIMEOUT_MS),
		     "the out-fence did not signal within %d ms\n",
		     KMS_EVENT_TIMEOUT_MS);
	igt_assert_eq(fence_status(out, NULL), 1);
	close(out);
	igt_assert_f(kms_read_event(t->dev.fd, 0, &ev) == -ETIMEDOUT,
		     "an event without DRM_MODE_PAGE_FLIP_EVENT\n");
	screen_is(t, 1, "out-fence only");
	finish(t);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "plane-primary-in-fence",
		.func = subtest_in_fence,
		.description =
			"A flip with an unsignalled IN_FENCE_FD: no event, old picture for frames; signalled: event, new picture.",
	},
	{
		.name = "plane-primary-in-fence-signalled",
		.func = subtest_in_fence_signalled,
		.description =
			"A flip with an already signalled IN_FENCE_FD completes within frames.",
	},
	{
		.name = "plane-primary-out-fence",
		.func = subtest_out_fence,
		.description =
			"OUT_FENCE_PTR gives a sync_file signalled with the flip, at its vblank time.",
	},
	{
		.name = "plane-primary-in-out-fence",
		.func = subtest_in_out_fence,
		.description =
			"The out-fence of a flip held by an in-fence stays unsignalled until the in-fence signals.",
	},
	{
		.name = "in-fence-invalid",
		.func = subtest_in_fence_invalid,
		.description =
			"IN_FENCE_FD that is no fence (-2, DRM fd, pipe, file, closed fd) or given twice: EINVAL, nothing changes.",
	},
	{
		.name = "out-fence-invalid",
		.func = subtest_out_fence_invalid,
		.description =
			"An unwritable OUT_FENCE_PTR is EFAULT; test-only gives -1; without an event flag the fence still signals.",
	},
};

IGT_TEST_MAIN("Explicit fences of atomic flips (sw_sync in-fences, out-fences).",
	      subtests, .setup = setup, .teardown = teardown, .data = &ft);
