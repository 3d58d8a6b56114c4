// SPDX-License-Identifier: GPL-2.0
/*
 * fbdev - the fbdev emulation of the DRM device under test: its screen
 * info matches a real framebuffer, read and write go through to the
 * framebuffer memory (also seen through mmap), reads at the end return
 * nothing, writes past it and bad buffers are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fb.h>
#include <linux/kd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "igt_core.h"
#include "kms.h"

struct fbdev {
	struct kms_device dev;
	int fd;
	int tty;	/* /dev/tty0 in KD_GRAPHICS: no console drawing */
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
};

static struct fbdev fbd = { .fd = -1, .tty = -1 };

/* The /dev/fbN whose device is the DRM device's. */
static int fbdev_open(const struct kms_device *d)
{
	char link[96], want[PATH_MAX], got[PATH_MAX], path[32];
	int i;

	snprintf(link, sizeof(link), "/sys/class/drm/card%d/device",
		 d->minor);
	if (!realpath(link, want))
		return -ENOENT;
	for (i = 0; i < 8; i++) {
		snprintf(link, sizeof(link), "/sys/class/graphics/fb%d/device",
			 i);
		if (!realpath(link, got) || strcmp(got, want))
			continue;
		snprintf(path, sizeof(path), "/dev/fb%d", i);
		return open(path, O_RDWR | O_CLOEXEC);
	}
	return -ENOENT;
}

static void setup(void *data)
{
	struct fbdev *f = data;

	kms_open(&f->dev);
	f->fd = fbdev_open(&f->dev);
	igt_require_f(f->fd >= 0, "no fbdev for card%d (%s)\n", f->dev.minor,
		      f->dev.driver);
	/* The console must not draw while we compare memory. */
	f->tty = open("/dev/tty0", O_RDWR | O_CLOEXEC);
	if (f->tty >= 0 && ioctl(f->tty, KDSETMODE, KD_GRAPHICS)) {
		close(f->tty);
		f->tty = -1;
	}
	igt_assert_ok(ioctl(f->fd, FBIOGET_VSCREENINFO, &f->var));
	igt_assert_ok(ioctl(f->fd, FBIOGET_FSCREENINFO, &f->fix));
}

static void teardown(void *data)
{
	struct fbdev *f = data;

	if (f->fd >= 0)
		close(f->fd);
	if (f->tty >= 0) {
		ioctl(f->tty, KDSETMODE, KD_TEXT);
		close(f->tty);
	}
	kms_close(&f->dev);
}

static void subtest_info(void *data)
{
	struct fbdev *f = data;

	igt_info("%ux%u virtual %ux%u, %u bpp, line %u, smem %u\n",
		 f->var.xres, f->var.yres, f->var.xres_virtual,
		 f->var.yres_virtual, f->var.bits_per_pixel,
		 f->fix.line_length, f->fix.smem_len);
	igt_assert_lt(0, f->var.xres);
	igt_assert_lt(0, f->var.yres);
	igt_assert_lte(f->var.xres, f->var.xres_virtual);
	igt_assert_lte(f->var.yres, f->var.yres_virtual);
	igt_assert_eq(f->fix.type, FB_TYPE_PACKED_PIXELS);
	igt_assert_lte(f->var.xres * f->var.bits_per_pixel / 8,
		       f->fix.line_length);
	igt_assert_lte((__u64)f->fix.line_length * f->var.yres_virtual,
		       f->fix.smem_len);
}

static void subtest_read_write(void *data, bool check_mmap)
{
	struct fbdev *f = data;
	const size_t len = 64 * 1024;
	const off_t off = f->fix.smem_len - len - 4096;
	unsigned char *buf, *back, *map;
	size_t i;

	buf = malloc(len);
	back = malloc(len);
	igt_assert(buf && back);
	for (i = 0; i < len; i++)
		buf[i] = i * 7 + 3;
	igt_assert_eq(pwrite(f->fd, buf, len, off), (ssize_t)len);
	memset(back, 0, len);
	igt_assert_eq(pread(f->fd, back, len, off), (ssize_t)len);
	igt_assert(!memcmp(buf, back, len));
	if (check_mmap) {
		map = mmap(NULL, f->fix.smem_len, PROT_READ | PROT_WRITE,
			   MAP_SHARED, f->fd, 0);
		igt_assert(map != MAP_FAILED);
		igt_assert(!memcmp(map + off, buf, len));
		/* And the other way round. */
		map[off] ^= 0xff;
		igt_assert_eq(pread(f->fd, back, 1, off), 1);
		igt_assert_eq(back[0], buf[0] ^ 0xff);
		munmap(map, f->fix.smem_len);
	}
	free(buf);
	free(back);
}

static void subtest_read(void *data)
{
	struct fbdev *f = data;
	unsigned char buf[4096];

	/* The first page reads whole. */
	igt_assert_eq(pread(f->fd, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	subtest_read_write(data, false);
}

static void subtest_write(void *data)
{
	subtest_read_write(data, false);
}

static void subtest_mmap(void *data)
{
	subtest_read_write(data, true);
}

static void subtest_eof(void *data)
{
	struct fbdev *f = data;
	unsigned char buf[16] = { 0 };

	/* Reads at or past the end: nothing. */
	igt_assert_eq(pread(f->fd, buf, sizeof(buf), f->fix.smem_len), 0);
	/* A read across the end is cut short. */
	igt_assert_eq(pread(f->fd, buf, sizeof(buf), f->fix.smem_len - 4), 4);
	/* Writes past the end have no room. */
	igt_assert_eq(pwrite(f->fd, buf, sizeof(buf), f->fix.smem_len), -1);
	igt_assert_f(errno == EFBIG || errno == ENOSPC, "errno %d\n", errno);
}

static void subtest_nullptr(void *data)
{
	struct fbdev *f = data;

	/* Raw system calls: the libc wrappers are declared nonnull. */
	igt_assert_eq(syscall(SYS_pread64, f->fd, NULL, 16, 0), -1);
	igt_assert_eq(errno, EFAULT);
	igt_assert_eq(syscall(SYS_pwrite64, f->fd, NULL, 16, 0), -1);
	igt_assert_eq(errno, EFAULT);
}

static const struct igt_subtest subtests[] = {
	{
		.name = "info",
		.func = subtest_info,
		.description =
			"Screen info describes a framebuffer that fits its memory.",
	},
	{
		.name = "read",
		.func = subtest_read,
		.description =
			"Reads return framebuffer memory.",
	},
	{
		.name = "write",
		.func = subtest_write,
		.description =
			"Writes land in framebuffer memory and read back.",
	},
	{
		.name = "mmap",
		.func = subtest_mmap,
		.description =
			"The mapping and read/write see the same memory.",
	},
	{
		.name = "eof",
		.func = subtest_eof,
		.description =
			"Reads at the end return 0, across it are cut short; writes past it fail.",
	},
	{
		.name = "nullptr",
		.func = subtest_nullptr,
		.description =
			"NULL buffers are EFAULT.",
	},
};

IGT_TEST_MAIN("fbdev emulation (upstream fbdev).", subtests, .setup = setup,
	      .teardown = teardown, .data = &fbd);
