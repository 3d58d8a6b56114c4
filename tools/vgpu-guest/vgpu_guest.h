/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vgpu_guest - guest userspace on a vGPU: open the vgpu_drm device, create
 * and map buffer objects, contexts, build batches (vgpu_cmd.h), submit
 * them with sync_file fences, wait, and read back why the host refused a
 * batch. The render uAPI is <drm/vgpu_drm.h> (docs/guest-render.md).
 *
 * Functions return 0 (or a non-negative value) or a negative errno; they
 * never exit or print. Nothing here is thread-safe beyond what the kernel
 * gives: one struct per thread.
 */
#ifndef VGPU_GUEST_H
#define VGPU_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <drm/vgpu_drm.h>

#include "vgpu_cmd.h"

#define VGPU_DRIVER_NAME	"vgpu_drm"

/**
 * struct vgpu_dev - an open vgpu_drm device
 * @fd: the DRM file (a render node when there is one)
 * @path: the node it was opened from
 * @engine_mask: DRM_VGPU_PARAM_ENGINE_MASK
 * @gm_size: DRM_VGPU_PARAM_GM_SIZE, bytes of graphics memory
 * @max_bos: DRM_VGPU_PARAM_MAX_BOS
 * @num_heads: DRM_VGPU_PARAM_NUM_HEADS
 * @vgpu_id: DRM_VGPU_PARAM_VGPU_ID
 */
struct vgpu_dev {
	int fd;
	char path[64];
	__u32 engine_mask;
	__u64 gm_size;
	__u32 max_bos;
	__u32 num_heads;
	__u32 vgpu_id;
};

/**
 * vgpu_dev_open() - open a vgpu_drm device and read its parameters
 * @dev: filled in
 * @path: a DRM node, or NULL: $VGPU_DEVICE, else $IGT_DEVICE
 *	("drm:/dev/dri/..."), else the first vgpu_drm render node (then card
 *	node) whose engines include @engines
 * @engines: engines the caller needs (bits DRM_VGPU_ENGINE_*); 0 for any
 *
 * Return: 0; -ENODEV when no vgpu_drm device (with those engines) exists
 * or the named node is another driver's; another -errno from open/ioctl.
 */
int vgpu_dev_open(struct vgpu_dev *dev, const char *path, __u32 engines);
void vgpu_dev_close(struct vgpu_dev *dev);
/* Another open file of the same device (another client). */
int vgpu_dev_reopen(const struct vgpu_dev *dev, struct vgpu_dev *out);

/* An ioctl restarted on EINTR/EAGAIN; 0 or -errno. */
int vgpu_ioctl(int fd, unsigned long request, void *arg);
/* DRM_IOCTL_VERSION's driver name. */
int vgpu_driver_name(int fd, char *name, size_t len);
int vgpu_getparam(int fd, __u32 param, __u64 *value);

static inline bool vgpu_has_engine(const struct vgpu_dev *dev, __u32 engine)
{
	return engine < DRM_VGPU_ENGINE_COUNT &&
	       (dev->engine_mask >> engine & 1);
}

/* "render", "copy" or "?" */
const char *vgpu_engine_name(__u32 engine);
/* DRM_VGPU_ENGINE_* of @name ("render"/"rcs", "copy"/"bcs"), or -EINVAL. */
int vgpu_engine_from_name(const char *name);

/**
 * struct vgpu_bo - a buffer object
 * @fd: its DRM file
 * @handle: GEM handle
 * @size: bytes (whole pages)
 * @gfx_addr: graphics address (GEM_INFO)
 * @mmap_offset: fake offset for mmap() on @fd
 * @map: CPU mapping of all @size bytes, NULL until vgpu_bo_map()
 */
struct vgpu_bo {
	int fd;
	__u32 handle;
	__u64 size;
	__u64 gfx_addr;
	__u64 mmap_offset;
	void *map;
};

/* GEM_CREATE then GEM_INFO; the object is zeroed. */
int vgpu_bo_create(int fd, __u64 size, struct vgpu_bo *bo);
/* CPU mapping (shared, read/write), kept in @bo->map. */
int vgpu_bo_map(struct vgpu_bo *bo);
/* Unmap and close the handle. */
void vgpu_bo_free(struct vgpu_bo *bo);
/* A surface description of @bo from byte @offset on. */
struct vgpu_surface vgpu_bo_surface(const struct vgpu_bo *bo, __u64 offset,
				    __u32 pitch, __u32 cpp);

int vgpu_gem_create(int fd, __u64 size, __u32 flags, __u32 *handle);
int vgpu_gem_info(int fd, __u32 handle, struct drm_vgpu_gem_info *info);
/* 0 idle, -ETIME still busy after @timeout_ns, other -errno. */
int vgpu_gem_wait(int fd, __u32 handle, __s64 timeout_ns);
int vgpu_gem_close(int fd, __u32 handle);

