// SPDX-License-Identifier: GPL-2.0
/*
 * The native submission path: a client driver of every GPU that gives host
 * programs direct use of it through <debugfs>/refgpu/<gpu>/native (see
 * native_uapi.h). Each open file is a client with its own buffers
 * (struct refgpu_bo) and one context per engine. It uses nothing but
 * <vgpu/refgpu.h>, the same interface as the parent driver, so it is the
 * "native" baseline that mediation is measured against.
 */
#include <linux/auxiliary_bus.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <vgpu/refgpu.h>

#include "module.h"
#include "native_uapi.h"

#define NATIVE_MAX_BYTES	(256ULL << 20)
#define NATIVE_TIMEOUT_MS	10000

/**
 * struct native_gpu - the native path on one GPU
 * @gpu: the GPU
 * @file: its debugfs file
 * @sessions: open files (struct native_session), under native_lock
 */
struct native_gpu {
	struct refgpu *gpu;
	struct dentry *file;
	struct list_head sessions;
};

/**
 * struct native_engine - a file's context on one engine
 * @ctx: the context, created on first submission
 * @lock: protects @stops and @last
 * @wq: waiters for the next stop
 * @runs: runs started (session lock)
 * @stops: runs stopped
 * @last: how the last run stopped
 * @user_interrupts: MI_USER_INTERRUPTs seen
 */
struct native_engine {
	struct refgpu_context *ctx;
	spinlock_t lock;		/* @stops, @last */
	wait_queue_head_t wq;
	u64 runs;
	u64 stops;
	struct refgpu_stop last;
	atomic64_t user_interrupts;
};

/**
 * struct native_bo - a buffer of a file
 * @node: in native_session.bos
 * @bo: the buffer
 */
struct native_bo {
	struct list_head node;
	struct refgpu_bo *bo;
};

/**
 * struct native_session - an open file
 * @ng: the GPU's native path, NULL once the GPU went away
 * @node: in native_gpu.sessions
 * @lock: serialises the file's operations
 * @bos: its buffers
 * @bytes: their total size
 * @eng: its contexts
 */
struct native_session {
	struct native_gpu *ng;
	struct list_head node;
	struct mutex lock;		/* one operation at a time */
	struct list_head bos;
	u64 bytes;
	struct native_engine eng[VGPU_ENGINE_COUNT];
};

/* Protects every native_gpu.sessions and native_session.ng. */
static DEFINE_MUTEX(native_lock);

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

/* Free everything of a session (no operation may be running on it). */
static void native_session_teardown(struct native_session *s)
{
	struct native_bo *nb, *tmp;
	unsigned int e;

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
}

static int native_open(struct inode *inode, struct file *file)
{
	struct native_gpu *ng = inode->i_private;
	struct native_session *s;
	unsigned int e;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	INIT_LIST_HEAD(&s->bos);
	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		spin_lock_init(&s->eng[e].lock);
		init_waitqueue_head(&s->eng[e].wq);
		atomic64_set(&s->eng[e].user_interrupts, 0);
	}
	mutex_lock(&native_lock);
	s->ng = ng;
	list_add_tail(&s->node, &ng->sessions);
	mutex_unlock(&native_lock);
	file->private_data = s;
	return 0;
}

static int native_release(struct inode *inode, struct file *file)
{
	struct native_session *s = file->private_data;

	mutex_lock(&native_lock);
	if (s->ng) {
		native_session_teardown(s);
		list_del(&s->node);
	}
	mutex_unlock(&native_lock);
	kfree(s);
	return 0;
}

/* The buffer holding [addr, addr + len), or NULL. */
static struct refgpu_bo *native_find_bo(struct native_session *s, u64 addr,
					u64 len)
{
	struct native_bo *nb;

	list_for_each_entry(nb, &s->bos, node)
		if (addr >= nb->bo->gfx_addr &&
		    addr - nb->bo->gfx_addr < nb->bo->size &&
		    len <= nb->bo->size - (addr - nb->bo->gfx_addr))
			return nb->bo;
	return NULL;
}

