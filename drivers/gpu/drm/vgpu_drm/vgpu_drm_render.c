// SPDX-License-Identifier: GPL-2.0
/*
 * The render uAPI (<drm/vgpu_drm.h>, docs/guest-render.md): buffer objects
 * with graphics addresses, contexts, submissions with fences. Every value
 * comes from an untrusted client and is checked here; what the batch does
 * is the host's to audit.
 */
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include "vgpu_drm_drv.h"

/* Context ids of one file; 0 is the default context. */
#define VGPU_DRM_MAX_CTX_ID	1023

static struct vgpu_drm_file *to_vgpu_file(struct drm_file *file)
{
	return file->driver_priv;
}

static void vgpu_drm_ctx_release(struct kref *ref)
{
	kfree(container_of(ref, struct vgpu_drm_ctx, ref));
}

/**
 * vgpu_drm_ctx_put() - drop a reference to a context
 * @ctx: the context, or NULL
 */
void vgpu_drm_ctx_put(struct vgpu_drm_ctx *ctx)
{
	if (ctx)
		kref_put(&ctx->ref, vgpu_drm_ctx_release);
}

static struct vgpu_drm_ctx *vgpu_drm_ctx_get(struct vgpu_drm_file *vfile,
					     u32 id)
{
	struct vgpu_drm_ctx *ctx;

	xa_lock(&vfile->ctxs);
	ctx = xa_load(&vfile->ctxs, id);
	if (ctx)
		kref_get(&ctx->ref);
	xa_unlock(&vfile->ctxs);
	return ctx;
}

static int vgpu_drm_ctx_new(struct vgpu_drm_file *vfile, u32 *id,
			    struct xa_limit limit)
{
	struct vgpu_drm_ctx *ctx;
	int ret;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	spin_lock_init(&ctx->error_lock);
	ret = xa_alloc(&vfile->ctxs, &ctx->id, ctx, limit, GFP_KERNEL);
	if (ret) {
		kfree(ctx);
		/* -EBUSY means the id space is full. */
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	*id = ctx->id;
	return 0;
}

/**
 * vgpu_drm_render_open() - a client opened the device
 * @drm: the DRM device
 * @file: its file
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_render_open(struct drm_device *drm, struct drm_file *file)
{
	struct vgpu_drm_file *vfile;
	u32 id;
	int ret;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;
	xa_init_flags(&vfile->ctxs, XA_FLAGS_ALLOC);
	ret = vgpu_drm_ctx_new(vfile, &id, XA_LIMIT(0, 0));
	if (ret) {
		kfree(vfile);
		return ret;
	}
	file->driver_priv = vfile;
	return 0;
}

/**
 * vgpu_drm_render_postclose() - the client's file is closing
 * @drm: the DRM device
 * @file: its file
 *
 * Its jobs still on a ring hold their contexts and objects and finish.
 */
void vgpu_drm_render_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vgpu_drm_file *vfile = to_vgpu_file(file);
	struct vgpu_drm_ctx *ctx;
	unsigned long id;

	xa_for_each(&vfile->ctxs, id, ctx)
		vgpu_drm_ctx_put(ctx);
	xa_destroy(&vfile->ctxs);
	kfree(vfile);
}

