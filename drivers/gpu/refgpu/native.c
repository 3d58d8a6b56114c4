// SPDX-License-Identifier: GPL-2.0
/*
 * The native path's clients: what one open render-node file does with its
 * GPU (<drm/refgpu_drm.h>). A client holds buffers (struct refgpu_bo) and
 * one context per engine; it submits rings it wrote into its buffers and
 * waits for their runs to stop. It uses nothing but <vgpu/refgpu.h>, the
 * same interface as the parent driver, so it is the "native" baseline
 * that mediation is measured against.
 *
 * Every ioctl checks its arguments first and reaches the GPU only inside
 * a drm_dev_enter() section: once the GPU is gone, native_gpu_destroy()
 * has torn every client down and calls fail with -ENODEV. Waits for a
 * run happen outside such sections (and outside the session lock), so
 * that nothing holds up the GPU's removal or the client's other calls.
 */
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/refgpu_drm.h>

#include "native.h"

/* The uAPI names the interface's engines and stop reasons by value. */
static_assert(DRM_REFGPU_ENGINE_RENDER == VGPU_ENGINE_RENDER);
static_assert(DRM_REFGPU_ENGINE_COPY == VGPU_ENGINE_COPY);
static_assert(DRM_REFGPU_ENGINE_COUNT == VGPU_ENGINE_COUNT);
static_assert(DRM_REFGPU_STOP_COMPLETE == REFGPU_STOP_COMPLETE);
static_assert(DRM_REFGPU_STOP_PREEMPTED == REFGPU_STOP_PREEMPTED);
static_assert(DRM_REFGPU_STOP_CMD_ERROR == REFGPU_STOP_CMD_ERROR);
static_assert(DRM_REFGPU_STOP_FAULT == REFGPU_STOP_FAULT);
static_assert(DRM_REFGPU_STOP_HANG == REFGPU_STOP_HANG);
static_assert(DRM_REFGPU_STOP_RESET == REFGPU_STOP_RESET);
static_assert(DRM_REFGPU_WATCHDOG_MIN_MS * NSEC_PER_MSEC >=
	      REFGPU_WATCHDOG_MIN_NS);
static_assert(DRM_REFGPU_WATCHDOG_MAX_MS * NSEC_PER_MSEC <=
	      REFGPU_WATCHDOG_MAX_NS);

/**
 * struct native_bo - a buffer of a client
 * @node: in native_session.bos
 * @bo: the buffer
 */
struct native_bo {
	struct list_head node;
	struct refgpu_bo *bo;
};

static struct native_session *to_session(struct drm_file *file)
{
	return file->driver_priv;
}

static void native_user_interrupt(struct refgpu_context *ctx, u32 head)
{
	struct native_engine *ne = ctx->cookie;

	atomic64_inc(&ne->user_interrupts);
}

static void native_stopped(struct refgpu_context *ctx,
			   const struct refgpu_stop *stop)
{
	struct native_engine *ne = ctx->cookie;
	unsigned long flags;

	spin_lock_irqsave(&ne->lock, flags);
	ne->last = *stop;
	ne->stops++;
	spin_unlock_irqrestore(&ne->lock, flags);
	wake_up_all(&ne->wq);
}

static const struct refgpu_context_ops native_ctx_ops = {
	.user_interrupt = native_user_interrupt,
	.stopped = native_stopped,
};

/**
 * native_session_init() - a new client of a GPU
 * @s: zeroed
 * @ng: the GPU's native path
 */
void native_session_init(struct native_session *s, struct native_gpu *ng)
{
	unsigned int e;

	s->ng = ng;
	INIT_LIST_HEAD(&s->node);
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->bos);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		spin_lock_init(&s->eng[e].lock);
		init_waitqueue_head(&s->eng[e].wq);
		atomic64_set(&s->eng[e].user_interrupts, 0);
	}
}

/**
 * native_session_teardown() - give back everything a client holds
 * @s: the client; no call of it is inside a drm_dev_enter() section
 *
 * Kills and destroys its contexts (their runs stop with a reset), frees
 * its buffers and wakes its waiters. Called when the file closes or the
 * GPU goes, whichever comes first, under the GPU's lock.
 */
void native_session_teardown(struct native_session *s)
{
	struct native_bo *nb, *tmp;
	unsigned int e;

	lockdep_assert_held(&s->ng->lock);
	mutex_lock(&s->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		if (s->eng[e].ctx)
			refgpu_context_destroy(s->eng[e].ctx);
		s->eng[e].ctx = NULL;
	}
	list_for_each_entry_safe(nb, tmp, &s->bos, node) {
		refgpu_bo_destroy(nb->bo);
		list_del(&nb->node);
		kfree(nb);
	}
	s->bytes = 0;
	mutex_unlock(&s->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++)
		wake_up_all(&s->eng[e].wq);
}

