// SPDX-License-Identifier: GPL-2.0
/*
 * Submission. A write to an engine's RING_TAIL is the only trigger: the
 * new bytes of the guest's ring are copied into a host-owned shadow ring
 * at the same offsets, the command parser audits them there and copies
 * every batch buffer into host-owned shadow memory (re-pointing the
 * batch starts at the copies), and the audited segment becomes a workload
 * for the scheduler. Nothing of a refused segment ever runs: the engine
 * goes into a guest-visible error state until the guest resets it.
 *
 * Completion is published to the guest from a work item: RING_HEAD
 * advances, the status page is written, interrupts are raised.
 */
#include <linux/err.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <vgpu/migration_stream.h>

#include "vgpu_drv.h"
#include "vgpu_trace.h"

/* The reference GPU context callbacks live in schedule.c. */

/**
 * vgpu_engines_init() - the engines of a new vGPU, before its first open
 * @vgpu: the vGPU
 *
 * Which engines its type has, and their empty queues; vgpu_submit_init()
 * gives the present ones their host resources at each open.
 */
void vgpu_engines_init(struct vgpu *vgpu)
{
	struct vgpu_vengine *ve;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		ve->vgpu = vgpu;
		ve->id = e;
		ve->present = vgpu->type->desc->engine_mask &
			      VGPU_ENGINE_MASK(e);
		INIT_LIST_HEAD(&ve->queue);
		INIT_LIST_HEAD(&ve->done);
		init_waitqueue_head(&ve->drained);
	}
}

int vgpu_submit_init(struct vgpu *vgpu)
{
	struct refgpu *rgpu = vgpu->gpu->rgpu;
	struct vgpu_vengine *ve;
	unsigned int e;
	int ret;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		if (!ve->present)
			continue;
		ve->parser = kzalloc(sizeof(*ve->parser), GFP_KERNEL);
		if (!ve->parser) {
			ret = -ENOMEM;
			goto err;
		}
		ve->batch = refgpu_bo_create(rgpu, VGPU_BATCH_SHADOW_SIZE);
		if (IS_ERR(ve->batch)) {
			ret = PTR_ERR(ve->batch);
			ve->batch = NULL;
			goto err;
		}
		ve->ctx = refgpu_context_create(rgpu, e, &vgpu_context_ops, ve);
		if (IS_ERR(ve->ctx)) {
			ret = PTR_ERR(ve->ctx);
			ve->ctx = NULL;
			goto err;
		}
		ve->shadow_head = 0;
		ve->shadow_tail = 0;
		ve->shadow_users = 0;
		ve->blocked = 0;
	}
	return 0;

err:
	vgpu_submit_fini(vgpu);
	return ret;
}

/* The engines must be idle: contexts killed, queues cancelled. */
void vgpu_submit_fini(struct vgpu *vgpu)
{
	struct vgpu_vengine *ve;
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		if (ve->ctx)
			refgpu_context_destroy(ve->ctx);
		if (ve->ring)
			refgpu_bo_destroy(ve->ring);
		if (ve->batch)
			refgpu_bo_destroy(ve->batch);
		kfree(ve->parser);
		ve->ctx = NULL;
		ve->ring = NULL;
		ve->batch = NULL;
		ve->parser = NULL;
		ve->loaded = false;
	}
}

/**
 * vgpu_engine_set_error() - stop an engine in a guest-visible error state
 * @ve: the engine
 * @class: enum vgpu_engine_error_class
 * @reason: enum vgpu_audit_reason for the audit class, enum
 *	vgpu_hang_reason for the hang class, else 0
 * @in_batch: @addr is a graphics address in a batch, else a ring offset
 * @addr: where
 * @cmd: the offending command's first dword
 */
