// SPDX-License-Identifier: GPL-2.0
/*
 * The software GPU's engines. Each engine is a kernel thread that runs the
 * context occupying it one command at a time with the portable executor,
 * and between two commands looks at its controls: a kill or reset request
 * stops the run at once, a preemption request stops it resumably, the
 * watchdog stops a run whose ring head has not moved for its budget. A
 * long command (a big blit) is cut short only by kill, reset and the
 * watchdog, through the executor's abort callback.
 *
 * Locking: eng->lock (a spinlock, taken with interrupts off so clients may
 * call in from any context) protects who occupies the engine and every
 * control flag. The thread owns the running context's executor state. The
 * client's callbacks are called from the thread without any lock held.
 */
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>

#include "sw.h"

/* Commands between two voluntary reschedules of the engine thread. */
#define SW_RESCHED_STEPS	64

static u64 sw_now(void)
{
	return ktime_get_ns();
}

/* Executor callbacks; priv is the engine. */
static void *sw_exec_map(void *priv, u64 page_addr, bool write)
{
	struct sw_engine *eng = priv;

	return sw_ggtt_lookup(eng->gpu, page_addr);
}

static u64 sw_exec_timestamp(void *priv)
{
	/* VGPU_TIMESTAMP_HZ is 12 MHz: 3 ticks per 250 ns. */
	BUILD_BUG_ON(VGPU_TIMESTAMP_HZ != 12000000);
	return mul_u64_u32_div(sw_now(), 3, 250);
}

static bool sw_reset_pending(struct sw_engine *eng)
{
	return READ_ONCE(eng->reset_req) != READ_ONCE(eng->reset_done);
}

/*
 * Asked every 256 KiB of a blit. Also the engine thread's chance to let
 * others run during a long command (the kernel does not preempt it).
 */
static bool sw_exec_should_abort(void *priv)
{
	struct sw_engine *eng = priv;
	struct sw_context *ctx = READ_ONCE(eng->cur);

	cond_resched();
	return (ctx && READ_ONCE(ctx->kill)) || sw_reset_pending(eng) ||
	       sw_now() > eng->hang_deadline;
}

/*
 * Take @ctx off the engine (lock held), account for its run and fill in
 * where it stopped: once the lock is dropped the client may load a new
 * ring into it.
 */
static void sw_engine_detach(struct sw_engine *eng, struct sw_context *ctx,
			     struct refgpu_stop *stop)
{
	enum refgpu_stop_reason reason = stop->reason;
	u64 ran = sw_now() - eng->run_start;

	lockdep_assert_held(&eng->lock);
	stop->head = ctx->st.head;
	stop->level = ctx->st.level;
	stop->batch_addr = ctx->st.level ?
			   ctx->st.batch_addr[ctx->st.level] : 0;
	stop->busy_ns = ran;
	eng->cur = NULL;
	eng->preempt = false;
	eng->delivering = ctx;
	eng->busy_ns += ran;
	ctx->kill = false;
	ctx->busy_ns += ran;
	ctx->state = reason == REFGPU_STOP_COMPLETE ||
		     reason == REFGPU_STOP_PREEMPTED ? SW_CTX_IDLE :
						       SW_CTX_ERROR;
	switch (reason) {
	case REFGPU_STOP_COMPLETE:
		eng->stats.completed++;
		break;
	case REFGPU_STOP_PREEMPTED:
		eng->stats.preempted++;
		break;
	case REFGPU_STOP_CMD_ERROR:
		eng->stats.errors++;
		break;
	case REFGPU_STOP_FAULT:
		eng->stats.faults++;
		break;
	case REFGPU_STOP_HANG:
		eng->stats.hangs++;
		eng->stats.resets++;
		break;
	case REFGPU_STOP_RESET:
		eng->stats.killed++;
		break;
	}
}

/* Tell the owner (no lock held), then let waiters see the engine idle. */
static void sw_engine_deliver(struct sw_engine *eng, struct sw_context *ctx,
			      const struct refgpu_stop *stop)
{
	ctx->base.ops->stopped(&ctx->base, stop);

	spin_lock_irq(&eng->lock);
	eng->delivering = NULL;
	spin_unlock_irq(&eng->lock);
	wake_up_all(&eng->idle_wq);
}

static void sw_engine_stop(struct sw_engine *eng, struct sw_context *ctx,
			   enum refgpu_stop_reason reason,
			   const struct refgpu_exec_result *res)
{
	struct refgpu_stop stop = { .reason = reason };

	if (res) {
		stop.error = res->reason;
		stop.in_batch = res->in_batch;
		stop.cmd_addr = res->cmd_addr;
		stop.header = res->header;
		stop.fault_addr = res->fault_addr;
	}
	spin_lock_irq(&eng->lock);
	sw_engine_detach(eng, ctx, &stop);
	spin_unlock_irq(&eng->lock);
	sw_engine_deliver(eng, ctx, &stop);
}

