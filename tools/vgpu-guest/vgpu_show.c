// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu-show: a picture on a vGPU's display, drawn by the vGPU. It sets the
 * preferred mode of the first connected head with two framebuffers, and
 * for each frame has the copy engine fill the back buffer (colour bars, a
 * square that moves, a band that grows) before flipping to it. What a
 * guest's desktop does with a GPU, in miniature: the host sees the frames
 * through the vGPU's display like any VMM display.
 *
 * usage: vgpu-show [-d CARD] [-s SECONDS] [-f FRAMES]
 * Prints "show: WxH" once the mode is set, then frames shown, frames whose
 * drawing failed, seconds and fps; fails when more than half failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <drm_mode.h>

#include "vgpu_guest.h"

#define SHOW_BARS	8
#define SHOW_BUFFERS	2
#define SHOW_CPP	4
#define SHOW_BATCH	4096
#define SHOW_FENCE_MS	10000

/* Eight bars, white to black through the colours, as test cards have. */
static const __u32 show_bar_colors[SHOW_BARS] = {
	0xffffffff, 0xffffff00, 0xff00ffff, 0xff00ff00,
	0xffff00ff, 0xffff0000, 0xff0000ff, 0xff000000,
};

struct show_fb {
	struct vgpu_bo bo;
	__u32 fb_id;
	__u32 pitch;
};

struct show {
	struct vgpu_dev dev;
	struct drm_mode_modeinfo mode;
	__u32 connector_id;
	__u32 crtc_id;
	struct show_fb fb[SHOW_BUFFERS];
	struct vgpu_batch batch;
};

static int show_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = vgpu_ioctl(fd, req, arg);

	if (ret)
		fprintf(stderr, "vgpu-show: ioctl %#lx: %s\n", req,
			strerror(-ret));
	return ret;
}

/* The first connected connector, its preferred mode and its CRTC. */
static int show_find_output(struct show *s)
{
	struct drm_mode_card_res res = { 0 };
	struct drm_mode_get_connector conn;
	struct drm_mode_get_encoder enc;
	struct drm_mode_modeinfo modes[64];
	__u32 connectors[8], crtcs[8], i, m;
	int fd = s->dev.fd;

	if (show_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -1;
	if (res.count_connectors > 8)
		res.count_connectors = 8;
	if (res.count_crtcs > 8)
		res.count_crtcs = 8;
	res.connector_id_ptr = (__u64)(unsigned long)connectors;
	res.crtc_id_ptr = (__u64)(unsigned long)crtcs;
	res.count_fbs = 0;
	res.count_encoders = 0;
	if (show_ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res))
		return -1;
	for (i = 0; i < res.count_connectors; i++) {
		memset(&conn, 0, sizeof(conn));
		conn.connector_id = connectors[i];
		if (show_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn))
			return -1;
		if (conn.connection != 1 || !conn.count_modes)
			continue;
		if (conn.count_modes > 64)
			conn.count_modes = 64;
		conn.modes_ptr = (__u64)(unsigned long)modes;
		conn.count_props = 0;
		conn.count_encoders = 0;
		if (show_ioctl(fd, DRM_IOCTL_MODE_GETCONNECTOR, &conn))
			return -1;
		s->mode = modes[0];
		for (m = 0; m < conn.count_modes; m++) {
			if (modes[m].type & DRM_MODE_TYPE_PREFERRED) {
				s->mode = modes[m];
				break;
			}
		}
		s->connector_id = conn.connector_id;
		memset(&enc, 0, sizeof(enc));
		enc.encoder_id = conn.encoder_id;
		if (!enc.encoder_id ||
		    vgpu_ioctl(fd, DRM_IOCTL_MODE_GETENCODER, &enc) ||
		    !enc.crtc_id)
			enc.crtc_id = crtcs[i < res.count_crtcs ? i : 0];
		s->crtc_id = enc.crtc_id;
		return 0;
	}
	fprintf(stderr, "vgpu-show: no connected head\n");
	return -1;
}

static int show_fb_init(struct show *s, struct show_fb *fb)
{
	struct drm_mode_create_dumb dumb = {
		.width = s->mode.hdisplay,
		.height = s->mode.vdisplay,
		.bpp = SHOW_CPP * 8,
	};
	struct drm_mode_fb_cmd2 add = {
		.width = s->mode.hdisplay,
		.height = s->mode.vdisplay,
		.pixel_format = DRM_FORMAT_XRGB8888,
	};
	struct drm_vgpu_gem_info info = { 0 };
	int fd = s->dev.fd;

	if (show_ioctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
		return -1;
	/* A dumb buffer is a GEM object of the driver: the GPU can draw it. */
	if (vgpu_gem_info(fd, dumb.handle, &info))
		return -1;
	fb->bo.fd = fd;
	fb->bo.handle = dumb.handle;
	fb->bo.size = info.size;
	fb->bo.gfx_addr = info.gfx_addr;
	fb->bo.mmap_offset = info.mmap_offset;
	fb->bo.map = NULL;
	fb->pitch = dumb.pitch;
	add.handles[0] = dumb.handle;
	add.pitches[0] = dumb.pitch;
	if (show_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &add))
		return -1;
	fb->fb_id = add.fb_id;
	return 0;
}

