// SPDX-License-Identifier: GPL-2.0
/*
 * kms_pipe_crc_basic - pipe CRCs through debugfs: one per frame, frame
 * numbers consecutive, equal for identical frames (also from two different
 * framebuffers), different as soon as one pixel differs; a bad source is
 * refused; turning the CRTC off stops the CRCs and breaks nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crc.h"
#include "igt_core.h"
#include "kms.h"

#define N_CRCS	10

struct pipe_crc {
	struct kms_device dev;
	struct kms_output out;
	struct kms_fb fb[2];
	struct kms_crc_source src;
};

static struct pipe_crc pc;

static void setup(void *data)
{
	struct pipe_crc *p = data;

	kms_open(&p->dev);
	kms_disable_all(&p->dev);
	kms_require_output(&p->dev, &p->out);
	kms_crc_require(&p->dev, p->out.crtc_index);
	igt_assert_ok(kms_fb_create(p->dev.fd, p->out.mode.hdisplay,
				    p->out.mode.vdisplay, DRM_FORMAT_XRGB8888,
				    &p->fb[1]));
	kms_output_show(&p->dev, &p->out, &p->fb[0], 0);
	kms_fb_fill_pattern(&p->fb[0], 0x336699);
}

static void teardown(void *data)
{
	struct pipe_crc *p = data;

	kms_disable_all(&p->dev);
	kms_fb_destroy(&p->fb[0]);
	kms_fb_destroy(&p->fb[1]);
	kms_close(&p->dev);
}

static void start(struct pipe_crc *p)
{
	igt_set_timeout(60, "CRCs");
	kms_drain_events(p->dev.fd);
	igt_assert_ok(kms_set_mode(&p->dev, &p->out, NULL, p->fb[0].fb_id));
	igt_assert_ok(kms_crc_start(&p->dev, p->out.crtc_index, &p->src));
}

static void show(struct pipe_crc *p, int i)
{
	struct drm_event_vblank ev;

	igt_assert_ok(kms_page_flip(&p->dev, p->out.crtc_id, p->fb[i].fb_id,
				    DRM_MODE_PAGE_FLIP_EVENT, i));
	igt_assert_ok(kms_read_event(p->dev.fd, KMS_EVENT_TIMEOUT_MS, &ev));
}

static void read_crcs(struct pipe_crc *p, bool consecutive)
{
	struct kms_crc first, crc;
	char a[64], b[64];
	__u32 prev;
	int i;

	start(p);
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &first);
	prev = first.frame;
	for (i = 1; i < N_CRCS; i++) {
		igt_assert_ok(kms_crc_read(&p->src, KMS_EVENT_TIMEOUT_MS,
					   &crc));
		igt_assert_f(kms_crc_equal(&crc, &first),
			     "frame %u: %s, frame %u: %s\n", first.frame,
			     kms_crc_str(&first, a, sizeof(a)), crc.frame,
			     kms_crc_str(&crc, b, sizeof(b)));
		if (consecutive)
			igt_assert_eq_u32(crc.frame, prev + 1);
		else
			igt_assert_lt(0, (__s32)(crc.frame - prev));
		prev = crc.frame;
	}
	kms_crc_stop(&p->src);
}

static void subtest_read_crc(void *data)
{
	read_crcs(data, false);
}

static void subtest_read_crc_frame_sequence(void *data)
{
	read_crcs(data, true);
}

/*
 * Frames to wait for the first CRC after the source was enabled: a vGPU in
 * a nested guest delivers it several frames late (the host computes CRCs
 * in software), a real pipeline one or two frames after enabling.
 */
#define FIRST_CRC_FRAMES	60
/* Reads allowed to empty the queue once lines are there. */
#define DRAIN_READS		200

