// SPDX-License-Identifier: GPL-2.0
/*
 * kms_prime - PRIME with vgem: a dumb buffer made and filled in vgem,
 * exported as a dma-buf and imported into the KMS device, scans out with
 * the same pipe CRC as a native dumb buffer holding the same pixels.
 */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crc.h"
#include "drm_prime.h"
#include "igt_core.h"
#include "kms.h"

struct prime {
	struct kms_device dev;
	struct kms_output out;
	int vgem;
};

static struct prime pr = { .vgem = -1 };

static void setup(void *data)
{
	struct prime *p = data;
	__u64 cap = 0;

	kms_open(&p->dev);
	kms_disable_all(&p->dev);
	kms_require_output(&p->dev, &p->out);
	igt_require_f(!kms_get_cap(p->dev.fd, DRM_CAP_PRIME, &cap) &&
		      (cap & DRM_PRIME_CAP_IMPORT),
		      "%s cannot import dma-bufs\n", p->dev.driver);
	p->vgem = vgem_open();
	igt_require_f(p->vgem >= 0, "no vgem device (load vgem.ko)\n");
}

static void teardown(void *data)
{
	struct prime *p = data;

	kms_disable_all(&p->dev);
	if (p->vgem >= 0)
		close(p->vgem);
	kms_close(&p->dev);
}

static void fill(__u32 *map, __u32 pitch, int w, int h)
{
	struct kms_fb fb = {
		.width = w, .height = h, .pitch = pitch, .map = map,
	};

	kms_fb_fill_pattern(&fb, 0x5a3c1e);
}

static void subtest_basic_crc_vgem(void *data)
{
	struct prime *p = data;
	const int w = p->out.mode.hdisplay, h = p->out.mode.vdisplay;
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct kms_crc native_crc, prime_crc;
	struct kms_crc_source src;
	__u32 vh, pitch, handle, fb_id;
	struct kms_fb native;
	char a[64], b[64];
	__u64 size;
	__u32 *map;

	igt_set_timeout(60, "PRIME scanout");
	kms_crc_require(&p->dev, p->out.crtc_index);

	/* The native reference. */
	kms_output_show(&p->dev, &p->out, &native, 0);
	fill(native.map, native.pitch, w, h);
	igt_assert_ok(kms_crc_start(&p->dev, p->out.crtc_index, &src));
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &src, &native_crc);

	/* The same pixels, drawn in vgem. */
	igt_assert_ok(kms_dumb_create(p->vgem, w, h, 32, &vh, &pitch, &size));
	map = kms_dumb_map(p->vgem, vh, size);
	igt_assert(map);
	fill(map, pitch, w, h);
	munmap(map, size);
	exp.handle = vh;
	igt_assert_ok(kms_ioctl(p->vgem, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	igt_assert_ok(vgem_import(p->dev.fd, exp.fd, &handle));
	close(exp.fd);
	igt_assert_ok(kms_addfb2(p->dev.fd, w, h, DRM_FORMAT_XRGB8888, handle,
				 pitch, 0, &fb_id));
	igt_assert_ok(kms_set_mode(&p->dev, &p->out, NULL, fb_id));
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &src, &prime_crc);
	igt_assert_f(kms_crc_equal(&native_crc, &prime_crc),
		     "native %s, imported from vgem %s\n",
		     kms_crc_str(&native_crc, a, sizeof(a)),
		     kms_crc_str(&prime_crc, b, sizeof(b)));
	kms_crc_stop(&src);

	igt_assert_ok(kms_set_mode(&p->dev, &p->out, NULL, native.fb_id));
	igt_assert_ok(kms_rmfb(p->dev.fd, fb_id));
	igt_assert_ok(kms_gem_close(p->dev.fd, handle));
	igt_assert_ok(kms_gem_close(p->vgem, vh));
	kms_fb_destroy(&native);
}

static void subtest_import_self(void *data)
{
	struct prime *p = data;
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC };
	__u32 h, h2;
	__u64 cap = 0;

	igt_require_f(!kms_get_cap(p->dev.fd, DRM_CAP_PRIME, &cap) &&
		      (cap & DRM_PRIME_CAP_EXPORT),
		      "%s cannot export dma-bufs\n", p->dev.driver);
	/* Export and import on the same device: the same handle back. */
	igt_assert_ok(kms_dumb_create(p->dev.fd, 64, 64, 32, &h, NULL, NULL));
	exp.handle = h;
	igt_assert_ok(kms_ioctl(p->dev.fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp));
	igt_assert_ok(vgem_import(p->dev.fd, exp.fd, &h2));
	igt_assert_eq_u32(h2, h);
	close(exp.fd);
	igt_assert_ok(kms_gem_close(p->dev.fd, h));
}

static void subtest_import_bad_fd(void *data)
{
	struct prime *p = data;
	struct drm_prime_handle imp = { .fd = -1 };
	int fd;

	igt_assert_eq(kms_ioctl(p->dev.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp),
		      -EBADF);
	/* A file that is no dma-buf. */
	fd = dup(p->dev.fd);
	imp.fd = fd;
	igt_assert_eq(kms_ioctl(p->dev.fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &imp),
		      -EINVAL);
	close(fd);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "basic-crc-vgem",
		.func = subtest_basic_crc_vgem,
		.description =
			"A vgem buffer imported and scanned out has the CRC of a native buffer with the same pixels.",
	},
	{
		.name = "import-self",
		.func = subtest_import_self,
		.description =
			"A buffer exported and imported on the same device is the same handle.",
	},
	{
		.name = "import-bad-fd",
		.func = subtest_import_bad_fd,
		.description =
			"Importing -1 is EBADF, importing a non-dma-buf EINVAL.",
	},
};

IGT_TEST_MAIN("PRIME import from vgem into the KMS device (upstream kms_prime).",
	      subtests, .setup = setup, .teardown = teardown, .data = &pr);
