/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native path: host programs using a GPU directly through its DRM
 * render node (<drm/refgpu_drm.h>). native_drv.c is the DRM device of
 * each GPU and its files; native.c is what a client does with the GPU,
 * through nothing but <vgpu/refgpu.h>.
 *
 * Lock order: native_gpu.lock, then native_session.lock; the engines'
 * stop locks (native_engine.lock, taken in the GPU's callbacks) nest
 * inside both.
 */
#ifndef _REFGPU_NATIVE_H
#define _REFGPU_NATIVE_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <vgpu/refgpu.h>

struct drm_device;
struct drm_file;

/**
 * struct native_gpu - the native path on one GPU
 * @gpu: the GPU; used only inside drm_dev_enter() sections
 * @drm: its DRM device
 * @lock: protects @sessions and @gone
 * @sessions: open files (struct native_session.node)
 * @gone: the GPU went away; new files are refused
 *
 * Allocated with the DRM device and freed with it: after the GPU is gone,
 * the files still open keep it until they close.
 */
struct native_gpu {
	struct refgpu *gpu;
	struct drm_device *drm;
	struct mutex lock;		/* @sessions, @gone */
	struct list_head sessions;
	bool gone;
};

/**
 * struct native_engine - a file's context on one engine
 * @ctx: the context, created on first submission (session lock)
 * @runs: runs started (session lock)
 * @lock: protects @stops and @last, which the GPU's stopped() writes
 * @stops: runs stopped
 * @last: how the last run stopped
 * @wq: waiters for the next stop
 * @user_interrupts: MI_USER_INTERRUPTs seen
 */
struct native_engine {
	struct refgpu_context *ctx;
	u64 runs;
	spinlock_t lock;		/* @stops, @last */
	u64 stops;
	struct refgpu_stop last;
	wait_queue_head_t wq;
	atomic64_t user_interrupts;
};

/**
 * struct native_session - the client behind one open file
 * @ng: the GPU's native path
 * @node: in native_gpu.sessions while the GPU is there
 * @lock: one operation on the GPU at a time; protects @bos, @bytes and
 *	the engines' @ctx and @runs
 * @bos: its buffers (struct native_bo)
 * @bytes: their total size
 * @eng: its contexts
 */
struct native_session {
	struct native_gpu *ng;
	struct list_head node;
	struct mutex lock;		/* @bos, @bytes, eng[].ctx, eng[].runs */
	struct list_head bos;
	u64 bytes;
	struct native_engine eng[VGPU_ENGINE_COUNT];
};

/* native.c: a client's use of the GPU */
void native_session_init(struct native_session *s, struct native_gpu *ng);
void native_session_teardown(struct native_session *s);

int native_ioctl_info(struct drm_device *drm, void *data,
		      struct drm_file *file);
int native_ioctl_bo_alloc(struct drm_device *drm, void *data,
			  struct drm_file *file);
int native_ioctl_bo_free(struct drm_device *drm, void *data,
			 struct drm_file *file);
int native_ioctl_bo_read(struct drm_device *drm, void *data,
			 struct drm_file *file);
int native_ioctl_bo_write(struct drm_device *drm, void *data,
			  struct drm_file *file);
int native_ioctl_pte(struct drm_device *drm, void *data,
		     struct drm_file *file);
int native_ioctl_submit(struct drm_device *drm, void *data,
			struct drm_file *file);
int native_ioctl_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);
int native_ioctl_engine_op(struct drm_device *drm, void *data,
			   struct drm_file *file);

/* native_drv.c: the DRM device of a GPU */
struct native_gpu *native_gpu_create(struct refgpu *gpu);
void native_gpu_destroy(struct native_gpu *ng);

#endif /* _REFGPU_NATIVE_H */
