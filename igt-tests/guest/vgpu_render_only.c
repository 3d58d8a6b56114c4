// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_render_only - a vGPU type without display heads binds as a
 * render-only device: a render node of the same driver exists and opens,
 * there is nothing to display on (no connectors, no CRTCs, or no KMS at
 * all) and the KMS ioctls are refused, while the device still answers the
 * core ioctls.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

#define DRIVER	"vgpu_drm"

static struct kms_device dev;

static void setup(void *data)
{
	kms_open_render_only(data, DRIVER);
}

static void teardown(void *data)
{
	kms_close(data);
}

/* The renderD node next to cardN in sysfs; -ENOENT if none. */
static int render_node(const struct kms_device *d, char *path, size_t len)
{
	char dir[96];
	struct dirent *e;
	int ret = -ENOENT;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/sys/class/drm/card%d/device/drm",
		 d->minor);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((e = readdir(dp)))
		if (!strncmp(e->d_name, "renderD", 7)) {
			snprintf(path, len, "/dev/dri/%s", e->d_name);
			ret = 0;
			break;
		}
	closedir(dp);
	return ret;
}

static void subtest_render_node(void *data)
{
	struct kms_device *d = data;
	char path[300], name[32];
	int fd;

	igt_assert_ok(render_node(d, path, sizeof(path)));
	fd = open(path, O_RDWR | O_CLOEXEC);
	igt_assert_f(fd >= 0, "open %s: %s\n", path, strerror(errno));
	igt_assert_ok(kms_driver_name(fd, name, sizeof(name)));
	igt_assert_eq_str(name, DRIVER);
	/* Mode-setting is no render-node business. */
	igt_assert_eq(kms_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES,
				&(struct drm_mode_card_res){ 0 }), -EACCES);
	close(fd);
}

static void subtest_no_display(void *data)
{
	struct kms_device *d = data;
	int ret;

	ret = kms_read_resources(d);
	if (ret) {
		/* No KMS at all. */
		igt_assert_eq(ret, -EOPNOTSUPP);
		return;
	}
	igt_assert_eq(d->res.count_connectors, 0);
	igt_assert_eq(d->res.count_crtcs, 0);
	igt_assert_eq(d->res.count_encoders, 0);
}

static void subtest_kms_refused(void *data)
{
	struct kms_device *d = data;
	struct drm_mode_crtc c = { .crtc_id = 1 };
	struct drm_mode_get_connector g = { .connector_id = 1 };
	__u32 h, id;
	int ret;

	/* With no CRTC and no connector, ids name nothing. */
	ret = kms_ioctl(d->fd, DRM_IOCTL_MODE_SETCRTC, &c);
	igt_assert_f(ret == -EOPNOTSUPP || ret == -ENOENT,
		     "SETCRTC returned %d\n", ret);
	ret = kms_ioctl(d->fd, DRM_IOCTL_MODE_GETCONNECTOR, &g);
	igt_assert_f(ret == -EOPNOTSUPP || ret == -ENOENT,
		     "GETCONNECTOR returned %d\n", ret);
	ret = kms_wait_vblank(d, 0, _DRM_VBLANK_RELATIVE, 1, 0, NULL);
	igt_assert_f(ret == -EOPNOTSUPP || ret == -EINVAL,
		     "WAIT_VBLANK returned %d\n", ret);
	/* A framebuffer needs a buffer and KMS; neither call may work. */
	if (!kms_dumb_create(d->fd, 64, 64, 32, &h, NULL, NULL)) {
		ret = kms_addfb2(d->fd, 64, 64, DRM_FORMAT_XRGB8888, h, 256,
				 0, &id);
		if (!ret)
			kms_rmfb(d->fd, id);
		kms_gem_close(d->fd, h);
		igt_assert_f(ret == -EOPNOTSUPP || ret == -EINVAL,
			     "ADDFB2 returned %d\n", ret);
	}
	/* The core ioctls still answer. */
	{
		char name[32];

		igt_assert_ok(kms_driver_name(d->fd, name, sizeof(name)));
	}
}

static const struct igt_subtest subtests[] = {
	{ "render-node", subtest_render_node,
	  "A render node of the driver exists, opens, and refuses mode-setting.",
	},
	{ "no-display", subtest_no_display,
	  "No connectors, CRTCs or encoders (or no KMS at all)." },
	{ "kms-refused", subtest_kms_refused,
	  "SETCRTC, GETCONNECTOR, WAIT_VBLANK and ADDFB2 are refused; VERSION works.",
	},
};

IGT_TEST_MAIN("A vGPU type without heads: a render-only DRM device.", subtests,
	      .setup = setup, .teardown = teardown, .data = &dev);
