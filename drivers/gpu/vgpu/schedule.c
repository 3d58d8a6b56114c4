// SPDX-License-Identifier: GPL-2.0
/*
 * Time-slicing the physical engines. scheduler/ is the policy: it says
 * which vGPU should occupy an engine and until when. This file is the
 * mechanism: it starts a vGPU's oldest workload on the engine with
 * refgpu_submit(), asks the GPU to preempt it at a command boundary when
 * the slice is over, hands overstaying workloads to the kill work, and
 * turns the GPU's stopped() callbacks into scheduler events. Everything
 * runs under gpu->sched_lock, from the slice timers (hard interrupt), the
 * GPU's callbacks and the submission path.
 */
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <vgpu/migration_stream.h>

#include "vgpu_drv.h"
#include "vgpu_trace.h"

/*
 * The engine time a workload may use before the scheduler kills it. A
 * tunable, as a GPU's hang timeouts are: a kernel built with sanitizers
 * runs the software GPU several times slower, and a TCG test VM stalls
 * for a second at a time under load.
 */
static unsigned int vgpu_watchdog_ms =
	VSCHED_WATCHDOG_DEFAULT_NS / NSEC_PER_MSEC;

static int vgpu_watchdog_ms_set(const char *val, const struct kernel_param *kp)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(val, 0, &ms);
	if (ret)
		return ret;
	if ((u64)ms * NSEC_PER_MSEC < VSCHED_WATCHDOG_MIN_NS ||
	    (u64)ms * NSEC_PER_MSEC > VSCHED_WATCHDOG_MAX_NS)
		return -ERANGE;
	*(unsigned int *)kp->arg = ms;
	return 0;
}

static const struct kernel_param_ops vgpu_watchdog_ms_ops = {
	.set = vgpu_watchdog_ms_set,
	.get = param_get_uint,
};
module_param_cb(watchdog_ms, &vgpu_watchdog_ms_ops, &vgpu_watchdog_ms, 0444);
MODULE_PARM_DESC(watchdog_ms,
		 "Engine time a workload may use before it is killed, in ms (default 500, 1 to 3600000)");

static u64 vgpu_sched_clock(void *data)
{
	return ktime_get_ns();
}

static struct vgpu *entity_to_vgpu(struct vsched_entity *ent)
{
	return container_of(ent, struct vgpu, entity);
}

/*
 * Shortest time between two decisions for one engine. A deadline that has
 * passed already (a preemption the engine has not honoured yet) must not
 * turn the timer into an interrupt storm that starves the engine itself.
 */
#define VGPU_SCHED_MIN_DELAY_NS		(200 * NSEC_PER_USEC)

static void vgpu_sched_arm(struct vgpu_sched_engine *se, u64 deadline)
{
	u64 earliest = ktime_get_ns() + VGPU_SCHED_MIN_DELAY_NS;

	if (deadline == VSCHED_NO_DEADLINE) {
		hrtimer_try_to_cancel(&se->timer);
		return;
	}
	hrtimer_start(&se->timer, ns_to_ktime(max(deadline, earliest)),
		      HRTIMER_MODE_ABS);
}

/*
 * Start a run of @vgpu's context on engine @se covering its oldest
 * workloads, up to VGPU_RUN_MAX_WORKLOADS of them: starting a run costs
 * the GPU far more than a longer run does. A preempted run resumes where
 * it stopped, with the workloads it had: its watchdog budget was sized for
 * them, and workloads queued since wait for the next run. Returns 0 and
 * the deadline of the run's watchdog, -EAGAIN if the engine is held by
 * another client of the GPU, -ENOENT if there is nothing the vGPU can run.
 */
