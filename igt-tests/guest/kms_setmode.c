// SPDX-License-Identifier: GPL-2.0
/*
 * kms_setmode - SETCRTC with every mode a connector offers (its EDID's, on
 * a vGPU): each is accepted, GETCRTC reports it back exactly, and vblanks
 * tick at its refresh rate; modes that cannot be shown are refused.
 */
#include <errno.h>

#include "igt_core.h"
#include "kms.h"

#define FRAMES		8
#define TOLERANCE	0.15

struct setmode {
	struct kms_device dev;
	struct kms_output out[KMS_MAX_CRTCS];
	int n_out;
};

static struct setmode sm;

static void setup(void *data)
{
	struct setmode *s = data;

	kms_open(&s->dev);
	kms_disable_all(&s->dev);
	s->n_out = kms_find_outputs(&s->dev, s->out, KMS_MAX_CRTCS);
	igt_require_f(s->n_out > 0, "no connected connector with a mode\n");
}

static void teardown(void *data)
{
	struct setmode *s = data;

	kms_disable_all(&s->dev);
	kms_close(&s->dev);
}

static bool same_timing(const struct drm_mode_modeinfo *a,
			const struct drm_mode_modeinfo *b)
{
	return a->clock == b->clock && a->hdisplay == b->hdisplay &&
	       a->hsync_start == b->hsync_start &&
	       a->hsync_end == b->hsync_end && a->htotal == b->htotal &&
	       a->vdisplay == b->vdisplay &&
	       a->vsync_start == b->vsync_start &&
	       a->vsync_end == b->vsync_end && a->vtotal == b->vtotal &&
	       a->flags == b->flags;
}

static void check_mode(struct setmode *s, const struct kms_output *o,
		       const struct drm_mode_modeinfo *m, __u32 fb_id)
{
	struct drm_wait_vblank_reply r;
	struct drm_mode_crtc c;
	__u32 s0;
	__u64 t0, t1;
	double per, want = kms_mode_frame_ns(m);

	igt_assert_f(!kms_set_mode(&s->dev, o, m, fb_id),
		     "mode %s (%dx%d@%d) refused\n", m->name, m->hdisplay,
		     m->vdisplay, m->vrefresh);
	igt_assert_ok(kms_get_crtc(&s->dev, o->crtc_id, &c));
	igt_assert_eq(c.mode_valid, 1);
	igt_assert_eq_u32(c.fb_id, fb_id);
	igt_assert_f(same_timing(&c.mode, m), "set %s, GETCRTC says %s\n",
		     m->name, c.mode.name);
	igt_assert_ok(kms_wait_vblank(&s->dev, o->crtc_index,
				      _DRM_VBLANK_RELATIVE, 1, 0, NULL));
	igt_assert_ok(kms_vblank_query(&s->dev, o->crtc_index, &s0, &t0));
	igt_assert_ok(kms_wait_vblank(&s->dev, o->crtc_index,
				      _DRM_VBLANK_RELATIVE, FRAMES, 0, &r));
	t1 = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
	igt_assert_lte(s0 + FRAMES, r.sequence);
	per = (double)(t1 - t0) / (r.sequence - s0);
	igt_assert_f(kms_within(per, want, TOLERANCE),
		     "%s: a frame took %.0f ns, the mode says %.0f\n",
		     m->name, per, want);
	igt_info("%-12s %4dx%-4d %3d Hz: ok\n", m->name, m->hdisplay,
		 m->vdisplay, m->vrefresh);
}

static void subtest_basic(void *data)
{
	struct setmode *s = data;
	struct kms_fb fb[KMS_MAX_CRTCS];
	int i;

	igt_set_timeout(120, "modesets");
	/* Every output lit at once, each with its preferred mode. */
	for (i = 0; i < s->n_out; i++)
		kms_output_show(&s->dev, &s->out[i], &fb[i], 0xff000000 + i);
	for (i = 0; i < s->n_out; i++)
		check_mode(s, &s->out[i], &s->out[i].mode, fb[i].fb_id);
	kms_disable_all(&s->dev);
	for (i = 0; i < s->n_out; i++)
		kms_fb_destroy(&fb[i]);
}

static void subtest_every_mode(void *data)
{
	struct setmode *s = data;
	const struct kms_connector *c;
	unsigned int i, j, w = 0, h = 0, n = 0;
	struct kms_fb fb;
	int o;

	igt_set_timeout(600, "every mode");
	for (o = 0; o < s->n_out; o++) {
		c = &s->out[o].connector;
		for (i = 0; i < c->count_modes; i++) {
			if (c->modes[i].hdisplay > w)
				w = c->modes[i].hdisplay;
			if (c->modes[i].vdisplay > h)
				h = c->modes[i].vdisplay;
		}
	}
	/* One buffer as large as the largest mode; zeroed, never filled. */
	igt_assert_ok(kms_fb_create(s->dev.fd, w, h, DRM_FORMAT_XRGB8888,
				    &fb));
	for (o = 0; o < s->n_out; o++) {
		c = &s->out[o].connector;
		for (i = 0; i < c->count_modes; i++) {
			for (j = 0; j < i; j++)
				if (same_timing(&c->modes[i], &c->modes[j]))
					break;
			if (j < i)
				continue;
			check_mode(s, &s->out[o], &c->modes[i], fb.fb_id);
			n++;
		}
		kms_disable_crtc(&s->dev, s->out[o].crtc_id);
	}
	igt_info("%u modes on %d outputs\n", n, s->n_out);
	kms_fb_destroy(&fb);
}

static void subtest_invalid_mode(void *data)
{
	struct setmode *s = data;
	struct kms_output *o = &s->out[0];
	struct drm_mode_modeinfo m;
	struct kms_fb small, fb;

	igt_set_timeout(60, "modesets");
	kms_output_show(&s->dev, o, &fb, 0xff808080);
	/* A framebuffer smaller than the mode. */
	igt_assert_ok(kms_fb_create(s->dev.fd, o->mode.hdisplay / 2,
				    o->mode.vdisplay / 2, DRM_FORMAT_XRGB8888,
				    &small));
	igt_assert_eq(kms_set_mode(&s->dev, o, NULL, small.fb_id), -ENOSPC);
	/* Timings that make no sense. */
	m = o->mode;
	m.clock = 0;
	igt_assert_eq(kms_set_mode(&s->dev, o, &m, fb.fb_id), -EINVAL);
	m = o->mode;
	m.hsync_start = m.htotal + 1;
	igt_assert_eq(kms_set_mode(&s->dev, o, &m, fb.fb_id), -EINVAL);
	/* The valid mode is still fine. */
	check_mode(s, o, &o->mode, fb.fb_id);
	kms_disable_crtc(&s->dev, o->crtc_id);
	kms_fb_destroy(&small);
	kms_fb_destroy(&fb);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "basic",
		.func = subtest_basic,
		.description =
			"Every connected output lit at once with its preferred mode.",
	},
	{
		.name = "every-edid-mode",
		.func = subtest_every_mode,
		.description =
			"Every mode of every connected connector: set, read back, vblanks at its rate.",
	},
	{
		.name = "invalid-mode",
		.func = subtest_invalid_mode,
		.description =
			"A framebuffer smaller than the mode is ENOSPC, nonsense timings EINVAL.",
	},
};

IGT_TEST_MAIN("Modesets with every mode offered (upstream kms_setmode, testdisplay -a).",
	      subtests, .setup = setup, .teardown = teardown, .data = &sm);