/* One non-blocking read: 1 a line, 0 EAGAIN; fails on anything else. */
static int crc_read_nonblocking(struct pipe_crc *p, struct kms_crc *crc)
{
	char line[256];
	ssize_t n;

	do {
		n = read(p->src.data_fd, line, sizeof(line) - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	igt_assert_f(n > 0, "non-blocking CRC read: %zd (%s)\n", n,
		     n < 0 ? strerror(errno) : "end of file");
	line[n] = '\0';
	igt_assert_f(sscanf(line, "%x %x", &crc->frame, &crc->crc[0]) == 2 ||
		     !strncmp(line, "XXXXXXXXXX", 10),
		     "bad CRC line \"%s\"\n", line);
	return 1;
}

static void subtest_nonblocking_crc(void *data)
{
	struct pipe_crc *p = data;
	struct kms_crc crc;
	int i, got;

	start(p);
	igt_assert(fcntl(p->src.data_fd, F_GETFL) & O_NONBLOCK);
	/* Nothing is waited for: a line or EAGAIN at once. */
	got = crc_read_nonblocking(p, &crc);
	/* Frames go by; lines come, and reading never waits for them. */
	for (i = 0; !got && i < FIRST_CRC_FRAMES; i++) {
		igt_assert_ok(kms_wait_vblank(&p->dev, p->out.crtc_index,
					      _DRM_VBLANK_RELATIVE, 1, 0,
					      NULL));
		got = crc_read_nonblocking(p, &crc);
	}
	igt_assert_f(got, "no CRC line within %d frames of enabling\n",
		     FIRST_CRC_FRAMES);
	igt_debug("first CRC line after %d frames\n", i);
	/*
	 * Reading on empties the queue: EAGAIN comes. A read that blocked
	 * until the next frame's line would give a line every time instead.
	 */
	for (i = 0; i < DRAIN_READS; i++)
		if (!crc_read_nonblocking(p, &crc))
			break;
	igt_assert_f(i < DRAIN_READS,
		     "%d non-blocking reads without EAGAIN\n", DRAIN_READS);
	kms_crc_stop(&p->src);
}

static void subtest_compare_crc_sanitycheck(void *data)
{
	struct pipe_crc *p = data;
	struct kms_crc c0, c1, c2;
	char a[64], b[64];

	start(p);
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &c0);

	/* Another buffer, the same pixels: the same CRC. */
	kms_fb_fill_pattern(&p->fb[1], 0x336699);
	show(p, 1);
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &c1);
	igt_assert_f(kms_crc_equal(&c0, &c1), "%s vs %s\n",
		     kms_crc_str(&c0, a, sizeof(a)),
		     kms_crc_str(&c1, b, sizeof(b)));

	/* One pixel differs: the CRC differs. */
	kms_fb_fill_rect(&p->fb[1], p->fb[1].width / 3,
			 p->fb[1].height / 3, 1, 1, 0xff000001);
	/* Front-buffer drawing: tell drivers that track damage. */
	kms_ioctl(p->dev.fd, DRM_IOCTL_MODE_DIRTYFB,
		  &(struct drm_mode_fb_dirty_cmd){ .fb_id = p->fb[1].fb_id });
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &c2);
	igt_assert_f(!kms_crc_equal(&c0, &c2),
		     "one pixel changed and the CRC stayed %s\n",
		     kms_crc_str(&c2, a, sizeof(a)));

	/* Back to the first: the first CRC again. */
	show(p, 0);
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &c1);
	igt_assert(kms_crc_equal(&c0, &c1));
	kms_crc_stop(&p->src);
}

static void subtest_bad_source(void *data)
{
	struct pipe_crc *p = data;
	struct kms_crc_source src;
	char path[192];
	struct kms_crc crc;
	int ret, fd;

	start(p);
	kms_crc_stop(&p->src);
	snprintf(path, sizeof(path), "%s/control", p->src.dir);
	ret = kms_write_file(path, "no-such-source");
	if (!ret) {
		/* Accepted by the control file, refused when started. */
		snprintf(path, sizeof(path), "%s/data", p->src.dir);
		fd = open(path, O_RDONLY | O_NONBLOCK);
		igt_assert_f(fd < 0, "a bad CRC source started\n");
		ret = -errno;
	}
	igt_assert_eq(ret, -EINVAL);
	/* The good source still works. */
	igt_assert_ok(kms_crc_start(&p->dev, p->out.crtc_index, &src));
	igt_assert_ok(kms_crc_read(&src, KMS_EVENT_TIMEOUT_MS, &crc));
	kms_crc_stop(&src);
}

static void subtest_disable_crc_after_crtc(void *data)
{
	struct pipe_crc *p = data;
	struct kms_crc crc;
	int i, ret;

	start(p);
	igt_assert_ok(kms_crc_read(&p->src, KMS_EVENT_TIMEOUT_MS, &crc));
	igt_assert_ok(kms_disable_crtc(&p->dev, p->out.crtc_id));
	/* What was queued drains, then no more CRCs come. */
	for (i = 0; i < 10; i++) {
		ret = kms_crc_read(&p->src, 500, &crc);
		if (ret)
			break;
	}
	igt_assert_neq(ret, 0);
	kms_crc_stop(&p->src);

	/* Lit again, CRCs again. */
	start(p);
	kms_crc_of_screen(&p->dev, p->out.crtc_index, &p->src, &crc);
	kms_crc_stop(&p->src);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "read-crc",
		.func = subtest_read_crc,
		.description =
			"CRCs of a still picture are all equal and move forward in frames.",
	},
	{
		.name = "read-crc-frame-sequence",
		.func = subtest_read_crc_frame_sequence,
		.description =
			"One CRC per frame, frame numbers consecutive.",
	},
	{
		.name = "nonblocking-crc",
		.func = subtest_nonblocking_crc,
		.description =
			"Non-blocking reads: EAGAIN or a line, never a wait; lines come within frames.",
	},
	{
		.name = "compare-crc-sanitycheck-xr24",
		.func = subtest_compare_crc_sanitycheck,
		.description =
			"Same XRGB8888 pixels, same CRC (two buffers); one pixel off, another CRC.",
	},
	{
		.name = "bad-source",
		.func = subtest_bad_source,
		.description =
			"An unknown CRC source is EINVAL; auto works after.",
	},
	{
		.name = "disable-crc-after-crtc",
		.func = subtest_disable_crc_after_crtc,
		.description =
			"CRTC off: CRCs stop; on again: CRCs again.",
	},
};

IGT_TEST_MAIN("Pipe CRCs (upstream kms_pipe_crc_basic).", subtests,
	      .setup = setup, .teardown = teardown, .data = &pc);
