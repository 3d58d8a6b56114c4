// SPDX-License-Identifier: GPL-2.0
/*
 * Engines: one ring per engine of the vGPU, fed by DRM_IOCTL_VGPU_SUBMIT.
 * Each submission (a job) puts eight dwords on the ring: a first-level
 * MI_BATCH_BUFFER_START of the client's batch, an MI_STORE_DATA_IMM of the
 * job's seqno into the status page and an MI_USER_INTERRUPT. Jobs retire
 * in ring order when the status page shows their seqno.
 *
 * Errors (<linux/vgpu_if.h> section 3): the host audits each tail write at
 * once, so a refused job is the one whose tail write was just made; a hang
 * or fault at run time belongs to the oldest job still on the ring, unless
 * the host says the engine was only stopped along with another one. The
 * guilty job's fence fails with -EIO, the engine is reset and the other
 * jobs are put on the ring again, one tail write each, in their order.
 */
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/iopoll.h>
#include <linux/iosys-map.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include "vgpu_drm_drv.h"

/* Ring: 512 jobs of 32 bytes; the in-flight limit keeps it far from full. */
#define VGPU_DRM_RING_SIZE		SZ_16K
#define VGPU_DRM_JOB_DWORDS		8
#define VGPU_DRM_JOB_BYTES		(VGPU_DRM_JOB_DWORDS * sizeof(u32))
#define VGPU_DRM_HWS_SEQNO		VGPU_HWS_GUEST_FIRST
#define VGPU_DRM_RESET_POLL_US		100
#define VGPU_DRM_RESET_TIMEOUT_US	(1000 * USEC_PER_MSEC)
/* Resets that found nobody to blame before giving up (or blaming). */
#define VGPU_DRM_MAX_INNOCENT_RESETS	3

static_assert(VGPU_DRM_RING_SIZE % VGPU_DRM_JOB_BYTES == 0);
static_assert(VGPU_DRM_MAX_INFLIGHT * VGPU_DRM_JOB_BYTES <
	      VGPU_DRM_RING_SIZE);
/* dma_fence_free() frees the job through its fence. */
static_assert(offsetof(struct vgpu_drm_job, fence) == 0);

static const char *const vgpu_drm_engine_names[VGPU_ENGINE_COUNT] = {
	[VGPU_ENGINE_RENDER] = "render",
	[VGPU_ENGINE_COPY] = "copy",
};

static const char *const vgpu_drm_error_classes[] = {
	[VGPU_ERROR_CLASS_NONE] = "no error",
	[VGPU_ERROR_CLASS_AUDIT] = "refused by the host's audit",
	[VGPU_ERROR_CLASS_HANG] = "hang",
	[VGPU_ERROR_CLASS_FAULT] = "page fault",
};

static struct vgpu_drm_job *to_job(struct dma_fence *fence)
{
	return container_of(fence, struct vgpu_drm_job, fence);
}

static const char *vgpu_drm_fence_driver_name(struct dma_fence *fence)
{
	return VGPU_DRM_NAME;
}

static const char *vgpu_drm_fence_timeline_name(struct dma_fence *fence)
{
	return vgpu_drm_engine_names[to_job(fence)->engine->id];
}

static const struct dma_fence_ops vgpu_drm_fence_ops = {
	.get_driver_name = vgpu_drm_fence_driver_name,
	.get_timeline_name = vgpu_drm_fence_timeline_name,
};

static u32 engine_reg(struct vgpu_drm_engine *engine, u32 offset)
{
	return VGPU_RING_BASE(engine->id) + offset;
}

static void engine_write(struct vgpu_drm_engine *engine, u32 offset, u32 val)
{
	vgpu_drm_write(engine->vdev, engine_reg(engine, offset), val);
}

/* The seqno the status page holds: every job up to it has finished. */
static u32 engine_hws_seqno(struct vgpu_drm_engine *engine)
{
	return READ_ONCE(engine->hws_vaddr[VGPU_DRM_HWS_SEQNO / sizeof(u32)]);
}

static bool job_done(struct vgpu_drm_job *job, u32 hws_seqno)
{
	return (s32)(hws_seqno - (u32)job->fence.seqno) >= 0;
}

