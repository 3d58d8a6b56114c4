// SPDX-License-Identifier: GPL-2.0
/*
 * kms_addfb_basic - the rules of ADDFB/ADDFB2/RMFB: a well-formed
 * framebuffer is accepted, every malformed one is refused with EINVAL (or
 * ENOENT for objects that do not exist), and a refusal leaves the device
 * able to add a valid framebuffer right after.
 */
#include <errno.h>

#include "igt_core.h"
#include "kms.h"

#define W	1024
#define H	768

struct addfb {
	struct kms_device dev;
	__u32 handle;		/* a dumb buffer big enough for W x H */
	__u32 pitch;
	__u64 size;
};

static struct addfb ad;

static void setup(void *data)
{
	struct addfb *a = data;

	kms_open(&a->dev);
	igt_assert_ok(kms_dumb_create(a->dev.fd, W, H, 32, &a->handle,
				      &a->pitch, &a->size));
}

static void teardown(void *data)
{
	struct addfb *a = data;

	kms_gem_close(a->dev.fd, a->handle);
	kms_close(&a->dev);
}

static struct drm_mode_fb_cmd2 valid_cmd(const struct addfb *a)
{
	struct drm_mode_fb_cmd2 f = {
		.width = W, .height = H,
		.pixel_format = DRM_FORMAT_XRGB8888,
		.handles = { a->handle }, .pitches = { a->pitch },
	};

	return f;
}

/* ADDFB2 of @f must fail with @err; then a valid one must still work. */
static void addfb2_refused(const struct addfb *a, struct drm_mode_fb_cmd2 *f,
			   int err)
{
	struct drm_mode_fb_cmd2 ok = valid_cmd(a);
	int ret;

	ret = kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, f);
	if (!ret)
		kms_rmfb(a->dev.fd, f->fb_id);
	igt_assert_eq(ret, -err);

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &ok));
	igt_assert_neq(ok.fb_id, 0);
	igt_assert_ok(kms_rmfb(a->dev.fd, ok.fb_id));
}

static void subtest_basic(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	__u32 id;

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	igt_assert_neq(f.fb_id, 0);
	id = f.fb_id;
	/* The same buffer may back several framebuffers. */
	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	igt_assert_neq(f.fb_id, id);
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
	igt_assert_ok(kms_rmfb(a->dev.fd, id));
	/* Removed means gone. */
	igt_assert_eq(kms_rmfb(a->dev.fd, id), -ENOENT);
}

static void subtest_rmfb_unknown(void *data)
{
	struct addfb *a = data;
	__u32 zero = 0;

	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_RMFB, &zero),
		      -ENOENT);
	igt_assert_eq(kms_rmfb(a->dev.fd, 0x7fffffff), -ENOENT);
	/* A CRTC is no framebuffer. */
	igt_assert_eq(kms_rmfb(a->dev.fd, a->dev.crtcs[0]), -ENOENT);
}

static void subtest_legacy_format(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd c = {
		.width = W, .height = H, .pitch = a->pitch, .bpp = 32,
		.depth = 24, .handle = a->handle,
	};

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB, &c));
	igt_assert_neq(c.fb_id, 0);
	igt_assert_ok(kms_rmfb(a->dev.fd, c.fb_id));

	/* No format has 7 bits per pixel. */
	c.bpp = 7;
	c.depth = 7;
	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB, &c),
		      -EINVAL);
	c.bpp = 32;
	c.depth = 99;
	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB, &c),
		      -EINVAL);
}

