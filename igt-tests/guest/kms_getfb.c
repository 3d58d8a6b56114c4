// SPDX-License-Identifier: GPL-2.0
/*
 * kms_getfb - GETFB and GETFB2 describe a framebuffer exactly as it was
 * added and hand out a new GEM handle to its buffer each time; ids that are
 * no framebuffer (0, removed, a CRTC) are ENOENT.
 */
#include <errno.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "kms.h"

#define W	1024
#define H	768

struct getfb {
	struct kms_device dev;
	struct kms_fb fb;
};

static struct getfb gd;

static void setup(void *data)
{
	struct getfb *g = data;

	kms_open(&g->dev);
	igt_assert_ok(kms_fb_create(g->dev.fd, W, H, DRM_FORMAT_XRGB8888,
				    &g->fb));
}

static void teardown(void *data)
{
	struct getfb *g = data;

	kms_fb_destroy(&g->fb);
	kms_close(&g->dev);
}

static int getfb(const struct getfb *g, __u32 id, struct drm_mode_fb_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->fb_id = id;
	return kms_ioctl(g->dev.fd, DRM_IOCTL_MODE_GETFB, c);
}

static int getfb2(const struct getfb *g, __u32 id,
		  struct drm_mode_fb_cmd2 *c)
{
	memset(c, 0, sizeof(*c));
	c->fb_id = id;
	return kms_ioctl(g->dev.fd, DRM_IOCTL_MODE_GETFB2, c);
}

static void subtest_handle_zero(void *data)
{
	struct drm_mode_fb_cmd c;

	igt_assert_eq(getfb(data, 0, &c), -ENOENT);
}

static void subtest_handle_valid(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd c;

	igt_assert_ok(getfb(g, g->fb.fb_id, &c));
	igt_assert_neq_u32(c.handle, 0);
	igt_assert_eq_u32(c.width, W);
	igt_assert_eq_u32(c.height, H);
	igt_assert_eq_u32(c.pitch, g->fb.pitch);
	igt_assert_eq_u32(c.bpp, 32);
	igt_assert_eq_u32(c.depth, 24);
	igt_assert_ok(kms_gem_close(g->dev.fd, c.handle));
}

static void subtest_handle_closed(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd c;
	__u32 id;

	igt_assert_ok(kms_addfb2(g->dev.fd, W, H, DRM_FORMAT_XRGB8888,
				 g->fb.handle, g->fb.pitch, 0, &id));
	igt_assert_ok(kms_rmfb(g->dev.fd, id));
	igt_assert_eq(getfb(g, id, &c), -ENOENT);
}

static void subtest_handle_not_fb(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd c;

	igt_assert_eq(getfb(g, g->dev.crtcs[0], &c), -ENOENT);
	igt_assert_eq(getfb(g, g->dev.connectors[0], &c), -ENOENT);
}

static void subtest_addfb_different_handles(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd c;

	igt_assert_ok(getfb(g, g->fb.fb_id, &c));
	igt_assert_neq_u32(c.handle, g->fb.handle);
	igt_assert_ok(kms_gem_close(g->dev.fd, c.handle));
}

static void subtest_repeated_different_handles(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd a, b;

	igt_assert_ok(getfb(g, g->fb.fb_id, &a));
	igt_assert_ok(getfb(g, g->fb.fb_id, &b));
	igt_assert_neq_u32(a.handle, b.handle);
	igt_assert_ok(kms_gem_close(g->dev.fd, a.handle));
	igt_assert_ok(kms_gem_close(g->dev.fd, b.handle));
}

static void subtest_handle_outlives_fb(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd c;
	__u32 id, *map;

	/* The handle GETFB gave keeps the buffer after RMFB and the
	 * original handle are gone: same pixels.
	 */
	g->fb.map[0] = 0xcafe1234;
	igt_assert_ok(kms_addfb2(g->dev.fd, W, H, DRM_FORMAT_XRGB8888,
				 g->fb.handle, g->fb.pitch, 0, &id));
	igt_assert_ok(getfb(g, id, &c));
	igt_assert_ok(kms_rmfb(g->dev.fd, id));
	map = kms_dumb_map(g->dev.fd, c.handle, g->fb.size);
	igt_assert(map);
	igt_assert_eq_u32(map[0], 0xcafe1234);
	munmap(map, g->fb.size);
	igt_assert_ok(kms_gem_close(g->dev.fd, c.handle));
}

