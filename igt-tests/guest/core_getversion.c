// SPDX-License-Identifier: GPL-2.0
/*
 * core_getversion - DRM_IOCTL_VERSION on the device under test and on every
 * card: a name, a date and a description, reported the same way whether
 * the caller asks for the lengths first or passes buffers at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/* Ask for the lengths, then the strings; check they agree. */
static void check_version(int fd, char *name, size_t len)
{
	struct drm_version v = { 0 };
	char date[64], desc[256];

	igt_assert_ok(kms_ioctl(fd, DRM_IOCTL_VERSION, &v));
	igt_assert_lt(0, v.name_len);
	igt_assert_lt(v.name_len, len);
	igt_assert_lt(0, v.date_len);
	igt_assert_lt(0, v.desc_len);
	igt_assert_lte(0, v.version_major);
	igt_assert_lt(v.date_len, sizeof(date));
	igt_assert_lt(v.desc_len, sizeof(desc));

	memset(name, 0, len);
	memset(date, 0, sizeof(date));
	memset(desc, 0, sizeof(desc));
	v.name = name;
	v.date = date;
	v.desc = desc;
	igt_assert_ok(kms_ioctl(fd, DRM_IOCTL_VERSION, &v));
	igt_assert_eq(strlen(name), v.name_len);
	igt_assert_eq(strlen(date), v.date_len);
	igt_assert_eq(strlen(desc), v.desc_len);
	igt_info("%s %d.%d.%d %s: %s\n", name, v.version_major,
		 v.version_minor, v.version_patchlevel, date, desc);
}

static void subtest_basic(void *data)
{
	struct kms_device *d = data;
	char name[64];

	check_version(d->fd, name, sizeof(name));
	igt_assert_eq_str(name, d->driver);
}

static void subtest_all_cards(void *data)
{
	char path[64], name[64];
	int i, fd, n = 0;

	(void)data;
	for (i = 0; i < 64; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			igt_assert_f(errno == ENOENT, "open %s: %s\n", path,
				     strerror(errno));
			continue;
		}
		check_version(fd, name, sizeof(name));
		close(fd);
		n++;
	}
	igt_assert_lt(0, n);
}

static void subtest_short_buffer(void *data)
{
	struct kms_device *d = data;
	struct drm_version v = { 0 };
	char name[2] = { 'x', 'x' };

	/* A buffer too short gets a truncated name and the full length. */
	v.name = name;
	v.name_len = 1;
	igt_assert_ok(kms_ioctl(d->fd, DRM_IOCTL_VERSION, &v));
	igt_assert_eq(v.name_len, strlen(d->driver));
	igt_assert_eq(name[0], d->driver[0]);
	igt_assert_eq(name[1], 'x');
}

static const struct igt_subtest subtests[] = {
	{ "basic", subtest_basic,
	  "VERSION of the device under test names its driver." },
	{ "all-cards", subtest_all_cards,
	  "VERSION works on every /dev/dri/card*." },
	{ "short-buffer", subtest_short_buffer,
	  "A short name buffer is filled up to its length, never beyond, and the full length is reported.",
	},
};

IGT_TEST_MAIN("DRM_IOCTL_VERSION (upstream core_getversion).", subtests,
	      .setup = setup, .teardown = teardown, .data = &dev);