int vgpu_ctx_create(int fd, __u32 *ctx_id);
int vgpu_ctx_destroy(int fd, __u32 ctx_id);
int vgpu_ctx_query(int fd, __u32 ctx_id, struct drm_vgpu_ctx_query *q);

/* Largest batch the host takes per submission (docs/interface.md 7). */
#define VGPU_BATCH_MAX_BYTES	0x100000u
/* Most objects a vgpu_batch lists besides its own. */
#define VGPU_BATCH_MAX_BOS	64

/**
 * struct vgpu_batch - a batch buffer being built, and what it uses
 * @bo: the batch object (mapped)
 * @cmd: the commands, written into @bo from @start
 * @start: byte offset of the first command in @bo
 * @handles: the objects the batch reads or writes
 * @nr_handles: entries in @handles
 */
struct vgpu_batch {
	struct vgpu_bo bo;
	struct vgpu_cmd cmd;
	__u32 start;
	__u32 handles[VGPU_BATCH_MAX_BOS];
	unsigned int nr_handles;
};

/* A batch in a new object of @size bytes (rounded up to pages). */
int vgpu_batch_init(struct vgpu_batch *b, int fd, __u32 size);
/* Start over at byte @start (4-aligned) of the same object, no objects. */
int vgpu_batch_reset(struct vgpu_batch *b, __u32 start);
void vgpu_batch_fini(struct vgpu_batch *b);
/* List @bo as used by the batch (once is enough; repeats are ignored). */
int vgpu_batch_use(struct vgpu_batch *b, const struct vgpu_bo *bo);
/* The graphics address the next command is written at. */
static inline __u64 vgpu_batch_addr(const struct vgpu_batch *b)
{
	return b->bo.gfx_addr + b->start + vgpu_cmd_offset(&b->cmd);
}

/**
 * struct vgpu_exec - how a batch is submitted
 * @engine: DRM_VGPU_ENGINE_*
 * @ctx_id: the context (0: the file's own)
 * @in_fence: a sync_file to wait for, or -1
 * @want_out_fence: ask for a sync_file
 * @out_fence: out: the sync_file (when asked for), else -1
 * @seqno: out: the submission's number on its engine
 */
struct vgpu_exec {
	__u32 engine;
	__u32 ctx_id;
	int in_fence;
	bool want_out_fence;
	int out_fence;
	__u64 seqno;
};

/* Defaults: render engine, context 0, no fences. */
void vgpu_exec_init(struct vgpu_exec *e, __u32 engine);

/*
 * Submit what @b holds, ending it with MI_BATCH_BUFFER_END first unless
 * its last command already is one. The batch object may be written again
 * only after the submission finished.
 */
int vgpu_batch_submit(struct vgpu_batch *b, struct vgpu_exec *e);
/* The raw ioctl. */
int vgpu_submit(int fd, struct drm_vgpu_submit *s);

/*
 * Fences (sync_file). vgpu_fence_wait(): 1 signalled, 0 still pending
 * after @timeout_ms (-1: no limit), -errno. vgpu_fence_status(): 1
 * signalled without error, 0 pending, the fence's negative error status
 * when it signalled with one.
 */
int vgpu_fence_wait(int fence, int timeout_ms);
int vgpu_fence_status(int fence);

/*
 * sw_sync timelines (debugfs, CONFIG_SW_SYNC), for fences userspace
 * signals itself: an in-fence held until the caller says so.
 */
#define VGPU_SW_SYNC_PATH	"/sys/kernel/debug/sync/sw_sync"
int vgpu_sw_sync_timeline(void);
int vgpu_sw_sync_fence(int timeline, __u32 seqno);
int vgpu_sw_sync_advance(int timeline, __u32 count);

/* Engine error status (VGPU_PV_ENGINE_ERROR layout) decoded. */
static inline __u32 vgpu_error_class(__u32 status)
{
	return (status & VGPU_ENGINE_ERROR_CLASS_MASK) >>
	       VGPU_ENGINE_ERROR_CLASS_SHIFT;
}

static inline __u32 vgpu_error_reason(__u32 status)
{
	return status & VGPU_ENGINE_ERROR_REASON_MASK;
}

/* "none", "audit", "hang", "fault" or "unknown". */
const char *vgpu_error_class_name(__u32 class);
/* The audit reason's short name ("reg-denied", ...; cmdparser's table). */
const char *vgpu_audit_reason_name(__u32 reason);

/* Monotonic seconds. */
double vgpu_now(void);

#endif /* VGPU_GUEST_H */
