// SPDX-License-Identifier: GPL-2.0
/*
 * kms_cursor_crc - the cursor plane composes exactly: a cursor at (x, y)
 * gives the same pipe CRC as the same pixels drawn into the primary plane
 * at (x, y) with no cursor; a cursor wholly off screen, or wholly
 * transparent, gives the CRC of the primary alone; a visible cursor
 * changes the CRC.
 */
#include <errno.h>
#include <sys/mman.h>

#include "crc.h"
#include "igt_core.h"
#include "kms.h"

#define CUR		64
#define BACKGROUND	0xff3050a0u

struct cursor_crc {
	struct kms_device dev;
	struct kms_output out;
	struct kms_fb bg;	/* the background alone */
	struct kms_fb ref;	/* the background with the cursor drawn */
	struct kms_fb cur;	/* 64x64 ARGB8888 cursor image */
	struct kms_crc_source src;
	struct kms_crc bg_crc;
};

static struct cursor_crc cc;

static __u32 cursor_pixel(int x, int y)
{
	/* Opaque, four colours, so position errors show in the CRC. */
	if (x < CUR / 2)
		return y < CUR / 2 ? 0xffff0000 : 0xff00ff00;
	return y < CUR / 2 ? 0xff0000ff : 0xffffffff;
}

static void draw_cursor(struct kms_fb *fb, int x0, int y0, bool erase)
{
	int x, y;

	for (y = 0; y < CUR; y++)
		for (x = 0; x < CUR; x++)
			kms_fb_fill_rect(fb, x0 + x, y0 + y, 1, 1,
					 erase ? BACKGROUND :
					 cursor_pixel(x, y));
}

static void setup(void *data)
{
	struct cursor_crc *c = data;
	__u64 cap = 64;

	kms_open(&c->dev);
	kms_disable_all(&c->dev);
	kms_require_output(&c->dev, &c->out);
	kms_crc_require(&c->dev, c->out.crtc_index);
	kms_get_cap(c->dev.fd, DRM_CAP_CURSOR_WIDTH, &cap);
	igt_require_f(cap >= CUR, "cursor width cap %llu < %d\n",
		      (unsigned long long)cap, CUR);
	igt_assert_ok(kms_fb_create(c->dev.fd, c->out.mode.hdisplay,
				    c->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &c->ref));
	kms_fb_fill(&c->ref, BACKGROUND);
	igt_assert_ok(kms_fb_create(c->dev.fd, CUR, CUR, DRM_FORMAT_ARGB8888,
				    &c->cur));
	draw_cursor(&c->cur, 0, 0, false);
	kms_output_show(&c->dev, &c->out, &c->bg, BACKGROUND);
	igt_assert_ok(kms_crc_start(&c->dev, c->out.crtc_index, &c->src));
	kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &c->bg_crc);
	kms_crc_stop(&c->src);
}

static void teardown(void *data)
{
	struct cursor_crc *c = data;

	kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0, 0);
	kms_disable_all(&c->dev);
	kms_fb_destroy(&c->bg);
	kms_fb_destroy(&c->ref);
	kms_fb_destroy(&c->cur);
	kms_close(&c->dev);
}

static void start(struct cursor_crc *c)
{
	igt_set_timeout(120, "cursor CRCs");
	kms_drain_events(c->dev.fd);
	igt_assert_ok(kms_set_mode(&c->dev, &c->out, NULL, c->bg.fb_id));
	igt_assert_ok(kms_crc_start(&c->dev, c->out.crtc_index, &c->src));
}

static void show_primary(struct cursor_crc *c, __u32 fb_id)
{
	struct drm_event_vblank ev;

	igt_assert_ok(kms_page_flip(&c->dev, c->out.crtc_id, fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, 0));
	igt_assert_ok(kms_read_event(c->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev));
}

static void assert_crc(bool equal, const struct kms_crc *a,
		       const struct kms_crc *b, const char *what, int x, int y)
{
	char sa[64], sb[64];

	igt_assert_f(kms_crc_equal(a, b) == equal,
		     "%s at (%d, %d): %s vs %s\n", what, x, y,
		     kms_crc_str(a, sa, sizeof(sa)),
		     kms_crc_str(b, sb, sizeof(sb)));
}