static void subtest_bad_format(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.pixel_format = fourcc_code('N', 'O', 'P', 'E');
	addfb2_refused(a, &f, EINVAL);
	f.pixel_format = 0;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_no_handle(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.handles[0] = 0;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_bad_handle(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.handles[0] = a->handle + 1000;
	addfb2_refused(a, &f, ENOENT);
}

/*
 * DRM ignores the unused entries of requests without DRM_MODE_FB_MODIFIERS
 * (old user space left them dirty); with the flag they must be clear.
 */
static struct drm_mode_fb_cmd2 modifier_cmd(const struct addfb *a)
{
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	__u64 cap = 0;

	kms_get_cap(a->dev.fd, DRM_CAP_ADDFB2_MODIFIERS, &cap);
	igt_require_f(cap, "no DRM_CAP_ADDFB2_MODIFIERS\n");
	f.flags = DRM_MODE_FB_MODIFIERS;
	f.modifier[0] = DRM_FORMAT_MOD_LINEAR;
	return f;
}

static void subtest_unused_handle(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = modifier_cmd(a);

	f.handles[1] = a->handle;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_unused_pitches(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = modifier_cmd(a);

	f.pitches[1] = a->pitch;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_unused_offsets(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = modifier_cmd(a);

	f.offsets[1] = 4096;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_unused_modifier(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = modifier_cmd(a);

	f.modifier[1] = DRM_FORMAT_MOD_LINEAR + 1;
	addfb2_refused(a, &f, EINVAL);

	/* The linear modifier, said explicitly, is fine. */
	f.modifier[1] = 0;
	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
}

static void subtest_modifier_no_flag(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	/* A modifier without DRM_MODE_FB_MODIFIERS is garbage. */
	f.modifier[0] = 1;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_bad_modifier(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = modifier_cmd(a);
	struct kms_output out;
	int ret;

	f.modifier[0] = ~0ull - 1;
	ret = kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f);
	if (ret) {
		igt_assert_eq(ret, -EINVAL);
		addfb2_refused(a, &f, EINVAL);
		return;
	}
	/*
	 * DRM core lets drivers accept unknown modifiers at ADDFB2 (vkms
	 * does); then no plane may scan the framebuffer out.
	 */
	igt_info("ADDFB2 took an unknown modifier; checking scanout\n");
	kms_require_output(&a->dev, &out);
	ret = kms_set_mode(&a->dev, &out, NULL, f.fb_id);
	kms_disable_crtc(&a->dev, out.crtc_id);
	kms_rmfb(a->dev.fd, f.fb_id);
	igt_assert_eq(ret, -EINVAL);
}

static void subtest_bad_flags(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.flags = 1u << 31;
	addfb2_refused(a, &f, EINVAL);
}

static void bad_pitch(void *data, __u32 pitch)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.pitches[0] = pitch;
	addfb2_refused(a, &f, EINVAL);
}

#define BAD_PITCH(n) \
static void subtest_bad_pitch_##n(void *data) { bad_pitch(data, n); }
BAD_PITCH(0)
BAD_PITCH(32)
BAD_PITCH(63)
BAD_PITCH(128)
BAD_PITCH(256)
BAD_PITCH(999)
BAD_PITCH(1024)
BAD_PITCH(65536)

static void subtest_too_wide(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.width = a->dev.res.max_width + 1;
	f.height = 1;
	f.pitches[0] = f.width * 4;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_too_high(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.width = 1;
	f.height = a->dev.res.max_height + 1;
	f.pitches[0] = 64;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_zero_size(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);

	f.width = 0;
	addfb2_refused(a, &f, EINVAL);
	f.width = W;
	f.height = 0;
	addfb2_refused(a, &f, EINVAL);
}

static void subtest_small_bo(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	__u32 h, pitch;
	__u64 size;

	/* A buffer of exactly the lines the framebuffer needs is enough. */
	igt_assert_ok(kms_dumb_create(a->dev.fd, W, H, 32, &h, &pitch,
				      &size));
	igt_assert_lte((__u64)pitch * H, size);
	f.handles[0] = h;
	f.pitches[0] = pitch;
	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
	igt_assert_ok(kms_gem_close(a->dev.fd, h));
}

static void subtest_bo_too_small(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	__u32 h, pitch;
	__u64 size;

	igt_assert_ok(kms_dumb_create(a->dev.fd, W, H / 4, 32, &h, &pitch,
				      &size));
	igt_require_f(size < (__u64)pitch * H,
		      "the driver rounded a quarter buffer up to a full one\n");
	f.handles[0] = h;
	f.pitches[0] = pitch;
	addfb2_refused(a, &f, EINVAL);
	/* An offset pushing the last line past the end is as bad. */
	f = valid_cmd(a);
	f.offsets[0] = a->size - a->pitch + 4096;
	addfb2_refused(a, &f, EINVAL);
	igt_assert_ok(kms_gem_close(a->dev.fd, h));
}

static void subtest_invalid_get_prop_any(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	struct drm_mode_obj_get_properties p = { 0 };

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	p.obj_id = f.fb_id;
	p.obj_type = 0;		/* DRM_MODE_OBJECT_ANY */
	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES,
				&p), -EINVAL);
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
}

static void subtest_invalid_get_prop(void *data)
{
	struct addfb *a = data;
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	struct drm_mode_obj_get_properties p = { 0 };

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	p.obj_id = f.fb_id;
	p.obj_type = DRM_MODE_OBJECT_FB;
	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_OBJ_GETPROPERTIES,
				&p), -EINVAL);
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
}

static void set_prop_on_fb(struct addfb *a, __u32 obj_type)
{
	struct drm_mode_fb_cmd2 f = valid_cmd(a);
	struct drm_mode_obj_set_property p = { 0 };

	igt_assert_ok(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_ADDFB2, &f));
	p.obj_id = f.fb_id;
	p.obj_type = obj_type;
	p.prop_id = 1;
	igt_assert_eq(kms_ioctl(a->dev.fd, DRM_IOCTL_MODE_OBJ_SETPROPERTY,
				&p), -EINVAL);
	igt_assert_ok(kms_rmfb(a->dev.fd, f.fb_id));
}

static void subtest_invalid_set_prop_any(void *data)
{
	set_prop_on_fb(data, 0);
}

