// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU types: fixed partitions of a GPU, GVT-g style. A type says how much
 * graphics memory (the slice), which share of the engines (the default
 * scheduler weight), how many display heads and which engines a vGPU
 * gets. Slices come out of VGPU_GFX_BUDGET of the GPU's graphics address
 * space; the rest stays with the host (shadow rings, batch copies, the
 * native path).
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "vgpu_drv.h"

#define VGPU_BOTH_ENGINES	(VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER) | \
				 VGPU_ENGINE_MASK(VGPU_ENGINE_COPY))

static const struct vgpu_type_desc vgpu_type_table[] = {
	{
		.name = "small", .gfx_size = 64ULL << 20, .weight = 25,
		.heads = 1, .max_width = 1920, .max_height = 1080,
		.engine_mask = VGPU_BOTH_ENGINES,
	}, {
		.name = "medium", .gfx_size = 256ULL << 20, .weight = 50,
		.heads = 2, .max_width = 2560, .max_height = 1600,
		.engine_mask = VGPU_BOTH_ENGINES,
	}, {
		.name = "large", .gfx_size = 1ULL << 30, .weight = 100,
		.heads = 4, .max_width = 3840, .max_height = 2160,
		.engine_mask = VGPU_BOTH_ENGINES,
	}, {
		.name = "copy", .gfx_size = 32ULL << 20, .weight = 10,
		.heads = 0, .max_width = 0, .max_height = 0,
		.engine_mask = VGPU_ENGINE_MASK(VGPU_ENGINE_COPY),
	},
};

int vgpu_types_init(struct vgpu_gpu *gpu)
{
	unsigned int i, n = ARRAY_SIZE(vgpu_type_table);

	gpu->types = kcalloc(n, sizeof(*gpu->types), GFP_KERNEL);
	gpu->type_ptrs = kcalloc(n, sizeof(*gpu->type_ptrs), GFP_KERNEL);
	if (!gpu->types || !gpu->type_ptrs) {
		vgpu_types_fini(gpu);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		gpu->types[i].desc = &vgpu_type_table[i];
		gpu->types[i].gpu = gpu;
		gpu->types[i].mtype.sysfs_name = vgpu_type_table[i].name;
		gpu->type_ptrs[i] = &gpu->types[i].mtype;
	}
	return n;
}

void vgpu_types_fini(struct vgpu_gpu *gpu)
{
	kfree(gpu->type_ptrs);
	kfree(gpu->types);
	gpu->type_ptrs = NULL;
	gpu->types = NULL;
}

static struct vgpu_type *to_vgpu_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct vgpu_type, mtype);
}

/* Instances of @desc that still fit (gpu->lock held). */
static unsigned int vgpu_type_fit(struct vgpu_gpu *gpu,
				  const struct vgpu_type_desc *desc)
{
	u64 left = VGPU_GFX_BUDGET - gpu->gfx_used;

	lockdep_assert_held(&gpu->lock);
	return min_t(u64, VGPU_MAX_INSTANCES - gpu->nr_vgpus,
		     div64_u64(left, desc->gfx_size));
}

unsigned int vgpu_type_available(struct mdev_type *mtype)
{
	struct vgpu_type *type = to_vgpu_type(mtype);
	unsigned int n;

	mutex_lock(&type->gpu->lock);
	n = vgpu_type_fit(type->gpu, type->desc);
	mutex_unlock(&type->gpu->lock);
	return n;
}

ssize_t vgpu_type_description(struct mdev_type *mtype, char *buf)
{
	const struct vgpu_type_desc *d = to_vgpu_type(mtype)->desc;

	return sysfs_emit(buf,
			  "graphics memory: %llu MiB\nweight: %u\nheads: %u\nmax resolution: %ux%u\nengines:%s%s\n",
			  d->gfx_size >> 20, d->weight, d->heads,
			  d->max_width, d->max_height,
			  d->engine_mask & VGPU_ENGINE_MASK(VGPU_ENGINE_RENDER) ?
			  " render" : "",
			  d->engine_mask & VGPU_ENGINE_MASK(VGPU_ENGINE_COPY) ?
			  " copy" : "");
}

