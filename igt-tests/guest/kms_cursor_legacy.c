// SPDX-License-Identifier: GPL-2.0
/*
 * kms_cursor_legacy - the legacy cursor ioctls on a lit CRTC: set, move
 * (inside, on the edges, partly and wholly off screen), hide, in any order
 * with page flips, whose events still arrive; bad requests are refused and
 * leave the cursor working.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "kms.h"

#define CUR	64

struct cursor {
	struct kms_device dev;
	struct kms_output out;
	struct kms_fb fb[2];
	__u32 cur_handle;
};

static struct cursor cs;

static void setup(void *data)
{
	struct cursor *c = data;
	__u32 *map, pitch;
	__u64 size;
	int i;

	kms_open(&c->dev);
	kms_disable_all(&c->dev);
	kms_require_output(&c->dev, &c->out);
	igt_assert_ok(kms_fb_create(c->dev.fd, c->out.mode.hdisplay,
				    c->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &c->fb[1]));
	kms_output_show(&c->dev, &c->out, &c->fb[0], 0xff101010);
	igt_assert_ok(kms_dumb_create(c->dev.fd, CUR, CUR, 32, &c->cur_handle,
				      &pitch, &size));
	map = kms_dumb_map(c->dev.fd, c->cur_handle, size);
	igt_assert(map);
	for (i = 0; i < CUR * CUR; i++)
		map[i] = 0xffffffff;
	munmap(map, size);
}

static void teardown(void *data)
{
	struct cursor *c = data;

	kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0, 0);
	kms_disable_all(&c->dev);
	kms_gem_close(c->dev.fd, c->cur_handle);
	kms_fb_destroy(&c->fb[0]);
	kms_fb_destroy(&c->fb[1]);
	kms_close(&c->dev);
}

static void start(struct cursor *c)
{
	igt_set_timeout(60, "cursor updates");
	kms_drain_events(c->dev.fd);
	igt_assert_ok(kms_set_mode(&c->dev, &c->out, NULL, c->fb[0].fb_id));
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, c->cur_handle,
				     CUR, CUR));
}

static void flip_event(struct cursor *c, int to)
{
	struct drm_event_vblank ev;

	igt_assert_ok(kms_read_event(c->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev));
	igt_assert_eq_u32(ev.base.type, DRM_EVENT_FLIP_COMPLETE);
	igt_assert_eq_u64(ev.user_data, to);
}

static void flip_and_cursor(struct cursor *c, bool flip_first)
{
	int i;

	start(c);
	for (i = 0; i < 20; i++) {
		int to = (i + 1) % 2;

		if (!flip_first)
			igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id,
						      i * 7, i * 5));
		igt_assert_ok(kms_page_flip(&c->dev, c->out.crtc_id,
					    c->fb[to].fb_id,
					    DRM_MODE_PAGE_FLIP_EVENT, to));
		if (flip_first)
			igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id,
						      i * 7, i * 5));
		flip_event(c, to);
	}
}

static void subtest_flip_before_cursor(void *data)
{
	flip_and_cursor(data, true);
}

static void subtest_flip_after_cursor(void *data)
{
	flip_and_cursor(data, false);
}

/*
 * The square cursor sizes the driver takes, largest last: candidates no
 * larger than DRM_CAP_CURSOR_WIDTH/HEIGHT (64 without the caps) and no
 * smaller than the framebuffer minimum, each tried with the legacy ioctl;
 * a size refused with EINVAL is one the driver does not do (as upstream
 * requires cursor size support before using a size). Leaves the cursor
 * at the largest size taken.
 */
static int cursor_sizes(struct cursor *c, __u32 handle, __u32 max,
			__u32 *sizes)
{
	static const __u32 candidates[] = { 32, 48, 64, 128, 256 };
	__u64 cap_w = 64, cap_h = 64;
	unsigned int i;
	int n = 0, ret;

	kms_get_cap(c->dev.fd, DRM_CAP_CURSOR_WIDTH, &cap_w);
	kms_get_cap(c->dev.fd, DRM_CAP_CURSOR_HEIGHT, &cap_h);
	for (i = 0; i < IGT_ARRAY_SIZE(candidates); i++) {
		__u32 sz = candidates[i];

		if (sz > cap_w || sz > cap_h || sz > max ||
		    sz < c->dev.res.min_width || sz < c->dev.res.min_height)
			continue;
		ret = kms_cursor_set(&c->dev, c->out.crtc_id, handle, sz, sz);
		if (ret == -EINVAL) {
			igt_debug("cursor %ux%u: EINVAL, not used\n", sz, sz);
			continue;
		}
		igt_assert_f(!ret, "cursor %ux%u: %s\n", sz, sz,
			     strerror(-ret));
		sizes[n++] = sz;
	}
	return n;
}