static void vgpu_engine_set_error(struct vgpu_vengine *ve, u32 class,
				  u32 reason, bool in_batch, u64 addr, u32 cmd)
{
	struct vgpu_engine_error *err = &ve->error;

	err->status = VGPU_ENGINE_ERROR_ACTIVE |
		      (in_batch ? VGPU_ENGINE_ERROR_IN_BATCH : 0) |
		      (class << VGPU_ENGINE_ERROR_CLASS_SHIFT &
		       VGPU_ENGINE_ERROR_CLASS_MASK) |
		      (reason & VGPU_ENGINE_ERROR_REASON_MASK);
	err->addr = addr;
	err->cmd = cmd;
	err->count++;
	vgpu_irq_raise_gt(ve->vgpu, VGPU_GT_IRQ_ERROR(ve->id));
}

static void vgpu_audit_fail(struct vgpu_vengine *ve, u32 reason,
			    bool in_batch, u64 addr, u32 cmd)
{
	ve->vgpu->stats.audit_rejections++;
	vgpu_engine_set_error(ve, VGPU_ERROR_CLASS_AUDIT, reason, in_batch,
			      addr, cmd);
	vgpu_notify_audit(ve->vgpu, ve->id, reason);
}

static u32 vgpu_ring_size(const struct vgpu_vengine *ve)
{
	return VGPU_RING_CTL_SIZE(ve->ring_ctl);
}

/* Bytes from ring offset @from forward to @to in a ring of @size bytes. */
static u32 vgpu_ring_dist(u32 from, u32 to, u32 size)
{
	return to >= from ? to - from : size - from + to;
}

static bool vgpu_engine_idle(struct vgpu_vengine *ve)
{
	spinlock_t *lock = &ve->vgpu->gpu->sched_lock;
	bool idle;

	spin_lock_irq(lock);
	idle = list_empty(&ve->queue);
	spin_unlock_irq(lock);
	return idle;
}

/*
 * Make the shadow ring match the guest's ring geometry and load it into
 * the context, starting at the guest's head. Only while the engine is
 * idle.
 */
static int vgpu_ring_load(struct vgpu_vengine *ve)
{
	u32 size = vgpu_ring_size(ve), head;
	struct refgpu_ring ring;
	struct refgpu_bo *bo;
	int ret;

	if (!vgpu_engine_idle(ve))
		return -EBUSY;
	head = ve->ring_head & VGPU_RING_HEAD_ADDR_MASK;
	if (head >= size)
		return -EINVAL;
	if (ve->ring && ve->ring->size != size) {
		refgpu_bo_destroy(ve->ring);
		ve->ring = NULL;
	}
	if (!ve->ring) {
		bo = refgpu_bo_create(ve->vgpu->gpu->rgpu, size);
		if (IS_ERR(bo))
			return PTR_ERR(bo);
		ve->ring = bo;
	}
	ring.start = ve->ring->gfx_addr;
	ring.size = size;
	ring.head = head;
	ret = refgpu_context_set_ring(ve->ctx, &ring);
	if (ret)
		return ret;
	ve->submitted = head;
	ve->loaded = true;
	return 0;
}

/* Copy guest ring bytes [from, to) (wrapping) into the shadow ring. */
static int vgpu_ring_copy(struct vgpu_vengine *ve, u32 from, u32 to)
{
	u32 size = vgpu_ring_size(ve);
	void *shadow = ve->ring->vaddr;
	u32 len = to > from ? to - from : size - from;
	int ret;

	ret = vgpu_gtt_copy(ve->vgpu, ve->ring_start + from, shadow + from,
			    len, false);
	if (ret || to > from || !to)
		return ret;
	return vgpu_gtt_copy(ve->vgpu, ve->ring_start, shadow, to, false);
}

static bool vgpu_queue_has_room(struct vgpu_vengine *ve)
{
	return READ_ONCE(ve->nr_queued) < VGPU_MAX_QUEUED;
}

