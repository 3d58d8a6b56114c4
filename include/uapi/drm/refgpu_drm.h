/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The native uAPI of the reference GPU (refgpu.ko, docs/refgpu.md): what a
 * host program gets on the GPU's DRM render node, the way a host GPU
 * driver serves its native clients. Each open file is one client with its
 * own buffers (host memory mapped at graphics addresses of the GPU) and
 * one context per engine; it writes rings and batches into its buffers in
 * the command set of <linux/vgpu_if.h> section 7 and runs them.
 *
 * The GPU has one graphics address space and no per-process one, and the
 * native path audits no command: a client reaches all graphics memory,
 * other clients' and the vGPUs' included. Opening the node therefore
 * needs CAP_SYS_ADMIN, whatever the node's file mode says.
 *
 * Every structure is laid out without implicit padding; fields named pad
 * and flags the call does not define must be zero, else -EINVAL. Once the
 * GPU is gone (its PCI function unbound), every call on a file opened
 * before fails with -ENODEV.
 */
#ifndef _UAPI_REFGPU_DRM_H_
#define _UAPI_REFGPU_DRM_H_

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

#define DRM_REFGPU_INFO			0x00
#define DRM_REFGPU_BO_ALLOC		0x01
#define DRM_REFGPU_BO_FREE		0x02
#define DRM_REFGPU_BO_READ		0x03
#define DRM_REFGPU_BO_WRITE		0x04
#define DRM_REFGPU_PTE			0x05
#define DRM_REFGPU_SUBMIT		0x06
#define DRM_REFGPU_WAIT			0x07
#define DRM_REFGPU_ENGINE_OP		0x08

/* Engines, as enum vgpu_engine of <linux/vgpu_if.h>. */
#define DRM_REFGPU_ENGINE_RENDER	0
#define DRM_REFGPU_ENGINE_COPY		1
#define DRM_REFGPU_ENGINE_COUNT		2

/* Bytes of buffers one file may hold at a time. */
#define DRM_REFGPU_FILE_BYTES_MAX	(256ULL << 20)
/* Longest wait DRM_IOCTL_REFGPU_WAIT and SUBMIT's WAIT accept. */
#define DRM_REFGPU_TIMEOUT_MAX_MS	120000
/* The wait when the caller gives 0. */
#define DRM_REFGPU_TIMEOUT_DEFAULT_MS	10000
/* A context's hang budget: 1 ms .. 60 s. */
#define DRM_REFGPU_WATCHDOG_MIN_MS	1
#define DRM_REFGPU_WATCHDOG_MAX_MS	60000

/**
 * struct drm_refgpu_info - DRM_IOCTL_REFGPU_INFO
 * @gfx_size: out: bytes of graphics address space
 * @engine_mask: out: bit e set when engine e exists
 * @pad: out: zero
 * @engine_busy_ns: out: per engine, the time it was occupied (all clients,
 *	vGPUs included)
 * @context_busy_ns: out: per engine, the time this file's context used it
 * @context_head: out: per engine, the ring head of this file's context
 * @context_running: out: per engine, 1 while this file's context occupies
 *	it
 * @bo_bytes: out: bytes of buffers this file holds
 * @bo_bytes_max: out: the most it may hold (DRM_REFGPU_FILE_BYTES_MAX)
 */
struct drm_refgpu_info {
	__u64 gfx_size;
	__u32 engine_mask;
	__u32 pad;
	__u64 engine_busy_ns[DRM_REFGPU_ENGINE_COUNT];
	__u64 context_busy_ns[DRM_REFGPU_ENGINE_COUNT];
	__u32 context_head[DRM_REFGPU_ENGINE_COUNT];
	__u32 context_running[DRM_REFGPU_ENGINE_COUNT];
	__u64 bo_bytes;
	__u64 bo_bytes_max;
};

/**
 * struct drm_refgpu_bo_alloc - DRM_IOCTL_REFGPU_BO_ALLOC
 * @size: bytes, rounded up to 4 KiB; 1 .. what the file may still hold
 *	(-EINVAL beyond DRM_REFGPU_FILE_BYTES_MAX, -ENOSPC beyond what is
 *	left of it or of the graphics address space)
 * @flags: must be zero
 * @pad: must be zero
 * @gfx_addr: out: the buffer's graphics address, 4 KiB aligned; it names
 *	the buffer in the calls below
 *
 * The buffer is zeroed host memory, mapped at @gfx_addr until it is freed
 * or the file is closed.
 */
struct drm_refgpu_bo_alloc {
	__u64 size;
	__u32 flags;
	__u32 pad;
	__u64 gfx_addr;
};