/*
 * Complete the job's fence (with @error if not 0) and move it to @done:
 * what it holds is dropped by vgpu_drm_jobs_release() once the engine lock
 * is released, because freeing an object may take its reservation lock,
 * which submission takes before the engine lock.
 */
static void job_finish(struct vgpu_drm_engine *engine, struct vgpu_drm_job *job,
		       int error, struct list_head *done)
{
	lockdep_assert_held(&engine->lock);
	list_move_tail(&job->link, done);
	engine->inflight--;
	if (error)
		dma_fence_set_error(&job->fence, error);
	dma_fence_signal(&job->fence);
}

/**
 * vgpu_drm_jobs_release() - drop the objects, context and fence of jobs
 * @done: finished jobs, linked by their link
 */
void vgpu_drm_jobs_release(struct list_head *done)
{
	struct vgpu_drm_job *job, *tmp;
	unsigned int i;

	list_for_each_entry_safe(job, tmp, done, link) {
		list_del(&job->link);
		for (i = 0; i < job->bo_count; i++)
			drm_gem_object_put(job->bos[i]);
		kvfree(job->bos);
		vgpu_drm_ctx_put(job->ctx);
		dma_fence_put(&job->fence);
	}
}

static void engine_retire(struct vgpu_drm_engine *engine,
			  struct list_head *done)
{
	struct vgpu_drm_job *job, *tmp;
	u32 seqno = engine_hws_seqno(engine);

	lockdep_assert_held(&engine->lock);
	list_for_each_entry_safe(job, tmp, &engine->jobs, link) {
		if (!job_done(job, seqno))
			break;
		atomic64_inc(&job->ctx->completed);
		job_finish(engine, job, 0, done);
	}
	wake_up_all(&engine->space_wq);
}

/* Put the job's commands at the ring's tail; the tail write submits them. */
static void engine_emit(struct vgpu_drm_engine *engine, struct vgpu_drm_job *job)
{
	u32 *cs = engine->ring_vaddr + engine->tail / sizeof(u32);
	u64 seqno_gfx = engine->hws_gfx + VGPU_DRM_HWS_SEQNO;

	lockdep_assert_held(&engine->lock);
	cs[0] = VGPU_MI_BATCH_BUFFER_START;
	cs[1] = lower_32_bits(job->batch_gfx);
	cs[2] = upper_32_bits(job->batch_gfx);
	cs[3] = VGPU_MI_STORE_DWORD_GGTT;
	cs[4] = lower_32_bits(seqno_gfx);
	cs[5] = upper_32_bits(seqno_gfx);
	cs[6] = job->fence.seqno;
	cs[7] = VGPU_MI_USER_INTERRUPT;
	engine->tail = (engine->tail + VGPU_DRM_JOB_BYTES) % VGPU_DRM_RING_SIZE;
	/* The ring is guest memory the host reads after the tail write. */
	wmb();
	engine_write(engine, VGPU_RING_TAIL(0), engine->tail);
}

static u32 engine_error(struct vgpu_drm_engine *engine)
{
	return vgpu_drm_read(engine->vdev, VGPU_PV_ENGINE_ERROR(engine->id));
}

static u32 error_class(u32 status)
{
	return (status & VGPU_ENGINE_ERROR_CLASS_MASK) >>
	       VGPU_ENGINE_ERROR_CLASS_SHIFT;
}

static const char *error_class_str(u32 status)
{
	u32 class = error_class(status);

	return class < ARRAY_SIZE(vgpu_drm_error_classes) ?
	       vgpu_drm_error_classes[class] : "unknown error";
}

/*
 * Program the ring after a reset, which left it disabled with HEAD and
 * TAIL at 0 (a tail write now would be refused: the ring is disabled).
 */
static void engine_start_ring(struct vgpu_drm_engine *engine)
{
	engine->tail = 0;
	engine_write(engine, VGPU_RING_START(0), lower_32_bits(engine->ring_gfx));
	engine_write(engine, VGPU_RING_HWS_PGA(0), lower_32_bits(engine->hws_gfx));
	engine_write(engine, VGPU_RING_CTL(0),
		     VGPU_RING_CTL_FROM_SIZE(VGPU_DRM_RING_SIZE) |
		     VGPU_RING_CTL_ENABLE);
}

