// SPDX-License-Identifier: GPL-2.0
/*
 * refgpu_client - see refgpu_client.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "refgpu_client.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int refgpu_function(int index, char *bdf, size_t len)
{
	char *names[64];
	struct dirent *de;
	int n = 0, i, ret;
	DIR *d;

	d = opendir(REFGPU_PCI_DRIVER);
	if (!d)
		return -errno;
	/* The driver's links to its functions are named by PCI address. */
	while ((de = readdir(d)) && n < (int)(sizeof(names) / sizeof(*names))) {
		if (strncmp(de->d_name, "0000:", 5))
			continue;
		names[n] = strdup(de->d_name);
		if (!names[n])
			break;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	ret = -ENOENT;
	if (index >= 0 && index < n)
		ret = snprintf(bdf, len, "%s", names[index]) < (int)len ? 0 :
		      -ENAMETOOLONG;
	for (i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

int refgpu_render_node(const char *bdf, char *path, size_t len)
{
	char dir[128];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	/* A DRM device lists its nodes under its parent's drm/ directory. */
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/drm", bdf);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "renderD", 7))
			continue;
		ret = snprintf(path, len, "/dev/dri/%s", de->d_name) < (int)len ?
		      0 : -ENAMETOOLONG;
		break;
	}
	closedir(d);
	return ret;
}

int refgpu_open(int index)
{
	char bdf[32], path[64];
	int ret, fd;

	ret = refgpu_function(index, bdf, sizeof(bdf));
	if (ret)
		return ret;
	ret = refgpu_render_node(bdf, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int refgpu_ioctl(int fd, unsigned long cmd, void *arg)
{
	int ret;

	/* As libdrm's drmIoctl(): a signal only restarts the call. */
	do {
		ret = ioctl(fd, cmd, arg);
	} while (ret == -1 && errno == EINTR);
	return ret ? -errno : 0;
}

int refgpu_bo_alloc(int fd, __u64 size, __u64 *gfx_addr)
{
	struct drm_refgpu_bo_alloc a = { .size = size };
	int ret;

	ret = refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_ALLOC, &a);
	if (!ret)
		*gfx_addr = a.gfx_addr;
	return ret;
}

int refgpu_bo_free(int fd, __u64 gfx_addr)
{
	struct drm_refgpu_bo_free f = { .gfx_addr = gfx_addr };

	return refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_FREE, &f);
}

int refgpu_bo_write(int fd, __u64 gfx_addr, const void *buf, __u64 size)
{
	struct drm_refgpu_bo_rw rw = {
		.gfx_addr = gfx_addr,
		.size = size,
		.data = (uintptr_t)buf,
	};

	return refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_WRITE, &rw);
}

int refgpu_bo_read(int fd, __u64 gfx_addr, void *buf, __u64 size)
{
	struct drm_refgpu_bo_rw rw = {
		.gfx_addr = gfx_addr,
		.size = size,
		.data = (uintptr_t)buf,
	};

	return refgpu_ioctl(fd, DRM_IOCTL_REFGPU_BO_READ, &rw);
}
