/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crc - pipe CRCs through DRM's generic debugfs interface:
 * /sys/kernel/debug/dri/N/crtc-M/crc/control (the source, "auto") and
 * crc/data (one line per frame: "0xFRAME 0xCRC0 [0xCRC1 ...]").
 */
#ifndef GUEST_CRC_H
#define GUEST_CRC_H

#include <stdbool.h>

#include "kms.h"

#define CRC_MAX_VALUES	10

/**
 * struct kms_crc - one CRC value of one frame
 * @frame: the vblank count it was taken at
 * @n: values in @crc
 * @crc: the values
 */
struct kms_crc {
	__u32 frame;
	int n;
	__u32 crc[CRC_MAX_VALUES];
};

/**
 * struct kms_crc_source - an open CRC data file
 * @data_fd: crc/data, non-blocking
 * @dir: the crtc-M/crc directory
 */
struct kms_crc_source {
	int data_fd;
	char dir[128];
};

/*
 * kms_crc_require() - skip unless CRCs of CRTC @crtc_index can be read
 * (debugfs mounted, the driver implements CRC sources).
 */
void kms_crc_require(const struct kms_device *dev, int crtc_index);

/* Select the "auto" source and open the data file; 0 or -errno. */
int kms_crc_start(const struct kms_device *dev, int crtc_index,
		  struct kms_crc_source *src);
void kms_crc_stop(struct kms_crc_source *src);

/* The next CRC line, waiting up to @timeout_ms; 0, -ETIMEDOUT or -errno. */
int kms_crc_read(struct kms_crc_source *src, int timeout_ms,
		 struct kms_crc *crc);

/*
 * kms_crc_after() - the first CRC taken at a frame after @frame (older
 * entries are read and dropped); 0 or -errno.
 */
int kms_crc_after(struct kms_crc_source *src, __u32 frame,
		  struct kms_crc *crc);

/*
 * kms_crc_of_screen() - the CRC of what is on CRTC @crtc_index now: waits
 * two vblanks so that the last change is latched, then reads the CRC of a
 * later frame. Fails the subtest on any error.
 */
void kms_crc_of_screen(const struct kms_device *dev, int crtc_index,
		       struct kms_crc_source *src, struct kms_crc *crc);

bool kms_crc_equal(const struct kms_crc *a, const struct kms_crc *b);

/* "0x%08x ..." of @crc into @buf for messages. */
const char *kms_crc_str(const struct kms_crc *crc, char *buf, size_t len);

#endif /* GUEST_CRC_H */