/**
 * vgpu_slice_alloc() - take a vGPU's share of its GPU
 * @vgpu: the new vGPU, with @vgpu->type and @vgpu->gpu set
 *
 * Accounts an instance and the type's graphics memory, reserves the slice
 * (aligned to its size, so slices never straddle each other's alignment)
 * and assigns the vGPU number.
 *
 * Return: 0, -ENOSPC when the type does not fit any more, or another errno.
 */
int vgpu_slice_alloc(struct vgpu *vgpu)
{
	const struct vgpu_type_desc *desc = vgpu->type->desc;
	struct vgpu_gpu *gpu = vgpu->gpu;
	struct refgpu_range *range;
	int id;

	mutex_lock(&gpu->lock);
	if (!vgpu_type_fit(gpu, desc)) {
		mutex_unlock(&gpu->lock);
		return -ENOSPC;
	}
	id = ida_alloc_max(&gpu->ids, VGPU_MAX_INSTANCES - 1, GFP_KERNEL);
	if (id < 0) {
		mutex_unlock(&gpu->lock);
		return id;
	}
	gpu->gfx_used += desc->gfx_size;
	gpu->nr_vgpus++;
	mutex_unlock(&gpu->lock);

	range = refgpu_range_reserve(gpu->rgpu, 0, desc->gfx_size,
				     desc->gfx_size, 0);
	if (IS_ERR(range)) {
		mutex_lock(&gpu->lock);
		gpu->gfx_used -= desc->gfx_size;
		gpu->nr_vgpus--;
		ida_free(&gpu->ids, id);
		mutex_unlock(&gpu->lock);
		return PTR_ERR(range);
	}
	vgpu->gtt.range = range;
	vgpu->id = id;
	return 0;
}

/**
 * vgpu_slice_free() - give a vGPU's share back
 * @vgpu: a vGPU whose vgpu_slice_alloc() succeeded; every entry of its slice
 *	must be unpinned already (the range release clears and flushes)
 */
void vgpu_slice_free(struct vgpu *vgpu)
{
	struct vgpu_gpu *gpu = vgpu->gpu;

	refgpu_range_release(vgpu->gtt.range);
	vgpu->gtt.range = NULL;
	mutex_lock(&gpu->lock);
	gpu->gfx_used -= vgpu->type->desc->gfx_size;
	gpu->nr_vgpus--;
	ida_free(&gpu->ids, vgpu->id);
	mutex_unlock(&gpu->lock);
}

/**
 * vgpu_slice_move() - give a vGPU the slice at @start instead of its own
 * @vgpu: the vGPU, without a GGTT entry set (a migration destination,
 *	just reset)
 * @start: graphics address the slice must start at, untrusted
 *
 * A guest's commands hold graphics addresses: a migrated guest needs the
 * slice it had. The new range is reserved before the old one is released,
 * so a failure leaves the vGPU as it was.
 *
 * Return: 0, -EINVAL for an address no slice of the type can have,
 * -EBUSY when the range is in use on this GPU, or another errno.
 */
int vgpu_slice_move(struct vgpu *vgpu, u64 start)
{
	u64 size = vgpu->type->desc->gfx_size;
	struct refgpu_range *range;

	/* Frees the old range: its readers hold vgpu->lock. */
	lockdep_assert_held(&vgpu->lock);
	if (!IS_ALIGNED(start, size) || start >= vgpu->gpu->rgpu->gfx_size ||
	    size > vgpu->gpu->rgpu->gfx_size - start)
		return -EINVAL;
	range = refgpu_range_reserve(vgpu->gpu->rgpu, start, size, size,
				     REFGPU_RANGE_FIXED);
	if (IS_ERR(range))
		return PTR_ERR(range);
	refgpu_range_release(vgpu->gtt.range);
	vgpu->gtt.range = range;
	return 0;
}
