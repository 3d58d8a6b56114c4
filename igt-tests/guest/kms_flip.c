// SPDX-License-Identifier: GPL-2.0
/*
 * kms_flip - legacy page flips with completion events: each flip completes
 * once, in order, on a later frame, with a timestamp consistent with the
 * vblank counter; the flipped framebuffer is what the CRTC shows; a second
 * flip while one is pending is EBUSY; flips to framebuffers that do not
 * exist or on a CRTC that is off are refused; a modeset or an RMFB racing
 * a flip breaks nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

#define FLIPS		30
#define TOLERANCE	0.15

struct flip {
	struct kms_device dev;
	struct kms_output out;
	struct kms_fb fb[2];
	double frame_ns;
};

static struct flip fl;

static void setup(void *data)
{
	struct flip *f = data;

	kms_open(&f->dev);
	kms_disable_all(&f->dev);
	kms_require_output(&f->dev, &f->out);
	igt_assert_ok(kms_fb_create(f->dev.fd, f->out.mode.hdisplay,
				    f->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &f->fb[1]));
	kms_fb_fill(&f->fb[1], 0xff806040);
	kms_output_show(&f->dev, &f->out, &f->fb[0], 0xff204080);
	f->frame_ns = kms_mode_frame_ns(&f->out.mode);
}

static void teardown(void *data)
{
	struct flip *f = data;

	kms_disable_all(&f->dev);
	kms_fb_destroy(&f->fb[0]);
	kms_fb_destroy(&f->fb[1]);
	kms_close(&f->dev);
}

/* Back to fb[0], lit, no event pending. */
static void start(struct flip *f)
{
	igt_set_timeout(60, "flips");
	kms_drain_events(f->dev.fd);
	igt_assert_ok(kms_set_mode(&f->dev, &f->out, NULL, f->fb[0].fb_id));
}

static __u32 shown_fb(const struct flip *f)
{
	struct drm_mode_crtc c;

	igt_assert_ok(kms_get_crtc(&f->dev, f->out.crtc_id, &c));
	return c.fb_id;
}

static void flip_wait(struct flip *f, int to, __u64 data,
		      struct drm_event_vblank *ev)
{
	igt_assert_ok(kms_page_flip(&f->dev, f->out.crtc_id, f->fb[to].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, data));
	igt_assert_ok(kms_read_event(f->dev.fd, KMS_EVENT_TIMEOUT_MS, ev));
	igt_assert_eq_u32(ev->base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev->user_data, data);
}

/*
 * Frames one flip may take, from the ioctl to its event. A flip completes
 * at the first vblank after it was latched, so a fast pipeline needs one
 * or two frames. Nothing here asserts that speed: on a mediated vGPU in a
 * nested guest each round trip (the ioctl, register writes trapped through
 * two levels of emulation, the host latching at its vblank, the interrupt
 * back through both levels, the event, the next ioctl) takes about four
 * frames, and more when the emulator stalls. What matters is that every
 * flip completes, in order, never before the vblank after it was queued,
 * with timestamps that agree with the counts; this bound only catches a
 * pipeline that is stuck or has fallen out of step with the frames (a flip
 * latched many frames late), not a slow machine.
 */
#define FLIP_MAX_FRAMES	30

static void subtest_plain_flip(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;
	__u32 s0 = 0, prev_s = 0, queued;
	__u64 t0 = 0, prev_t = 0;
	double per;
	int i;

	start(f);
	for (i = 0; i < FLIPS; i++) {
		/* The count when the flip is queued: it completes later. */
		igt_assert_ok(kms_vblank_query(&f->dev, f->out.crtc_index,
					       &queued, NULL));
		flip_wait(f, (i + 1) % 2, i, &ev);
		igt_assert_eq_u32(shown_fb(f), f->fb[(i + 1) % 2].fb_id);
		igt_assert_f((__s32)(ev.sequence - queued) >= 1,
			     "flip %d queued at frame %u completed at %u\n",
			     i, queued, ev.sequence);
		igt_assert_f((__s32)(ev.sequence - queued) <= FLIP_MAX_FRAMES,
			     "flip %d queued at frame %u completed at %u, more than %d frames later\n",
			     i, queued, ev.sequence, FLIP_MAX_FRAMES);
		if (!i) {
			s0 = ev.sequence;
			t0 = kms_event_ns(&ev);
		} else {
			/* One flip per frame at most, in order. */
			igt_assert_lt(0, (__s32)(ev.sequence - prev_s));
			igt_assert_lt(prev_t, kms_event_ns(&ev));
		}
		prev_s = ev.sequence;
		prev_t = kms_event_ns(&ev);
	}
	/* Timestamps and counts agree: one frame period per count. */
	per = (double)(prev_t - t0) / (prev_s - s0);
	igt_assert_f(kms_within(per, f->frame_ns, TOLERANCE),
		     "%u frames took %.0f ns each, the mode says %.0f\n",
		     prev_s - s0, per, f->frame_ns);
	igt_debug("%d flips in %u frames\n", FLIPS, prev_s - s0);
	igt_assert_eq(kms_read_event(f->dev.fd, 0, &ev), -ETIMEDOUT);
}