/* Audit ring bytes [from, to) of the shadow ring with @size bytes of shadow. */
static int vgpu_scan(struct vgpu_vengine *ve, u32 from, u32 to, u32 off,
		     u32 size, struct cmdparser_result *res)
{
	struct cmdparser_range slice = {
		.start = vgpu_slice_start(ve->vgpu),
		.end = vgpu_slice_start(ve->vgpu) + vgpu_slice_size(ve->vgpu),
	};
	struct cmdparser_config cfg = {
		.engine = ve->id,
		.ranges = &slice,
		.nr_ranges = 1,
		.limits = {
			.max_depth = CMDPARSER_DEFAULT_MAX_DEPTH,
			.max_batches = CMDPARSER_DEFAULT_MAX_BATCHES,
			.max_batch_bytes = CMDPARSER_DEFAULT_BATCH_BYTES,
		},
		.read = vgpu_gtt_read_cb,
		.priv = ve->vgpu,
		.shadow = {
			.cpu = ve->batch->vaddr + off,
			.gfx_addr = ve->batch->gfx_addr + off,
			.size = size,
		},
	};
	int ret;

	cfg.whitelist = cmdparser_default_whitelist(ve->id, &cfg.nr_whitelist);
	ret = cmdparser_init(ve->parser, &cfg);
	if (ret) {
		memset(res, 0, sizeof(*res));
		res->reason = VGPU_AUDIT_HOST_ERROR;
		return ret;
	}
	return cmdparser_scan_ring(ve->parser, ve->ring->vaddr,
				   vgpu_ring_size(ve), from, to, res);
}

/* Copy and audit [from, to); on success *@wl describes the workload. */
static int vgpu_shadow_segment(struct vgpu_vengine *ve, u32 from, u32 to,
			       struct vgpu_workload *wl,
			       struct cmdparser_result *res)
{
	/*
	 * local_clock(), not ktime: this runs on every tail write, and the
	 * cost statistic needs no global time base (under TCG the VM's
	 * clocksource is an emulated HPET register).
	 */
	u64 start = local_clock();
	u32 off, size;
	int ret;

	lockdep_assert_held(&ve->vgpu->lock);
	vgpu_shadow_reserve(ve, &off, &size);
	for (;;) {
		ret = vgpu_ring_copy(ve, from, to);
		if (ret) {
			memset(res, 0, sizeof(*res));
			res->reason = VGPU_AUDIT_RING_CONFIG;
			res->offset = from;
			return ret;
		}
		ret = vgpu_scan(ve, from, to, off, size, res);
		if (ret != -E2BIG || size == VGPU_BATCH_SHADOW_SIZE)
			break;
		/*
		 * Earlier workloads hold part of the batch shadow: the write
		 * waits for them (the GPU frees it, not the guest) and is
		 * made again with all of it, the ring bytes copied again (the
		 * parser re-pointed batch starts in the shadow ring).
		 */
		if (!vgpu_shadow_drained(ve))
			return -EAGAIN;
		vgpu_shadow_reserve(ve, &off, &size);
	}
	trace_vgpu_scan(ve, from, to, ret, res);
	if (ret)
		return ret;
	ve->vgpu->stats.scan_ns += local_clock() - start;
	ve->vgpu->stats.scan_bytes += vgpu_ring_dist(from, to, vgpu_ring_size(ve)) +
				      res->shadow_bytes;
	wl->head = from;
	wl->tail = to;
	wl->shadow_off = off;
	wl->shadow_bytes = res->shadow_bytes;
	wl->started = false;
	return 0;
}

/*
 * Did the GPU stop @ve's work (a fault, a hang, the watchdog) without the
 * completion work having published it yet? A submission now would go to
 * a dead context.
 */
static bool vgpu_engine_stopping(struct vgpu_vengine *ve)
{
	spinlock_t *lock = &ve->vgpu->gpu->sched_lock;
	bool stopping;

	spin_lock_irq(lock);
	stopping = ve->stop_pending;
	spin_unlock_irq(lock);
	return stopping;
}

/*
 * The tail write to @ve must wait for @why: have vgpu_vfio_rw() wait for it
 * outside vgpu->lock and make the write again, unless it already waited
 * its time (then the host could not take the submission: HOST_ERROR).
 */