static void subtest_flip_varying_size(void *data)
{
	struct cursor *c = data;
	__u32 sizes[8], handle, pitch, *map;
	__u64 size;
	int i, n, round;

	start(c);
	/* A buffer for the largest candidate the caps allow. */
	igt_assert_ok(kms_dumb_create(c->dev.fd, 256, 256, 32, &handle,
				      &pitch, &size));
	map = kms_dumb_map(c->dev.fd, handle, size);
	igt_assert(map);
	memset(map, 0xff, size);
	munmap(map, size);

	n = cursor_sizes(c, handle, 256, sizes);
	igt_debug("%d cursor sizes, %u to %u\n", n, n ? sizes[0] : 0,
		  n ? sizes[n - 1] : 0);
	igt_require_f(n >= 2, "only one cursor size (%ux%u)\n",
		      n ? sizes[0] : 0, n ? sizes[0] : 0);
	/* Every change of size behind a pending flip; the flips complete. */
	for (round = 0, i = 0; round < 3; round++) {
		int k;

		for (k = 0; k < n; k++, i++) {
			igt_assert_ok(kms_page_flip(&c->dev, c->out.crtc_id,
						    c->fb[(i + 1) % 2].fb_id,
						    DRM_MODE_PAGE_FLIP_EVENT,
						    (i + 1) % 2));
			igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id,
						     handle, sizes[k],
						     sizes[k]));
			flip_event(c, (i + 1) % 2);
		}
	}
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, c->cur_handle,
				     CUR, CUR));
	kms_gem_close(c->dev.fd, handle);
}

static void subtest_single_bo(void *data)
{
	struct cursor *c = data;
	int i;

	start(c);
	for (i = 0; i < 50; i++) {
		igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id,
					     c->cur_handle, CUR, CUR));
		if (i % 10 == 9)
			igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id,
						     0, 0, 0));
	}
}

static void subtest_single_move(void *data)
{
	struct cursor *c = data;
	const int w = c->out.mode.hdisplay, h = c->out.mode.vdisplay;
	const int pos[][2] = {
		{ 0, 0 }, { w / 2, h / 2 }, { w - CUR, h - CUR },
		{ w - 1, h - 1 }, { -CUR / 2, -CUR / 2 }, { -CUR + 1, 0 },
		{ w, h }, { -CUR, -CUR }, { -10000, 10000 }, { 10000, -10000 },
		{ 1, 1 },
	};
	unsigned int i;
	int round;

	start(c);
	for (round = 0; round < 5; round++)
		for (i = 0; i < IGT_ARRAY_SIZE(pos); i++)
			igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id,
						      pos[i][0], pos[i][1]));
	/* Still a CRTC with vblanks. */
	igt_assert_ok(kms_wait_vblank(&c->dev, c->out.crtc_index,
				      _DRM_VBLANK_RELATIVE, 1, 0, NULL));
}

static void subtest_invalid(void *data)
{
	struct cursor *c = data;
	struct drm_mode_cursor req = { .crtc_id = c->out.crtc_id };

	start(c);
	/* No flags, unknown flags. */
	igt_assert_eq(kms_ioctl(c->dev.fd, DRM_IOCTL_MODE_CURSOR, &req),
		      -EINVAL);
	req.flags = 0x80;
	igt_assert_eq(kms_ioctl(c->dev.fd, DRM_IOCTL_MODE_CURSOR, &req),
		      -EINVAL);
	/* A handle that does not exist, a CRTC that does not exist. */
	igt_assert_eq(kms_cursor_set(&c->dev, c->out.crtc_id,
				     c->cur_handle + 1000, CUR, CUR),
		      -ENOENT);
	igt_assert_eq(kms_cursor_move(&c->dev, 0x7ffffff0, 0, 0), -ENOENT);
	/* And the cursor still works. */
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, c->cur_handle,
				     CUR, CUR));
	igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id, 10, 10));
}

static const struct igt_subtest subtests[] = {
	{
		.name = "basic-flip-before-cursor-legacy",
		.func = subtest_flip_before_cursor,
		.description =
			"Flip, then move the cursor: the flip completes.",
	},
	{
		.name = "basic-flip-after-cursor-legacy",
		.func = subtest_flip_after_cursor,
		.description =
			"Move the cursor, then flip: the flip completes.",
	},
	{
		.name = "basic-flip-before-cursor-varying-size",
		.func = subtest_flip_varying_size,
		.description =
			"Cursor size changes (between the sizes the driver takes) behind flips.",
	},
	{
		.name = "single-bo",
		.func = subtest_single_bo,
		.description =
			"The same cursor buffer set again and again, hidden now and then.",
	},
	{
		.name = "single-move",
		.func = subtest_single_move,
		.description =
			"Moves inside, on the edges and off screen are all accepted.",
	},
	{
		.name = "cursor-invalid",
		.func = subtest_invalid,
		.description =
			"Bad flags, handles and CRTCs are refused; the cursor works after.",
	},
};

IGT_TEST_MAIN("Legacy cursor ioctls, alone and with flips (upstream kms_cursor_legacy).",
	      subtests, .setup = setup, .teardown = teardown, .data = &cs);
