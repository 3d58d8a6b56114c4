// SPDX-License-Identifier: GPL-2.0
/*
 * kms_display_modes - two heads at once (a 2-head vGPU type): each
 * connected output gets its own CRTC, framebuffer and mode, both scan out
 * together, each with vblanks at its own rate and, where CRCs exist, the
 * CRC of its own picture.
 */
#include <errno.h>
#include <unistd.h>

#include "crc.h"
#include "igt_core.h"
#include "kms.h"

#define TOLERANCE	0.15

struct modes {
	struct kms_device dev;
	struct kms_output out[2];
};

static struct modes md;

static void setup(void *data)
{
	struct modes *m = data;

	kms_open(&m->dev);
	kms_disable_all(&m->dev);
	igt_require_f(kms_find_outputs(&m->dev, m->out, 2) == 2,
		      "fewer than two connected outputs\n");
}

static void teardown(void *data)
{
	struct modes *m = data;

	kms_disable_all(&m->dev);
	kms_close(&m->dev);
}

static void subtest_extended_mode_basic(void *data)
{
	struct modes *m = data;
	struct drm_wait_vblank_reply r;
	struct kms_crc_source src[2];
	struct kms_crc crc[2], again;
	struct drm_mode_crtc c;
	struct kms_fb fb[2];
	__u32 s0;
	__u64 t0, t1;
	double per;
	bool crcs;
	int i;

	igt_set_timeout(120, "two heads");
	igt_assert_neq_u32(m->out[0].crtc_id, m->out[1].crtc_id);
	igt_assert_neq_u32(m->out[0].connector.id, m->out[1].connector.id);
	for (i = 0; i < 2; i++) {
		kms_output_show(&m->dev, &m->out[i], &fb[i], 0);
		kms_fb_fill_pattern(&fb[i], 0x102030 * (i + 1));
	}
	for (i = 0; i < 2; i++) {
		igt_assert_ok(kms_get_crtc(&m->dev, m->out[i].crtc_id, &c));
		igt_assert_eq_u32(c.fb_id, fb[i].fb_id);
		igt_assert_eq(c.mode_valid, 1);
		igt_assert_eq(c.mode.hdisplay, m->out[i].mode.hdisplay);
		igt_assert_ok(kms_vblank_query(&m->dev, m->out[i].crtc_index,
					       &s0, &t0));
		igt_assert_ok(kms_wait_vblank(&m->dev, m->out[i].crtc_index,
					      _DRM_VBLANK_RELATIVE, 20, 0,
					      &r));
		t1 = (__u64)r.tval_sec * 1000000000ull + r.tval_usec * 1000ull;
		per = (double)(t1 - t0) / (r.sequence - s0);
		igt_assert_f(kms_within(per,
					kms_mode_frame_ns(&m->out[i].mode),
					TOLERANCE),
			     "head %d: %.0f ns per frame\n", i, per);
	}

	crcs = !access("/sys/kernel/debug/dri", F_OK);
	for (i = 0; crcs && i < 2; i++)
		crcs = !kms_crc_start(&m->dev, m->out[i].crtc_index, &src[i]);
	if (crcs) {
		for (i = 0; i < 2; i++)
			kms_crc_of_screen(&m->dev, m->out[i].crtc_index,
					  &src[i], &crc[i]);
		/* Changing head 1's picture leaves head 0's CRC alone. */
		kms_fb_fill_pattern(&fb[1], 0x445566);
		kms_ioctl(m->dev.fd, DRM_IOCTL_MODE_DIRTYFB,
			  &(struct drm_mode_fb_dirty_cmd){ .fb_id = fb[1].fb_id });
		kms_crc_of_screen(&m->dev, m->out[0].crtc_index, &src[0],
				  &again);
		igt_assert(kms_crc_equal(&again, &crc[0]));
		kms_crc_of_screen(&m->dev, m->out[1].crtc_index, &src[1],
				  &again);
		igt_assert(!kms_crc_equal(&again, &crc[1]));
		for (i = 0; i < 2; i++)
			kms_crc_stop(&src[i]);
	} else {
		igt_info("no CRCs: checked modes and vblanks only\n");
	}
	kms_disable_all(&m->dev);
	for (i = 0; i < 2; i++)
		kms_fb_destroy(&fb[i]);
}

static const struct igt_subtest subtests[] = {
	{ "extended-mode-basic", subtest_extended_mode_basic,
	  "Two heads lit together, each with its own mode, vblanks and picture.",
	},
};

IGT_TEST_MAIN("Two displays at once (upstream kms_display_modes).", subtests,
	      .setup = setup, .teardown = teardown, .data = &md);
