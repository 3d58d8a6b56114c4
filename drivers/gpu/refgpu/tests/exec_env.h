/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A userspace stand-in for the reference GPU's graphics memory: a sparse
 * GGTT whose every mapped page is a separate host page fenced by
 * inaccessible guard pages, so that any access of the executor outside the
 * pages it was given crashes the test. Plus ring and batch writers.
 */
#ifndef _REFGPU_EXEC_ENV_H
#define _REFGPU_EXEC_ENV_H

#include "exec.h"

#define TENV_PAGE		4096u
#define TENV_PAGES		(VGPU_GFX_ADDR_SPACE_SIZE / TENV_PAGE)

/**
 * struct tenv - executor, context state and fake graphics memory
 * @ex: the executor under test
 * @st: the context state it runs
 * @pages: host page of each graphics page, NULL when unmapped
 * @mapped: pages currently mapped
 * @timestamp: value returned by the timestamp callback (advances by 1 per
 *	read)
 * @abort_after: abort callback answers true from this call on (0: never)
 * @abort_calls: calls of the abort callback
 * @map_calls: calls of the map callback
 * @user_interrupts: MI_USER_INTERRUPT events seen by tenv_run()
 */
struct tenv {
	struct refgpu_exec ex;
	struct refgpu_exec_state st;
	u8 **pages;
	u32 mapped;
	u64 timestamp;
	u32 abort_after;
	u32 abort_calls;
	u64 map_calls;
	u32 user_interrupts;
};

void tenv_init(struct tenv *t, enum vgpu_engine engine);
void tenv_fini(struct tenv *t);

/* Map zero-filled pages over [addr, addr + size). */
void tenv_map(struct tenv *t, u64 addr, u64 size);
/* Unmap the page holding @addr. */
void tenv_unmap(struct tenv *t, u64 addr);
/* Host address of mapped graphics byte @addr. */
u8 *tenv_ptr(struct tenv *t, u64 addr);

void tenv_write(struct tenv *t, u64 addr, const void *src, u64 len);
void tenv_read(struct tenv *t, u64 addr, void *dst, u64 len);
void tenv_fill(struct tenv *t, u64 addr, u8 val, u64 len);
u32 tenv_rd32(struct tenv *t, u64 addr);
u64 tenv_rd64(struct tenv *t, u64 addr);
void tenv_wr32(struct tenv *t, u64 addr, u32 val);

/* Map a ring at @base and start the context on it at @head. */
void tenv_ring(struct tenv *t, u64 base, u32 size, u32 head);
/* Append dwords at the tail (wrapping) and move the tail past them. */
void tenv_emit(struct tenv *t, const u32 *dw, u32 n);
#define TENV_EMIT(t, ...) do {						\
	const u32 tenv_dw__[] = { __VA_ARGS__ };			\
	tenv_emit(t, tenv_dw__, sizeof(tenv_dw__) / sizeof(u32));	\
} while (0)

/* Write dwords at a graphics address; returns the address after them. */
u64 tenv_put(struct tenv *t, u64 addr, const u32 *dw, u32 n);
#define TENV_PUT(t, addr, ...) ({					\
	const u32 tenv_dw__[] = { __VA_ARGS__ };			\
	tenv_put(t, addr, tenv_dw__, sizeof(tenv_dw__) / sizeof(u32));	\
})

/*
 * Step until idle, an error, an abort or @max_steps commands; returns the
 * number of commands executed and leaves the last result in @res.
 */
u32 tenv_run(struct tenv *t, u32 max_steps, struct refgpu_exec_result *res);

/* Step once and expect the command to be refused for @reason. */
void tenv_expect_refused(struct tenv *t, u32 reason);

/* Run and expect everything up to the tail to execute. */
void tenv_run_ok(struct tenv *t);

#endif /* _REFGPU_EXEC_ENV_H */