/* GDRST for this engine; false if the device never finished it. */
static bool engine_reset_hw(struct vgpu_drm_engine *engine)
{
	struct vgpu_drm_device *vdev = engine->vdev;
	u32 bit = VGPU_GDRST_ENGINE(engine->id), val;
	int ret;

	vgpu_drm_write(vdev, VGPU_REG_GDRST, bit);
	ret = read_poll_timeout(vgpu_drm_read, val, !(val & bit),
				VGPU_DRM_RESET_POLL_US, VGPU_DRM_RESET_TIMEOUT_US,
				false, vdev, VGPU_REG_GDRST);
	if (ret)
		return false;
	engine->resets++;
	engine_start_ring(engine);
	return true;
}

/* Fail every job on the ring: the engine or the device is gone. */
static void engine_fail_all(struct vgpu_drm_engine *engine, int error,
			    struct list_head *done)
{
	struct vgpu_drm_job *job, *tmp;

	lockdep_assert_held(&engine->lock);
	list_for_each_entry_safe(job, tmp, &engine->jobs, link)
		job_finish(engine, job, error, done);
	wake_up_all(&engine->space_wq);
}

static void job_blame(struct vgpu_drm_engine *engine, struct vgpu_drm_job *job,
		      u32 status, struct list_head *done)
{
	struct vgpu_drm_device *vdev = engine->vdev;
	struct vgpu_drm_ctx *ctx = job->ctx;
	u32 reason = status & VGPU_ENGINE_ERROR_REASON_MASK, cmd;
	u64 addr;

	cmd = vgpu_drm_read(vdev, VGPU_PV_ENGINE_ERROR_CMD(engine->id));
	addr = (u64)vgpu_drm_read(vdev, VGPU_PV_ENGINE_ERROR_ADDR_HI(engine->id))
	       << 32 |
	       vgpu_drm_read(vdev, VGPU_PV_ENGINE_ERROR_ADDR_LO(engine->id));
	spin_lock(&ctx->error_lock);
	ctx->last_error = status;
	ctx->last_error_cmd = cmd;
	ctx->last_error_addr = addr;
	spin_unlock(&ctx->error_lock);
	atomic64_inc(&ctx->failed);
	engine->failed++;
	/* A client's mistake, not the driver's: a notice, rate limited. */
	dev_notice_ratelimited(vdev->drm.dev,
			       "%s engine: submission %llu of context %u failed: %s (reason %u, command %#010x at %s %#llx); engine reset\n",
			       vgpu_drm_engine_names[engine->id],
			       job->fence.seqno, ctx->id, error_class_str(status),
			       reason, cmd,
			       status & VGPU_ENGINE_ERROR_IN_BATCH ?
			       "address" : "ring offset", addr);
	job_finish(engine, job, -EIO, done);
}

/*
 * Whose fault the error is: an audit refusal is the job whose tail write
 * was just made, unless the host ran out of resources auditing it (that
 * job is retried a few times before it fails); a hang or fault is the
 * oldest job's, unless this engine was only stopped with another one.
 */
static struct vgpu_drm_job *engine_guilty(struct vgpu_drm_engine *engine,
					  u32 status,
					  struct vgpu_drm_job *submitted,
					  unsigned int retries)
{
	u32 reason = status & VGPU_ENGINE_ERROR_REASON_MASK;

	switch (error_class(status)) {
	case VGPU_ERROR_CLASS_AUDIT:
		if (reason == VGPU_AUDIT_HOST_ERROR &&
		    retries < VGPU_DRM_MAX_INNOCENT_RESETS)
			return NULL;
		return submitted;
	case VGPU_ERROR_CLASS_HANG:
		if (reason == VGPU_HANG_COLLATERAL)
			return NULL;
		fallthrough;
	default:
		return list_first_entry_or_null(&engine->jobs,
						struct vgpu_drm_job, link);
	}
}

