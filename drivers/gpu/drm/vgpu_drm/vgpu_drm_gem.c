// SPDX-License-Identifier: GPL-2.0
/*
 * GEM objects: shmem helpers for memory, CPU mmap, dumb buffers and PRIME;
 * this file adds the GGTT binding. An object is bound while a plane state
 * that scans it out (or is about to) exists: prepare_fb binds, cleanup_fb
 * unbinds, and the atomic helpers call cleanup_fb on the old state only
 * after the flip away from it completed. Binding is counted, so the same
 * framebuffer on two planes, or in the old and the new state of one
 * commit, is mapped once.
 */
#include <linux/dma-buf.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>

#include "vgpu_drm_drv.h"

/* drm_gem_shmem_free() frees the shmem object: it must start the bo. */
static_assert(offsetof(struct vgpu_drm_bo, base) == 0);

static void vgpu_drm_gem_free(struct drm_gem_object *obj)
{
	struct vgpu_drm_device *vdev = to_vgpu_drm(obj->dev);
	struct vgpu_drm_bo *bo = to_vgpu_bo(obj);

	/* Plane states hold references, so nothing can still scan it out. */
	mutex_lock(&vdev->ggtt.lock);
	if (bo->render_bound) {
		bo->render_bound = false;
		bo->bind_count--;
	}
	if (drm_mm_node_allocated(&bo->node)) {
		drm_WARN_ON_ONCE(obj->dev, bo->bind_count);
		vgpu_drm_ggtt_remove(&vdev->ggtt, bo);
	}
	mutex_unlock(&vdev->ggtt.lock);
	drm_gem_shmem_free(&bo->base);
}

static const struct drm_gem_object_funcs vgpu_drm_gem_funcs = {
	.free = vgpu_drm_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * vgpu_drm_gem_create_object() - allocate a bo for the shmem helpers
 * @drm: the DRM device
 * @size: object size (unused, the helpers set it)
 *
 * Used for new objects and for imported dma-bufs alike.
 *
 * Return: the GEM object or an ERR_PTR.
 */
struct drm_gem_object *vgpu_drm_gem_create_object(struct drm_device *drm,
						  size_t size)
{
	struct vgpu_drm_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bo->bound_link);
	bo->base.base.funcs = &vgpu_drm_gem_funcs;
	return &bo->base.base;
}

/**
 * vgpu_drm_dumb_create() - a dumb buffer the primary plane can scan out
 * @file: the DRM file
 * @drm: the DRM device
 * @args: the request; pitch and size are filled in
 *
 * PLANE_STRIDE counts 64-byte units, so the pitch is rounded up to one.
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args)
{
	u64 pitch, size;

	pitch = ALIGN(DIV_ROUND_UP((u64)args->width * args->bpp, 8),
		      VGPU_PLANE_STRIDE_UNIT);
	size = PAGE_ALIGN(pitch * args->height);
	if (!size || pitch > U32_MAX || size > U32_MAX)
		return -EINVAL;
	args->pitch = pitch;
	args->size = size;
	return drm_gem_shmem_dumb_create(file, drm, args);
}

/**
 * vgpu_drm_bo_bind() - map @bo into the slice (counted)
 * @vdev: the device
 * @bo: the object
 *
 * The GGTT entries take the DMA addresses of a scatter list mapped for the
 * vGPU's PCI device: the shmem helpers' own mapping for our objects (pages
 * stay pinned from then until the object is freed), the attachment's
 * mapping for imported dma-bufs.
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_bo_bind(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct sg_table *sgt;
	int ret = 0;

	if (obj->import_attach)
		sgt = bo->base.sgt;
	else
		sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);
	if (!sgt)
		return -EINVAL;

	mutex_lock(&vdev->ggtt.lock);
	if (!bo->bind_count)
		ret = vgpu_drm_ggtt_insert(&vdev->ggtt, bo, sgt);
	if (!ret)
		bo->bind_count++;
	mutex_unlock(&vdev->ggtt.lock);
	if (ret)
		drm_dbg_kms(&vdev->drm, "cannot bind %zu bytes: %d\n",
			    obj->size, ret);
	return ret;
}

/**
 * vgpu_drm_bo_unbind() - drop one use of @bo's mapping
 * @vdev: the device
 * @bo: a bound object
 *
 * The last use clears the entries: callers guarantee that no plane scans
 * the object out any more, nor is about to.
 */
void vgpu_drm_bo_unbind(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo)
{
	mutex_lock(&vdev->ggtt.lock);
	if (!drm_WARN_ON(&vdev->drm, !bo->bind_count) && !--bo->bind_count)
		vgpu_drm_ggtt_remove(&vdev->ggtt, bo);
	mutex_unlock(&vdev->ggtt.lock);
}

/**
 * vgpu_drm_bo_gfx() - graphics address of a bound object
 * @vdev: the device
 * @bo: an object bound by the caller
 *
 * Return: the address of its first byte.
 */
u64 vgpu_drm_bo_gfx(struct vgpu_drm_device *vdev, struct vgpu_drm_bo *bo)
{
	u64 gfx;

	mutex_lock(&vdev->ggtt.lock);
	drm_WARN_ON(&vdev->drm, !bo->bind_count);
	gfx = bo->node.start;
	mutex_unlock(&vdev->ggtt.lock);
	return gfx;
}

/**
 * vgpu_drm_bo_bind_render() - keep @bo bound for the render uAPI
 * @vdev: the device
 * @bo: the object
 * @gfx: its graphics address
 *
 * The first call binds; the binding lasts until the object is freed, so
 * the address a client learnt stays valid for the object's life.
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_bo_bind_render(struct vgpu_drm_device *vdev,
			    struct vgpu_drm_bo *bo, u64 *gfx)
{
	bool bound;
	int ret;

	mutex_lock(&vdev->ggtt.lock);
	bound = bo->render_bound;
	*gfx = bo->node.start;
	mutex_unlock(&vdev->ggtt.lock);
	if (bound)
		return 0;

	ret = vgpu_drm_bo_bind(vdev, bo);
	if (ret)
		return ret;
	mutex_lock(&vdev->ggtt.lock);
	/* Two first uses raced: keep one of their bindings. */
	if (bo->render_bound)
		bo->bind_count--;
	bo->render_bound = true;
	*gfx = bo->node.start;
	mutex_unlock(&vdev->ggtt.lock);
	return 0;
}
