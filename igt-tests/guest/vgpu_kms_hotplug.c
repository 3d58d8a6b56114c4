// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_kms_hotplug - an EDID change made by the host reaches the guest: a
 * HOTPLUG=1 uevent from the DRM device, a connector whose re-probed mode
 * list holds the new mode as preferred, and a CRTC that can show it.
 *
 * The guest cannot change its own EDID. With VGPU_HOST_CHANNEL naming a
 * file (a serial port the host reads) the test writes
 * "HOTPLUG-REQUEST <connector-index>\n", waits up to VGPU_HOTPLUG_TIMEOUT
 * seconds (default 120, below igt-run's 180 s per subtest, so that the
 * test fails with its own message rather than being killed) for a uevent
 * after which the connector lists the mode VGPU_HOTPLUG_MODE ("WxH") as
 * preferred, and writes "HOTPLUG-DONE\n". A replug may come as several
 * uevents (the link down, then up with the new EDID): after each one the
 * connector is probed, and the test waits on until the deadline.
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

#define HOTPLUG_TIMEOUT_DEFAULT	120

/*
 * What the connector shows now: 1 when it is connected with a @w x @h
 * mode that is the preferred one, 0 otherwise (*why says what is wrong).
 */
static int probe_new_mode(struct hotplug *h, int idx, unsigned int w,
			  unsigned int hgt, struct kms_connector *c,
			  char *why, size_t len)
{
	bool found = false;
	unsigned int i;
	int ret, pref;

	ret = kms_read_resources(&h->dev);
	if (!ret)
		ret = kms_get_connector(&h->dev, h->dev.connectors[idx], c);
	if (ret) {
		snprintf(why, len, "probing connector %d: %s", idx,
			 strerror(-ret));
		return 0;
	}
	if (c->connection != 1) {
		snprintf(why, len, "connector %u not connected (%u)", c->id,
			 c->connection);
		return 0;
	}
	for (i = 0; i < c->count_modes; i++)
		if (c->modes[i].hdisplay == w && c->modes[i].vdisplay == hgt)
			found = true;
	pref = kms_preferred_mode(c);
	if (!found || pref < 0 ||
	    !(c->modes[pref].type & DRM_MODE_TYPE_PREFERRED) ||
	    c->modes[pref].hdisplay != w || c->modes[pref].vdisplay != hgt) {
		snprintf(why, len,
			 "connector %u: %u modes, %s%ux%u, preferred %s%ux%u",
			 c->id, c->count_modes, found ? "" : "no ", w, hgt,
			 pref >= 0 &&
			 (c->modes[pref].type & DRM_MODE_TYPE_PREFERRED) ?
			 "" : "(none) ",
			 pref >= 0 ? c->modes[pref].hdisplay : 0,
			 pref >= 0 ? c->modes[pref].vdisplay : 0);
		return 0;
	}
	return 1;
}

static void subtest_hotplug_edid_change(void *data)
{
	struct hotplug *h = data;
	const char *chan = getenv("VGPU_HOST_CHANNEL");
	const char *mode = getenv("VGPU_HOTPLUG_MODE");
	const char *tmo = getenv("VGPU_HOTPLUG_TIMEOUT");
	unsigned int w, hgt, uevents = 0;
	int timeout = tmo ? atoi(tmo) : HOTPLUG_TIMEOUT_DEFAULT;
	struct kms_connector c;
	struct kms_output out;
	struct kms_fb fb;
	__u64 deadline, now;
	int cfd, ufd, idx = 0, ret, ok = 0;
	char line[64], why[160] = "no uevent";

	igt_require_f(chan && *chan, "no host channel (VGPU_HOST_CHANNEL)\n");
	igt_require_f(mode && sscanf(mode, "%ux%u", &w, &hgt) == 2,
		      "VGPU_HOTPLUG_MODE (\"WxH\") is not set\n");
	igt_assert_lt(0, timeout);
	/* A backstop only: the deadline below fails the test first. */
	igt_set_timeout(timeout + 30, "the host's EDID change");

	ufd = uevent_open();
	igt_assert_ok(ufd);
	cfd = open(chan, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	igt_assert_f(cfd >= 0, "open %s: %s\n", chan, strerror(errno));

	/* Connector index 0: the first connector of the device. */
	snprintf(line, sizeof(line), "HOTPLUG-REQUEST %d\n", idx);
	deadline = kms_now_ns() + (__u64)timeout * 1000000000ull;
	channel_write(cfd, line);
	while (!ok) {
		now = kms_now_ns();
		if (now >= deadline)
			break;
		ret = uevent_wait_hotplug(ufd, h->dev.minor,
					  (deadline - now) / 1000000 + 1);
		if (ret == -ETIMEDOUT)
			break;
		igt_assert_ok(ret);
		uevents++;
		ok = probe_new_mode(h, idx, w, hgt, &c, why, sizeof(why));
		igt_debug("uevent %u: %s\n", uevents, ok ? "new mode" : why);
	}
	igt_assert_f(ok,
		     "no %ux%u preferred mode on card%d within %d s of HOTPLUG-REQUEST: %u HOTPLUG=1 uevents; last: %s\n",
		     w, hgt, h->dev.minor, timeout, uevents, why);

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

static const char description[] =
	"Hotplug after an EDID change made from the host (vGPU only; needs VGPU_HOST_CHANNEL).";

IGT_TEST_MAIN(description, subtests,
	      .setup = setup, .teardown = teardown, .data = &hp);
