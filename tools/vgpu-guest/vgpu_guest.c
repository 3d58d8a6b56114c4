// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu_guest - guest userspace on a vGPU (vgpu_guest.h): devices, buffer
 * objects, contexts, batches, submission and fences, as raw ioctls on
 * <drm/vgpu_drm.h>.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sync_file.h>

#include "vgpu/cmdparser.h"
#include "vgpu/portable.h"
#include "vgpu_guest.h"

#define MAX_NODES	64

int vgpu_ioctl(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret == -1 ? -errno : 0;
}

int vgpu_driver_name(int fd, char *name, size_t len)
{
	struct drm_version v = { 0 };
	int ret;

	if (!len)
		return -EINVAL;
	v.name = name;
	v.name_len = len - 1;
	ret = vgpu_ioctl(fd, DRM_IOCTL_VERSION, &v);
	if (ret)
		return ret;
	name[v.name_len < len - 1 ? v.name_len : len - 1] = '\0';
	return 0;
}

int vgpu_getparam(int fd, __u32 param, __u64 *value)
{
	struct drm_vgpu_getparam p = { .param = param };
	int ret = vgpu_ioctl(fd, DRM_IOCTL_VGPU_GETPARAM, &p);

	if (!ret)
		*value = p.value;
	return ret;
}

/* Open @path if it is a vgpu_drm node; fill in the parameters. */
static int dev_try_open(struct vgpu_dev *dev, const char *path)
{
	char name[32];
	__u64 v;
	int ret;

	memset(dev, 0, sizeof(*dev));
	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0)
		return -errno;
	snprintf(dev->path, sizeof(dev->path), "%s", path);
	ret = vgpu_driver_name(dev->fd, name, sizeof(name));
	if (!ret && strcmp(name, VGPU_DRIVER_NAME))
		ret = -ENODEV;
	if (!ret)
		ret = vgpu_getparam(dev->fd, DRM_VGPU_PARAM_ENGINE_MASK, &v);
	if (ret)
		goto err;
	dev->engine_mask = v;
	ret = vgpu_getparam(dev->fd, DRM_VGPU_PARAM_GM_SIZE, &dev->gm_size);
	if (ret)
		goto err;
	ret = vgpu_getparam(dev->fd, DRM_VGPU_PARAM_MAX_BOS, &v);
	if (ret)
		goto err;
	dev->max_bos = v;
	ret = vgpu_getparam(dev->fd, DRM_VGPU_PARAM_NUM_HEADS, &v);
	if (ret)
		goto err;
	dev->num_heads = v;
	ret = vgpu_getparam(dev->fd, DRM_VGPU_PARAM_VGPU_ID, &v);
	if (ret)
		goto err;
	dev->vgpu_id = v;
	return 0;
err:
	close(dev->fd);
	dev->fd = -1;
	return ret;
}

static const char *dev_env_path(void)
{
	const char *p = getenv("VGPU_DEVICE");

	if (p && *p)
		return p;
	p = getenv("IGT_DEVICE");
	if (p && !strncmp(p, "drm:", 4))
		return p + 4;
	return NULL;
}

int vgpu_dev_open(struct vgpu_dev *dev, const char *path, __u32 engines)
{
	static const char * const patterns[] = {
		"/dev/dri/renderD%d", "/dev/dri/card%d",
	};
	char node[64];
	unsigned int p;
	int i, ret;

	if (!path)
		path = dev_env_path();
	if (path) {
		ret = dev_try_open(dev, path);
		if (!ret && (dev->engine_mask & engines) != engines) {
			vgpu_dev_close(dev);
			ret = -ENODEV;
		}
		return ret;
	}
	for (p = 0; p < ARRAY_SIZE(patterns); p++) {
		for (i = 0; i < MAX_NODES; i++) {
			snprintf(node, sizeof(node), patterns[p],
				 p ? i : 128 + i);
			if (dev_try_open(dev, node))
				continue;
			if ((dev->engine_mask & engines) == engines)
				return 0;
			vgpu_dev_close(dev);
		}
	}
	dev->fd = -1;
	return -ENODEV;
}

void vgpu_dev_close(struct vgpu_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}

