// SPDX-License-Identifier: GPL-2.0
/*
 * Buffer objects for host clients: zeroed host pages, a graphics address
 * range of the same size mapping them, and a CPU mapping of the whole
 * buffer. Written only against the interface, so they work on any back
 * end.
 */
#include <linux/err.h>
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <vgpu/refgpu.h>

#include "module.h"

atomic64_t refgpu_bo_pages = ATOMIC64_INIT(0);

static void refgpu_bo_free_pages(struct refgpu_bo *bo)
{
	unsigned int i;

	for (i = 0; i < bo->npages; i++)
		if (bo->pages[i])
			__free_page(bo->pages[i]);
	atomic64_sub(bo->npages, &refgpu_bo_pages);
	kvfree(bo->pages);
}

/**
 * refgpu_bo_create() - allocate and map a buffer
 * @gpu: the GPU
 * @size: bytes, rounded up to 4 KiB
 *
 * Context: may sleep.
 * Return: the buffer, or an ERR_PTR (-EINVAL, -ENOMEM, -ENOSPC).
 */
struct refgpu_bo *refgpu_bo_create(struct refgpu *gpu, size_t size)
{
	struct refgpu_bo *bo;
	unsigned int i;
	int ret;

	size = PAGE_ALIGN(size);
	if (!size || size > gpu->gfx_size || size >> PAGE_SHIFT > UINT_MAX)
		return ERR_PTR(-EINVAL);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->gpu = gpu;
	bo->size = size;
	bo->npages = size >> PAGE_SHIFT;
	bo->pages = kvcalloc(bo->npages, sizeof(*bo->pages), GFP_KERNEL);
	if (!bo->pages) {
		kfree(bo);
		return ERR_PTR(-ENOMEM);
	}
	atomic64_add(bo->npages, &refgpu_bo_pages);

	ret = -ENOMEM;
	for (i = 0; i < bo->npages; i++) {
		bo->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!bo->pages[i])
			goto err_pages;
	}
	bo->vaddr = vmap(bo->pages, bo->npages, VM_MAP, PAGE_KERNEL);
	if (!bo->vaddr)
		goto err_pages;

	bo->range = refgpu_range_reserve(gpu, 0, size, 0, 0);
	if (IS_ERR(bo->range)) {
		ret = PTR_ERR(bo->range);
		goto err_vunmap;
	}
	bo->gfx_addr = bo->range->start;
	for (i = 0; i < bo->npages; i++) {
		ret = refgpu_pte_set_page(bo->range,
					  bo->gfx_addr + ((u64)i << PAGE_SHIFT),
					  bo->pages[i]);
		if (ret)
			goto err_release;
	}
	return bo;

err_release:
	refgpu_range_release(bo->range);
err_vunmap:
	vunmap(bo->vaddr);
err_pages:
	refgpu_bo_free_pages(bo);
	kfree(bo);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(refgpu_bo_create);

/**
 * refgpu_bo_destroy() - unmap and free a buffer
 * @bo: the buffer; no engine may still be using it on purpose: its range
 *	is cleared and flushed before the pages go
 *
 * Context: may sleep.
 */
void refgpu_bo_destroy(struct refgpu_bo *bo)
{
	refgpu_range_release(bo->range);
	vunmap(bo->vaddr);
	refgpu_bo_free_pages(bo);
	kfree(bo);
}
EXPORT_SYMBOL_GPL(refgpu_bo_destroy);
