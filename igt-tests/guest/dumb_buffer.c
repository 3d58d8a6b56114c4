// SPDX-License-Identifier: GPL-2.0
/*
 * dumb_buffer - CREATE_DUMB, MAP_DUMB and DESTROY_DUMB: valid requests give
 * zeroed, mappable buffers with a sane pitch and size; impossible ones are
 * EINVAL; a mapping outlives its handle; handles that do not exist are
 * ENOENT.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>

#include "igt_core.h"
#include "kms.h"

static struct kms_device dev;

static void setup(void *data)
{
	kms_open(data);
}

static void teardown(void *data)
{
	kms_close(data);
}

static void subtest_create_valid(void *data)
{
	struct kms_device *d = data;
	__u32 h, pitch;
	__u64 size;

	igt_assert_ok(kms_dumb_create(d->fd, 1024, 768, 32, &h, &pitch,
				      &size));
	igt_assert_neq_u32(h, 0);
	igt_assert_lte(1024 * 4, pitch);
	igt_assert_lte((__u64)pitch * 768, size);
	igt_assert_ok(kms_gem_close(d->fd, h));
	/* 16 bpp and odd sizes too. */
	igt_assert_ok(kms_dumb_create(d->fd, 33, 17, 16, &h, &pitch, &size));
	igt_assert_lte(33 * 2, pitch);
	igt_assert_lte((__u64)pitch * 17, size);
	igt_assert_ok(kms_gem_close(d->fd, h));
}

static void subtest_invalid(void *data, __u32 w, __u32 hgt, __u32 bpp)
{
	struct kms_device *d = data;
	__u32 h;

	igt_assert_eq(kms_dumb_create(d->fd, w, hgt, bpp, &h, NULL, NULL),
		      -EINVAL);
	/* And the device still makes buffers. */
	igt_assert_ok(kms_dumb_create(d->fd, 64, 64, 32, &h, NULL, NULL));
	igt_assert_ok(kms_gem_close(d->fd, h));
}

static void subtest_invalid_bpp(void *data)
{
	subtest_invalid(data, 64, 64, 0);
	subtest_invalid(data, 64, 64, 0xffffffff);
}

static void subtest_invalid_size(void *data)
{
	subtest_invalid(data, 0, 64, 32);
	subtest_invalid(data, 64, 0, 32);
	/* The size does not fit in 32 bits of pitch or 64 of size. */
	subtest_invalid(data, 0xffffffff, 0xffffffff, 32);
}

static void subtest_create_clear(void *data)
{
	struct kms_device *d = data;
	__u32 h, pitch, *map;
	__u64 size, i;
	int round;

	/* Fill one, free it, and check that new ones read as zero. */
	for (round = 0; round < 3; round++) {
		igt_assert_ok(kms_dumb_create(d->fd, 512, 512, 32, &h, &pitch,
					      &size));
		map = kms_dumb_map(d->fd, h, size);
		igt_assert(map);
		for (i = 0; i < size / 4; i++)
			igt_assert_f(!map[i], "word %llu is 0x%x\n",
				     (unsigned long long)i, map[i]);
		memset(map, 0xa5, size);
		munmap(map, size);
		igt_assert_ok(kms_gem_close(d->fd, h));
	}
}

static void subtest_map_valid(void *data)
{
	struct kms_device *d = data;
	__u32 h, pitch, *map, *map2;
	__u64 size;

	igt_assert_ok(kms_dumb_create(d->fd, 256, 256, 32, &h, &pitch,
				      &size));
	map = kms_dumb_map(d->fd, h, size);
	igt_assert(map);
	map[0] = 0x12345678;
	map[size / 4 - 1] = 0x9abcdef0;
	/* A second mapping sees the same pages. */
	map2 = kms_dumb_map(d->fd, h, size);
	igt_assert(map2);
	igt_assert_eq_u32(map2[0], 0x12345678);
	igt_assert_eq_u32(map2[size / 4 - 1], 0x9abcdef0);
	munmap(map2, size);
	munmap(map, size);
	igt_assert_ok(kms_gem_close(d->fd, h));
}

static void subtest_map_invalid_size(void *data)
{
	struct kms_device *d = data;
	struct drm_mode_map_dumb m = { 0 };
	__u64 size;
	void *p;

	igt_assert_ok(kms_dumb_create(d->fd, 64, 64, 32, &m.handle, NULL,
				      &size));
	igt_assert_ok(kms_ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &m));
	p = mmap(NULL, size + 4096 * 16, PROT_READ | PROT_WRITE, MAP_SHARED,
		 d->fd, m.offset);
	igt_assert_f(p == MAP_FAILED,
		     "a mapping larger than the buffer was granted\n");
	igt_assert_ok(kms_gem_close(d->fd, m.handle));
}

static void subtest_map_uaf(void *data)
{
	struct kms_device *d = data;
	struct drm_mode_map_dumb m = { 0 };
	__u32 *map;
	__u64 size;

	igt_assert_ok(kms_dumb_create(d->fd, 64, 64, 32, &m.handle, NULL,
				      &size));
	map = kms_dumb_map(d->fd, m.handle, size);
	igt_assert(map);
	map[0] = 0x55aa55aa;
	igt_assert_ok(kms_gem_close(d->fd, m.handle));
	/* The mapping holds the object: still readable and writable. */
	igt_assert_eq_u32(map[0], 0x55aa55aa);
	map[1] = 1;
	/* The handle is gone. */
	igt_assert_eq(kms_ioctl(d->fd, DRM_IOCTL_MODE_MAP_DUMB, &m), -ENOENT);
	munmap(map, size);
}

static void subtest_destroy(void *data)
{
	struct kms_device *d = data;
	struct drm_mode_destroy_dumb dd = { 0 };

	igt_assert_ok(kms_dumb_create(d->fd, 64, 64, 32, &dd.handle, NULL,
				      NULL));
	igt_assert_ok(kms_ioctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd));
	/* DRM says EINVAL for a handle it does not know here. */
	igt_assert_eq(kms_ioctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd),
		      -EINVAL);
	dd.handle = 0;
	igt_assert_neq(kms_ioctl(d->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &dd), 0);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "create-valid-dumb",
		.func = subtest_create_valid,
		.description =
			"Valid sizes give a handle, a pitch and a size large enough.",
	},
	{
		.name = "invalid-bpp",
		.func = subtest_invalid_bpp,
		.description =
			"bpp 0 and absurd bpp are EINVAL.",
	},
	{
		.name = "invalid-size",
		.func = subtest_invalid_size,
		.description =
			"Zero or overflowing sizes are EINVAL.",
	},
	{
		.name = "create-clear",
		.func = subtest_create_clear,
		.description =
			"New buffers read as zero, even after dirty ones were freed.",
	},
	{
		.name = "map-valid",
		.func = subtest_map_valid,
		.description =
			"A buffer maps; two mappings share its pages.",
	},
	{
		.name = "map-invalid-size",
		.func = subtest_map_invalid_size,
		.description =
			"Mapping more than the buffer is refused.",
	},
	{
		.name = "map-uaf",
		.func = subtest_map_uaf,
		.description =
			"A mapping outlives the handle; the closed handle is ENOENT.",
	},
	{
		.name = "destroy",
		.func = subtest_destroy,
		.description =
			"DESTROY_DUMB frees the handle once; twice is EINVAL.",
	},
};

IGT_TEST_MAIN("Dumb buffers (upstream dumb_buffer).", subtests, .setup = setup,
	      .teardown = teardown, .data = &dev);