static void vgpu_tail_defer(struct vgpu_vengine *ve, enum vgpu_tail_wait why,
			    u32 tail)
{
	struct vgpu *vgpu = ve->vgpu;

	if (vgpu->tail_expired) {
		vgpu_audit_fail(ve, VGPU_AUDIT_HOST_ERROR, false, tail, 0);
		return;
	}
	vgpu->tail_waiter = ve;
	vgpu->tail_wait = why;
}

static bool vgpu_tail_can_go(struct vgpu_vengine *ve, enum vgpu_tail_wait why)
{
	return why == VGPU_TAIL_ROOM ? vgpu_queue_has_room(ve) :
				       vgpu_shadow_drained(ve);
}

/**
 * vgpu_submit_wait() - wait for what a deferred RING_TAIL write needs
 * @vgpu: the vGPU, vgpu->lock held; dropped while waiting, so that the
 *	VMM's other accesses to the device go on meanwhile
 * @deadline: in jiffies, when the write stops waiting; 0 on its first
 *	wait (set here to VGPU_DRAIN_TIMEOUT_MS from now)
 *
 * Return: -EAGAIN to make the write again (after a timeout, the write
 * refuses the submission), 0 when the engine was reset meanwhile (the
 * write went with the ring it was written to), -EINTR when the caller
 * was killed.
 */
int vgpu_submit_wait(struct vgpu *vgpu, unsigned long *deadline)
{
	struct vgpu_vengine *ve;
	enum vgpu_tail_wait why;
	unsigned long now = jiffies;
	unsigned int resets;
	long left;

	lockdep_assert_held(&vgpu->lock);
	ve = vgpu->tail_waiter;
	why = vgpu->tail_wait;
	resets = ve->resets;
	vgpu->tail_waiter = NULL;
	if (!*deadline)
		*deadline = now + msecs_to_jiffies(VGPU_DRAIN_TIMEOUT_MS);
	left = time_before(now, *deadline) ? *deadline - now : 0;
	mutex_unlock(&vgpu->lock);
	if (left)
		left = wait_event_killable_timeout(ve->drained,
						   vgpu_tail_can_go(ve, why),
						   left);
	mutex_lock(&vgpu->lock);
	if (left < 0)
		return -EINTR;
	if (ve->resets != resets)
		return 0;
	if (!left)
		vgpu->tail_expired = true;
	return -EAGAIN;
}

/**
 * vgpu_submit_tail() - the guest wrote RING_TAIL
 * @ve: the engine
 * @val: the value written, untrusted
 */
void vgpu_submit_tail(struct vgpu_vengine *ve, u32 val)
{
	u32 size = vgpu_ring_size(ve), tail, head, pending, len;
	struct cmdparser_result res;
	struct vgpu_workload *wl;
	int ret;

	/* An engine stopped but not yet published is in error too. */
	if ((ve->error.status & VGPU_ENGINE_ERROR_ACTIVE) ||
	    vgpu_engine_stopping(ve))
		return;
	if (!(ve->ring_ctl & VGPU_RING_CTL_ENABLE) ||
	    !vgpu_gtt_range_ok(ve->vgpu, ve->ring_start, size)) {
		vgpu_audit_fail(ve, VGPU_AUDIT_RING_CONFIG, false, 0, 0);
		return;
	}
	tail = val & VGPU_RING_TAIL_ADDR_MASK;
	if (tail != val || tail >= size) {
		vgpu_audit_fail(ve, VGPU_AUDIT_RING_OFFSET, false, val, 0);
		return;
	}
	if (!ve->loaded) {
		ret = vgpu_ring_load(ve);
		if (ret) {
			vgpu_audit_fail(ve, ret == -ENOMEM ?
					VGPU_AUDIT_HOST_ERROR :
					VGPU_AUDIT_RING_CONFIG, false, 0, 0);
			return;
		}
	}
	if (tail == ve->submitted)
		return;

	/* The new bytes must not reach what the guest may still be using. */
	head = ve->ring_head & VGPU_RING_HEAD_ADDR_MASK;
	pending = vgpu_ring_dist(head, ve->submitted, size);
	len = vgpu_ring_dist(ve->submitted, tail, size);
	if (pending + len >= size) {
		vgpu_audit_fail(ve, VGPU_AUDIT_RING_OFFSET, false, val, 0);
		return;
	}

	/* Bound the host memory a guest can make us hold. */
	if (!vgpu_queue_has_room(ve)) {
		vgpu_tail_defer(ve, VGPU_TAIL_ROOM, tail);
		return;
	}
	wl = kzalloc(sizeof(*wl), GFP_KERNEL);
	if (!wl) {
		vgpu_audit_fail(ve, VGPU_AUDIT_HOST_ERROR, false, tail, 0);
		return;
	}
	ret = vgpu_shadow_segment(ve, ve->submitted, tail, wl, &res);
	if (ret == -EAGAIN) {
		kfree(wl);
		vgpu_tail_defer(ve, VGPU_TAIL_SHADOW, tail);
		return;
	}
	if (ret) {
		kfree(wl);
		vgpu_audit_fail(ve, res.reason ?: VGPU_AUDIT_HOST_ERROR,
				res.in_batch, res.offset, res.header);
		return;
	}
	ve->submitted = tail;
	vgpu_sched_queue(ve, wl);
}