/*
 * The engine is stopped in error: fail the guilty job (@submitted, the job
 * whose tail write was just made, for an audit refusal), reset and put the
 * innocent jobs on the ring again. A replayed job the host refuses now is
 * guilty in turn, so this loops until the engine runs; an engine that
 * keeps failing without a job to blame is wedged.
 */
static void engine_recover(struct vgpu_drm_engine *engine,
			   struct vgpu_drm_job *submitted,
			   struct list_head *done)
{
	struct vgpu_drm_job *job, *guilty;
	unsigned int innocent_resets = 0;
	LIST_HEAD(replay);
	u32 status;

	lockdep_assert_held(&engine->lock);
	for (;;) {
		status = engine_error(engine);
		if (!(status & VGPU_ENGINE_ERROR_ACTIVE))
			return;
		engine_retire(engine, done);
		guilty = engine_guilty(engine, status, submitted,
				       innocent_resets);
		if (guilty)
			job_blame(engine, guilty, status, done);
		else
			innocent_resets++;
		if (innocent_resets > VGPU_DRM_MAX_INNOCENT_RESETS ||
		    !engine_reset_hw(engine)) {
			drm_err(&engine->vdev->drm,
				"%s engine: still failing after reset (error %#x); failing its work\n",
				vgpu_drm_engine_names[engine->id], status);
			engine->wedged = true;
			engine_fail_all(engine, -EIO, done);
			return;
		}
		/* The reset published every completion made before it. */
		engine_retire(engine, done);
		/* Replay: the jobs keep their seqnos and their order. */
		list_splice_init(&engine->jobs, &replay);
		submitted = NULL;
		while (!list_empty(&replay)) {
			job = list_first_entry(&replay, struct vgpu_drm_job,
					       link);
			list_move_tail(&job->link, &engine->jobs);
			engine->replayed++;
			engine_emit(engine, job);
			if (engine_error(engine) & VGPU_ENGINE_ERROR_ACTIVE) {
				submitted = job;
				list_splice_tail_init(&replay, &engine->jobs);
				break;
			}
		}
	}
}

/* Take the engine lock if the engine has room for a job (-EAGAIN if not). */
static int engine_lock_room(struct vgpu_drm_engine *engine,
			    struct list_head *done)
{
	mutex_lock(&engine->lock);
	if (engine->wedged) {
		mutex_unlock(&engine->lock);
		return -EIO;
	}
	/* Jobs that finished meanwhile make room without an interrupt. */
	engine_retire(engine, done);
	if (engine->inflight < VGPU_DRM_MAX_INFLIGHT)
		return 0;
	mutex_unlock(&engine->lock);
	return -EAGAIN;
}

/**
 * vgpu_drm_engine_queue() - put a job on its engine's ring
 * @engine: the engine
 * @job: the job; its bos are bound and @job->batch_gfx is set
 *
 * Initialises the job's fence, adds it to every bo's reservation object
 * and submits the job. The caller is inside drm_dev_enter() and lists
 * each bo once. On success the engine owns the job until it retires and
 * the caller gets a reference to its fence; on failure nothing was queued
 * and the job's fence was never initialised.
 *
 * Return: 0, -ERESTARTSYS while waiting for room, -EIO if the engine is
 * wedged, or an errno from locking or reserving fence slots.
 */
int vgpu_drm_engine_queue(struct vgpu_drm_engine *engine,
			  struct vgpu_drm_job *job)
{
	struct ww_acquire_ctx acquire;
	LIST_HEAD(done);
	unsigned int i;
	int ret;

	do {
		ret = drm_gem_lock_reservations(job->bos, job->bo_count,
						&acquire);
		if (ret)
			goto out_release;
		for (i = 0; i < job->bo_count && !ret; i++)
			ret = dma_resv_reserve_fences(job->bos[i]->resv, 1);
		if (ret)
			goto out_resv;
		ret = engine_lock_room(engine, &done);
		if (ret != -EAGAIN)
			break;
		/* Never sleep for room with the reservations held. */
		drm_gem_unlock_reservations(job->bos, job->bo_count, &acquire);
		ret = wait_event_interruptible(engine->space_wq,
					       READ_ONCE(engine->inflight) <
					       VGPU_DRM_MAX_INFLIGHT ||
					       READ_ONCE(engine->wedged));
		if (ret)
			goto out_release;
		ret = -EAGAIN;
	} while (ret == -EAGAIN);
	if (ret)
		goto out_resv;

