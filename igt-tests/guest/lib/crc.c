// SPDX-License-Identifier: GPL-2.0
/*
 * crc - see crc.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc.h"
#include "igt_core.h"

#define DEBUGFS_DRI	"/sys/kernel/debug/dri"

static void crc_dir(const struct kms_device *dev, int crtc_index, char *buf,
		    size_t len)
{
	snprintf(buf, len, DEBUGFS_DRI "/%d/crtc-%d/crc", dev->minor,
		 crtc_index);
}

void kms_crc_require(const struct kms_device *dev, int crtc_index)
{
	char dir[128], path[160];

	igt_require_f(!access(DEBUGFS_DRI, F_OK),
		      "debugfs is not mounted at /sys/kernel/debug\n");
	crc_dir(dev, crtc_index, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/control", dir);
	igt_require_f(!access(path, W_OK), "no CRC control file %s\n", path);
}

int kms_crc_start(const struct kms_device *dev, int crtc_index,
		  struct kms_crc_source *src)
{
	char path[160];
	int ret;

	memset(src, 0, sizeof(*src));
	src->data_fd = -1;
	crc_dir(dev, crtc_index, src->dir, sizeof(src->dir));
	snprintf(path, sizeof(path), "%s/control", src->dir);
	ret = kms_write_file(path, "auto");
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/data", src->dir);
	src->data_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return src->data_fd < 0 ? -errno : 0;
}

void kms_crc_stop(struct kms_crc_source *src)
{
	if (src->data_fd >= 0)
		close(src->data_fd);
	src->data_fd = -1;
}

static int crc_parse(const char *line, struct kms_crc *crc)
{
	const char *p = line;
	char *end;

	memset(crc, 0, sizeof(*crc));
	if (!strncmp(p, "XXXXXXXXXX", 10)) {
		crc->frame = 0;
		p += 10;
	} else {
		crc->frame = strtoul(p, &end, 0);
		if (end == p)
			return -EPROTO;
		p = end;
	}
	while (crc->n < CRC_MAX_VALUES) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		crc->crc[crc->n] = strtoul(p, &end, 0);
		if (end == p)
			return -EPROTO;
		crc->n++;
		p = end;
	}
	return crc->n ? 0 : -EPROTO;
}

int kms_crc_read(struct kms_crc_source *src, int timeout_ms,
		 struct kms_crc *crc)
{
	struct pollfd pfd = { .fd = src->data_fd, .events = POLLIN };
	__u64 deadline = kms_now_ns() + (__u64)timeout_ms * 1000000ull;
	char line[256];
	ssize_t n;
	int ret;

	for (;;) {
		/* Each read returns one whole line. */
		n = read(src->data_fd, line, sizeof(line) - 1);
		if (n > 0) {
			line[n] = '\0';
			return crc_parse(line, crc);
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return n == 0 ? -EIO : -errno;
		if (kms_now_ns() >= deadline)
			return -ETIMEDOUT;
		ret = poll(&pfd, 1, 100);
		if (ret < 0 && errno != EINTR)
			return -errno;
	}
}

int kms_crc_after(struct kms_crc_source *src, __u32 frame,
		  struct kms_crc *crc)
{
	int ret, i;

	/* Bounded: a few hundred frames at most are queued. */
	for (i = 0; i < 1000; i++) {
		ret = kms_crc_read(src, KMS_EVENT_TIMEOUT_MS, crc);
		if (ret)
			return ret;
		if ((__s32)(crc->frame - frame) > 0)
			return 0;
	}
	return -ETIMEDOUT;
}

void kms_crc_of_screen(const struct kms_device *dev, int crtc_index,
		       struct kms_crc_source *src, struct kms_crc *crc)
{
	struct drm_wait_vblank_reply r;
	char buf[128];

	igt_assert_ok(kms_wait_vblank(dev, crtc_index, _DRM_VBLANK_RELATIVE,
				      2, 0, &r));
	igt_assert_ok(kms_crc_after(src, r.sequence, crc));
	igt_debug("crtc-%d frame %u: %s\n", crtc_index, crc->frame,
		  kms_crc_str(crc, buf, sizeof(buf)));
}

bool kms_crc_equal(const struct kms_crc *a, const struct kms_crc *b)
{
	return a->n == b->n &&
	       !memcmp(a->crc, b->crc, a->n * sizeof(a->crc[0]));
}

const char *kms_crc_str(const struct kms_crc *crc, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < crc->n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s0x%08x",
				i ? " " : "", crc->crc[i]);
	return buf;
}