/**
 * struct drm_refgpu_bo_free - DRM_IOCTL_REFGPU_BO_FREE
 * @gfx_addr: the graphics address of a buffer of this file (-ENOENT
 *	otherwise)
 *
 * Its entries are cleared before its memory goes: a command still using
 * it faults.
 */
struct drm_refgpu_bo_free {
	__u64 gfx_addr;
};

/**
 * struct drm_refgpu_bo_rw - DRM_IOCTL_REFGPU_BO_READ and _WRITE
 * @gfx_addr: graphics address of the first byte; inside the graphics
 *	address space (-EINVAL) and inside a buffer of this file (-ENOENT)
 * @size: bytes, at least 1 and within that one buffer (-EINVAL)
 * @data: user pointer to @size bytes: where READ copies to, WRITE from
 *	(-EFAULT when they cannot be accessed in full; then a WRITE may
 *	have changed any part of the range)
 *
 * CPU access to a buffer while engines may use it: nothing orders the two
 * but the caller.
 */
struct drm_refgpu_bo_rw {
	__u64 gfx_addr;
	__u64 size;
	__u64 data;
};

#define DRM_REFGPU_PTE_READ		0	/* read the entry */
#define DRM_REFGPU_PTE_CLEAR		1	/* unmap a page of a buffer */
#define DRM_REFGPU_PTE_RESTORE		2	/* map it again */

/**
 * struct drm_refgpu_pte - DRM_IOCTL_REFGPU_PTE
 * @gfx_addr: a page: 4 KiB aligned, inside the graphics address space;
 *	for CLEAR and RESTORE a page of a buffer of this file (-ENOENT)
 * @op: DRM_REFGPU_PTE_*
 * @pad: must be zero
 * @pte: out: the entry after the operation (VGPU_GGTT_PTE_PRESENT and
 *	the host page's address, 0 when clear)
 *
 * For tests of faults: CLEAR waits until no engine can still use the old
 * entry.
 */
struct drm_refgpu_pte {
	__u64 gfx_addr;
	__u32 op;
	__u32 pad;
	__u64 pte;
};

/* drm_refgpu_stop.reason, as enum refgpu_stop_reason (docs/refgpu.md). */
#define DRM_REFGPU_STOP_COMPLETE	0	/* head reached the tail */
#define DRM_REFGPU_STOP_PREEMPTED	1	/* submit again to resume */
#define DRM_REFGPU_STOP_CMD_ERROR	2	/* a command was refused */
#define DRM_REFGPU_STOP_FAULT		3	/* an unmapped page */
#define DRM_REFGPU_STOP_HANG		4	/* the watchdog ended it */
#define DRM_REFGPU_STOP_RESET		5	/* killed or engine reset */

/**
 * struct drm_refgpu_stop - how a run of a context ended
 * @reason: DRM_REFGPU_STOP_*; after CMD_ERROR, FAULT, HANG and RESET the
 *	context runs again only with a ring loaded (SET_RING)
 * @head: ring offset of the next ring command
 * @level: batch level at the stop (0: in the ring)
 * @error: enum vgpu_audit_reason of a command error
 * @in_batch: 1 when @cmd_addr is a graphics address in a batch, 0 when
 *	it is a ring offset
 * @header: first dword of the failing command
 * @batch_addr: with @level > 0, the next command in the current batch
 * @cmd_addr: the failing command
 * @fault_addr: the unmapped graphics address of a fault
 * @busy_ns: engine time of the run
 * @user_interrupts: MI_USER_INTERRUPTs of this context so far
 */
struct drm_refgpu_stop {
	__u32 reason;
	__u32 head;
	__u32 level;
	__u32 error;
	__u32 in_batch;
	__u32 header;
	__u64 batch_addr;
	__u64 cmd_addr;
	__u64 fault_addr;
	__u64 busy_ns;
	__u64 user_interrupts;
};

#define DRM_REFGPU_SUBMIT_SET_RING	(1u << 0) /* load the ring first */
#define DRM_REFGPU_SUBMIT_WAIT		(1u << 1) /* wait for the stop */
#define DRM_REFGPU_SUBMIT_FLAGS		(DRM_REFGPU_SUBMIT_SET_RING | \
					 DRM_REFGPU_SUBMIT_WAIT)