static ssize_t native_rw(struct file *file, char __user *ubuf, size_t len,
			 loff_t *ppos, bool write)
{
	struct native_session *s = file->private_data;
	struct refgpu_bo *bo;
	void *p;
	ssize_t ret;

	if (*ppos < 0)
		return -EINVAL;
	mutex_lock(&s->lock);
	bo = native_find_bo(s, *ppos, len);
	ret = -EFAULT;
	if (!bo)
		goto out;
	p = bo->vaddr + (*ppos - bo->gfx_addr);
	if (write ? copy_from_user(p, ubuf, len) : copy_to_user(ubuf, p, len))
		goto out;
	*ppos += len;
	ret = len;
out:
	mutex_unlock(&s->lock);
	return ret;
}

static ssize_t native_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	return native_rw(file, buf, len, ppos, false);
}

static ssize_t native_write(struct file *file, const char __user *buf,
			    size_t len, loff_t *ppos)
{
	return native_rw(file, (char __user *)buf, len, ppos, true);
}

static int native_alloc(struct native_session *s,
			struct refgpu_native_alloc *a)
{
	struct native_bo *nb;
	u64 size = PAGE_ALIGN(a->size);

	if (!a->size || size > NATIVE_MAX_BYTES - s->bytes)
		return -E2BIG;
	nb = kzalloc(sizeof(*nb), GFP_KERNEL);
	if (!nb)
		return -ENOMEM;
	nb->bo = refgpu_bo_create(s->ng->gpu, size);
	if (IS_ERR(nb->bo)) {
		int ret = PTR_ERR(nb->bo);

		kfree(nb);
		return ret;
	}
	list_add_tail(&nb->node, &s->bos);
	s->bytes += size;
	a->gfx_addr = nb->bo->gfx_addr;
	return 0;
}

static int native_free(struct native_session *s,
		       const struct refgpu_native_free *f)
{
	struct native_bo *nb;

	list_for_each_entry(nb, &s->bos, node) {
		if (nb->bo->gfx_addr != f->gfx_addr)
			continue;
		s->bytes -= nb->bo->size;
		refgpu_bo_destroy(nb->bo);
		list_del(&nb->node);
		kfree(nb);
		return 0;
	}
	return -ENOENT;
}

static int native_pte(struct native_session *s, struct refgpu_native_pte *p)
{
	struct refgpu *gpu = s->ng->gpu;
	struct refgpu_bo *bo;
	int ret = 0;

	if (p->pad || (p->gfx_addr & ~PAGE_MASK))
		return -EINVAL;
	if (p->op != REFGPU_NATIVE_PTE_READ) {
		bo = native_find_bo(s, p->gfx_addr, PAGE_SIZE);
		if (!bo)
			return -ENOENT;
		if (p->op == REFGPU_NATIVE_PTE_CLEAR) {
			ret = refgpu_pte_clear(bo->range, p->gfx_addr,
					       PAGE_SIZE);
			refgpu_ggtt_flush(gpu);
		} else if (p->op == REFGPU_NATIVE_PTE_RESTORE) {
			ret = refgpu_pte_set_page(bo->range, p->gfx_addr,
						  bo->pages[(p->gfx_addr -
							     bo->gfx_addr) >>
							    PAGE_SHIFT]);
		} else {
			return -EINVAL;
		}
	}
	p->pte = refgpu_pte_read(gpu, p->gfx_addr);
	return ret;
}

static void native_stop_out(struct native_engine *ne,
			    struct refgpu_native_stop *out)
{
	struct refgpu_stop st;

