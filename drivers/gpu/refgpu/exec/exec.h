/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * refgpu_exec - the command executor of the reference GPU.
 *
 * Decodes and executes one command of the interface's command subset
 * (<linux/vgpu_if.h>) at a time, against graphics memory reached only
 * through a per-page translation callback. The same sources build into
 * refgpu.ko and into the userspace unit tests; see docs/refgpu.md for the
 * exact semantics (overlapping blits, write masks, errors).
 *
 * The executor trusts nothing it reads: a command the audit would have
 * refused is either executed with a defined result or refused with a
 * reason, and no byte outside the pages the callback hands out is touched.
 */
#ifndef _REFGPU_EXEC_H
#define _REFGPU_EXEC_H

#include "vgpu/portable.h"
#include <linux/vgpu_if.h>

/* Deepest batch nesting: the ring (0), first level (1), second level (2). */
#define REFGPU_EXEC_MAX_LEVEL		2

/* Size of the fill pattern block in struct refgpu_exec (bytes). */
#define REFGPU_EXEC_PATTERN_BYTES	256

/**
 * typedef refgpu_exec_map_fn - translate one page of graphics memory
 * @priv: struct refgpu_exec_env.priv
 * @page_addr: graphics address of the page, 4 KiB aligned, below
 *	VGPU_GFX_ADDR_SPACE_SIZE
 * @write: the executor is about to write to the page
 *
 * Return: the host address of the page's first byte, valid for 4 KiB and
 * until the current refgpu_exec_step() returns; NULL when the page is not
 * mapped (the command then fails with a fault).
 */
typedef void *(*refgpu_exec_map_fn)(void *priv, u64 page_addr, bool write);

/**
 * typedef refgpu_exec_clock_fn - the command streamer timestamp
 * @priv: struct refgpu_exec_env.priv
 *
 * Return: the free-running 64-bit counter at VGPU_TIMESTAMP_HZ.
 */
typedef u64 (*refgpu_exec_clock_fn)(void *priv);

/**
 * typedef refgpu_exec_abort_fn - should a long command stop now?
 * @priv: struct refgpu_exec_env.priv
 *
 * Asked from time to time (about every 256 KiB of pixels) while a blit
 * runs. Returning true abandons the command half done (status
 * REFGPU_EXEC_ABORTED): used for engine reset and the hang watchdog.
 *
 * Return: true to abort.
 */
typedef bool (*refgpu_exec_abort_fn)(void *priv);

/**
 * struct refgpu_exec_env - what the executor needs from its host
 * @engine: the engine whose command set applies
 * @map: page translation (required)
 * @timestamp: timestamp counter (required)
 * @should_abort: optional; see refgpu_exec_abort_fn
 * @priv: passed to the callbacks
 */
struct refgpu_exec_env {
	enum vgpu_engine engine;
	refgpu_exec_map_fn map;
	refgpu_exec_clock_fn timestamp;
	refgpu_exec_abort_fn should_abort;
	void *priv;
};

/**
 * struct refgpu_exec_state - the resumable state of one context
 * @ring_base: graphics address of the ring, 4 KiB aligned
 * @ring_size: ring size in bytes, a multiple of 4 KiB, at most
 *	VGPU_RING_MAX_SIZE
 * @head: byte offset in the ring of the next ring command, dword aligned;
 *	while a batch runs it points after the MI_BATCH_BUFFER_START that
 *	started it
 * @tail: byte offset in the ring where execution stops, dword aligned
 * @level: 0 while executing from the ring, else the current batch level
 * @batch_addr: graphics address of the next command of each batch level
 *	(index 1 and 2; index 0 unused)
 * @gpr: the engine's general purpose registers (VGPU_CS_GPR)
 *
 * This is the whole "context image": saving it after a step and giving it
 * back later resumes execution exactly where it stopped.
 */
struct refgpu_exec_state {
	u64 ring_base;
	u32 ring_size;
	u32 head;
	u32 tail;
	u32 level;
	u64 batch_addr[REFGPU_EXEC_MAX_LEVEL + 1];
	u64 gpr[VGPU_CS_GPR_COUNT];
};

/**
 * enum refgpu_exec_status - outcome of one refgpu_exec_step()
 * @REFGPU_EXEC_OK: one command executed; the state moved past it
 * @REFGPU_EXEC_IDLE: in the ring with head == tail: nothing to execute
 * @REFGPU_EXEC_ERROR: the command was refused or faulted; the state still
 *	points at it (a faulting blit may have written part of its pixels)
 * @REFGPU_EXEC_ABORTED: the abort callback stopped a long command half
 *	done; the state still points at it
 */