/* The engine exists on this GPU. */
static bool native_engine_valid(struct native_session *s, u32 engine)
{
	return engine < VGPU_ENGINE_COUNT &&
	       (s->ng->gpu->engine_mask & VGPU_ENGINE_MASK(engine));
}

/* A wait of @ms (0: the default), or 0 for a value out of range. */
static unsigned long native_timeout(u32 ms)
{
	if (ms > DRM_REFGPU_TIMEOUT_MAX_MS)
		return 0;
	return msecs_to_jiffies(ms ?: DRM_REFGPU_TIMEOUT_DEFAULT_MS);
}

int native_ioctl_info(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct refgpu *gpu = s->ng->gpu;
	struct drm_refgpu_info *info = data;
	struct refgpu_context_status st;
	unsigned int e;
	int idx;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	info->gfx_size = gpu->gfx_size;
	info->engine_mask = gpu->engine_mask;
	info->bo_bytes_max = DRM_REFGPU_FILE_BYTES_MAX;
	mutex_lock(&s->lock);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		info->engine_busy_ns[e] = refgpu_engine_busy_ns(gpu, e);
		if (!s->eng[e].ctx)
			continue;
		refgpu_context_status(s->eng[e].ctx, &st);
		info->context_busy_ns[e] = st.busy_ns;
		info->context_head[e] = st.head;
		info->context_running[e] = st.running;
	}
	info->bo_bytes = s->bytes;
	mutex_unlock(&s->lock);
	drm_dev_exit(idx);
	return 0;
}

int native_ioctl_bo_alloc(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_bo_alloc *a = data;
	struct native_bo *nb;
	u64 size;
	int idx, ret;

	if (a->flags || a->pad || !a->size ||
	    a->size > DRM_REFGPU_FILE_BYTES_MAX)
		return -EINVAL;
	size = PAGE_ALIGN(a->size);
	nb = kzalloc(sizeof(*nb), GFP_KERNEL);
	if (!nb)
		return -ENOMEM;
	if (!drm_dev_enter(drm, &idx)) {
		kfree(nb);
		return -ENODEV;
	}
	mutex_lock(&s->lock);
	if (size > DRM_REFGPU_FILE_BYTES_MAX - s->bytes) {
		ret = -ENOSPC;
		goto err;
	}
	nb->bo = refgpu_bo_create(s->ng->gpu, size);
	if (IS_ERR(nb->bo)) {
		ret = PTR_ERR(nb->bo);
		goto err;
	}
	list_add_tail(&nb->node, &s->bos);
	s->bytes += size;
	a->gfx_addr = nb->bo->gfx_addr;
	mutex_unlock(&s->lock);
	drm_dev_exit(idx);
	return 0;

err:
	mutex_unlock(&s->lock);
	drm_dev_exit(idx);
	kfree(nb);
	return ret;
}

int native_ioctl_bo_free(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_bo_free *f = data;
	struct native_bo *nb;
	int idx, ret = -ENOENT;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	mutex_lock(&s->lock);
	list_for_each_entry(nb, &s->bos, node) {
		if (nb->bo->gfx_addr != f->gfx_addr)
			continue;
		s->bytes -= nb->bo->size;
		refgpu_bo_destroy(nb->bo);
		list_del(&nb->node);
		kfree(nb);
		ret = 0;
		break;
	}
	mutex_unlock(&s->lock);
	drm_dev_exit(idx);
	return ret;
}

/* The client's buffer holding graphics address @addr, or NULL. */
static struct refgpu_bo *native_bo_at(struct native_session *s, u64 addr)
{
	struct native_bo *nb;

	lockdep_assert_held(&s->lock);
	list_for_each_entry(nb, &s->bos, node)
		if (addr >= nb->bo->gfx_addr &&
		    addr - nb->bo->gfx_addr < nb->bo->size)
			return nb->bo;
	return NULL;
}