/* Write the status page after a completion; skipped if it is not mapped. */
static void vgpu_write_hws(struct vgpu_vengine *ve)
{
	struct vgpu *vgpu = ve->vgpu;
	u32 vals[2] = { ve->ring_head, ve->completed };

	BUILD_BUG_ON(VGPU_HWS_HEAD + sizeof(u32) != VGPU_HWS_COMPLETED);
	if (!ve->hws_pga ||
	    !vgpu_gtt_range_ok(vgpu, ve->hws_pga, VGPU_GTT_PAGE_SIZE) ||
	    vgpu_gtt_copy(vgpu, ve->hws_pga + VGPU_HWS_HEAD, vals,
			  sizeof(vals), true))
		vgpu->stats.hws_misses++;
}

/* Publish what the GPU reported for one engine (vgpu->lock held). */
static u32 vgpu_publish_engine(struct vgpu_vengine *ve)
{
	spinlock_t *lock = &ve->vgpu->gpu->sched_lock;
	struct vgpu_workload *wl, *tmp;
	struct refgpu_stop stop;
	bool failed;
	u32 irqs = 0, user, off, wrap;
	LIST_HEAD(done);

	lockdep_assert_held(&ve->vgpu->lock);
	spin_lock_irq(lock);
	list_splice_init(&ve->done, &done);
	user = ve->user_irqs;
	ve->user_irqs = 0;
	failed = ve->stop_pending;
	stop = ve->stop;
	ve->stop_pending = false;
	spin_unlock_irq(lock);

	list_for_each_entry_safe(wl, tmp, &done, node) {
		off = ve->ring_head & VGPU_RING_HEAD_ADDR_MASK;
		wrap = ve->ring_head & VGPU_RING_HEAD_WRAP_MASK;
		if (wl->tail < off)
			wrap += 1U << VGPU_RING_HEAD_WRAP_SHIFT;
		ve->ring_head = wrap | wl->tail;
		ve->completed++;
		vgpu_write_hws(ve);
		list_del(&wl->node);
		kfree(wl);
		irqs |= VGPU_GT_IRQ_USER(ve->id);
	}
	if (user)
		irqs |= VGPU_GT_IRQ_USER(ve->id);
	if (!failed)
		return irqs;

	switch (stop.reason) {
	case REFGPU_STOP_CMD_ERROR:
		vgpu_engine_set_error(ve, VGPU_ERROR_CLASS_AUDIT, stop.error,
				      stop.in_batch, stop.cmd_addr,
				      stop.header);
		break;
	case REFGPU_STOP_FAULT:
		vgpu_engine_set_error(ve, VGPU_ERROR_CLASS_FAULT, 0, true,
				      stop.fault_addr, stop.header);
		break;
	default:
		/*
		 * Only vgpu_sched_cancel() marks an engine collateral; the
		 * GPU's own watchdog stops just the engine that hung.
		 */
		vgpu_engine_set_error(ve, VGPU_ERROR_CLASS_HANG,
				      stop.error == VGPU_HANG_COLLATERAL ?
				      VGPU_HANG_COLLATERAL : VGPU_HANG_OVERRAN,
				      stop.in_batch, stop.cmd_addr,
				      stop.header);
		break;
	}
	return irqs;
}