/* Frame @n into @fb: bars, a square moving across them, a growing band. */
static int show_draw(struct show *s, struct show_fb *fb, unsigned int n)
{
	__u32 w = s->mode.hdisplay, h = s->mode.vdisplay, bar = w / SHOW_BARS;
	struct vgpu_surface dst = vgpu_bo_surface(&fb->bo, 0, fb->pitch,
						  SHOW_CPP);
	__u32 side = h / 4, x, band, i;
	struct vgpu_exec e;
	int ret;

	ret = vgpu_batch_reset(&s->batch, 0);
	if (!ret)
		ret = vgpu_batch_use(&s->batch, &fb->bo);
	for (i = 0; !ret && i < SHOW_BARS; i++)
		ret = vgpu_cmd_color_blt(&s->batch.cmd, &dst, i * bar, 0,
					 i == SHOW_BARS - 1 ? w - i * bar : bar,
					 h, show_bar_colors[i]);
	x = (n * 8) % (w - side);
	if (!ret)
		ret = vgpu_cmd_color_blt(&s->batch.cmd, &dst, x, (h - side) / 2,
					 side, side, 0xff202020);
	band = 1 + (n * 4) % w;
	if (!ret)
		ret = vgpu_cmd_color_blt(&s->batch.cmd, &dst, 0, h - h / 16,
					 band, h / 16, 0xff3366cc);
	if (ret)
		return ret;
	vgpu_exec_init(&e, DRM_VGPU_ENGINE_COPY);
	e.want_out_fence = true;
	ret = vgpu_batch_submit(&s->batch, &e);
	if (ret)
		return ret;
	ret = vgpu_fence_wait(e.out_fence, SHOW_FENCE_MS);
	if (ret == 1)
		ret = vgpu_fence_status(e.out_fence) == 1 ? 0 : -EIO;
	else if (!ret)
		ret = -ETIME;
	close(e.out_fence);
	if (ret)
		fprintf(stderr, "vgpu-show: frame %u: %s\n", n, strerror(-ret));
	return ret;
}

/* Flip to @fb and wait for the flip's event. */
static int show_flip(struct show *s, struct show_fb *fb)
{
	struct drm_mode_crtc_page_flip flip = {
		.crtc_id = s->crtc_id,
		.fb_id = fb->fb_id,
		.flags = DRM_MODE_PAGE_FLIP_EVENT,
	};
	char buf[256];

	if (show_ioctl(s->dev.fd, DRM_IOCTL_MODE_PAGE_FLIP, &flip))
		return -1;
	/* Blocking read of the DRM file: the flip-complete event. */
	return read(s->dev.fd, buf, sizeof(buf)) > 0 ? 0 : -1;
}

static double show_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void show_usage(FILE *f)
{
	fprintf(f, "usage: vgpu-show [-d CARD] [-s SECONDS] [-f FRAMES]\n"
		"  -d CARD     the vGPU's primary node (default /dev/dri/card0)\n"
		"  -s SECONDS  how long to animate (default 10)\n"
		"  -f FRAMES   stop after this many frames too (default none)\n");
}

int main(int argc, char **argv)
{
	const char *card = "/dev/dri/card0";
	struct drm_mode_crtc set = { 0 };
	unsigned long frames_max = 0, n = 0, failed = 0;
	double seconds = 10, t0, t;
	struct show s = { 0 };
	__u32 connector;
	char *end;
	int opt, i;

	while ((opt = getopt(argc, argv, "d:s:f:h")) != -1) {
		switch (opt) {
		case 'd':
			card = optarg;
			break;
		case 's':
			seconds = strtod(optarg, &end);
			if (*end || seconds <= 0)
				goto bad;
			break;
		case 'f':
			frames_max = strtoul(optarg, &end, 0);
			if (*end || !frames_max)
				goto bad;
			break;
		case 'h':
			show_usage(stdout);
			return 0;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;

	if (vgpu_dev_open(&s.dev, card, 1u << DRM_VGPU_ENGINE_COPY)) {
		fprintf(stderr, "vgpu-show: %s is no vGPU with a copy engine\n",
			card);
		return 1;
	}
	if (show_find_output(&s))
		return 1;
	for (i = 0; i < SHOW_BUFFERS; i++)
		if (show_fb_init(&s, &s.fb[i]))
			return 1;
	if (vgpu_batch_init(&s.batch, s.dev.fd, SHOW_BATCH) ||
	    show_draw(&s, &s.fb[0], 0))
		return 1;
	connector = s.connector_id;
	set.crtc_id = s.crtc_id;
	set.fb_id = s.fb[0].fb_id;
	set.set_connectors_ptr = (__u64)(unsigned long)&connector;
	set.count_connectors = 1;
	set.mode = s.mode;
	set.mode_valid = 1;
	if (show_ioctl(s.dev.fd, DRM_IOCTL_MODE_SETCRTC, &set))
		return 1;
	printf("show: %ux%u on crtc %u\n", s.mode.hdisplay, s.mode.vdisplay,
	       s.crtc_id);
	fflush(stdout);

	/*
	 * A frame whose drawing failed (the host refused or killed it) is not
	 * shown; the next one is drawn afresh. Only flips are fatal.
	 */
	t0 = show_now();
	do {
		n++;
		if (show_draw(&s, &s.fb[n % SHOW_BUFFERS], n))
			failed++;
		else if (show_flip(&s, &s.fb[n % SHOW_BUFFERS]))
			return 1;
		t = show_now() - t0;
	} while (t < seconds && (!frames_max || n < frames_max));
	printf("frames: %lu\nframes_failed: %lu\nseconds: %.1f\nfps: %.2f\n",
	       n - failed, failed, t, (n - failed) / t);
	return failed * 2 > n;

bad:
	show_usage(stderr);
	return 2;
}