	spin_lock_irq(&ne->lock);
	st = ne->last;
	spin_unlock_irq(&ne->lock);
	*out = (struct refgpu_native_stop) {
		.reason = st.reason,
		.head = st.head,
		.level = st.level,
		.batch_addr = st.batch_addr,
		.error = st.error,
		.in_batch = st.in_batch,
		.header = st.header,
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

/* Wait without the session lock until @runs runs have stopped. */
static int native_wait_runs(struct native_engine *ne, u64 runs,
			    u32 timeout_ms, struct refgpu_native_stop *out)
{
	long ret;

	if (!runs)
		return -ENOENT;
	ret = wait_event_interruptible_timeout(ne->wq,
					       native_stopped_since(ne, runs),
					       msecs_to_jiffies(timeout_ms ?:
								NATIVE_TIMEOUT_MS));
	if (ret < 0)
		return ret;
	if (!ret)
		return -ETIMEDOUT;
	native_stop_out(ne, out);
	return 0;
}

static int native_get_ctx(struct native_session *s, u32 engine,
			  struct native_engine **nep)
{
	struct native_engine *ne;
	struct refgpu_context *ctx;

	if (engine >= VGPU_ENGINE_COUNT)
		return -EINVAL;
	ne = &s->eng[engine];
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

static int native_submit(struct native_session *s,
			 struct refgpu_native_submit *sub)
{
	struct refgpu_ring ring;
	struct native_engine *ne;
	u64 runs;
	int ret;

	if (sub->pad || (sub->flags & ~(REFGPU_NATIVE_SUBMIT_SET_RING |
					REFGPU_NATIVE_SUBMIT_WAIT)))
		return -EINVAL;
	mutex_lock(&s->lock);
	ret = native_get_ctx(s, sub->engine, &ne);
	if (ret)
		goto unlock;
	if (sub->watchdog_ms) {
		ret = refgpu_context_set_watchdog(ne->ctx, (u64)sub->watchdog_ms *
						  NSEC_PER_MSEC);
		if (ret)
			goto unlock;
	}
	if (sub->flags & REFGPU_NATIVE_SUBMIT_SET_RING) {
		ring.start = sub->ring_start;
		ring.size = sub->ring_size;
		ring.head = sub->head;
		ret = refgpu_context_set_ring(ne->ctx, &ring);
		if (ret)
			goto unlock;
	}
	ret = refgpu_submit(ne->ctx, sub->tail);
	if (ret < 0)
		goto unlock;
	sub->started = ret == REFGPU_SUBMIT_STARTED;
	if (sub->started)
		ne->runs++;
	runs = ne->runs;
	ret = 0;
	mutex_unlock(&s->lock);

	if (sub->flags & REFGPU_NATIVE_SUBMIT_WAIT)
		ret = native_wait_runs(ne, runs, sub->timeout_ms, &sub->stop);
	return ret;

unlock:
	mutex_unlock(&s->lock);
	return ret;
}

static int native_wait(struct native_session *s,
		       struct refgpu_native_wait *w)
{
	struct native_engine *ne;
	u64 runs;

	if (w->engine >= VGPU_ENGINE_COUNT)
		return -EINVAL;
	ne = &s->eng[w->engine];
	mutex_lock(&s->lock);
	runs = ne->runs;
	mutex_unlock(&s->lock);
	return native_wait_runs(ne, runs, w->timeout_ms, &w->stop);
}

static int native_engine_op(struct native_session *s,
			    const struct refgpu_native_engine_op *op)
{
	struct native_engine *ne;
	int ret = 0;

	if (op->engine >= VGPU_ENGINE_COUNT)
		return -EINVAL;
	ne = &s->eng[op->engine];
	mutex_lock(&s->lock);
	switch (op->op) {
	case REFGPU_NATIVE_OP_PREEMPT:
		ret = ne->ctx ? refgpu_preempt(ne->ctx) : -ENOENT;
		break;
	case REFGPU_NATIVE_OP_KILL:
		if (ne->ctx)
			refgpu_context_kill(ne->ctx);
		else
			ret = -ENOENT;
		break;
	case REFGPU_NATIVE_OP_RESET:
		ret = refgpu_engine_reset(s->ng->gpu, op->engine);
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static void native_info(struct native_session *s,
			struct refgpu_native_info *info)
{
	struct refgpu_context_status st;
	struct refgpu *gpu = s->ng->gpu;
	unsigned int e;

	memset(info, 0, sizeof(*info));
	info->gfx_size = gpu->gfx_size;
	info->engine_mask = gpu->engine_mask;
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
}

/* Copy the argument in, run @fn, copy it back out. */
#define NATIVE_IOCTL(type, fn, in) ({					\
	type arg__;							\
	long ret__;							\
	if ((in) && copy_from_user(&arg__, uarg, sizeof(arg__)))	\
		ret__ = -EFAULT;					\
	else								\
		ret__ = fn;						\
	if (ret__ >= 0 && copy_to_user(uarg, &arg__, sizeof(arg__)))	\
		ret__ = -EFAULT;					\
	ret__;								\
})

static long native_alloc_locked(struct native_session *s,
				struct refgpu_native_alloc *a)
{
	long ret;

	mutex_lock(&s->lock);
	ret = native_alloc(s, a);
	mutex_unlock(&s->lock);
	return ret;
}

static long native_free_locked(struct native_session *s,
			       struct refgpu_native_free *f)
{
	long ret;

	mutex_lock(&s->lock);
	ret = native_free(s, f);
	mutex_unlock(&s->lock);
	return ret;
}

static long native_pte_locked(struct native_session *s,
			      struct refgpu_native_pte *p)
{
	long ret;

	mutex_lock(&s->lock);
	ret = native_pte(s, p);
	mutex_unlock(&s->lock);
	return ret;
}

static long native_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct native_session *s = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case REFGPU_NATIVE_ALLOC:
		return NATIVE_IOCTL(struct refgpu_native_alloc,
				    native_alloc_locked(s, &arg__), true);
	case REFGPU_NATIVE_FREE: {
		struct refgpu_native_free f;

		if (copy_from_user(&f, uarg, sizeof(f)))
			return -EFAULT;
		return native_free_locked(s, &f);
	}
	case REFGPU_NATIVE_PTE:
		return NATIVE_IOCTL(struct refgpu_native_pte,
				    native_pte_locked(s, &arg__), true);
	case REFGPU_NATIVE_SUBMIT:
		return NATIVE_IOCTL(struct refgpu_native_submit,
				    native_submit(s, &arg__), true);
	case REFGPU_NATIVE_WAIT:
		return NATIVE_IOCTL(struct refgpu_native_wait,
				    native_wait(s, &arg__), true);
	case REFGPU_NATIVE_ENGINE_OP: {
		struct refgpu_native_engine_op op;

		if (copy_from_user(&op, uarg, sizeof(op)))
			return -EFAULT;
		return native_engine_op(s, &op);
	}
	case REFGPU_NATIVE_INFO:
		return NATIVE_IOCTL(struct refgpu_native_info,
				    (native_info(s, &arg__), 0), false);
	}
	return -ENOTTY;
}

static const struct file_operations native_fops = {
	.owner = THIS_MODULE,
	.open = native_open,
	.release = native_release,
	.read = native_read,
	.write = native_write,
	.unlocked_ioctl = native_ioctl,
	.llseek = default_llseek,
};

static int native_probe(struct auxiliary_device *adev,
			const struct auxiliary_device_id *id)
{
	struct refgpu *gpu = refgpu_from_auxdev(adev);
	struct native_gpu *ng;

	ng = kzalloc(sizeof(*ng), GFP_KERNEL);
	if (!ng)
		return -ENOMEM;
	ng->gpu = gpu;
	INIT_LIST_HEAD(&ng->sessions);
	ng->file = debugfs_create_file("native", 0600, gpu->debugfs, ng,
				       &native_fops);
	auxiliary_set_drvdata(adev, ng);
	return 0;
}

static void native_remove(struct auxiliary_device *adev)
{
	struct native_gpu *ng = auxiliary_get_drvdata(adev);
	struct native_session *s, *tmp;

	/* Waits for running operations; later ones fail. */
	debugfs_remove(ng->file);
	mutex_lock(&native_lock);
	list_for_each_entry_safe(s, tmp, &ng->sessions, node) {
		native_session_teardown(s);
		list_del(&s->node);
		s->ng = NULL;
	}
	mutex_unlock(&native_lock);
	kfree(ng);
}

static const struct auxiliary_device_id native_auxdev_ids[] = {
	{ .name = REFGPU_AUXDEV_NATIVE },
	{ }
};

static struct auxiliary_driver native_driver = {
	.name = "native",
	.probe = native_probe,
	.remove = native_remove,
	.id_table = native_auxdev_ids,
};

int refgpu_native_init(void)
{
	return auxiliary_driver_register(&native_driver);
}

void refgpu_native_exit(void)
{
	auxiliary_driver_unregister(&native_driver);
}