static void subtest_invalid_set_prop(void *data)
{
	set_prop_on_fb(data, DRM_MODE_OBJECT_FB);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "basic",
		.func = subtest_basic,
		.description =
			"A valid XRGB8888 framebuffer is added and removed; removing it twice is ENOENT.",
	},
	{
		.name = "rmfb-unknown",
		.func = subtest_rmfb_unknown,
		.description =
			"RMFB of id 0, an unknown id or a CRTC id is ENOENT.",
	},
	{
		.name = "legacy-format",
		.func = subtest_legacy_format,
		.description =
			"Legacy ADDFB takes 32/24 and refuses impossible bpp/depth.",
	},
	{
		.name = "bad-format",
		.func = subtest_bad_format,
		.description =
			"An unknown fourcc is EINVAL.",
	},
	{
		.name = "no-handle",
		.func = subtest_no_handle,
		.description =
			"Handle 0 is EINVAL.",
	},
	{
		.name = "bad-handle",
		.func = subtest_bad_handle,
		.description =
			"A handle that does not exist is ENOENT.",
	},
	{
		.name = "unused-handle",
		.func = subtest_unused_handle,
		.description =
			"A handle for an unused plane is EINVAL.",
	},
	{
		.name = "unused-pitches",
		.func = subtest_unused_pitches,
		.description =
			"A pitch for an unused plane is EINVAL.",
	},
	{
		.name = "unused-offsets",
		.func = subtest_unused_offsets,
		.description =
			"An offset for an unused plane is EINVAL.",
	},
	{
		.name = "unused-modifier",
		.func = subtest_unused_modifier,
		.description =
			"A modifier for an unused plane is EINVAL.",
	},
	{
		.name = "addfb25-modifier-no-flag",
		.func = subtest_modifier_no_flag,
		.description =
			"A modifier without DRM_MODE_FB_MODIFIERS is EINVAL.",
	},
	{
		.name = "addfb25-bad-modifier",
		.func = subtest_bad_modifier,
		.description =
			"An unknown modifier is EINVAL at ADDFB2 or, where DRM lets the driver accept it, at SETCRTC.",
	},
	{
		.name = "bad-flags",
		.func = subtest_bad_flags,
		.description =
			"Unknown ADDFB2 flags are EINVAL.",
	},
	{
		.name = "bad-pitch-0",
		.func = subtest_bad_pitch_0,
		.description =
			"Pitch 0 is EINVAL.",
	},
	{
		.name = "bad-pitch-32",
		.func = subtest_bad_pitch_32,
		.description =
			"Pitch 32 for 1024 pixels is EINVAL.",
	},
	{
		.name = "bad-pitch-63",
		.func = subtest_bad_pitch_63,
		.description =
			"Pitch 63 is EINVAL.",
	},
	{
		.name = "bad-pitch-128",
		.func = subtest_bad_pitch_128,
		.description =
			"Pitch 128 for 1024 pixels is EINVAL.",
	},
	{
		.name = "bad-pitch-256",
		.func = subtest_bad_pitch_256,
		.description =
			"Pitch 256 for 1024 pixels is EINVAL.",
	},
	{
		.name = "bad-pitch-999",
		.func = subtest_bad_pitch_999,
		.description =
			"Pitch 999 is EINVAL.",
	},
	{
		.name = "bad-pitch-1024",
		.func = subtest_bad_pitch_1024,
		.description =
			"Pitch 1024 for 1024 pixels is EINVAL.",
	},
	{
		.name = "bad-pitch-65536",
		.func = subtest_bad_pitch_65536,
		.description =
			"A pitch that runs past the buffer is EINVAL.",
	},
	{
		.name = "too-wide",
		.func = subtest_too_wide,
		.description =
			"Wider than max_width is EINVAL.",
	},
	{
		.name = "too-high",
		.func = subtest_too_high,
		.description =
			"Higher than max_height is EINVAL.",
	},
	{
		.name = "zero-size",
		.func = subtest_zero_size,
		.description =
			"Width or height 0 is EINVAL.",
	},
	{
		.name = "small-bo",
		.func = subtest_small_bo,
		.description =
			"A buffer exactly large enough is accepted.",
	},
	{
		.name = "bo-too-small",
		.func = subtest_bo_too_small,
		.description =
			"A buffer too small for the framebuffer (or its offset) is EINVAL.",
	},
	{
		.name = "invalid-get-prop-any",
		.func = subtest_invalid_get_prop_any,
		.description =
			"Framebuffers have no properties to get (object type ANY).",
	},
	{
		.name = "invalid-get-prop",
		.func = subtest_invalid_get_prop,
		.description =
			"Framebuffers have no properties to get (object type FB).",
	},
	{
		.name = "invalid-set-prop-any",
		.func = subtest_invalid_set_prop_any,
		.description =
			"Framebuffers have no properties to set (object type ANY).",
	},
	{
		.name = "invalid-set-prop",
		.func = subtest_invalid_set_prop,
		.description =
			"Framebuffers have no properties to set (object type FB).",
	},
};

IGT_TEST_MAIN("ADDFB/ADDFB2/RMFB rules and refusals (upstream kms_addfb_basic).",
	      subtests, .setup = setup, .teardown = teardown, .data = &ad);
