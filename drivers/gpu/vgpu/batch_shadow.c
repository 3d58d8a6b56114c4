// SPDX-License-Identifier: GPL-2.0
/*
 * The batch shadow of an engine: host memory the command parser copies a
 * workload's batch buffers into, used as a ring. A tail write reserves
 * the largest free run (vgpu_shadow_reserve()), the parser fills a prefix
 * of it, queueing commits that prefix (vgpu_shadow_commit_locked()), and
 * the workload's completion or cancellation frees it
 * (vgpu_shadow_free_locked()). Workloads of an engine finish in order, so
 * the memory in use is always one run from shadow_head to shadow_tail.
 * Everything here is under gpu->sched_lock.
 */
#include "vgpu_drv.h"

/**
 * vgpu_shadow_reserve() - the largest free run of an engine's batch shadow
 * @ve: the engine
 * @off: set to its offset
 * @size: set to its size in bytes
 */
void vgpu_shadow_reserve(struct vgpu_vengine *ve, u32 *off, u32 *size)
{
	spinlock_t *lock = &ve->vgpu->gpu->sched_lock;
	u32 head, tail;

	spin_lock_irq(lock);
	if (!ve->shadow_users) {
		ve->shadow_head = 0;
		ve->shadow_tail = 0;
	}
	head = ve->shadow_head;
	tail = ve->shadow_tail;
	if (!ve->shadow_users) {
		*off = 0;
		*size = VGPU_BATCH_SHADOW_SIZE;
	} else if (tail > head) {
		if (VGPU_BATCH_SHADOW_SIZE - tail >= head) {
			*off = tail;
			*size = VGPU_BATCH_SHADOW_SIZE - tail;
		} else {
			*off = 0;
			*size = head;
		}
	} else {
		*off = tail;
		*size = head - tail;
	}
	spin_unlock_irq(lock);
}

/**
 * vgpu_shadow_drained() - does no queued workload hold batch shadow?
 * @ve: the engine
 *
 * Return: true when the whole shadow is free.
 */
bool vgpu_shadow_drained(struct vgpu_vengine *ve)
{
	return !READ_ONCE(ve->shadow_users);
}

/**
 * vgpu_shadow_commit_locked() - a queued workload keeps its batch copies
 * @ve: its engine
 * @wl: the workload, with the run vgpu_shadow_reserve() gave it
 */
void vgpu_shadow_commit_locked(struct vgpu_vengine *ve,
			       struct vgpu_workload *wl)
{
	lockdep_assert_held(&ve->vgpu->gpu->sched_lock);
	if (!wl->shadow_bytes)
		return;
	/* The parser takes its shadow at an aligned address. */
	ve->shadow_tail = ALIGN(wl->shadow_off + wl->shadow_bytes,
				CMDPARSER_SHADOW_ALIGN);
	ve->shadow_users++;
}

/**
 * vgpu_shadow_free_locked() - a workload no longer needs its batch copies
 * @ve: its engine
 * @wl: the workload (done or dropped)
 *
 * Workloads of an engine finish in order, so the oldest byte still in use
 * is right after this one's copies.
 */
void vgpu_shadow_free_locked(struct vgpu_vengine *ve, struct vgpu_workload *wl)
{
	lockdep_assert_held(&ve->vgpu->gpu->sched_lock);
	if (!wl->shadow_bytes)
		return;
	ve->shadow_users--;
	/* Where the next workload's copies start: aligned, as the tail. */
	ve->shadow_head = ALIGN(wl->shadow_off + wl->shadow_bytes,
				CMDPARSER_SHADOW_ALIGN);
	wl->shadow_bytes = 0;
	if (!ve->shadow_users) {
		ve->shadow_head = 0;
		ve->shadow_tail = 0;
	}
}