static void subtest_flip_vs_wf_vblank(void *data)
{
	struct flip *f = data;
	struct drm_wait_vblank_reply r;
	struct drm_event_vblank ev;
	__u64 t;
	int i;

	start(f);
	for (i = 0; i < 10; i++) {
		flip_wait(f, (i + 1) % 2, i, &ev);
		/* The flip's frame has passed: an absolute wait for it
		 * returns at once with the same timestamp.
		 */
		igt_assert_ok(kms_wait_vblank(&f->dev, f->out.crtc_index,
					      _DRM_VBLANK_ABSOLUTE,
					      ev.sequence, 0, &r));
		igt_assert_lte(ev.sequence, r.sequence);
		t = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
		if (r.sequence == ev.sequence)
			igt_assert_eq_u64(t, kms_event_ns(&ev));
		/* The next frame comes one period later. */
		igt_assert_ok(kms_wait_vblank(&f->dev, f->out.crtc_index,
					      _DRM_VBLANK_ABSOLUTE,
					      ev.sequence + 1, 0, &r));
		if (r.sequence != ev.sequence + 1)
			continue;	/* late: the frame was gone */
		t = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
		igt_assert_f(kms_within(t - kms_event_ns(&ev), f->frame_ns,
					TOLERANCE * 2),
			     "flip at %llu, next vblank %llu ns later\n",
			     (unsigned long long)kms_event_ns(&ev),
			     (unsigned long long)(t - kms_event_ns(&ev)));
	}
}

static void subtest_flip_busy(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;
	int i, ret, busy = 0, pending;

	start(f);
	for (i = 0; i < 10; i++) {
		igt_assert_ok(kms_page_flip(&f->dev, f->out.crtc_id,
					    f->fb[1].fb_id,
					    DRM_MODE_PAGE_FLIP_EVENT, 1));
		ret = kms_page_flip(&f->dev, f->out.crtc_id, f->fb[0].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 2);
		pending = 1;
		if (ret == -EBUSY)
			busy++;
		else
			igt_assert_eq(ret, 0);	/* the first was done */
		pending += !ret;
		while (pending--)
			igt_assert_ok(kms_read_event(f->dev.fd,
						     KMS_EVENT_TIMEOUT_MS,
						     &ev));
		if (!ret)
			continue;
		/* The refused flip changed nothing. */
		igt_assert_eq_u32(shown_fb(f), f->fb[1].fb_id);
		flip_wait(f, 0, 3, &ev);
	}
	igt_assert_lt(0, busy);
}

static void subtest_nonexisting_fb(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;

	start(f);
	igt_assert_eq(kms_page_flip(&f->dev, f->out.crtc_id, 0x7ffffff0,
				    DRM_MODE_PAGE_FLIP_EVENT, 0), -ENOENT);
	igt_assert_eq(kms_page_flip(&f->dev, f->out.crtc_id, 0,
				    DRM_MODE_PAGE_FLIP_EVENT, 0), -ENOENT);
	/* Neither queued an event; a real flip still works. */
	igt_assert_eq(kms_read_event(f->dev.fd, 50, &ev), -ETIMEDOUT);
	flip_wait(f, 1, 7, &ev);
	igt_assert_eq_u32(shown_fb(f), f->fb[1].fb_id);
}

static void subtest_bad_flip(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;

	start(f);
	igt_assert_eq(kms_page_flip(&f->dev, f->out.crtc_id, f->fb[1].fb_id,
				    1u << 30, 0), -EINVAL);
	igt_assert_eq(kms_page_flip(&f->dev, 0x7ffffff0, f->fb[1].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 0), -ENOENT);
	igt_assert_eq(kms_read_event(f->dev.fd, 50, &ev), -ETIMEDOUT);
	flip_wait(f, 1, 8, &ev);
}

static void subtest_flip_vs_modeset(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;
	int i;

	start(f);
	for (i = 0; i < 5; i++) {
		igt_assert_ok(kms_page_flip(&f->dev, f->out.crtc_id,
					    f->fb[1].fb_id,
					    DRM_MODE_PAGE_FLIP_EVENT, 9));
		/* A modeset right behind the flip waits for it. */
		igt_assert_ok(kms_set_mode(&f->dev, &f->out, NULL,
					   f->fb[0].fb_id));
		igt_assert_ok(kms_read_event(f->dev.fd, KMS_EVENT_TIMEOUT_MS,
					     &ev));
		igt_assert_eq_u64(ev.user_data, 9);
		igt_assert_eq_u32(shown_fb(f), f->fb[0].fb_id);
	}
}

