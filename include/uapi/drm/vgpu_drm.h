/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The render uAPI of vgpu_drm, the guest driver of the mediated vGPU
 * (docs/guest-render.md). Clients create buffer objects, learn their
 * graphics addresses, write command buffers in the subset of
 * <linux/vgpu_if.h> section 7 and submit them on an engine; each
 * submission gets a fence.
 *
 * The device has one graphics address space (the GGTT) and no per-process
 * one: every object a client creates is bound there for its lifetime, at
 * the address DRM_IOCTL_VGPU_GEM_INFO reports. The host audits every
 * command against the vGPU's slice, so a client can never reach beyond
 * its guest, but clients of one guest share one address space.
 */
#ifndef _UAPI_VGPU_DRM_H_
#define _UAPI_VGPU_DRM_H_

/*
 * Userspace finds drm.h next to this header once installed (or in
 * libdrm's include directory); a kernel build of this tree finds it
 * among the kernel's uapi headers.
 */
#ifdef __KERNEL__
#include <drm/drm.h>
#else
#include "drm.h"
#endif

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VGPU_GETPARAM		0x00
#define DRM_VGPU_GEM_CREATE		0x01
#define DRM_VGPU_GEM_INFO		0x02
#define DRM_VGPU_GEM_WAIT		0x03
#define DRM_VGPU_CTX_CREATE		0x04
#define DRM_VGPU_CTX_DESTROY		0x05
#define DRM_VGPU_CTX_QUERY		0x06
#define DRM_VGPU_SUBMIT			0x07

/* Engines, as enum vgpu_engine of <linux/vgpu_if.h>. */
#define DRM_VGPU_ENGINE_RENDER		0
#define DRM_VGPU_ENGINE_COPY		1
#define DRM_VGPU_ENGINE_COUNT		2

/**
 * enum drm_vgpu_param - what DRM_IOCTL_VGPU_GETPARAM reports
 * @DRM_VGPU_PARAM_ENGINE_MASK: bit e set when engine e exists
 * @DRM_VGPU_PARAM_NUM_HEADS: display heads, 0 for a render-only vGPU
 * @DRM_VGPU_PARAM_GM_SIZE: bytes of graphics memory (the slice)
 * @DRM_VGPU_PARAM_VGPU_ID: the host's number for this vGPU
 * @DRM_VGPU_PARAM_MAX_BOS: most objects one submission may list
 * @DRM_VGPU_PARAM_TIMESTAMP_HZ: rate of the engines' timestamp counter
 */
enum drm_vgpu_param {
	DRM_VGPU_PARAM_ENGINE_MASK = 1,
	DRM_VGPU_PARAM_NUM_HEADS = 2,
	DRM_VGPU_PARAM_GM_SIZE = 3,
	DRM_VGPU_PARAM_VGPU_ID = 4,
	DRM_VGPU_PARAM_MAX_BOS = 5,
	DRM_VGPU_PARAM_TIMESTAMP_HZ = 6,
};

/**
 * struct drm_vgpu_getparam - DRM_IOCTL_VGPU_GETPARAM
 * @param: enum drm_vgpu_param
 * @pad: must be zero
 * @value: out: the value
 */
struct drm_vgpu_getparam {
	__u32 param;
	__u32 pad;
	__u64 value;
};

/**
 * struct drm_vgpu_gem_create - DRM_IOCTL_VGPU_GEM_CREATE
 * @size: bytes, rounded up to pages; 1 byte .. the slice's size
 * @flags: must be zero
 * @handle: out: the object's handle
 *
 * The object is zeroed, shmem-backed, CPU-mappable through
 * DRM_IOCTL_MODE_MAP_DUMB-style offsets (&drm_vgpu_gem_info.mmap_offset)
 * and not yet in graphics memory.
 */
struct drm_vgpu_gem_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
};

/**
 * struct drm_vgpu_gem_info - DRM_IOCTL_VGPU_GEM_INFO
 * @handle: an object of this file (created or PRIME-imported)
 * @pad: must be zero
 * @size: out: bytes
 * @gfx_addr: out: its graphics address; it is bound on first use and
 *	stays at this address until it is freed
 * @mmap_offset: out: offset to mmap() on the DRM file for CPU access
 *	(0 for an imported object: map its dma-buf instead)
 */
struct drm_vgpu_gem_info {
	__u32 handle;
	__u32 pad;
	__u64 size;
	__u64 gfx_addr;
	__u64 mmap_offset;
};

/**
 * struct drm_vgpu_gem_wait - DRM_IOCTL_VGPU_GEM_WAIT
 * @handle: the object
 * @flags: must be zero
 * @timeout_ns: longest wait, relative; 0 only polls
 *
 * Waits until every submission that lists the object has finished.
 * Returns 0 when idle, -ETIME when the timeout passed first.
 */
struct drm_vgpu_gem_wait {
	__u32 handle;
	__u32 flags;
	__s64 timeout_ns;
};