static void subtest_getfb2_handle_zero(void *data)
{
	struct drm_mode_fb_cmd2 c;

	igt_assert_eq(getfb2(data, 0, &c), -ENOENT);
}

static void subtest_getfb2_handle_closed(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd2 c;
	__u32 id;

	igt_assert_ok(kms_addfb2(g->dev.fd, W, H, DRM_FORMAT_XRGB8888,
				 g->fb.handle, g->fb.pitch, 0, &id));
	igt_assert_ok(kms_rmfb(g->dev.fd, id));
	igt_assert_eq(getfb2(g, id, &c), -ENOENT);
}

static void subtest_getfb2_handle_not_fb(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd2 c;

	igt_assert_eq(getfb2(g, g->dev.crtcs[0], &c), -ENOENT);
}

static void subtest_getfb2_into_addfb2(void *data)
{
	struct getfb *g = data;
	struct drm_mode_fb_cmd2 c, c2;

	igt_assert_ok(getfb2(g, g->fb.fb_id, &c));
	igt_assert_eq_u32(c.width, W);
	igt_assert_eq_u32(c.height, H);
	igt_assert_eq_u32(c.pixel_format, DRM_FORMAT_XRGB8888);
	igt_assert_eq_u32(c.pitches[0], g->fb.pitch);
	igt_assert_eq_u32(c.offsets[0], 0);
	igt_assert_neq_u32(c.handles[0], 0);
	igt_assert_eq_u32(c.handles[1], 0);
	/* What GETFB2 says is a valid ADDFB2 request as it stands. */
	c.fb_id = 0;
	igt_assert_ok(kms_ioctl(g->dev.fd, DRM_IOCTL_MODE_ADDFB2, &c));
	igt_assert_neq_u32(c.fb_id, 0);
	igt_assert_ok(getfb2(g, c.fb_id, &c2));
	igt_assert_eq_u32(c2.width, W);
	igt_assert_eq_u32(c2.pitches[0], g->fb.pitch);
	igt_assert_ok(kms_gem_close(g->dev.fd, c2.handles[0]));
	igt_assert_ok(kms_rmfb(g->dev.fd, c.fb_id));
	igt_assert_ok(kms_gem_close(g->dev.fd, c.handles[0]));
}

static const struct igt_subtest subtests[] = {
	{
		.name = "getfb-handle-zero",
		.func = subtest_handle_zero,
		.description =
			"GETFB of id 0 is ENOENT.",
	},
	{
		.name = "getfb-handle-valid",
		.func = subtest_handle_valid,
		.description =
			"GETFB reports size, pitch, depth and bpp as added, and a handle.",
	},
	{
		.name = "getfb-handle-closed",
		.func = subtest_handle_closed,
		.description =
			"GETFB of a removed framebuffer is ENOENT.",
	},
	{
		.name = "getfb-handle-not-fb",
		.func = subtest_handle_not_fb,
		.description =
			"GETFB of a CRTC or connector id is ENOENT.",
	},
	{
		.name = "getfb-addfb-different-handles",
		.func = subtest_addfb_different_handles,
		.description =
			"GETFB gives a new handle, not the one ADDFB used.",
	},
	{
		.name = "getfb-repeated-different-handles",
		.func = subtest_repeated_different_handles,
		.description =
			"Two GETFBs give two handles.",
	},
	{
		.name = "getfb-handle-outlives-fb",
		.func = subtest_handle_outlives_fb,
		.description =
			"GETFB's handle keeps the buffer (and its pixels) after RMFB.",
	},
	{
		.name = "getfb2-handle-zero",
		.func = subtest_getfb2_handle_zero,
		.description =
			"GETFB2 of id 0 is ENOENT.",
	},
	{
		.name = "getfb2-handle-closed",
		.func = subtest_getfb2_handle_closed,
		.description =
			"GETFB2 of a removed framebuffer is ENOENT.",
	},
	{
		.name = "getfb2-handle-not-fb",
		.func = subtest_getfb2_handle_not_fb,
		.description =
			"GETFB2 of a CRTC id is ENOENT.",
	},
	{
		.name = "getfb2-into-addfb2",
		.func = subtest_getfb2_into_addfb2,
		.description =
			"GETFB2's answer is an ADDFB2 request that works.",
	},
};

IGT_TEST_MAIN("GETFB and GETFB2 (upstream kms_getfb).", subtests,
	      .setup = setup, .teardown = teardown, .data = &gd);
