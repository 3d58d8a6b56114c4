// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_unbind - unbind the DRM device's driver through sysfs and bind it
 * again, with no client and with a client that has a framebuffer on
 * screen: the open file then gets errors (never a crash or a hang), and
 * after the rebind a new card node works like the first.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

struct unbind {
	struct kms_device dev;
	char driver_dir[PATH_MAX];	/* /sys/bus/.../drivers/<drv> */
	char bus_id[128];		/* the device's name on its bus */
};

static struct unbind ub;

static void setup(void *data)
{
	struct unbind *u = data;
	char link[96], real[PATH_MAX];

	kms_open(&u->dev);
	snprintf(link, sizeof(link), "/sys/class/drm/card%d/device/driver",
		 u->dev.minor);
	igt_require_f(realpath(link, u->driver_dir),
		      "card%d's device has no driver to unbind from\n",
		      u->dev.minor);
	snprintf(link, sizeof(link), "/sys/class/drm/card%d/device",
		 u->dev.minor);
	igt_assert(realpath(link, real));
	snprintf(u->bus_id, sizeof(u->bus_id), "%s", basename(real));
	kms_close(&u->dev);
}

static int driver_op(struct unbind *u, const char *op)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/%s", u->driver_dir, op);
	return kms_write_file(path, u->bus_id);
}

/* After a bind: the card of our device, opened; waits for it to show. */
static void reopen(struct unbind *u, struct kms_device *d)
{
	char path[PATH_MAX + 64], real[PATH_MAX];
	int i, ret;

	for (i = 0; i < 200; i++) {
		/* Find the new cardN under the device. */
		for (ret = 0; ret < 16; ret++) {
			char link[96];

			snprintf(link, sizeof(link),
				 "/sys/class/drm/card%d/device", ret);
			if (!realpath(link, real) ||
			    strcmp(basename(real), u->bus_id))
				continue;
			snprintf(path, sizeof(path), "/dev/dri/card%d", ret);
			if (access(path, F_OK))
				continue;
			setenv("IGT_DEVICE", path, 1);
			kms_open(d);
			return;
		}
		usleep(50 * 1000);
	}
	igt_fail_f("no card for %s within 10 s of the bind\n", u->bus_id);
}

static void check_working(struct kms_device *d)
{
	struct kms_output out;
	struct kms_fb fb;

	kms_require_output(d, &out);
	kms_output_show(d, &out, &fb, 0xff406080);
	igt_assert_ok(kms_wait_vblank(d, out.crtc_index, _DRM_VBLANK_RELATIVE,
				      3, 0, NULL));
	kms_disable_crtc(d, out.crtc_id);
	kms_fb_destroy(&fb);
}

static void subtest_unbind_rebind(void *data)
{
	struct unbind *u = data;
	struct kms_device d;

	igt_set_timeout(120, "unbind and rebind");
	igt_assert_ok(driver_op(u, "unbind"));
	igt_assert_ok(driver_op(u, "bind"));
	reopen(u, &d);
	check_working(&d);
	kms_close(&d);
}

static void subtest_hotunbind_rebind(void *data)
{
	struct unbind *u = data;
	struct kms_device old, d;
	struct drm_mode_card_res r = { 0 };
	struct kms_output out;
	struct kms_fb fb;
	__u32 *map, h;
	int ret;

	igt_set_timeout(120, "unbind and rebind");
	/* A client with a framebuffer on screen and a mapping. */
	setenv("IGT_DEVICE", u->dev.path, 1);
	kms_open(&old);
	kms_require_output(&old, &out);
	kms_output_show(&old, &out, &fb, 0xff00ff00);
	map = fb.map;

	igt_assert_ok(driver_op(u, "unbind"));

	/* The file stays open and every ioctl fails cleanly. */
	ret = kms_ioctl(old.fd, DRM_IOCTL_MODE_GETRESOURCES, &r);
	igt_assert_f(ret == -ENODEV || ret == -EIO,
		     "GETRESOURCES after unbind: %d\n", ret);
	ret = kms_dumb_create(old.fd, 64, 64, 32, &h, NULL, NULL);
	igt_assert_f(ret == -ENODEV || ret == -EIO,
		     "CREATE_DUMB after unbind: %d\n", ret);
	ret = kms_page_flip(&old, out.crtc_id, fb.fb_id,
			    DRM_MODE_PAGE_FLIP_EVENT, 0);
	igt_assert_neq(ret, 0);

	igt_assert_ok(driver_op(u, "bind"));
	reopen(u, &d);
	check_working(&d);
	kms_close(&d);

	/* The old mapping still reads (the pages live on); then let go. */
	igt_assert_eq_u32(map[0], 0xff00ff00);
	munmap(fb.map, fb.size);
	close(old.fd);
}

static const struct igt_subtest subtests[] = {
	{ "unbind-rebind", subtest_unbind_rebind,
	  "Unbind with no client, bind again: a working device." },
	{ "hotunbind-rebind", subtest_hotunbind_rebind,
	  "Unbind while a client shows a framebuffer: its ioctls fail, nothing crashes; bind again: a working device.",
	},
};

IGT_TEST_MAIN("Driver unbind and rebind through sysfs (upstream core_hotunplug).",
	      subtests, .setup = setup, .data = &ub);