/**
 * struct drm_vgpu_ctx_create - DRM_IOCTL_VGPU_CTX_CREATE
 * @flags: must be zero
 * @ctx_id: out: the new context, valid in this file only
 *
 * Each file has context 0 from its open; more contexts separate the
 * error accounting of work streams inside one client.
 */
struct drm_vgpu_ctx_create {
	__u32 flags;
	__u32 ctx_id;
};

/**
 * struct drm_vgpu_ctx_destroy - DRM_IOCTL_VGPU_CTX_DESTROY
 * @ctx_id: a context other than 0; its submissions still in flight finish
 * @pad: must be zero
 */
struct drm_vgpu_ctx_destroy {
	__u32 ctx_id;
	__u32 pad;
};

/**
 * struct drm_vgpu_ctx_query - DRM_IOCTL_VGPU_CTX_QUERY
 * @ctx_id: the context
 * @pad: must be zero
 * @submitted: out: submissions accepted on it
 * @completed: out: submissions that finished without error
 * @failed: out: its submissions that failed (refused by the host's audit,
 *	hung, faulted); other contexts' submissions lost to the same engine
 *	reset are replayed and not counted here
 * @last_error: out: the vGPU's engine error status of its last failure
 *	(VGPU_PV_ENGINE_ERROR layout: class in 27:24, audit reason in 15:0)
 * @last_error_cmd: out: first dword of the offending command
 * @last_error_addr: out: where it was (graphics address or ring offset)
 */
struct drm_vgpu_ctx_query {
	__u32 ctx_id;
	__u32 pad;
	__u64 submitted;
	__u64 completed;
	__u64 failed;
	__u32 last_error;
	__u32 last_error_cmd;
	__u64 last_error_addr;
};

/* drm_vgpu_submit.flags */
#define DRM_VGPU_SUBMIT_FENCE_IN	(1u << 0) /* wait for @fence_fd first */
#define DRM_VGPU_SUBMIT_FENCE_OUT	(1u << 1) /* return a sync_file */
#define DRM_VGPU_SUBMIT_FLAGS		(DRM_VGPU_SUBMIT_FENCE_IN | \
					 DRM_VGPU_SUBMIT_FENCE_OUT)

/**
 * struct drm_vgpu_submit - DRM_IOCTL_VGPU_SUBMIT
 * @bo_handles: user pointer to an array of __u32 handles: every object the
 *	batch reads or writes (the batch object is added by the driver);
 *	they stay alive and bound until the submission finishes, and their
 *	reservation objects carry its fence
 * @bo_count: entries of @bo_handles, at most DRM_VGPU_PARAM_MAX_BOS
 * @engine: DRM_VGPU_ENGINE_*
 * @ctx_id: the context it is accounted to
 * @flags: DRM_VGPU_SUBMIT_*
 * @batch_handle: the object holding the batch buffer
 * @batch_offset: byte offset of the batch's first command, 4-aligned
 * @fence_fd: in: a sync_file to wait for (FENCE_IN); out: a sync_file
 *	signalled when the submission finishes (FENCE_OUT), with an error
 *	status when it failed
 * @seqno: out: the submission's number on its engine
 *
 * The batch runs as a first-level batch buffer (<linux/vgpu_if.h> section
 * 7) and ends with MI_BATCH_BUFFER_END. The driver waits for the fences of
 * other engines on the listed objects (implicit synchronisation); work on
 * one engine runs in submission order.
 */
struct drm_vgpu_submit {
	__u64 bo_handles;
	__u32 bo_count;
	__u32 engine;
	__u32 ctx_id;
	__u32 flags;
	__u32 batch_handle;
	__u32 batch_offset;
	__s32 fence_fd;
	__u32 pad;
	__u64 seqno;
};

#define DRM_IOCTL_VGPU_GETPARAM		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_GETPARAM, struct drm_vgpu_getparam)
#define DRM_IOCTL_VGPU_GEM_CREATE	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_GEM_CREATE, struct drm_vgpu_gem_create)
#define DRM_IOCTL_VGPU_GEM_INFO		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_GEM_INFO, struct drm_vgpu_gem_info)
#define DRM_IOCTL_VGPU_GEM_WAIT		DRM_IOW(DRM_COMMAND_BASE + \
		DRM_VGPU_GEM_WAIT, struct drm_vgpu_gem_wait)
#define DRM_IOCTL_VGPU_CTX_CREATE	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_CTX_CREATE, struct drm_vgpu_ctx_create)
#define DRM_IOCTL_VGPU_CTX_DESTROY	DRM_IOW(DRM_COMMAND_BASE + \
		DRM_VGPU_CTX_DESTROY, struct drm_vgpu_ctx_destroy)
#define DRM_IOCTL_VGPU_CTX_QUERY	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_CTX_QUERY, struct drm_vgpu_ctx_query)
#define DRM_IOCTL_VGPU_SUBMIT		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_VGPU_SUBMIT, struct drm_vgpu_submit)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VGPU_DRM_H_ */