static int vgpu_sched_start(struct vgpu_sched_engine *se, struct vgpu *vgpu,
			    u64 *deadline)
{
	struct vgpu_vengine *ve = &vgpu->engine[se->id];
	struct vgpu_workload *wl, *first, *last = NULL;
	struct vgpu_gpu *gpu = se->gpu;
	unsigned int n = 0;
	int ret;

	*deadline = VSCHED_NO_DEADLINE;
	if (ve->blocked || list_empty(&ve->queue))
		return -ENOENT;
	first = list_first_entry(&ve->queue, struct vgpu_workload, node);
	/* Quiesced for migration: runs in flight finish, none begins. */
	if (ve->quiesced && !first->started)
		return -ENOENT;
	list_for_each_entry(wl, &ve->queue, node) {
		if (n == VGPU_RUN_MAX_WORKLOADS ||
		    (first->started && !wl->started))
			break;
		last = wl;
		n++;
	}
	ret = refgpu_submit(ve->ctx, last->tail);
	if (ret == -EBUSY)
		return -EAGAIN;
	if (ret < 0) {
		/* A context the guest's work left in error: not a host fault. */
		vgpu->submit_failures++;
		dev_dbg(mdev_dev(vgpu->mdev), "engine %u: submit failed: %d\n",
			se->id, ret);
		return -ENOENT;
	}
	se->cur = vgpu;
	se->running = true;
	se->preempting = false;
	/* The watchdog budget covers every workload of a new run. */
	if (!first->started)
		*deadline = vsched_workload_begin(&gpu->sched, &vgpu->entity,
						  se->id,
						  gpu->sched.params.watchdog_ns *
						  n);
	trace_vgpu_run(ve, last->tail, n, first->started);
	list_for_each_entry(wl, &ve->queue, node) {
		wl->started = true;
		if (wl == last)
			break;
	}
	return 0;
}

/* Do what the scheduler says for engine @se (sched_lock held). */
static void vgpu_sched_kick(struct vgpu_sched_engine *se)
{
	struct vgpu_gpu *gpu = se->gpu;
	struct vsched_decision d;
	struct vgpu *vgpu;
	u64 deadline;
	int ret;

	lockdep_assert_held(&gpu->sched_lock);
	for (;;) {
		vsched_engine_next(&gpu->sched, se->id, &d);
		vgpu = d.entity ? entity_to_vgpu(d.entity) : NULL;
		switch (d.action) {
		case VSCHED_IDLE:
			vgpu_sched_arm(se, d.deadline);
			return;
		case VSCHED_RUN:
			if (se->running && se->cur == vgpu) {
				vgpu_sched_arm(se, d.deadline);
				return;
			}
			ret = vgpu_sched_start(se, vgpu, &deadline);
			if (!ret) {
				vgpu_sched_arm(se, min(deadline, d.deadline));
				return;
			}
			if (ret == -EAGAIN) {
				/* Another client of the GPU holds the engine. */
				vgpu_sched_arm(se, 0);
				return;
			}
			vsched_entity_sleep(&gpu->sched, d.entity, se->id);
			break;
		case VSCHED_PREEMPT:
			if (se->running && se->cur == vgpu) {
				if (!se->preempting) {
					se->preempting = true;
					trace_vgpu_preempt(&vgpu->engine[se->id]);
					refgpu_preempt(vgpu->engine[se->id].ctx);
				}
				vgpu_sched_arm(se, d.deadline);
				return;
			}
			vsched_engine_stopped(&gpu->sched, se->id);
			break;
		case VSCHED_KILL:
			if (!se->killing) {
				se->killing = true;
				se->kill_target = vgpu;
				queue_work(vgpu_wq, &se->kill_work);
			}
			return;
		}
	}
}

static enum hrtimer_restart vgpu_sched_timer(struct hrtimer *timer)
{
	struct vgpu_sched_engine *se =
		container_of(timer, struct vgpu_sched_engine, timer);
	unsigned long flags;

	spin_lock_irqsave(&se->gpu->sched_lock, flags);
	vgpu_sched_kick(se);
	spin_unlock_irqrestore(&se->gpu->sched_lock, flags);
	return HRTIMER_NORESTART;
}

/* Drop every workload of @ve that has not completed (sched_lock held). */
static void vgpu_sched_drop_queue(struct vgpu_vengine *ve)
{
	struct vgpu_workload *wl, *tmp;

	lockdep_assert_held(&ve->vgpu->gpu->sched_lock);
	list_for_each_entry_safe(wl, tmp, &ve->queue, node) {
		vgpu_shadow_free_locked(ve, wl);
		list_del(&wl->node);
		kfree(wl);
	}
	ve->nr_queued = 0;
	wake_up_all(&ve->drained);
}