/*
 * At a command boundary with nothing left before the tail: complete,
 * unless the client moved the tail meanwhile. Returns true if the run
 * ended.
 */
static bool sw_engine_try_complete(struct sw_engine *eng,
				   struct sw_context *ctx)
{
	struct refgpu_stop stop = { .reason = REFGPU_STOP_COMPLETE };

	spin_lock_irq(&eng->lock);
	if (ctx->next_tail != ctx->st.tail) {
		spin_unlock_irq(&eng->lock);
		return false;
	}
	sw_engine_detach(eng, ctx, &stop);
	spin_unlock_irq(&eng->lock);
	sw_engine_deliver(eng, ctx, &stop);
	return true;
}

/* Acknowledge reset requests; the running context was stopped already. */
static void sw_engine_ack_reset(struct sw_engine *eng)
{
	spin_lock_irq(&eng->lock);
	if (eng->reset_done != eng->reset_req) {
		eng->reset_done = eng->reset_req;
		eng->stats.resets++;
	}
	spin_unlock_irq(&eng->lock);
	wake_up_all(&eng->idle_wq);
}

/* The run hangs if the ring head does not move for the budget. */
static void sw_engine_arm_watchdog(struct sw_engine *eng,
				   struct sw_context *ctx)
{
	eng->hang_deadline = sw_now() + READ_ONCE(ctx->watchdog_ns);
}

/* Execute @ctx until its run ends. */
static void sw_engine_run(struct sw_engine *eng, struct sw_context *ctx)
{
	struct refgpu_exec_result res;
	u32 head, level, steps = 0;
	int idx;

	sw_engine_arm_watchdog(eng, ctx);

	for (;;) {
		if (READ_ONCE(ctx->kill) || sw_reset_pending(eng)) {
			sw_engine_stop(eng, ctx, REFGPU_STOP_RESET, NULL);
			return;
		}
		ctx->st.tail = READ_ONCE(ctx->next_tail);
		if (refgpu_exec_done(&ctx->st)) {
			if (sw_engine_try_complete(eng, ctx))
				return;
			continue;
		}
		if (READ_ONCE(eng->preempt)) {
			sw_engine_stop(eng, ctx, REFGPU_STOP_PREEMPTED, NULL);
			return;
		}

		head = ctx->st.head;
		level = ctx->st.level;
		idx = srcu_read_lock(&eng->gpu->ggtt.srcu);
		refgpu_exec_step(&eng->exec, &ctx->st, &res);
		srcu_read_unlock(&eng->gpu->ggtt.srcu, idx);

		switch (res.status) {
		case REFGPU_EXEC_OK:
			eng->stats.commands++;
			if (res.events & REFGPU_EXEC_EV_USER_INTERRUPT) {
				eng->stats.user_interrupts++;
				if (ctx->base.ops->user_interrupt)
					ctx->base.ops->user_interrupt(&ctx->base,
								      ctx->st.head);
			}
			/* Progress: a ring command (or a batch) completed. */
			if (ctx->st.head != head || (level && !ctx->st.level))
				sw_engine_arm_watchdog(eng, ctx);
			break;
		case REFGPU_EXEC_IDLE:
			continue;
		case REFGPU_EXEC_ERROR:
			sw_engine_stop(eng, ctx,
				       res.error == REFGPU_EXEC_ERR_FAULT ?
				       REFGPU_STOP_FAULT : REFGPU_STOP_CMD_ERROR,
				       &res);
			return;
		case REFGPU_EXEC_ABORTED:
			if (READ_ONCE(ctx->kill) || sw_reset_pending(eng))
				sw_engine_stop(eng, ctx, REFGPU_STOP_RESET,
					       NULL);
			else
				sw_engine_stop(eng, ctx, REFGPU_STOP_HANG,
					       &res);
			return;
		}
		if (sw_now() > eng->hang_deadline) {
			sw_engine_stop(eng, ctx, REFGPU_STOP_HANG, NULL);
			return;
		}
		if (++steps % SW_RESCHED_STEPS == 0)
			cond_resched();
	}
}

static bool sw_engine_has_work(struct sw_engine *eng)
{
	return READ_ONCE(eng->cur) || sw_reset_pending(eng);
}

static int sw_engine_thread(void *data)
{
	struct sw_engine *eng = data;
	struct sw_context *ctx;

	for (;;) {
		wait_event_idle(eng->work_wq, sw_engine_has_work(eng) ||
				kthread_should_stop());
		if (kthread_should_stop())
			break;
		spin_lock_irq(&eng->lock);
		ctx = eng->cur;
		if (ctx)
			eng->stats.runs++;
		spin_unlock_irq(&eng->lock);
		if (ctx)
			sw_engine_run(eng, ctx);
		if (sw_reset_pending(eng))
			sw_engine_ack_reset(eng);
	}
	return 0;
}