static int native_bo_rw(struct drm_device *drm, struct drm_file *file,
			const struct drm_refgpu_bo_rw *rw, bool write)
{
	struct native_session *s = to_session(file);
	void __user *ubuf = u64_to_user_ptr(rw->data);
	struct refgpu_bo *bo;
	unsigned long left;
	int idx, ret = 0;
	void *p;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (!rw->size || rw->gfx_addr >= s->ng->gpu->gfx_size) {
		ret = -EINVAL;
		goto exit;
	}
	mutex_lock(&s->lock);
	bo = native_bo_at(s, rw->gfx_addr);
	if (!bo) {
		ret = -ENOENT;
		goto unlock;
	}
	if (rw->size > bo->size - (rw->gfx_addr - bo->gfx_addr)) {
		ret = -EINVAL;
		goto unlock;
	}
	p = bo->vaddr + (rw->gfx_addr - bo->gfx_addr);
	if (write)
		left = copy_from_user(p, ubuf, rw->size);
	else
		left = copy_to_user(ubuf, p, rw->size);
	if (left)
		ret = -EFAULT;
unlock:
	mutex_unlock(&s->lock);
exit:
	drm_dev_exit(idx);
	return ret;
}

int native_ioctl_bo_read(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	return native_bo_rw(drm, file, data, false);
}

int native_ioctl_bo_write(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	return native_bo_rw(drm, file, data, true);
}

/* Clear or restore the entry of a page of one of the client's buffers. */
static int native_pte_change(struct native_session *s, u64 addr, u32 op)
{
	struct refgpu_bo *bo;
	int ret;

	lockdep_assert_held(&s->lock);
	bo = native_bo_at(s, addr);
	if (!bo)
		return -ENOENT;
	if (op == DRM_REFGPU_PTE_RESTORE)
		return refgpu_pte_set_page(bo->range, addr,
					   bo->pages[(addr - bo->gfx_addr) >>
						     PAGE_SHIFT]);
	ret = refgpu_pte_clear(bo->range, addr, PAGE_SIZE);
	refgpu_ggtt_flush(s->ng->gpu);
	return ret;
}

int native_ioctl_pte(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_pte *p = data;
	int idx, ret = 0;

	if (p->pad || p->op > DRM_REFGPU_PTE_RESTORE ||
	    !PAGE_ALIGNED(p->gfx_addr))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (p->gfx_addr >= s->ng->gpu->gfx_size) {
		ret = -EINVAL;
		goto exit;
	}
	mutex_lock(&s->lock);
	if (p->op != DRM_REFGPU_PTE_READ)
		ret = native_pte_change(s, p->gfx_addr, p->op);
	p->pte = refgpu_pte_read(s->ng->gpu, p->gfx_addr);
	mutex_unlock(&s->lock);
exit:
	drm_dev_exit(idx);
	return ret;
}

static void native_stop_out(struct native_engine *ne,
			    struct drm_refgpu_stop *out)
{
	struct refgpu_stop st;

	spin_lock_irq(&ne->lock);
	st = ne->last;
	spin_unlock_irq(&ne->lock);
	*out = (struct drm_refgpu_stop) {
		.reason = st.reason,
		.head = st.head,
		.level = st.level,
		.error = st.error,
		.in_batch = st.in_batch,
		.header = st.header,
		.batch_addr = st.batch_addr,
		.cmd_addr = st.cmd_addr,
		.fault_addr = st.fault_addr,
		.busy_ns = st.busy_ns,
		.user_interrupts = atomic64_read(&ne->user_interrupts),
	};
}

static bool native_stopped_since(struct native_engine *ne, u64 runs)
{
	u64 stops;

	spin_lock_irq(&ne->lock);
	stops = ne->stops;
	spin_unlock_irq(&ne->lock);
	return stops >= runs;
}

/*
 * Wait, holding nothing, until @runs runs of the engine have stopped or
 * the GPU went away (teardown stops every run and wakes the waiters).
 */
static int native_wait_runs(struct native_session *s, struct native_engine *ne,
			    u64 runs, unsigned long timeout,
			    struct drm_refgpu_stop *out)
{
	struct drm_device *drm = s->ng->drm;
	long ret;

	if (!runs)
		return -ENOENT;
	ret = wait_event_interruptible_timeout(ne->wq,
					       native_stopped_since(ne, runs) ||
					       drm_dev_is_unplugged(drm),
					       timeout);
	if (ret < 0)
		return ret;
	if (drm_dev_is_unplugged(drm))
		return -ENODEV;
	if (!ret)
		return -ETIMEDOUT;
	native_stop_out(ne, out);
	return 0;
}

/* The client's context on @engine, created on first use. */
static int native_get_ctx(struct native_session *s, u32 engine,
			  struct native_engine **nep)
{
	struct native_engine *ne = &s->eng[engine];
	struct refgpu_context *ctx;