static void vgpu_ctx_stopped(struct refgpu_context *ctx,
			     const struct refgpu_stop *stop)
{
	struct vgpu_vengine *ve = ctx->cookie;
	struct vgpu *vgpu = ve->vgpu;
	struct vgpu_gpu *gpu = vgpu->gpu;
	struct vgpu_sched_engine *se = &gpu->engine[ve->id];
	struct vsched *s = &gpu->sched;
	struct vgpu_workload *wl, *tmp;
	unsigned long flags;
	bool was_preempting, publish = false;

	trace_vgpu_complete(ve, stop);
	spin_lock_irqsave(&gpu->sched_lock, flags);
	se->running = false;
	was_preempting = se->preempting;
	se->preempting = false;
	switch (stop->reason) {
	case REFGPU_STOP_COMPLETE:
		/* Every workload the run covered is done. */
		list_for_each_entry_safe(wl, tmp, &ve->queue, node) {
			if (!wl->started)
				break;
			vgpu_shadow_free_locked(ve, wl);
			list_move_tail(&wl->node, &ve->done);
			ve->nr_queued--;
		}
		wake_up_all(&ve->drained);
		vsched_workload_end(s, &vgpu->entity, ve->id);
		if (list_empty(&ve->queue))
			vsched_entity_sleep(s, &vgpu->entity, ve->id);
		else if (was_preempting)
			vsched_engine_stopped(s, ve->id);
		publish = true;
		break;
	case REFGPU_STOP_PREEMPTED:
		vsched_engine_stopped(s, ve->id);
		break;
	case REFGPU_STOP_RESET:
		/* Killed by a reset or close: that path cleans up. */
		break;
	default:
		/* Errors, faults, hangs: the guest must reset the engine. */
		if (ve->blocked)
			break;
		ve->stop = *stop;
		ve->stop_pending = true;
		vgpu_sched_drop_queue(ve);
		vsched_workload_end(s, &vgpu->entity, ve->id);
		vsched_entity_sleep(s, &vgpu->entity, ve->id);
		publish = true;
		break;
	}
	/*
	 * Queued before the lock is dropped: a migration's STOP waits under
	 * this lock for the queue to drain (vgpu_sched_quiet()) and then
	 * flushes the completion work. Queued after it, the work could run
	 * after STOP, writing guest memory and moving RING_HEAD past
	 * workloads the saved stream still holds.
	 */
	if (publish)
		queue_work(vgpu_wq, &vgpu->complete_work);
	vgpu_sched_kick(se);
	spin_unlock_irqrestore(&gpu->sched_lock, flags);
}

static void vgpu_ctx_user_interrupt(struct refgpu_context *ctx, u32 head)
{
	struct vgpu_vengine *ve = ctx->cookie;
	struct vgpu_gpu *gpu = ve->vgpu->gpu;
	unsigned long flags;

	spin_lock_irqsave(&gpu->sched_lock, flags);
	ve->user_irqs++;
	spin_unlock_irqrestore(&gpu->sched_lock, flags);
	queue_work(vgpu_wq, &ve->vgpu->complete_work);
}

const struct refgpu_context_ops vgpu_context_ops = {
	.user_interrupt = vgpu_ctx_user_interrupt,
	.stopped = vgpu_ctx_stopped,
};

/**
 * vgpu_sched_queue() - hand an audited workload to the scheduler
 * @ve: the engine
 * @wl: the workload; its batch shadow (if any) is accounted here
 */
void vgpu_sched_queue(struct vgpu_vengine *ve, struct vgpu_workload *wl)
{
	struct vgpu *vgpu = ve->vgpu;
	struct vgpu_gpu *gpu = vgpu->gpu;
	bool was_empty;

	spin_lock_irq(&gpu->sched_lock);
	vgpu_shadow_commit_locked(ve, wl);
	was_empty = list_empty(&ve->queue);
	list_add_tail(&wl->node, &ve->queue);
	ve->nr_queued++;
	trace_vgpu_queue(ve, wl->tail);
	if (was_empty && vsched_entity_wake(&gpu->sched, &vgpu->entity, ve->id))
		vgpu_sched_kick(&gpu->engine[ve->id]);
	spin_unlock_irq(&gpu->sched_lock);
}