/**
 * struct drm_refgpu_submit - DRM_IOCTL_REFGPU_SUBMIT
 * @engine: DRM_REFGPU_ENGINE_*, one the GPU has
 * @flags: DRM_REFGPU_SUBMIT_*
 * @ring_start: with SET_RING, the ring's graphics address (4 KiB
 *	aligned), else zero
 * @ring_size: with SET_RING, its bytes (4 KiB .. 2 MiB, a multiple of
 *	4 KiB), else zero
 * @head: with SET_RING, offset of the first command, else zero
 * @tail: run up to this ring offset
 * @watchdog_ms: the context's hang budget from now on,
 *	DRM_REFGPU_WATCHDOG_MIN_MS .. _MAX_MS; 0 keeps it
 * @timeout_ms: with WAIT, the longest wait (0: the default, at most
 *	DRM_REFGPU_TIMEOUT_MAX_MS), else zero
 * @started: out: 1 when a run started (or a preempted one resumed), 0
 *	when the running run was extended to @tail
 * @stop: out, with WAIT: how the run ended
 *
 * The file's context on @engine is created on first use. -EBUSY: another
 * context occupies the engine; -EIO: the context stopped in error and
 * needs SET_RING. With WAIT, -ETIMEDOUT when the run outlasts the wait
 * (it goes on; DRM_IOCTL_REFGPU_WAIT waits again).
 */
struct drm_refgpu_submit {
	__u32 engine;
	__u32 flags;
	__u64 ring_start;
	__u32 ring_size;
	__u32 head;
	__u32 tail;
	__u32 watchdog_ms;
	__u32 timeout_ms;
	__u32 started;
	struct drm_refgpu_stop stop;
};

/**
 * struct drm_refgpu_wait - DRM_IOCTL_REFGPU_WAIT
 * @engine: DRM_REFGPU_ENGINE_*, one the GPU has
 * @timeout_ms: the longest wait (0: the default, at most
 *	DRM_REFGPU_TIMEOUT_MAX_MS)
 * @stop: out: how the last run started on the engine ended
 *
 * -ENOENT when this file never started a run there, -ETIMEDOUT when the
 * run did not stop in time.
 */
struct drm_refgpu_wait {
	__u32 engine;
	__u32 timeout_ms;
	struct drm_refgpu_stop stop;
};

#define DRM_REFGPU_OP_PREEMPT		0	/* stop at a command boundary */
#define DRM_REFGPU_OP_KILL		1	/* stop the file's context now */
#define DRM_REFGPU_OP_RESET		2	/* reset the engine */

/**
 * struct drm_refgpu_engine_op - DRM_IOCTL_REFGPU_ENGINE_OP
 * @engine: DRM_REFGPU_ENGINE_*, one the GPU has
 * @op: DRM_REFGPU_OP_*
 *
 * PREEMPT and KILL act on this file's context (-ENOENT before its first
 * submission; PREEMPT -EALREADY when it does not run); RESET stops
 * whatever runs on the engine, any client's.
 */
struct drm_refgpu_engine_op {
	__u32 engine;
	__u32 op;
};

#define DRM_IOCTL_REFGPU_INFO		DRM_IOR(DRM_COMMAND_BASE + \
		DRM_REFGPU_INFO, struct drm_refgpu_info)
#define DRM_IOCTL_REFGPU_BO_ALLOC	DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_REFGPU_BO_ALLOC, struct drm_refgpu_bo_alloc)
#define DRM_IOCTL_REFGPU_BO_FREE	DRM_IOW(DRM_COMMAND_BASE + \
		DRM_REFGPU_BO_FREE, struct drm_refgpu_bo_free)
#define DRM_IOCTL_REFGPU_BO_READ	DRM_IOW(DRM_COMMAND_BASE + \
		DRM_REFGPU_BO_READ, struct drm_refgpu_bo_rw)
#define DRM_IOCTL_REFGPU_BO_WRITE	DRM_IOW(DRM_COMMAND_BASE + \
		DRM_REFGPU_BO_WRITE, struct drm_refgpu_bo_rw)
#define DRM_IOCTL_REFGPU_PTE		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_REFGPU_PTE, struct drm_refgpu_pte)
#define DRM_IOCTL_REFGPU_SUBMIT		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_REFGPU_SUBMIT, struct drm_refgpu_submit)
#define DRM_IOCTL_REFGPU_WAIT		DRM_IOWR(DRM_COMMAND_BASE + \
		DRM_REFGPU_WAIT, struct drm_refgpu_wait)
#define DRM_IOCTL_REFGPU_ENGINE_OP	DRM_IOW(DRM_COMMAND_BASE + \
		DRM_REFGPU_ENGINE_OP, struct drm_refgpu_engine_op)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_REFGPU_DRM_H_ */