	/* A stopped engine ignores tail writes: recover it first. */
	engine_recover(engine, NULL, &done);
	if (engine->wedged) {
		ret = -EIO;
		goto out_engine;
	}
	dma_fence_init(&job->fence, &vgpu_drm_fence_ops, &engine->fence_lock,
		       engine->fence_context, ++engine->seqno);
	for (i = 0; i < job->bo_count; i++)
		dma_resv_add_fence(job->bos[i]->resv, &job->fence,
				   DMA_RESV_USAGE_WRITE);
	dma_fence_get(&job->fence);
	list_add_tail(&job->link, &engine->jobs);
	engine->inflight++;
	engine->submitted++;
	atomic64_inc(&job->ctx->submitted);
	engine_emit(engine, job);
	engine_recover(engine, job, &done);
out_engine:
	mutex_unlock(&engine->lock);
out_resv:
	drm_gem_unlock_reservations(job->bos, job->bo_count, &acquire);
out_release:
	vgpu_drm_jobs_release(&done);
	return ret;
}

static void vgpu_drm_engine_work(struct work_struct *work)
{
	struct vgpu_drm_engine *engine =
		container_of(work, struct vgpu_drm_engine, work);

	LIST_HEAD(done);
	int idx;

	mutex_lock(&engine->lock);
	if (drm_dev_enter(&engine->vdev->drm, &idx)) {
		engine_recover(engine, NULL, &done);
		drm_dev_exit(idx);
	}
	engine_retire(engine, &done);
	mutex_unlock(&engine->lock);
	vgpu_drm_jobs_release(&done);
}

/**
 * vgpu_drm_engine_irq() - the engine's user or error interrupt fired
 * @engine: the engine
 *
 * Called from the interrupt handler; the work retires and recovers.
 */
void vgpu_drm_engine_irq(struct vgpu_drm_engine *engine)
{
	queue_work(system_highpri_wq, &engine->work);
}

static struct vgpu_drm_bo *engine_alloc_bo(struct vgpu_drm_device *vdev,
					   size_t size, u32 **vaddr, u64 *gfx)
{
	struct drm_gem_shmem_object *shmem;
	struct iosys_map map;
	struct vgpu_drm_bo *bo;
	int ret;

	shmem = drm_gem_shmem_create(&vdev->drm, size);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	bo = to_vgpu_bo(&shmem->base);
	ret = vgpu_drm_bo_bind(vdev, bo);
	if (ret)
		goto err_put;
	ret = drm_gem_shmem_vmap(shmem, &map);
	if (ret)
		goto err_unbind;
	*vaddr = map.vaddr;
	*gfx = vgpu_drm_bo_gfx(vdev, bo);
	return bo;

err_unbind:
	vgpu_drm_bo_unbind(vdev, bo);
err_put:
	drm_gem_object_put(&shmem->base);
	return ERR_PTR(ret);
}

static void engine_free_bo(struct vgpu_drm_device *vdev,
			   struct vgpu_drm_bo *bo, void *vaddr)
{
	struct iosys_map map = IOSYS_MAP_INIT_VADDR(vaddr);

	if (!bo)
		return;
	drm_gem_shmem_vunmap(&bo->base, &map);
	vgpu_drm_bo_unbind(vdev, bo);
	drm_gem_object_put(&bo->base.base);
}

/* Free the ring and the status page; debugfs sees them gone. */
static void engine_fini(struct vgpu_drm_engine *engine)
{
	struct vgpu_drm_device *vdev = engine->vdev;
	struct vgpu_drm_bo *ring, *hws;
	u32 *ring_vaddr, *hws_vaddr;

	mutex_lock(&engine->lock);
	ring = engine->ring;
	ring_vaddr = engine->ring_vaddr;
	hws = engine->hws;
	hws_vaddr = engine->hws_vaddr;
	engine->ring = NULL;
	engine->ring_vaddr = NULL;
	engine->hws = NULL;
	engine->hws_vaddr = NULL;
	mutex_unlock(&engine->lock);
	engine_free_bo(vdev, ring, ring_vaddr);
	engine_free_bo(vdev, hws, hws_vaddr);
}