static void set_dpms(struct flip *f, __u64 value)
{
	struct drm_mode_connector_set_property p = {
		.value = value, .connector_id = f->out.connector.id,
	};
	__u64 cur;

	igt_require_f(!kms_get_property(f->dev.fd, f->out.connector.id,
					DRM_MODE_OBJECT_CONNECTOR, "DPMS",
					&cur, &p.prop_id),
		      "connector has no DPMS property\n");
	igt_assert_ok(kms_ioctl(f->dev.fd, DRM_IOCTL_MODE_SETPROPERTY, &p));
}

static void subtest_flip_vs_dpms(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;

	start(f);
	set_dpms(f, DRM_MODE_DPMS_OFF);
	/* No frame will come to complete a flip on a CRTC that is off. */
	igt_assert_eq(kms_page_flip(&f->dev, f->out.crtc_id, f->fb[1].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 0), -EINVAL);
	set_dpms(f, DRM_MODE_DPMS_ON);
	flip_wait(f, 1, 4, &ev);
	igt_assert_eq_u32(shown_fb(f), f->fb[1].fb_id);
}

static void subtest_flip_vs_rmfb(void *data)
{
	struct flip *f = data;
	struct drm_event_vblank ev;
	struct kms_fb tmp;
	__u32 id;
	int ret;

	start(f);
	igt_assert_ok(kms_fb_create(f->dev.fd, f->out.mode.hdisplay,
				    f->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &tmp));
	igt_assert_ok(kms_page_flip(&f->dev, f->out.crtc_id, tmp.fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 5));
	id = tmp.fb_id;
	igt_assert_ok(kms_rmfb(f->dev.fd, id));
	tmp.fb_id = 0;
	/* The flip still completes; the CRTC no longer shows the fb. */
	ret = kms_read_event(f->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev);
	igt_assert_ok(ret);
	igt_assert_eq_u64(ev.user_data, 5);
	igt_assert_neq_u32(shown_fb(f), id);
	kms_fb_destroy(&tmp);
	igt_assert_ok(kms_set_mode(&f->dev, &f->out, NULL, f->fb[0].fb_id));
	flip_wait(f, 1, 6, &ev);
}

static void subtest_nonblocking_read(void *data)
{
	struct flip *f = data;
	char buf[128];
	int fd;

	fd = open(f->dev.path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	igt_assert(fd >= 0);
	igt_assert_eq(read(fd, buf, sizeof(buf)), -1);
	igt_assert_eq(errno, EAGAIN);
	close(fd);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "basic-plain-flip",
		.func = subtest_plain_flip,
		.description =
			"Flips complete in order, one per frame at most, after the frame they were queued in; timestamps agree with counts; the CRTC shows the new fb.",
	},
	{
		.name = "basic-flip-vs-wf_vblank",
		.func = subtest_flip_vs_wf_vblank,
		.description =
			"Flip events and vblank waits agree on counts and timestamps.",
	},
	{
		.name = "flip-vs-pending-busy",
		.func = subtest_flip_busy,
		.description =
			"A flip while one is pending is EBUSY and changes nothing.",
	},
	{
		.name = "nonexisting-fb",
		.func = subtest_nonexisting_fb,
		.description =
			"A flip to a framebuffer that does not exist is ENOENT and queues no event.",
	},
	{
		.name = "bad-flip",
		.func = subtest_bad_flip,
		.description =
			"Unknown flags are EINVAL, an unknown CRTC ENOENT.",
	},
	{
		.name = "basic-flip-vs-modeset",
		.func = subtest_flip_vs_modeset,
		.description =
			"A modeset right after a flip: both complete.",
	},
	{
		.name = "basic-flip-vs-dpms",
		.func = subtest_flip_vs_dpms,
		.description =
			"No flip with event while DPMS is off; flips work again after DPMS on.",
	},
	{
		.name = "flip-vs-rmfb",
		.func = subtest_flip_vs_rmfb,
		.description =
			"Removing the framebuffer a pending flip goes to: the event still comes.",
	},
	{
		.name = "nonblocking-read",
		.func = subtest_nonblocking_read,
		.description =
			"A non-blocking read without events is EAGAIN.",
	},
};

IGT_TEST_MAIN("Page flips with events (upstream kms_flip).", subtests,
	      .setup = setup, .teardown = teardown, .data = &fl);
