// SPDX-License-Identifier: GPL-2.0
/*
 * drm_prime - see drm_prime.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drm_prime.h"

extern char **environ;

/* include/uapi/drm/drm.h */
struct drm_version_arg {
	int version_major;
	int version_minor;
	int version_patchlevel;
	size_t name_len;
	char *name;
	size_t date_len;
	char *date;
	size_t desc_len;
	char *desc;
};

struct drm_prime_handle_arg {
	__u32 handle;
	__u32 flags;
	__s32 fd;
};

struct drm_gem_close_arg {
	__u32 handle;
	__u32 pad;
};

#define DRM_IOCTL_VERSION_	_IOWR('d', 0x00, struct drm_version_arg)
#define DRM_IOCTL_GEM_CLOSE_	_IOW('d', 0x09, struct drm_gem_close_arg)
#define DRM_IOCTL_PRIME_FD_TO_HANDLE_ \
	_IOWR('d', 0x2e, struct drm_prime_handle_arg)

#define DRM_MAX_CARDS	64

static int vgem_find(void)
{
	struct drm_version_arg v;
	char path[64], name[16];
	int i, fd;

	for (i = 0; i < DRM_MAX_CARDS; i++) {
		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&v, 0, sizeof(v));
		memset(name, 0, sizeof(name));
		v.name = name;
		v.name_len = sizeof(name) - 1;
		if (!ioctl(fd, DRM_IOCTL_VERSION_, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* modprobe -q vgem; its exit status. */
static int vgem_load(void)
{
	char *const argv[] = { "modprobe", "-q", "vgem", NULL };
	int ret, status;
	pid_t pid;

	ret = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (ret)
		return -ret;
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -ENOENT;
}

int vgem_open(void)
{
	int fd = vgem_find();

	if (fd >= 0)
		return fd;
	fd = vgem_load();
	return fd ? fd : vgem_find();
}

int vgem_import(int vgem, int dmabuf, __u32 *handle)
{
	struct drm_prime_handle_arg p = { .fd = dmabuf };

	if (ioctl(vgem, DRM_IOCTL_PRIME_FD_TO_HANDLE_, &p))
		return -errno;
	*handle = p.handle;
	return 0;
}

int vgem_close_handle(int vgem, __u32 handle)
{
	struct drm_gem_close_arg c = { .handle = handle };

	return ioctl(vgem, DRM_IOCTL_GEM_CLOSE_, &c) ? -errno : 0;
}