static int engine_init(struct vgpu_drm_device *vdev,
		       struct vgpu_drm_engine *engine, unsigned int id)
{
	struct vgpu_drm_bo *bo;

	engine->vdev = vdev;
	engine->id = id;
	mutex_init(&engine->lock);
	INIT_LIST_HEAD(&engine->jobs);
	init_waitqueue_head(&engine->space_wq);
	spin_lock_init(&engine->fence_lock);
	engine->fence_context = dma_fence_context_alloc(1);
	INIT_WORK(&engine->work, vgpu_drm_engine_work);

	bo = engine_alloc_bo(vdev, VGPU_DRM_RING_SIZE, &engine->ring_vaddr,
			     &engine->ring_gfx);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	engine->ring = bo;
	bo = engine_alloc_bo(vdev, VGPU_GTT_PAGE_SIZE, &engine->hws_vaddr,
			     &engine->hws_gfx);
	if (IS_ERR(bo)) {
		engine_fini(engine);
		return PTR_ERR(bo);
	}
	engine->hws = bo;
	/* A previous driver may have left the engine stopped in error. */
	if (!engine_reset_hw(engine)) {
		drm_err(&vdev->drm, "%s engine: reset did not complete\n",
			vgpu_drm_engine_names[id]);
		engine_fini(engine);
		return -EIO;
	}
	engine->resets = 0;
	engine->present = true;
	return 0;
}

/**
 * vgpu_drm_engines_init() - set up a ring for every engine the vGPU has
 * @vdev: the device, its GGTT ready and interrupts not yet enabled
 *
 * Return: 0 or a negative errno (nothing left set up).
 */
int vgpu_drm_engines_init(struct vgpu_drm_device *vdev)
{
	unsigned int e;
	int ret;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		if (!(vdev->pv.engine_mask & BIT(e)))
			continue;
		ret = engine_init(vdev, &vdev->engines[e], e);
		if (ret) {
			vgpu_drm_engines_fini(vdev);
			return ret;
		}
	}
	return 0;
}

/**
 * vgpu_drm_engines_fini() - stop the engines and fail what is left
 * @vdev: the device, unplugged, its interrupt freed, BAR0 still mapped
 *
 * Jobs still on a ring fail with -ENODEV, which releases their objects;
 * later submissions find the engine wedged.
 */
void vgpu_drm_engines_fini(struct vgpu_drm_device *vdev)
{
	struct vgpu_drm_engine *engine;
	LIST_HEAD(done);
	unsigned int e;

	for (e = 0; e < VGPU_ENGINE_COUNT; e++) {
		engine = &vdev->engines[e];
		if (!engine->present)
			continue;
		cancel_work_sync(&engine->work);
		mutex_lock(&engine->lock);
		engine->wedged = true;
		engine_write(engine, VGPU_RING_CTL(0), 0);
		engine_retire(engine, &done);
		engine_fail_all(engine, -ENODEV, &done);
		mutex_unlock(&engine->lock);
		vgpu_drm_jobs_release(&done);
		engine_fini(engine);
	}
}

/**
 * vgpu_drm_engine_name() - what logs and debugfs call an engine
 * @id: enum vgpu_engine
 *
 * Return: a static string.
 */
const char *vgpu_drm_engine_name(unsigned int id)
{
	return id < VGPU_ENGINE_COUNT ? vgpu_drm_engine_names[id] : "?";
}

/**
 * vgpu_drm_engine_hws_seqno() - the last seqno the engine completed
 * @engine: a present engine
 *
 * Return: the status page's seqno.
 */
u32 vgpu_drm_engine_hws_seqno(struct vgpu_drm_engine *engine)
{
	return engine_hws_seqno(engine);
}