	lockdep_assert_held(&s->lock);
	if (!ne->ctx) {
		ctx = refgpu_context_create(s->ng->gpu, engine,
					    &native_ctx_ops, ne);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
		ne->ctx = ctx;
	}
	*nep = ne;
	return 0;
}

static bool native_submit_valid(const struct drm_refgpu_submit *sub)
{
	bool set_ring = sub->flags & DRM_REFGPU_SUBMIT_SET_RING;
	bool wait = sub->flags & DRM_REFGPU_SUBMIT_WAIT;

	if (sub->flags & ~DRM_REFGPU_SUBMIT_FLAGS)
		return false;
	if (!set_ring && (sub->ring_start || sub->ring_size || sub->head))
		return false;
	if (!wait && sub->timeout_ms)
		return false;
	return sub->watchdog_ms <= DRM_REFGPU_WATCHDOG_MAX_MS &&
	       native_timeout(sub->timeout_ms);
}

/* Load the ring and the watchdog as asked and submit; the run count. */
static int native_submit_locked(struct native_session *s,
				struct drm_refgpu_submit *sub,
				struct native_engine **nep, u64 *runs)
{
	struct refgpu_ring ring;
	struct native_engine *ne;
	int ret;

	lockdep_assert_held(&s->lock);
	ret = native_get_ctx(s, sub->engine, &ne);
	if (ret)
		return ret;
	if (sub->watchdog_ms) {
		ret = refgpu_context_set_watchdog(ne->ctx, (u64)sub->watchdog_ms *
						  NSEC_PER_MSEC);
		if (ret)
			return ret;
	}
	if (sub->flags & DRM_REFGPU_SUBMIT_SET_RING) {
		ring.start = sub->ring_start;
		ring.size = sub->ring_size;
		ring.head = sub->head;
		ret = refgpu_context_set_ring(ne->ctx, &ring);
		if (ret)
			return ret;
	}
	ret = refgpu_submit(ne->ctx, sub->tail);
	if (ret < 0)
		return ret;
	sub->started = ret == REFGPU_SUBMIT_STARTED;
	if (sub->started)
		ne->runs++;
	*nep = ne;
	*runs = ne->runs;
	return 0;
}

int native_ioctl_submit(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_submit *sub = data;
	struct native_engine *ne;
	int idx, ret;
	u64 runs;

	if (!native_submit_valid(sub))
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (!native_engine_valid(s, sub->engine)) {
		drm_dev_exit(idx);
		return -EINVAL;
	}
	mutex_lock(&s->lock);
	ret = native_submit_locked(s, sub, &ne, &runs);
	mutex_unlock(&s->lock);
	drm_dev_exit(idx);
	if (ret || !(sub->flags & DRM_REFGPU_SUBMIT_WAIT))
		return ret;
	return native_wait_runs(s, ne, runs, native_timeout(sub->timeout_ms),
				&sub->stop);
}

int native_ioctl_wait(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_wait *w = data;
	unsigned long timeout = native_timeout(w->timeout_ms);
	struct native_engine *ne;
	bool valid;
	int idx;
	u64 runs;

	if (!timeout)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	valid = native_engine_valid(s, w->engine);
	drm_dev_exit(idx);
	if (!valid)
		return -EINVAL;
	ne = &s->eng[w->engine];
	mutex_lock(&s->lock);
	runs = ne->runs;
	mutex_unlock(&s->lock);
	return native_wait_runs(s, ne, runs, timeout, &w->stop);
}

static int native_engine_op_locked(struct native_session *s,
				   const struct drm_refgpu_engine_op *op)
{
	struct native_engine *ne = &s->eng[op->engine];

	lockdep_assert_held(&s->lock);
	if (op->op == DRM_REFGPU_OP_RESET)
		return refgpu_engine_reset(s->ng->gpu, op->engine);
	if (!ne->ctx)
		return -ENOENT;
	if (op->op == DRM_REFGPU_OP_PREEMPT)
		return refgpu_preempt(ne->ctx);
	refgpu_context_kill(ne->ctx);
	return 0;
}

int native_ioctl_engine_op(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct native_session *s = to_session(file);
	struct drm_refgpu_engine_op *op = data;
	int idx, ret;

	if (op->op > DRM_REFGPU_OP_RESET)
		return -EINVAL;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	if (!native_engine_valid(s, op->engine)) {
		ret = -EINVAL;
	} else {
		mutex_lock(&s->lock);
		ret = native_engine_op_locked(s, op);
		mutex_unlock(&s->lock);
	}
	drm_dev_exit(idx);
	return ret;
}