/**
 * vgpu_sched_block() - let no run of @vgpu start on the engines of a mask
 *	(nests)
 * @vgpu: the vGPU
 * @engine_mask: VGPU_ENGINE_MASK() bits
 */
void vgpu_sched_block(struct vgpu *vgpu, u32 engine_mask)
{
	unsigned int e;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (engine_mask & VGPU_ENGINE_MASK(e))
			vgpu->engine[e].blocked++;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
}

/**
 * vgpu_sched_unblock() - undo vgpu_sched_block()
 * @vgpu: the vGPU
 * @engine_mask: VGPU_ENGINE_MASK() bits
 */
void vgpu_sched_unblock(struct vgpu *vgpu, u32 engine_mask)
{
	unsigned int e;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if ((engine_mask & VGPU_ENGINE_MASK(e)) &&
		    !WARN_ON_ONCE(!vgpu->engine[e].blocked))
			vgpu->engine[e].blocked--;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
}

/**
 * vgpu_sched_cancel() - forget the work of blocked engines whose contexts
 *	were killed
 * @vgpu: the vGPU
 * @engine_mask: VGPU_ENGINE_MASK() bits
 * @overran: the engine whose watchdog killed the vGPU's workload: publish
 *	a hang on each engine (VGPU_HANG_OVERRAN on this one,
 *	VGPU_HANG_COLLATERAL on the others) and count the kill in the
 *	scheduler; NULL for a guest reset or close, which drops completions
 *	not yet published too
 */
void vgpu_sched_cancel(struct vgpu *vgpu, u32 engine_mask,
		       const struct vgpu_sched_engine *overran)
{
	bool watchdog = overran;
	struct vgpu_gpu *gpu = vgpu->gpu;
	struct vgpu_workload *wl, *tmp;
	struct vgpu_vengine *ve;
	unsigned int e;

	spin_lock_irq(&gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		if (!(engine_mask & VGPU_ENGINE_MASK(e)))
			continue;
		ve = &vgpu->engine[e];
		vgpu_sched_drop_queue(ve);
		if (watchdog) {
			memset(&ve->stop, 0, sizeof(ve->stop));
			ve->stop.reason = REFGPU_STOP_HANG;
			ve->stop.error = e == overran->id ?
					 VGPU_HANG_OVERRAN :
					 VGPU_HANG_COLLATERAL;
			ve->stop_pending = ve->present;
		} else {
			list_for_each_entry_safe(wl, tmp, &ve->done, node) {
				list_del(&wl->node);
				kfree(wl);
			}
			ve->stop_pending = false;
			ve->user_irqs = 0;
		}
		if (gpu->engine[e].cur == vgpu) {
			gpu->engine[e].running = false;
			gpu->engine[e].preempting = false;
		}
		if (vgpu->attached && !watchdog)
			vsched_entity_sleep(&gpu->sched, &vgpu->entity, e);
	}
	if (vgpu->attached && watchdog)
		vsched_entity_reset(&gpu->sched, &vgpu->entity);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (vgpu->attached)
			vgpu_sched_kick(&gpu->engine[e]);
	spin_unlock_irq(&gpu->sched_lock);
}

/**
 * vgpu_sched_quiesce() - let runs in flight finish but start no new one
 * @vgpu: the vGPU (attached)
 * @on: quiesce, or let the queued work run again
 *
 * Unlike vgpu_sched_block() nothing is forgotten: a quiesced engine keeps
 * its queue and resumes a preempted run, so that a migration can wait for
 * the engine to reach a workload boundary (vgpu_sched_quiet()) and save
 * what is still queued.
 */
void vgpu_sched_quiesce(struct vgpu *vgpu, bool on)
{
	struct vgpu_gpu *gpu = vgpu->gpu;
	struct vgpu_vengine *ve;
	unsigned int e;

	spin_lock_irq(&gpu->sched_lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		ve->quiesced = on;
		/* A quiesced engine put the entity to sleep with work left. */
		if (!on && vgpu->attached && !list_empty(&ve->queue) &&
		    vsched_entity_wake(&gpu->sched, &vgpu->entity, e))
			vgpu_sched_kick(&gpu->engine[e]);
	}
	spin_unlock_irq(&gpu->sched_lock);
}

