// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_kms_hotplug - an EDID change made by the host reaches the guest: a
 * HOTPLUG=1 uevent from the DRM device, a connector whose re-probed mode
 * list holds the new mode as preferred, and a CRTC that can show it.
 *
 * The guest cannot change its own EDID. With VGPU_HOST_CHANNEL naming a
 * file (a serial port the host reads) the test writes
 * "HOTPLUG-REQUEST <connector-index>\n", waits up to VGPU_HOTPLUG_TIMEOUT
 * seconds (default 300) for the uevent, checks the mode VGPU_HOTPLUG_MODE
 * ("WxH"), and writes "HOTPLUG-DONE\n".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"
#include "uevent.h"

struct hotplug {
	struct kms_device dev;
};

static struct hotplug hp;

static void setup(void *data)
{
	struct hotplug *h = data;

	kms_open(&h->dev);
	kms_disable_all(&h->dev);
}

static void teardown(void *data)
{
	struct hotplug *h = data;

	kms_disable_all(&h->dev);
	kms_close(&h->dev);
}

static void channel_write(int fd, const char *line)
{
	size_t len = strlen(line);

	igt_assert_eq(write(fd, line, len), (ssize_t)len);
}

static void subtest_hotplug_edid_change(void *data)
{
	struct hotplug *h = data;
	const char *chan = getenv("VGPU_HOST_CHANNEL");
	const char *mode = getenv("VGPU_HOTPLUG_MODE");
	const char *tmo = getenv("VGPU_HOTPLUG_TIMEOUT");
	unsigned int w, hgt, i, timeout = tmo ? atoi(tmo) : 300;
	struct kms_connector c;
	struct kms_output out;
	struct kms_fb fb;
	bool found = false;
	int cfd, ufd, idx = 0, pref;
	char line[64];

	igt_require_f(chan && *chan, "no host channel (VGPU_HOST_CHANNEL)\n");
	igt_require_f(mode && sscanf(mode, "%ux%u", &w, &hgt) == 2,
		      "VGPU_HOTPLUG_MODE (\"WxH\") is not set\n");
	igt_assert_lt(0, timeout);
	igt_set_timeout(timeout + 60, "the host's EDID change");

	ufd = uevent_open();
	igt_assert_ok(ufd);
	cfd = open(chan, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	igt_assert_f(cfd >= 0, "open %s: %s\n", chan, strerror(errno));

	/* Connector index 0: the first connector of the device. */
	snprintf(line, sizeof(line), "HOTPLUG-REQUEST %d\n", idx);
	channel_write(cfd, line);
	igt_assert_f(!uevent_wait_hotplug(ufd, h->dev.minor, timeout * 1000),
		     "no HOTPLUG=1 uevent from card%d within %u s\n",
		     h->dev.minor, timeout);

	igt_assert_ok(kms_read_resources(&h->dev));
	igt_assert_ok(kms_get_connector(&h->dev, h->dev.connectors[idx], &c));
	igt_assert_eq_u32(c.connection, 1);
	for (i = 0; i < c.count_modes; i++)
		if (c.modes[i].hdisplay == w && c.modes[i].vdisplay == hgt)
			found = true;
	igt_assert_f(found, "no %ux%u mode after the EDID change\n", w, hgt);
	pref = kms_preferred_mode(&c);
	igt_assert_lte(0, pref);
	igt_assert_f(c.modes[pref].type & DRM_MODE_TYPE_PREFERRED,
		     "no preferred mode after the EDID change\n");
	igt_assert_eq(c.modes[pref].hdisplay, w);
	igt_assert_eq(c.modes[pref].vdisplay, hgt);

	/* And the new mode can be shown. */
	kms_require_output(&h->dev, &out);
	if (out.connector.id == c.id) {
		kms_output_show(&h->dev, &out, &fb, 0xff00a000);
		igt_assert_ok(kms_wait_vblank(&h->dev, out.crtc_index,
					      _DRM_VBLANK_RELATIVE, 2, 0,
					      NULL));
		kms_disable_crtc(&h->dev, out.crtc_id);
		kms_fb_destroy(&fb);
	}
	channel_write(cfd, "HOTPLUG-DONE\n");
	close(cfd);
	close(ufd);
}

static const struct igt_subtest subtests[] = {
	{ "hotplug-edid-change", subtest_hotplug_edid_change,
	  "The host changes the EDID: HOTPLUG=1 uevent, the new mode listed and preferred, and shown.",
	},
};

static const struct igt_test test = {
	.description =
		"Hotplug after an EDID change made from the host (vGPU only; needs VGPU_HOST_CHANNEL).",
	.subtests = subtests,
	.num_subtests = IGT_ARRAY_SIZE(subtests),
	.setup = setup,
	.teardown = teardown,
	.data = &hp,
};

int main(int argc, char **argv)
{
	return igt_main(&test, argc, argv);
}