int vgpu_dev_reopen(const struct vgpu_dev *dev, struct vgpu_dev *out)
{
	int fd = open(dev->path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*out = *dev;
	out->fd = fd;
	return 0;
}

const char *vgpu_engine_name(__u32 engine)
{
	switch (engine) {
	case DRM_VGPU_ENGINE_RENDER:
		return "render";
	case DRM_VGPU_ENGINE_COPY:
		return "copy";
	default:
		return "?";
	}
}

int vgpu_engine_from_name(const char *name)
{
	if (!strcmp(name, "render") || !strcmp(name, "rcs"))
		return DRM_VGPU_ENGINE_RENDER;
	if (!strcmp(name, "copy") || !strcmp(name, "bcs"))
		return DRM_VGPU_ENGINE_COPY;
	return -EINVAL;
}

int vgpu_gem_create(int fd, __u64 size, __u32 flags, __u32 *handle)
{
	struct drm_vgpu_gem_create c = { .size = size, .flags = flags };
	int ret = vgpu_ioctl(fd, DRM_IOCTL_VGPU_GEM_CREATE, &c);

	if (!ret)
		*handle = c.handle;
	return ret;
}

int vgpu_gem_info(int fd, __u32 handle, struct drm_vgpu_gem_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return vgpu_ioctl(fd, DRM_IOCTL_VGPU_GEM_INFO, info);
}

int vgpu_gem_wait(int fd, __u32 handle, __s64 timeout_ns)
{
	struct drm_vgpu_gem_wait w = {
		.handle = handle, .timeout_ns = timeout_ns,
	};

	return vgpu_ioctl(fd, DRM_IOCTL_VGPU_GEM_WAIT, &w);
}

int vgpu_gem_close(int fd, __u32 handle)
{
	struct drm_gem_close c = { .handle = handle };

	return vgpu_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

int vgpu_bo_create(int fd, __u64 size, struct vgpu_bo *bo)
{
	struct drm_vgpu_gem_info info;
	int ret;

	memset(bo, 0, sizeof(*bo));
	bo->fd = fd;
	ret = vgpu_gem_create(fd, size, 0, &bo->handle);
	if (ret)
		return ret;
	ret = vgpu_gem_info(fd, bo->handle, &info);
	if (ret) {
		vgpu_gem_close(fd, bo->handle);
		bo->handle = 0;
		return ret;
	}
	bo->size = info.size;
	bo->gfx_addr = info.gfx_addr;
	bo->mmap_offset = info.mmap_offset;
	return 0;
}

int vgpu_bo_map(struct vgpu_bo *bo)
{
	void *p;

	if (bo->map)
		return 0;
	if (!bo->mmap_offset)
		return -EINVAL;
	p = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED, bo->fd,
		 bo->mmap_offset);
	if (p == MAP_FAILED)
		return -errno;
	bo->map = p;
	return 0;
}

void vgpu_bo_free(struct vgpu_bo *bo)
{
	if (bo->map)
		munmap(bo->map, bo->size);
	bo->map = NULL;
	if (bo->handle)
		vgpu_gem_close(bo->fd, bo->handle);
	bo->handle = 0;
}

struct vgpu_surface vgpu_bo_surface(const struct vgpu_bo *bo, __u64 offset,
				    __u32 pitch, __u32 cpp)
{
	struct vgpu_surface s = {
		.addr = bo->gfx_addr + offset, .pitch = pitch, .cpp = cpp,
	};

	return s;
}

int vgpu_ctx_create(int fd, __u32 *ctx_id)
{
	struct drm_vgpu_ctx_create c = { 0 };
	int ret = vgpu_ioctl(fd, DRM_IOCTL_VGPU_CTX_CREATE, &c);

	if (!ret)
		*ctx_id = c.ctx_id;
	return ret;
}

int vgpu_ctx_destroy(int fd, __u32 ctx_id)
{
	struct drm_vgpu_ctx_destroy d = { .ctx_id = ctx_id };

	return vgpu_ioctl(fd, DRM_IOCTL_VGPU_CTX_DESTROY, &d);
}

int vgpu_ctx_query(int fd, __u32 ctx_id, struct drm_vgpu_ctx_query *q)
{
	memset(q, 0, sizeof(*q));
	q->ctx_id = ctx_id;
	return vgpu_ioctl(fd, DRM_IOCTL_VGPU_CTX_QUERY, q);
}

int vgpu_batch_init(struct vgpu_batch *b, int fd, __u32 size)
{
	int ret;

	memset(b, 0, sizeof(*b));
	ret = vgpu_bo_create(fd, size, &b->bo);
	if (ret)
		return ret;
	ret = vgpu_bo_map(&b->bo);
	if (ret) {
		vgpu_bo_free(&b->bo);
		return ret;
	}
	return vgpu_batch_reset(b, 0);
}

int vgpu_batch_reset(struct vgpu_batch *b, __u32 start)
{
	if ((start & 3) || start >= b->bo.size)
		return -EINVAL;
	b->start = start;
	b->nr_handles = 0;
	vgpu_cmd_init(&b->cmd, (char *)b->bo.map + start,
		      b->bo.size - start);
	return 0;
}

void vgpu_batch_fini(struct vgpu_batch *b)
{
	vgpu_bo_free(&b->bo);
}

int vgpu_batch_use(struct vgpu_batch *b, const struct vgpu_bo *bo)
{
	unsigned int i;

	if (bo->handle == b->bo.handle)
		return 0;
	for (i = 0; i < b->nr_handles; i++)
		if (b->handles[i] == bo->handle)
			return 0;
	if (b->nr_handles == VGPU_BATCH_MAX_BOS)
		return -E2BIG;
	b->handles[b->nr_handles++] = bo->handle;
	return 0;
}

void vgpu_exec_init(struct vgpu_exec *e, __u32 engine)
{
	memset(e, 0, sizeof(*e));
	e->engine = engine;
	e->in_fence = -1;
	e->out_fence = -1;
}

int vgpu_submit(int fd, struct drm_vgpu_submit *s)
{
	return vgpu_ioctl(fd, DRM_IOCTL_VGPU_SUBMIT, s);
}

int vgpu_batch_submit(struct vgpu_batch *b, struct vgpu_exec *e)
{
	struct drm_vgpu_submit s = { 0 };
	int ret;

	if (!b->cmd.len || b->cmd.dw[b->cmd.len - 1] != VGPU_MI_BATCH_BUFFER_END)
		vgpu_cmd_end(&b->cmd);
	if (b->cmd.error)
		return b->cmd.error;
	s.bo_handles = (__u64)(unsigned long)b->handles;
	s.bo_count = b->nr_handles;
	s.engine = e->engine;
	s.ctx_id = e->ctx_id;
	s.batch_handle = b->bo.handle;
	s.batch_offset = b->start;
	s.fence_fd = -1;
	if (e->in_fence >= 0) {
		s.flags |= DRM_VGPU_SUBMIT_FENCE_IN;
		s.fence_fd = e->in_fence;
	}
	if (e->want_out_fence)
		s.flags |= DRM_VGPU_SUBMIT_FENCE_OUT;
	e->out_fence = -1;
	ret = vgpu_submit(b->bo.fd, &s);
	if (ret)
		return ret;
	if (e->want_out_fence)
		e->out_fence = s.fence_fd;
	e->seqno = s.seqno;
	return 0;
}

int vgpu_fence_wait(int fence, int timeout_ms)
{
	struct pollfd p = { .fd = fence, .events = POLLIN };
	double end = vgpu_now() + timeout_ms / 1000.0;
	int ret, left = timeout_ms;

	for (;;) {
		ret = poll(&p, 1, left);
		if (ret > 0)
			return (p.revents & POLLNVAL) ? -EBADF : 1;
		if (!ret)
			return 0;
		if (errno != EINTR)
			return -errno;
		if (timeout_ms >= 0) {
			left = (int)((end - vgpu_now()) * 1000);
			if (left < 0)
				left = 0;
		}
	}
}

int vgpu_fence_status(int fence)
{
	struct sync_file_info info = { 0 };
	int ret = vgpu_ioctl(fence, SYNC_IOC_FILE_INFO, &info);

	if (ret)
		return ret;
	return info.status;
}

/* sw_sync's ioctls; the kernel exports no header for them. */
struct vgpu_sw_sync_create_fence {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define VGPU_SW_SYNC_IOC_CREATE_FENCE	_IOWR('W', 0, \
					      struct vgpu_sw_sync_create_fence)
#define VGPU_SW_SYNC_IOC_INC		_IOW('W', 1, __u32)

int vgpu_sw_sync_timeline(void)
{
	int fd = open(VGPU_SW_SYNC_PATH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vgpu_sw_sync_fence(int timeline, __u32 seqno)
{
	struct vgpu_sw_sync_create_fence d = { .value = seqno };
	int ret;

	snprintf(d.name, sizeof(d.name), "vgpu-guest-%u", seqno);
	ret = vgpu_ioctl(timeline, VGPU_SW_SYNC_IOC_CREATE_FENCE, &d);
	return ret ? ret : d.fence;
}

int vgpu_sw_sync_advance(int timeline, __u32 count)
{
	return vgpu_ioctl(timeline, VGPU_SW_SYNC_IOC_INC, &count);
}

const char *vgpu_error_class_name(__u32 class)
{
	switch (class) {
	case VGPU_ERROR_CLASS_NONE:
		return "none";
	case VGPU_ERROR_CLASS_AUDIT:
		return "audit";
	case VGPU_ERROR_CLASS_HANG:
		return "hang";
	case VGPU_ERROR_CLASS_FAULT:
		return "fault";
	default:
		return "unknown";
	}
}

const char *vgpu_audit_reason_name(__u32 reason)
{
	return cmdparser_reason_name(reason);
}

double vgpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