/**
 * vgpu_sched_quiet() - has a quiesced engine no run in flight any more?
 * @ve: the engine
 *
 * Return: true when none of its queued workloads was started, i.e. the
 * GPU holds nothing of the vGPU's on this engine.
 */
bool vgpu_sched_quiet(struct vgpu_vengine *ve)
{
	spinlock_t *lock = &ve->vgpu->gpu->sched_lock;
	struct vgpu_workload *first;
	bool quiet;

	spin_lock_irq(lock);
	first = list_first_entry_or_null(&ve->queue, struct vgpu_workload,
					 node);
	quiet = !first || !first->started;
	spin_unlock_irq(lock);
	return quiet;
}

/* The scheduling knobs, in the order of the SCHED section. */
enum vgpu_sched_knob {
	VGPU_SCHED_WEIGHT,
	VGPU_SCHED_CAP,
	VGPU_SCHED_PRIORITY,
	VGPU_SCHED_KNOBS,
};

u32 vgpu_sched_mig_size(const struct vgpu *vgpu)
{
	return VGPU_SCHED_KNOBS * sizeof(u32);
}

/**
 * vgpu_sched_mig_save() - the SCHED section: weight, cap, priority
 * @vgpu: the vGPU
 * @w: the stream
 */
void vgpu_sched_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	u32 knob[VGPU_SCHED_KNOBS];
	unsigned int i;

	spin_lock_irq(&vgpu->gpu->sched_lock);
	knob[VGPU_SCHED_WEIGHT] = vgpu->entity.weight;
	knob[VGPU_SCHED_CAP] = vgpu->entity.cap;
	knob[VGPU_SCHED_PRIORITY] = vgpu->entity.prio;
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	for (i = 0; i < VGPU_SCHED_KNOBS; i++)
		vgpu_mig_put_u32(w, knob[i]);
}

static int vgpu_sched_set_knobs(struct vgpu *vgpu, const u32 *knob)
{
	struct vsched *s = &vgpu->gpu->sched;

	return vsched_entity_set_weight(s, &vgpu->entity,
					knob[VGPU_SCHED_WEIGHT]) ?:
	       vsched_entity_set_cap(s, &vgpu->entity, knob[VGPU_SCHED_CAP]) ?:
	       vsched_entity_set_priority(s, &vgpu->entity,
					  knob[VGPU_SCHED_PRIORITY]);
}

/**
 * vgpu_sched_mig_load() - take the SCHED section
 * @vgpu: the vGPU
 * @r: the section, untrusted
 *
 * The scheduler checks each value as it does for sysfs; a refused one
 * leaves all three as they were.
 *
 * Return: 0 or -EINVAL.
 */
int vgpu_sched_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	u32 knob[VGPU_SCHED_KNOBS], old[VGPU_SCHED_KNOBS];
	unsigned int i;
	int ret;

	for (i = 0; i < VGPU_SCHED_KNOBS; i++)
		knob[i] = vgpu_mig_get_u32(r);
	if (!vgpu_mig_reader_done(r))
		return -EINVAL;
	spin_lock_irq(&vgpu->gpu->sched_lock);
	old[VGPU_SCHED_WEIGHT] = vgpu->entity.weight;
	old[VGPU_SCHED_CAP] = vgpu->entity.cap;
	old[VGPU_SCHED_PRIORITY] = vgpu->entity.prio;
	ret = vgpu_sched_set_knobs(vgpu, knob);
	if (ret)
		WARN_ON(vgpu_sched_set_knobs(vgpu, old));
	spin_unlock_irq(&vgpu->gpu->sched_lock);
	return ret ? -EINVAL : 0;
}

/**
 * vgpu_sched_attach() - make an opened vGPU schedulable
 * @vgpu: the vGPU
 *
 * Return: 0, or -ENOSPC when the scheduler is full.
 */
int vgpu_sched_attach(struct vgpu *vgpu)
{
	struct vgpu_gpu *gpu = vgpu->gpu;
	int ret;

	spin_lock_irq(&gpu->sched_lock);
	ret = vsched_entity_attach(&gpu->sched, &vgpu->entity);
	vgpu->attached = !ret;
	spin_unlock_irq(&gpu->sched_lock);
	return ret;
}