static int vgpu_drm_ioctl_getparam(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct vgpu_drm_device *vdev = to_vgpu_drm(drm);
	struct drm_vgpu_getparam *args = data;
	const struct vgpu_drm_pv *pv = &vdev->pv;

	if (args->pad)
		return -EINVAL;
	switch (args->param) {
	case DRM_VGPU_PARAM_ENGINE_MASK:
		args->value = pv->engine_mask & GENMASK(VGPU_ENGINE_COUNT - 1, 0);
		break;
	case DRM_VGPU_PARAM_NUM_HEADS:
		args->value = pv->num_heads;
		break;
	case DRM_VGPU_PARAM_GM_SIZE:
		args->value = vgpu_drm_slice_size(pv);
		break;
	case DRM_VGPU_PARAM_VGPU_ID:
		args->value = pv->vgpu_id;
		break;
	case DRM_VGPU_PARAM_MAX_BOS:
		args->value = VGPU_DRM_MAX_BOS;
		break;
	case DRM_VGPU_PARAM_TIMESTAMP_HZ:
		args->value = VGPU_TIMESTAMP_HZ;
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

static int vgpu_drm_ioctl_gem_create(struct drm_device *drm, void *data,
				     struct drm_file *file)
{
	struct drm_vgpu_gem_create *args = data;
	struct drm_gem_shmem_object *shmem;
	int ret;

	if (args->flags || !args->size ||
	    args->size > vgpu_drm_slice_size(&to_vgpu_drm(drm)->pv))
		return -EINVAL;
	shmem = drm_gem_shmem_create(drm, PAGE_ALIGN(args->size));
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	drm_gem_object_put(&shmem->base);
	return ret;
}

static int vgpu_drm_ioctl_gem_info(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct vgpu_drm_device *vdev = to_vgpu_drm(drm);
	struct drm_vgpu_gem_info *args = data;
	struct drm_gem_object *obj;
	int ret, idx;

	if (args->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	ret = -ENODEV;
	if (!drm_dev_enter(drm, &idx))
		goto out;
	ret = vgpu_drm_bo_bind_render(vdev, to_vgpu_bo(obj), &args->gfx_addr);
	drm_dev_exit(idx);
	if (ret)
		goto out;
	args->size = obj->size;
	args->mmap_offset = 0;
	if (!obj->import_attach) {
		ret = drm_gem_create_mmap_offset(obj);
		if (!ret)
			args->mmap_offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
out:
	drm_gem_object_put(obj);
	return ret;
}

static int vgpu_drm_ioctl_gem_wait(struct drm_device *drm, void *data,
				   struct drm_file *file)
{
	struct drm_vgpu_gem_wait *args = data;
	struct drm_gem_object *obj;
	unsigned long timeout;
	long ret;

	if (args->flags || args->timeout_ns < 0)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj)
		return -ENOENT;
	if (!args->timeout_ns) {
		ret = dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ) ?
		      0 : -ETIME;
	} else {
		timeout = nsecs_to_jiffies(args->timeout_ns) + 1;
		ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ,
					    true, timeout);
		ret = ret > 0 ? 0 : ret ?: -ETIME;
	}
	drm_gem_object_put(obj);
	return ret;
}

static int vgpu_drm_ioctl_ctx_create(struct drm_device *drm, void *data,
				     struct drm_file *file)
{
	struct drm_vgpu_ctx_create *args = data;

	if (args->flags)
		return -EINVAL;
	return vgpu_drm_ctx_new(to_vgpu_file(file), &args->ctx_id,
				XA_LIMIT(1, VGPU_DRM_MAX_CTX_ID));
}

static int vgpu_drm_ioctl_ctx_destroy(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_vgpu_ctx_destroy *args = data;
	struct vgpu_drm_ctx *ctx;

	if (args->pad || !args->ctx_id)
		return -EINVAL;
	ctx = xa_erase(&to_vgpu_file(file)->ctxs, args->ctx_id);
	if (!ctx)
		return -ENOENT;
	vgpu_drm_ctx_put(ctx);
	return 0;
}

static int vgpu_drm_ioctl_ctx_query(struct drm_device *drm, void *data,
				    struct drm_file *file)
{
	struct drm_vgpu_ctx_query *args = data;
	struct vgpu_drm_ctx *ctx;

	if (args->pad)
		return -EINVAL;
	ctx = vgpu_drm_ctx_get(to_vgpu_file(file), args->ctx_id);
	if (!ctx)
		return -ENOENT;
	args->submitted = atomic64_read(&ctx->submitted);
	args->completed = atomic64_read(&ctx->completed);
	args->failed = atomic64_read(&ctx->failed);
	spin_lock(&ctx->error_lock);
	args->last_error = ctx->last_error;
	args->last_error_cmd = ctx->last_error_cmd;
	args->last_error_addr = ctx->last_error_addr;
	spin_unlock(&ctx->error_lock);
	vgpu_drm_ctx_put(ctx);
	return 0;
}

/*
 * The listed objects and the batch, each once, with references; the
 * batch's object is returned in @batch.
 */
static int vgpu_drm_job_lookup(struct drm_file *file, struct vgpu_drm_job *job,
			       const struct drm_vgpu_submit *args,
			       struct drm_gem_object **batch)
{
	u32 __user *uhandles = u64_to_user_ptr(args->bo_handles);
	struct drm_gem_object *obj;
	unsigned int i, j;
	u32 handle;

	job->bos = kvcalloc(args->bo_count + 1, sizeof(*job->bos), GFP_KERNEL);
	if (!job->bos)
		return -ENOMEM;
	for (i = 0; i <= args->bo_count; i++) {
		if (i == args->bo_count)
			handle = args->batch_handle;
		else if (get_user(handle, uhandles + i))
			return -EFAULT;
		obj = drm_gem_object_lookup(file, handle);
		if (!obj)
			return -ENOENT;
		for (j = 0; j < job->bo_count; j++)
			if (job->bos[j] == obj)
				break;
		if (j < job->bo_count)
			drm_gem_object_put(obj);
		else
			job->bos[job->bo_count++] = obj;
		if (i == args->bo_count)
			*batch = job->bos[j];
	}
	return 0;
}

/*
 * Implicit synchronisation: wait for the fences other timelines (the
 * other engine, other devices) left on the objects. The job's own engine
 * runs its work in order and needs no wait.
 */
static int vgpu_drm_job_await(struct vgpu_drm_job *job)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int i;
	long ret;

	for (i = 0; i < job->bo_count; i++) {
		for (;;) {
			fence = NULL;
			dma_resv_iter_begin(&cursor, job->bos[i]->resv,
					    DMA_RESV_USAGE_READ);
			dma_resv_for_each_fence_unlocked(&cursor, fence) {
				if (fence->context !=
				    job->engine->fence_context &&
				    !dma_fence_is_signaled(fence)) {
					dma_fence_get(fence);
					break;
				}
			}
			dma_resv_iter_end(&cursor);
			if (!fence)
				break;
			ret = dma_fence_wait(fence, true);
			dma_fence_put(fence);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int vgpu_drm_submit_check(struct vgpu_drm_device *vdev,
				 const struct drm_vgpu_submit *args)
{
	if (args->flags & ~DRM_VGPU_SUBMIT_FLAGS || args->pad)
		return -EINVAL;
	if (args->engine >= VGPU_ENGINE_COUNT ||
	    !vdev->engines[args->engine].present)
		return -EINVAL;
	if (args->bo_count > VGPU_DRM_MAX_BOS)
		return -EINVAL;
	if (!IS_ALIGNED(args->batch_offset, sizeof(u32)))
		return -EINVAL;
	return 0;
}

static int vgpu_drm_ioctl_submit(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct vgpu_drm_device *vdev = to_vgpu_drm(drm);
	struct drm_vgpu_submit *args = data;
	struct sync_file *sync_file = NULL;
	struct drm_gem_object *batch = NULL;
	struct dma_fence *in_fence;
	struct vgpu_drm_job *job;
	int ret, idx, out_fd = -1;
	u64 gfx;
	unsigned int i;

	ret = vgpu_drm_submit_check(vdev, args);
	if (ret)
		return ret;
	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		ret = -ENOMEM;
		goto out_exit;
	}
	job->engine = &vdev->engines[args->engine];
	INIT_LIST_HEAD(&job->link);
	job->ctx = vgpu_drm_ctx_get(to_vgpu_file(file), args->ctx_id);
	if (!job->ctx) {
		ret = -ENOENT;
		goto out_job;
	}
	ret = vgpu_drm_job_lookup(file, job, args, &batch);
	if (ret)
		goto out_job;
	if (args->batch_offset > batch->size - sizeof(u32)) {
		ret = -EINVAL;
		goto out_job;
	}
	for (i = 0; i < job->bo_count; i++) {
		ret = vgpu_drm_bo_bind_render(vdev, to_vgpu_bo(job->bos[i]),
					      &gfx);
		if (ret)
			goto out_job;
		if (job->bos[i] == batch)
			job->batch_gfx = gfx + args->batch_offset;
	}

	if (args->flags & DRM_VGPU_SUBMIT_FENCE_IN) {
		in_fence = sync_file_get_fence(args->fence_fd);
		if (!in_fence) {
			ret = -EINVAL;
			goto out_job;
		}
		ret = dma_fence_wait(in_fence, true);
		dma_fence_put(in_fence);
		if (ret)
			goto out_job;
	}
	ret = vgpu_drm_job_await(job);
	if (ret)
		goto out_job;

	if (args->flags & DRM_VGPU_SUBMIT_FENCE_OUT) {
		out_fd = get_unused_fd_flags(O_CLOEXEC);
		if (out_fd < 0) {
			ret = out_fd;
			goto out_job;
		}
	}

	ret = vgpu_drm_engine_queue(job->engine, job);
	if (ret) {
		if (out_fd >= 0)
			put_unused_fd(out_fd);
		goto out_job;
	}
	/* From here on the engine owns the job; we hold its fence. */
	args->seqno = job->fence.seqno;
	if (out_fd >= 0) {
		sync_file = sync_file_create(&job->fence);
		if (!sync_file) {
			/* The work runs; only its out-fence is lost. */
			put_unused_fd(out_fd);
			ret = -ENOMEM;
		} else {
			fd_install(out_fd, sync_file->file);
			args->fence_fd = out_fd;
		}
	}
	dma_fence_put(&job->fence);
	drm_dev_exit(idx);
	return ret;

out_job:
	for (i = 0; i < job->bo_count; i++)
		drm_gem_object_put(job->bos[i]);
	kvfree(job->bos);
	vgpu_drm_ctx_put(job->ctx);
	kfree(job);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

const struct drm_ioctl_desc vgpu_drm_render_ioctls[VGPU_DRM_NUM_IOCTLS] = {
	DRM_IOCTL_DEF_DRV(VGPU_GETPARAM, vgpu_drm_ioctl_getparam,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_GEM_CREATE, vgpu_drm_ioctl_gem_create,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_GEM_INFO, vgpu_drm_ioctl_gem_info,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_GEM_WAIT, vgpu_drm_ioctl_gem_wait,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_CTX_CREATE, vgpu_drm_ioctl_ctx_create,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_CTX_DESTROY, vgpu_drm_ioctl_ctx_destroy,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_CTX_QUERY, vgpu_drm_ioctl_ctx_query,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VGPU_SUBMIT, vgpu_drm_ioctl_submit,
			  DRM_RENDER_ALLOW),
};