int sw_engine_init(struct sw_gpu *gpu, struct sw_engine *eng,
		   enum vgpu_engine id)
{
	const struct refgpu_exec_env env = {
		.engine = id,
		.map = sw_exec_map,
		.timestamp = sw_exec_timestamp,
		.should_abort = sw_exec_should_abort,
		.priv = eng,
	};
	int ret;

	eng->gpu = gpu;
	eng->id = id;
	spin_lock_init(&eng->lock);
	init_waitqueue_head(&eng->work_wq);
	init_waitqueue_head(&eng->idle_wq);
	ret = refgpu_exec_init(&eng->exec, &env);
	if (ret)
		return ret;
	eng->thread = kthread_run(sw_engine_thread, eng, "%s-%s",
				  gpu->base.name,
				  id == VGPU_ENGINE_RENDER ? "rcs" : "bcs");
	if (IS_ERR(eng->thread)) {
		ret = PTR_ERR(eng->thread);
		eng->thread = NULL;
		return ret;
	}
	return 0;
}

void sw_engine_fini(struct sw_engine *eng)
{
	if (eng->thread)
		kthread_stop(eng->thread);
	eng->thread = NULL;
}

int sw_submit(struct refgpu_context *rctx, u32 tail)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_engine *eng = ctx->eng;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&eng->lock, flags);
	switch (ctx->state) {
	case SW_CTX_UNSET:
		ret = -EINVAL;
		break;
	case SW_CTX_ERROR:
		ret = -EIO;
		break;
	case SW_CTX_RUNNING:
		ret = -EINVAL;
		if (tail >= ctx->st.ring_size || (tail & 3))
			break;
		WRITE_ONCE(ctx->next_tail, tail);
		ret = REFGPU_SUBMIT_EXTENDED;
		break;
	case SW_CTX_IDLE:
		ret = -EINVAL;
		if (tail >= ctx->st.ring_size || (tail & 3))
			break;
		ret = -EBUSY;
		if (eng->cur)
			break;
		WRITE_ONCE(ctx->next_tail, tail);
		ctx->state = SW_CTX_RUNNING;
		eng->preempt = false;
		eng->run_start = sw_now();
		WRITE_ONCE(eng->cur, ctx);
		wake_up(&eng->work_wq);
		ret = REFGPU_SUBMIT_STARTED;
		break;
	default:
		ret = -EINVAL;
		break;
	}
	spin_unlock_irqrestore(&eng->lock, flags);
	return ret;
}

int sw_preempt(struct refgpu_context *rctx)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_engine *eng = ctx->eng;
	unsigned long flags;
	int ret = -EALREADY;

	spin_lock_irqsave(&eng->lock, flags);
	if (eng->cur == ctx) {
		WRITE_ONCE(eng->preempt, true);
		ret = 0;
	}
	spin_unlock_irqrestore(&eng->lock, flags);
	return ret;
}

void sw_context_kill(struct refgpu_context *rctx)
{
	struct sw_context *ctx = to_sw_context(rctx);
	struct sw_engine *eng = ctx->eng;

	might_sleep();
	if (WARN_ON_ONCE(current == eng->thread))
		return;
	spin_lock_irq(&eng->lock);
	if (eng->cur != ctx) {
		spin_unlock_irq(&eng->lock);
		return;
	}
	WRITE_ONCE(ctx->kill, true);
	spin_unlock_irq(&eng->lock);
	wait_event(eng->idle_wq, !READ_ONCE(ctx->kill));
}

int sw_engine_reset(struct refgpu *rgpu, enum vgpu_engine engine)
{
	struct sw_engine *eng;
	u64 seq;

	if ((unsigned int)engine >= VGPU_ENGINE_COUNT)
		return -EINVAL;
	eng = &to_sw_gpu(rgpu)->engine[engine];
	might_sleep();
	if (current == eng->thread)
		return -EDEADLK;
	spin_lock_irq(&eng->lock);
	seq = ++eng->reset_req;
	wake_up(&eng->work_wq);
	spin_unlock_irq(&eng->lock);
	wait_event(eng->idle_wq, READ_ONCE(eng->reset_done) >= seq);
	return 0;
}

u64 sw_engine_busy_ns(struct refgpu *rgpu, enum vgpu_engine engine)
{
	struct sw_engine *eng;
	unsigned long flags;
	u64 busy;

	if ((unsigned int)engine >= VGPU_ENGINE_COUNT)
		return 0;
	eng = &to_sw_gpu(rgpu)->engine[engine];
	spin_lock_irqsave(&eng->lock, flags);
	busy = eng->busy_ns;
	if (eng->cur)
		busy += sw_now() - eng->run_start;
	spin_unlock_irqrestore(&eng->lock, flags);
	return busy;
}