static void subtest_onscreen(void *data)
{
	struct cursor_crc *c = data;
	const int w = c->out.mode.hdisplay, h = c->out.mode.vdisplay;
	const int pos[][2] = {
		{ 0, 0 }, { w / 2 - 7, h / 3 + 5 }, { w - CUR, h - CUR },
		{ -CUR / 2, -CUR / 2 }, { w - CUR / 2, h - CUR / 4 },
	};
	struct kms_crc hw, sw;
	unsigned int i;

	start(c);
	for (i = 0; i < IGT_ARRAY_SIZE(pos); i++) {
		int x = pos[i][0], y = pos[i][1];

		/* The cursor plane over the background. */
		show_primary(c, c->bg.fb_id);
		igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id,
					     c->cur.handle, CUR, CUR));
		igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id, x, y));
		kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &hw);
		assert_crc(false, &hw, &c->bg_crc,
			   "a visible cursor left the CRC as without it",
			   x, y);

		/* The same pixels drawn into the primary, no cursor. */
		igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0,
					     0));
		draw_cursor(&c->ref, x, y, false);
		show_primary(c, c->ref.fb_id);
		kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &sw);
		assert_crc(true, &hw, &sw,
			   "cursor plane differs from the drawn cursor", x, y);
		draw_cursor(&c->ref, x, y, true);
	}
	kms_crc_stop(&c->src);
}

static void subtest_offscreen(void *data)
{
	struct cursor_crc *c = data;
	const int w = c->out.mode.hdisplay, h = c->out.mode.vdisplay;
	const int pos[][2] = {
		{ -CUR, -CUR }, { w, h }, { -CUR, h / 2 }, { w / 2, h },
		{ -1000, -1000 },
	};
	struct kms_crc crc;
	unsigned int i;

	start(c);
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, c->cur.handle,
				     CUR, CUR));
	for (i = 0; i < IGT_ARRAY_SIZE(pos); i++) {
		igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id,
					      pos[i][0], pos[i][1]));
		kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &crc);
		assert_crc(true, &crc, &c->bg_crc,
			   "a cursor off screen changed the CRC", pos[i][0],
			   pos[i][1]);
	}
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0, 0));
	kms_crc_stop(&c->src);
}

static void subtest_alpha_transparent(void *data)
{
	struct cursor_crc *c = data;
	struct kms_fb clear;
	struct kms_crc crc;

	start(c);
	/* A zeroed dumb buffer: every pixel fully transparent. */
	igt_assert_ok(kms_fb_create(c->dev.fd, CUR, CUR, DRM_FORMAT_ARGB8888,
				    &clear));
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, clear.handle,
				     CUR, CUR));
	igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id, 100, 100));
	kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &crc);
	assert_crc(true, &crc, &c->bg_crc, "a transparent cursor showed",
		   100, 100);
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0, 0));
	kms_fb_destroy(&clear);
	kms_crc_stop(&c->src);
}

static void subtest_alpha_opaque(void *data)
{
	struct cursor_crc *c = data;
	struct kms_crc hw, sw;
	struct kms_fb solid;

	start(c);
	igt_assert_ok(kms_fb_create(c->dev.fd, CUR, CUR, DRM_FORMAT_ARGB8888,
				    &solid));
	kms_fb_fill(&solid, 0xff00ff00);
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, solid.handle,
				     CUR, CUR));
	igt_assert_ok(kms_cursor_move(&c->dev, c->out.crtc_id, 200, 150));
	kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &hw);
	igt_assert_ok(kms_cursor_set(&c->dev, c->out.crtc_id, 0, 0, 0));
	kms_fb_fill_rect(&c->ref, 200, 150, CUR, CUR, 0xff00ff00);
	show_primary(c, c->ref.fb_id);
	kms_crc_of_screen(&c->dev, c->out.crtc_index, &c->src, &sw);
	kms_fb_fill_rect(&c->ref, 200, 150, CUR, CUR, BACKGROUND);
	assert_crc(true, &hw, &sw, "opaque cursor differs from drawn", 200,
		   150);
	kms_fb_destroy(&solid);
	kms_crc_stop(&c->src);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "cursor-onscreen-64x64",
		.func = subtest_onscreen,
		.description =
			"A 64x64 cursor, wholly or partly on screen, equals the same pixels drawn into the primary.",
	},
	{
		.name = "cursor-offscreen-64x64",
		.func = subtest_offscreen,
		.description =
			"A 64x64 cursor wholly off screen leaves the CRC of the primary alone.",
	},
	{
		.name = "cursor-alpha-opaque",
		.func = subtest_alpha_opaque,
		.description =
			"An opaque cursor equals the same colour drawn into the primary.",
	},
	{
		.name = "cursor-alpha-transparent",
		.func = subtest_alpha_transparent,
		.description =
			"A transparent cursor leaves the CRC of the primary alone.",
	},
};

IGT_TEST_MAIN("Cursor plane CRCs against software-drawn references (upstream kms_cursor_crc).",
	      subtests, .setup = setup, .teardown = teardown, .data = &cc);
