// SPDX-License-Identifier: GPL-2.0
/*
 * Resets. An engine reset (GDRST) kills the vGPU's context on that
 * engine, forgets its queued work and returns the ring registers to their
 * reset values; a device reset (VFIO_DEVICE_RESET) does that on every
 * engine and also clears the GGTT, dropping every pin, and the interrupt
 * registers. The watchdog reset kills an overstaying workload and resets
 * only the vGPU that owned it. No other vGPU is ever touched.
 */
#include "vgpu_drv.h"

static u32 vgpu_present_mask(struct vgpu *vgpu)
{
	return vgpu->type->desc->engine_mask;
}

/**
 * vgpu_stop_engines() - stop the vGPU's work on some engines
 * @vgpu: the vGPU
 * @engine_mask: VGPU_ENGINE_MASK() bits
 * @overran: as for vgpu_sched_cancel()
 *
 * No run of the vGPU starts on these engines any more, its contexts there
 * are killed (this waits for the end of the command in progress) and its
 * queued work is forgotten. The engines stay blocked: the caller unblocks
 * them with vgpu_sched_unblock() once their state is reset, or detaches
 * the vGPU from the scheduler.
 */
void vgpu_stop_engines(struct vgpu *vgpu, u32 engine_mask,
		       const struct vgpu_sched_engine *overran)
{
	unsigned int e;

	vgpu_sched_block(vgpu, engine_mask);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if ((engine_mask & VGPU_ENGINE_MASK(e)) && vgpu->engine[e].ctx)
			refgpu_context_kill(vgpu->engine[e].ctx);
	vgpu_sched_cancel(vgpu, engine_mask, overran);
}

/**
 * vgpu_reset_engines() - reset engines of a vGPU (vgpu->lock held)
 * @vgpu: the vGPU
 * @engine_mask: VGPU_ENGINE_MASK() bits of present engines
 *
 * Their work is stopped and their registers take their reset values
 * (vgpu_ring_reset()).
 */
void vgpu_reset_engines(struct vgpu *vgpu, u32 engine_mask)
{
	struct vgpu_vengine *ve;
	unsigned int e;

	lockdep_assert_held(&vgpu->lock);
	engine_mask &= vgpu_present_mask(vgpu);
	if (!vgpu->open || !engine_mask)
		return;
	vgpu_stop_engines(vgpu, engine_mask, NULL);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		if (!(engine_mask & VGPU_ENGINE_MASK(e)))
			continue;
		ve = &vgpu->engine[e];
		vgpu_ring_reset(ve);
		ve->resets++;
	}
	vgpu_sched_unblock(vgpu, engine_mask);
	vgpu->stats.resets++;
}

/**
 * vgpu_reset_registers() - every register behind BAR0 at power-on
 * @vgpu: the vGPU (vgpu->lock held, or not yet visible to anybody)
 *
 * Only the registers: the work, the GGTT and the display state behind
 * them are reset by their owners.
 */
void vgpu_reset_registers(struct vgpu *vgpu)
{
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		vgpu_ring_power_on(&vgpu->engine[e]);
	vgpu_display_regs_reset(vgpu);
	vgpu_irq_reset(vgpu);
}

/**
 * vgpu_reset_device() - VFIO_DEVICE_RESET (vgpu->lock held)
 * @vgpu: the vGPU
 *
 * Config space is kept (the VMM restores it); everything behind BAR0
 * returns to its power-on state and every pin is dropped.
 */
void vgpu_reset_device(struct vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu_reset_engines(vgpu, vgpu_present_mask(vgpu));
	vgpu_display_reset(vgpu);
	vgpu_gtt_clear_all(vgpu);
	vgpu_reset_registers(vgpu);
}

/**
 * vgpu_kill_work() - the scheduler's watchdog fired for a vGPU
 * @work: the engine's kill_work
 *
 * Kills the vGPU's contexts on every engine and reports a hang on each;
 * the guest resets its engines to continue. Runs without vgpu->lock: it
 * only uses the contexts and scheduler state. Until the completion work
 * publishes the hang, tail writes are refused (the stop is pending).
 */
void vgpu_kill_work(struct work_struct *work)
{
	struct vgpu_sched_engine *se =
		container_of(work, struct vgpu_sched_engine, kill_work);
	struct vgpu_gpu *gpu = se->gpu;
	struct vgpu *vgpu;
	u32 mask;

	spin_lock_irq(&gpu->sched_lock);
	vgpu = se->kill_target;
	spin_unlock_irq(&gpu->sched_lock);
	if (!vgpu)
		return;

	mask = vgpu_present_mask(vgpu);
	vgpu_stop_engines(vgpu, mask, se);
	vgpu_sched_unblock(vgpu, mask);

	spin_lock_irq(&gpu->sched_lock);
	vgpu->watchdog_resets++;
	se->kill_target = NULL;
	se->killing = false;
	spin_unlock_irq(&gpu->sched_lock);

	dev_notice(mdev_dev(vgpu->mdev),
		   "engine %u: workload overran its watchdog; vGPU reset\n",
		   se->id);
	queue_work(vgpu_wq, &vgpu->complete_work);
}
