/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The native submission path's file interface:
 * <debugfs>/refgpu/refgpu.N/native. A test and benchmark interface, not a
 * stable ABI: it lives next to the driver, not under include/uapi.
 *
 * Each open file is one host client of the GPU. It allocates buffers
 * (host pages mapped into the GPU's graphics address space), reads and
 * writes them with pread()/pwrite() at file offset = graphics address,
 * and runs its rings on the engines: one context per engine per file.
 */
#ifndef _REFGPU_NATIVE_UAPI_H
#define _REFGPU_NATIVE_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct refgpu_native_alloc - REFGPU_NATIVE_ALLOC
 * @size: bytes (rounded up to 4 KiB); a file holds at most 256 MiB
 * @gfx_addr: out: graphics address of the buffer
 */
struct refgpu_native_alloc {
	__u64 size;
	__u64 gfx_addr;
};

/**
 * struct refgpu_native_free - REFGPU_NATIVE_FREE
 * @gfx_addr: graphics address of a buffer of this file
 */
struct refgpu_native_free {
	__u64 gfx_addr;
};

#define REFGPU_NATIVE_PTE_READ		0	/* read any entry */
#define REFGPU_NATIVE_PTE_CLEAR		1	/* unmap a page of a buffer */
#define REFGPU_NATIVE_PTE_RESTORE	2	/* map it again */

/**
 * struct refgpu_native_pte - REFGPU_NATIVE_PTE
 * @gfx_addr: the page (4 KiB aligned)
 * @op: REFGPU_NATIVE_PTE_*
 * @pad: zero
 * @pte: out: the entry after the operation
 */
struct refgpu_native_pte {
	__u64 gfx_addr;
	__u32 op;
	__u32 pad;
	__u64 pte;
};

/**
 * struct refgpu_native_stop - how a run ended (struct refgpu_stop)
 * @reason: enum refgpu_stop_reason (0 complete, 1 preempted, 2 command
 *	error, 3 fault, 4 hang, 5 reset)
 * @head: ring offset of the next ring command
 * @level: batch level at the stop
 * @batch_addr: with @level > 0, the next command in the current batch
 * @error: enum vgpu_audit_reason of a command error
 * @in_batch: @cmd_addr is a graphics address in a batch
 * @header: first dword of the failing command
 * @cmd_addr: the failing command
 * @fault_addr: the unmapped graphics address of a fault
 * @busy_ns: engine time of the run
 * @user_interrupts: MI_USER_INTERRUPTs of this context so far
 */
struct refgpu_native_stop {
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

#define REFGPU_NATIVE_SUBMIT_SET_RING	0x1	/* load ring_* first */
#define REFGPU_NATIVE_SUBMIT_WAIT	0x2	/* wait for the stop */

/**
 * struct refgpu_native_submit - REFGPU_NATIVE_SUBMIT
 * @engine: enum vgpu_engine
 * @flags: REFGPU_NATIVE_SUBMIT_*
 * @ring_start: with SET_RING: graphics address of the ring
 * @ring_size: with SET_RING: its size
 * @head: with SET_RING: the first command's offset
 * @tail: run up to this ring offset
 * @watchdog_ms: hang budget of the context; 0 keeps it
 * @timeout_ms: with WAIT: how long to wait (0: 10 s)
 * @started: out: 1 a new run started, 0 the running run was extended
 * @pad: zero
 * @stop: out, with WAIT: how the run ended
 */
struct refgpu_native_submit {
	__u32 engine;
	__u32 flags;
	__u64 ring_start;
	__u32 ring_size;
	__u32 head;
	__u32 tail;
	__u32 watchdog_ms;
	__u32 timeout_ms;
	__u32 started;
	__u32 pad;
	struct refgpu_native_stop stop;
};

/**
 * struct refgpu_native_wait - REFGPU_NATIVE_WAIT
 * @engine: enum vgpu_engine
 * @timeout_ms: how long to wait (0: 10 s)
 * @stop: out: how the last run ended (-ENOENT if none ever ran)
 */
struct refgpu_native_wait {
	__u32 engine;
	__u32 timeout_ms;
	struct refgpu_native_stop stop;
};

#define REFGPU_NATIVE_OP_PREEMPT	0	/* refgpu_preempt() */
#define REFGPU_NATIVE_OP_KILL		1	/* refgpu_context_kill() */
#define REFGPU_NATIVE_OP_RESET		2	/* refgpu_engine_reset() */

/**
 * struct refgpu_native_engine_op - REFGPU_NATIVE_ENGINE_OP
 * @engine: enum vgpu_engine
 * @op: REFGPU_NATIVE_OP_*
 */
struct refgpu_native_engine_op {
	__u32 engine;
	__u32 op;
};

/**
 * struct refgpu_native_info - REFGPU_NATIVE_INFO
 * @gfx_size: bytes of graphics address space
 * @engine_mask: engines present
 * @pad: zero
 * @engine_busy_ns: per engine: time the engine was occupied (all clients)
 * @context_busy_ns: per engine: time this file's context used it
 * @context_head: per engine: its context's ring head
 * @context_running: per engine: 1 while its context occupies the engine
 * @bo_bytes: bytes of buffers this file holds
 */
struct refgpu_native_info {
	__u64 gfx_size;
	__u32 engine_mask;
	__u32 pad;
	__u64 engine_busy_ns[2];
	__u64 context_busy_ns[2];
	__u32 context_head[2];
	__u32 context_running[2];
	__u64 bo_bytes;
};

#define REFGPU_NATIVE_IOC_MAGIC		'R'
#define REFGPU_NATIVE_ALLOC	_IOWR(REFGPU_NATIVE_IOC_MAGIC, 0x00, \
				      struct refgpu_native_alloc)
#define REFGPU_NATIVE_FREE	_IOW(REFGPU_NATIVE_IOC_MAGIC, 0x01, \
				     struct refgpu_native_free)
#define REFGPU_NATIVE_PTE	_IOWR(REFGPU_NATIVE_IOC_MAGIC, 0x02, \
				      struct refgpu_native_pte)
#define REFGPU_NATIVE_SUBMIT	_IOWR(REFGPU_NATIVE_IOC_MAGIC, 0x03, \
				      struct refgpu_native_submit)
#define REFGPU_NATIVE_WAIT	_IOWR(REFGPU_NATIVE_IOC_MAGIC, 0x04, \
				      struct refgpu_native_wait)
#define REFGPU_NATIVE_ENGINE_OP	_IOW(REFGPU_NATIVE_IOC_MAGIC, 0x05, \
				     struct refgpu_native_engine_op)
#define REFGPU_NATIVE_INFO	_IOR(REFGPU_NATIVE_IOC_MAGIC, 0x06, \
				     struct refgpu_native_info)

#endif /* _REFGPU_NATIVE_UAPI_H */