/**
 * vgpu_complete_work() - publish completions and errors to the guest
 * @work: vgpu->complete_work
 */
void vgpu_complete_work(struct work_struct *work)
{
	struct vgpu *vgpu = container_of(work, struct vgpu, complete_work);
	u32 irqs = 0;
	unsigned int e;

	mutex_lock(&vgpu->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		if (vgpu->engine[e].present)
			irqs |= vgpu_publish_engine(&vgpu->engine[e]);
	if (irqs)
		vgpu_irq_raise_gt(vgpu, irqs);
	mutex_unlock(&vgpu->lock);
}

u32 vgpu_workload_mig_size(const struct vgpu *vgpu)
{
	return VGPU_ENGINE_COUNT * (1 + VGPU_MAX_QUEUED) * sizeof(u32);
}

/**
 * vgpu_workload_mig_save() - the WORKLOAD section: what is still queued
 * @vgpu: the vGPU, its engines quiet and its completions published
 * @w: the stream
 *
 * Per engine the number of queued workloads and the ring tail of each,
 * oldest first; the first starts at RING_HEAD (RING section). No run is
 * in flight, so none has started: the destination audits and runs each
 * of them from the guest's ring, as if the guest had written its tail.
 */
void vgpu_workload_mig_save(struct vgpu *vgpu, struct vgpu_mig_writer *w)
{
	spinlock_t *lock = &vgpu->gpu->sched_lock;
	struct vgpu_workload *wl;
	struct vgpu_vengine *ve;
	unsigned int e;

	lockdep_assert_held(&vgpu->lock);
	spin_lock_irq(lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		vgpu_mig_put_u32(w, ve->nr_queued);
		list_for_each_entry(wl, &ve->queue, node)
			vgpu_mig_put_u32(w, wl->tail);
	}
	spin_unlock_irq(lock);
}

/* Submit one saved workload as a tail write would; did it queue? */
static bool vgpu_workload_requeue(struct vgpu_vengine *ve, u32 tail)
{
	struct vgpu *vgpu = ve->vgpu;

	if (ve->submitted == (tail & VGPU_RING_TAIL_ADDR_MASK))
		return false;
	vgpu_submit_tail(ve, tail);
	if (vgpu->tail_waiter) {
		/* It would have to wait for room: not a saved queue. */
		vgpu->tail_waiter = NULL;
		return false;
	}
	return !(ve->error.status & VGPU_ENGINE_ERROR_ACTIVE) &&
	       ve->submitted == tail;
}

/**
 * vgpu_workload_mig_load() - take the WORKLOAD section
 * @vgpu: the vGPU, its rings loaded (RING section), its engines quiesced
 * @r: the section, untrusted
 *
 * Each workload goes through the whole submission path again: the ring
 * bytes are copied from guest memory through the GGTT just loaded and
 * audited; nothing of the source's shadow is trusted. The quiesced
 * engines start none of them until the device runs.
 *
 * Return: 0 or -EINVAL; on an error the caller resets the device.
 */
int vgpu_workload_mig_load(struct vgpu *vgpu, struct vgpu_mig_reader *r)
{
	struct vgpu_vengine *ve;
	unsigned int e;
	u32 nr, i, tail;

	lockdep_assert_held(&vgpu->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		ve = &vgpu->engine[e];
		nr = vgpu_mig_get_u32(r);
		if (nr > VGPU_MAX_QUEUED || (nr && !ve->present))
			return -EINVAL;
		for (i = 0; i < nr; i++) {
			tail = vgpu_mig_get_u32(r);
			if (r->bad || !vgpu_workload_requeue(ve, tail))
				return -EINVAL;
		}
	}
	return vgpu_mig_reader_done(r) ? 0 : -EINVAL;
}