enum refgpu_exec_status {
	REFGPU_EXEC_OK,
	REFGPU_EXEC_IDLE,
	REFGPU_EXEC_ERROR,
	REFGPU_EXEC_ABORTED,
};

/**
 * enum refgpu_exec_error - kind of a REFGPU_EXEC_ERROR
 * @REFGPU_EXEC_ERR_NONE: no error
 * @REFGPU_EXEC_ERR_COMMAND: the command cannot be executed; the reason is
 *	an enum vgpu_audit_reason
 * @REFGPU_EXEC_ERR_FAULT: a page the command needs is not mapped (or lies
 *	beyond the graphics address space)
 */
enum refgpu_exec_error {
	REFGPU_EXEC_ERR_NONE,
	REFGPU_EXEC_ERR_COMMAND,
	REFGPU_EXEC_ERR_FAULT,
};

/* struct refgpu_exec_result.events */
#define REFGPU_EXEC_EV_USER_INTERRUPT	0x1	/* MI_USER_INTERRUPT ran */

/**
 * struct refgpu_exec_result - what one step did
 * @status: see enum refgpu_exec_status
 * @events: REFGPU_EXEC_EV_* raised by the command
 * @header: first dword of the command (0 if it could not be read)
 * @dwords: length of the command in dwords (0 if it was not decoded)
 * @in_batch: @cmd_addr is a graphics address in a batch; else a ring offset
 * @cmd_addr: where the command starts
 * @error: kind of error for REFGPU_EXEC_ERROR
 * @reason: enum vgpu_audit_reason for REFGPU_EXEC_ERR_COMMAND
 * @fault_addr: first graphics address that could not be translated, for
 *	REFGPU_EXEC_ERR_FAULT
 */
struct refgpu_exec_result {
	enum refgpu_exec_status status;
	u32 events;
	u32 header;
	u32 dwords;
	bool in_batch;
	u64 cmd_addr;
	enum refgpu_exec_error error;
	u32 reason;
	u64 fault_addr;
};

/**
 * struct refgpu_exec - an executor for one engine
 * @env: the host callbacks
 * @cmd: the command being executed, copied out of graphics memory first
 * @pattern: fill pattern scratch for XY_COLOR_BLT
 *
 * About 1.3 KiB; one per engine. Not reentrant: one step at a time.
 */
struct refgpu_exec {
	struct refgpu_exec_env env;
	u32 cmd[VGPU_CMD_MAX_DWORDS];
	u8 pattern[REFGPU_EXEC_PATTERN_BYTES];
};

/**
 * refgpu_exec_init() - set up an executor
 * @ex: the executor
 * @env: the callbacks; copied
 *
 * Return: 0, or -EINVAL for an unknown engine or a missing callback.
 */
int refgpu_exec_init(struct refgpu_exec *ex, const struct refgpu_exec_env *env);

/**
 * refgpu_exec_ring_valid() - can a ring be executed at all?
 * @ring_base: graphics address of the ring
 * @ring_size: its size in bytes
 *
 * Return: true if @ring_base is 4 KiB aligned, @ring_size a non-zero
 * multiple of 4 KiB up to VGPU_RING_MAX_SIZE and the ring inside the
 * graphics address space.
 */
bool refgpu_exec_ring_valid(u64 ring_base, u32 ring_size);

/**
 * refgpu_exec_state_init() - start a context on a ring
 * @st: the state to set up; registers are cleared
 * @ring_base: graphics address of the ring
 * @ring_size: ring size in bytes
 * @head: first command, byte offset, dword aligned, below @ring_size
 *
 * The tail starts equal to @head (nothing to execute).
 *
 * Return: 0, or -EINVAL when the ring or @head is invalid.
 */
int refgpu_exec_state_init(struct refgpu_exec_state *st, u64 ring_base,
			   u32 ring_size, u32 head);

/**
 * refgpu_exec_step() - execute the next command of a context
 * @ex: the engine's executor
 * @st: the context's state, advanced past the command on success
 * @res: filled in with the outcome
 *
 * Fetches the whole command (from the ring, wrapping at its end, or from
 * the current batch) before executing any of it.
 */
void refgpu_exec_step(struct refgpu_exec *ex, struct refgpu_exec_state *st,
		      struct refgpu_exec_result *res);

/**
 * refgpu_exec_done() - has a context nothing left to execute?
 * @st: the state
 *
 * Return: true when it is in the ring with head == tail.
 */
static inline bool refgpu_exec_done(const struct refgpu_exec_state *st)
{
	return st->level == 0 && st->head == st->tail;
}

#endif /* _REFGPU_EXEC_H */
