/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfio_iommufd - the harness's iommufd backend: the device opened through
 * its VFIO cdev (/dev/vfio/devices/vfioN), bound to an iommufd (/dev/iommu)
 * and attached to an IO address space (IOAS) that holds the "guest
 * memory" mappings. Used by vfio_harness.c only; tests select the backend
 * with vfio_dev_open_backend() or VFIO_HARNESS_BACKEND=iommufd.
 *
 * The uAPI came with Linux 6.2 (iommufd) and 6.6 (VFIO cdev); the
 * userspace headers of Debian 12 (6.1) have neither, so the few
 * structures and ioctl numbers used here are declared below (layouts as
 * in include/uapi/linux/iommufd.h and vfio.h of 6.12).
 */
#ifndef VFIO_IOMMUFD_H
#define VFIO_IOMMUFD_H

#include <linux/ioctl.h>
#include <linux/types.h>
#include <linux/vfio.h>

#include "vfio_harness.h"

/* Unless <linux/iommufd.h> came first. */
#ifndef IOMMUFD_TYPE
#define IOMMUFD_TYPE	(';')

struct iommu_destroy {
	__u32 size;
	__u32 id;
};

#define IOMMU_DESTROY		_IO(IOMMUFD_TYPE, 0x80)

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

#define IOMMU_IOAS_ALLOC	_IO(IOMMUFD_TYPE, 0x81)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};

#define IOMMU_IOAS_MAP		_IO(IOMMUFD_TYPE, 0x85)

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};

#define IOMMU_IOAS_UNMAP	_IO(IOMMUFD_TYPE, 0x86)
#endif /* IOMMUFD_TYPE */

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};

#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)

struct vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
};

#define VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 20)
#endif /* VFIO_DEVICE_BIND_IOMMUFD */

/**
 * vfio_iommufd_open() - open, bind and attach the device
 * @dev: initialised by vfio_dev_init(), @dev->name set
 * @sysfs_dir: the device's sysfs directory (its vfio-dev/vfioN names the
 *	cdev)
 *
 * Return: 0, -ENODEV when the device has no cdev (a kernel without
 * CONFIG_VFIO_DEVICE_CDEV), or -errno; the caller closes on failure.
 */
int vfio_iommufd_open(struct vfio_dev *dev, const char *sysfs_dir);

/**
 * vfio_iommufd_close() - close the device, then the iommufd (which frees
 *	the IOAS and every mapping left in it)
 * @dev: the device
 * @ret: the first error is stored here unless one is there already
 */
void vfio_iommufd_close(struct vfio_dev *dev, int *ret);

/**
 * vfio_iommufd_map() - IOMMU_IOAS_MAP at a fixed IOVA
 * @dev: the device
 * @vaddr: process memory
 * @iova: device-visible address
 * @size: bytes
 * @flags: VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE, translated;
 *	any other bit is -EINVAL, as type1 has it
 *
 * Return: 0 or -errno.
 */
int vfio_iommufd_map(struct vfio_dev *dev, void *vaddr, __u64 iova,
		     __u64 size, __u32 flags);

/**
 * vfio_iommufd_unmap() - IOMMU_IOAS_UNMAP
 * @dev: the device
 * @iova: start of the range
 * @size: bytes
 *
 * Return: bytes unmapped, or -errno (the IOAS answers -ENOENT for a range
 * that holds no mapping, where type1 reports 0 bytes).
 */
__s64 vfio_iommufd_unmap(struct vfio_dev *dev, __u64 iova, __u64 size);

#endif /* VFIO_IOMMUFD_H */