/**
 * vgpu_sched_detach() - take a closed vGPU out of the scheduler
 * @vgpu: the vGPU, whose engines are blocked, killed and cancelled
 *
 * Waits for kill work that may still refer to it.
 */
void vgpu_sched_detach(struct vgpu *vgpu)
{
	struct vgpu_gpu *gpu = vgpu->gpu;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		flush_work(&gpu->engine[e].kill_work);
	spin_lock_irq(&gpu->sched_lock);
	if (vgpu->attached)
		WARN_ON(vsched_entity_detach(&gpu->sched, &vgpu->entity));
	vgpu->attached = false;
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		if (gpu->engine[e].cur == vgpu) {
			gpu->engine[e].cur = NULL;
			gpu->engine[e].running = false;
		}
		vgpu_sched_kick(&gpu->engine[e]);
	}
	spin_unlock_irq(&gpu->sched_lock);
}

/*
 * The slice length of one GPU, on its refgpu.vgpu.N auxiliary device:
 * shorter slices cut the wait of an interactive vGPU among busy ones and
 * cost a context switch more often. The credit an idle vGPU may bank
 * follows the slice while it is at its default of one slice.
 */
static ssize_t sched_slice_us_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct vgpu_gpu *gpu = dev_get_drvdata(dev);
	u64 ns;

	spin_lock_irq(&gpu->sched_lock);
	ns = gpu->sched.params.slice_ns;
	spin_unlock_irq(&gpu->sched_lock);
	return sysfs_emit(buf, "%llu\n", div_u64(ns, NSEC_PER_USEC));
}

static ssize_t sched_slice_us_store(struct device *dev,
				    struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct vgpu_gpu *gpu = dev_get_drvdata(dev);
	struct vsched_params p;
	unsigned int us;
	int ret;

	ret = kstrtouint(buf, 0, &us);
	if (ret)
		return ret;
	spin_lock_irq(&gpu->sched_lock);
	p = gpu->sched.params;
	if (p.credit_ns == p.slice_ns)
		p.credit_ns = (u64)us * NSEC_PER_USEC;
	p.slice_ns = (u64)us * NSEC_PER_USEC;
	/* Out of range (the balance period bounds it too): -EINVAL. */
	ret = vsched_set_params(&gpu->sched, &p);
	spin_unlock_irq(&gpu->sched_lock);
	return ret ?: count;
}
static DEVICE_ATTR_RW(sched_slice_us);

static struct attribute *vgpu_gpu_attrs[] = {
	&dev_attr_sched_slice_us.attr,
	NULL,
};

static const struct attribute_group vgpu_gpu_attr_group = {
	.attrs = vgpu_gpu_attrs,
};

const struct attribute_group *vgpu_gpu_groups[] = {
	&vgpu_gpu_attr_group,
	NULL,
};

/**
 * vgpu_sched_init() - the scheduler of a GPU's engines
 * @gpu: the GPU
 */
void vgpu_sched_init(struct vgpu_gpu *gpu)
{
	struct vsched_config cfg = {
		.num_engines = VGPU_ENGINE_COUNT,
		.table = gpu->sched_table,
		.capacity = VGPU_MAX_INSTANCES,
		.clock = vgpu_sched_clock,
	};
	struct vgpu_sched_engine *se;
	unsigned int e;

	BUILD_BUG_ON(VGPU_ENGINE_COUNT > VSCHED_MAX_ENGINES);
	spin_lock_init(&gpu->sched_lock);
	vsched_params_init(&cfg.params);
	cfg.params.watchdog_ns = (u64)vgpu_watchdog_ms * NSEC_PER_MSEC;
	WARN_ON(vsched_init(&gpu->sched, &cfg));
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		se = &gpu->engine[e];
		se->gpu = gpu;
		se->id = e;
		hrtimer_init(&se->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
		se->timer.function = vgpu_sched_timer;
		INIT_WORK(&se->kill_work, vgpu_kill_work);
	}
}

/**
 * vgpu_sched_fini() - stop the timers and kill work of a GPU
 * @gpu: the GPU, without vGPUs
 */
void vgpu_sched_fini(struct vgpu_gpu *gpu)
{
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		flush_work(&gpu->engine[e].kill_work);
		hrtimer_cancel(&gpu->engine[e].timer);
	}
}
