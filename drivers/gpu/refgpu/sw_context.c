// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts of the software GPU: the ring registers and the executor state
 * of one client on one engine (the software counterpart of a context
 * image), created, loaded with a ring, inspected and destroyed here; run
 * by the engine threads (sw_engine.c).
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/time64.h>

#include "sw.h"

struct refgpu_context *sw_context_create(struct refgpu *rgpu,
					 enum vgpu_engine engine,
					 const struct refgpu_context_ops *ops,
					 void *cookie)
{
	struct sw_gpu *gpu = to_sw_gpu(rgpu);
	struct sw_context *ctx;

	if ((unsigned int)engine >= VGPU_ENGINE_COUNT || !ops ||
	    !ops->stopped)
		return ERR_PTR(-EINVAL);
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return ERR_PTR(-ENOMEM);
	ctx->base.gpu = rgpu;
	ctx->base.engine = engine;
	ctx->base.ops = ops;
	ctx->base.cookie = cookie;
	ctx->eng = &gpu->engine[engine];
	ctx->state = SW_CTX_UNSET;
	ctx->watchdog_ns = clamp_t(u64, (u64)READ_ONCE(refgpu_hang_timeout_ms) *
				   NSEC_PER_MSEC, REFGPU_WATCHDOG_MIN_NS,
				   REFGPU_WATCHDOG_MAX_NS);

	mutex_lock(&gpu->lock);
	list_add_tail(&ctx->node, &gpu->contexts);
	gpu->nr_contexts++;
	mutex_unlock(&gpu->lock);
	return &ctx->base;
}

void sw_context_destroy(struct refgpu_context *rctx)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_gpu *gpu = to_sw_gpu(rctx->gpu);
	struct sw_engine *eng = ctx->eng;

	sw_context_kill(rctx);
	/* A stopped() callback may still be on its way out. */
	wait_event(eng->idle_wq, READ_ONCE(eng->cur) != ctx &&
		   READ_ONCE(eng->delivering) != ctx);

	mutex_lock(&gpu->lock);
	list_del(&ctx->node);
	gpu->nr_contexts--;
	mutex_unlock(&gpu->lock);
	kfree(ctx);
}

int sw_context_set_ring(struct refgpu_context *rctx,
			const struct refgpu_ring *ring)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_engine *eng = ctx->eng;
	struct refgpu_exec_state st;
	unsigned long flags;
	int ret;

	ret = refgpu_exec_state_init(&st, ring->start, ring->size, ring->head);
	if (ret)
		return ret;
	spin_lock_irqsave(&eng->lock, flags);
	if (ctx->state == SW_CTX_RUNNING) {
		ret = -EBUSY;
	} else {
		ctx->st = st;
		ctx->next_tail = st.tail;
		ctx->state = SW_CTX_IDLE;
	}
	spin_unlock_irqrestore(&eng->lock, flags);
	return ret;
}

int sw_context_set_watchdog(struct refgpu_context *rctx, u64 ns)
{
	struct sw_context *ctx = to_sw_context(rctx);

	if (ns < REFGPU_WATCHDOG_MIN_NS || ns > REFGPU_WATCHDOG_MAX_NS)
		return -EINVAL;
	/* Read by the engine thread when a run starts and on progress. */
	WRITE_ONCE(ctx->watchdog_ns, ns);
	return 0;
}

void sw_context_status(struct refgpu_context *rctx,
		       struct refgpu_context_status *st)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_engine *eng = ctx->eng;
	unsigned long flags;

	spin_lock_irqsave(&eng->lock, flags);
	st->running = ctx->state == SW_CTX_RUNNING;
	st->error = ctx->state == SW_CTX_ERROR;
	st->configured = ctx->state != SW_CTX_UNSET;
	/* While it runs these are a moment's snapshot. */
	st->head = READ_ONCE(ctx->st.head);
	st->tail = ctx->next_tail;
	st->level = READ_ONCE(ctx->st.level);
	st->busy_ns = ctx->busy_ns;
	if (eng->cur == ctx)
		st->busy_ns += ktime_get_ns() - eng->run_start;
	spin_unlock_irqrestore(&eng->lock, flags);
}
