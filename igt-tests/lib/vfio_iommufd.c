// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_iommufd - the harness's iommufd backend (see vfio_iommufd.h).
 *
 * The steps are those of a VMM using the cdev: open /dev/iommu and the
 * device's cdev, VFIO_DEVICE_BIND_IOMMUFD, IOMMU_IOAS_ALLOC,
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT. For an emulated-IOMMU device (an mdev)
 * the attach creates the kernel's iommufd access object, through which
 * vfio_pin_pages() pins the IOAS's pages and IOAS unmaps reach the
 * driver's dma_unmap callback.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vfio_iommufd.h"

#define IOMMUFD_PATH		"/dev/iommu"
#define VFIO_CDEV_DIR		"/dev/vfio/devices"
/* <sysfs_dir>/vfio-dev/ holds one entry, the cdev's name (vfioN). */
#define VFIO_CDEV_SYSFS		"vfio-dev"
#define VFIO_CDEV_PREFIX	"vfio"

/* The cdev's name from <sysfs_dir>/vfio-dev/vfioN into @name. */
static int vfio_cdev_name(const char *sysfs_dir, char *name, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	int ret = -ENODEV;
	DIR *dir;

	if (snprintf(path, sizeof(path), "%s/" VFIO_CDEV_SYSFS, sysfs_dir) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? -ENODEV : -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, VFIO_CDEV_PREFIX,
			    strlen(VFIO_CDEV_PREFIX)))
			continue;
		if (strlen(de->d_name) >= size) {
			ret = -ENAMETOOLONG;
			break;
		}
		strcpy(name, de->d_name);
		ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

int vfio_iommufd_open(struct vfio_dev *dev, const char *sysfs_dir)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char cdev[64], path[PATH_MAX];
	int ret;

	ret = vfio_cdev_name(sysfs_dir, cdev, sizeof(cdev));
	if (ret)
		return ret;

	dev->iommufd = open(IOMMUFD_PATH, O_RDWR | O_CLOEXEC);
	if (dev->iommufd < 0)
		return -errno;

	snprintf(path, sizeof(path), VFIO_CDEV_DIR "/%s", cdev);
	dev->device_fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->device_fd < 0)
		return -errno;

	bind.iommufd = dev->iommufd;
	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret < 0)
		return ret;
	dev->devid = bind.out_devid;

	ret = vfio_ioctl(dev->iommufd, IOMMU_IOAS_ALLOC, &alloc);
	if (ret < 0)
		return ret;
	dev->ioas_id = alloc.out_ioas_id;

	attach.pt_id = dev->ioas_id;
	ret = vfio_ioctl(dev->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
	return ret < 0 ? ret : 0;
}

void vfio_iommufd_close(struct vfio_dev *dev, int *ret)
{
	/* Closing the device detaches it and unbinds it from the iommufd. */
	if (dev->device_fd >= 0 && close(dev->device_fd) < 0 && !*ret)
		*ret = -errno;
	dev->device_fd = -1;
	if (dev->iommufd >= 0 && close(dev->iommufd) < 0 && !*ret)
		*ret = -errno;
	dev->iommufd = -1;
}

int vfio_iommufd_map(struct vfio_dev *dev, void *vaddr, __u64 iova,
		     __u64 size, __u32 flags)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA,
		.ioas_id = dev->ioas_id,
		.user_va = (__u64)(uintptr_t)vaddr,
		.length = size,
		.iova = iova,
	};

	if (flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))
		return -EINVAL;
	if (flags & VFIO_DMA_MAP_FLAG_READ)
		map.flags |= IOMMU_IOAS_MAP_READABLE;
	if (flags & VFIO_DMA_MAP_FLAG_WRITE)
		map.flags |= IOMMU_IOAS_MAP_WRITEABLE;
	return vfio_ioctl(dev->iommufd, IOMMU_IOAS_MAP, &map);
}

__s64 vfio_iommufd_unmap(struct vfio_dev *dev, __u64 iova, __u64 size)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = dev->ioas_id,
		.iova = iova,
		.length = size,
	};
	int ret;

	ret = vfio_ioctl(dev->iommufd, IOMMU_IOAS_UNMAP, &unmap);
	if (ret < 0)
		return ret;
	if (unmap.length > INT64_MAX)
		return -EOVERFLOW;
	return unmap.length;
}
