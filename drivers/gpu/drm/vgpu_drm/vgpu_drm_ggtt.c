// SPDX-License-Identifier: GPL-2.0
/*
 * The graphics address space. One drm_mm spans all 4 GiB the GGTT maps;
 * every address outside the vGPU's slice (the PV GM ranges) is held by a
 * reserved "balloon" node, so an allocation can only land inside the
 * slice, and a node never straddles two ranges (the gap between them is
 * taken). One allocator over the real address space, rather than one per
 * range, keeps graphics addresses equal to drm_mm offsets and lets a later
 * engine driver allocate rings and batches from the same pool.
 *
 * The GGTT update rules the driver follows are in docs/interface.md
 * section 2: 64-bit entry writes, a posting read after each update, and
 * no entry a displayed or pending plane uses is ever cleared (the callers
 * in vgpu_drm_gem.c unbind only when the last plane state using an object
 * is cleaned up, after its flip away completed).
 */
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/scatterlist.h>

#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "vgpu_drm_drv.h"

static u64 __iomem *vgpu_drm_pte(struct vgpu_drm_ggtt *ggtt, u64 gfx)
{
	return ggtt->gsm + (gfx >> VGPU_GTT_PAGE_SHIFT);
}

/* Read back one entry so the writes before it have reached the device. */
static void vgpu_drm_ggtt_post(struct vgpu_drm_ggtt *ggtt, u64 gfx)
{
	lockdep_assert_held(&ggtt->lock);
	readq(vgpu_drm_pte(ggtt, gfx));
}

static void vgpu_drm_ggtt_clear(struct vgpu_drm_ggtt *ggtt,
				struct drm_mm_node *node)
{
	u64 gfx;

	lockdep_assert_held(&ggtt->lock);
	if (!ggtt->gsm)
		return;
	for (gfx = node->start; gfx < node->start + node->size;
	     gfx += VGPU_GTT_PAGE_SIZE)
		writeq(0, vgpu_drm_pte(ggtt, gfx));
	vgpu_drm_ggtt_post(ggtt, node->start);
}

/**
 * vgpu_drm_ggtt_insert() - give @bo a place in the slice and map it
 * @ggtt: the address space
 * @bo: an unbound object
 * @sgt: its pages, DMA-mapped for the vGPU (own or imported)
 *
 * Every GTT page of the object gets an entry "DMA address | present"; a
 * scatter list shorter than the object leaves the rest not present.
 *
 * Return: 0, -ENOSPC when the slice is full, -ENODEV once the device is
 * gone, -EFAULT for a DMA address the PTE cannot hold.
 */
int vgpu_drm_ggtt_insert(struct vgpu_drm_ggtt *ggtt, struct vgpu_drm_bo *bo,
			 struct sg_table *sgt)
{
	struct drm_mm_node *node = &bo->node;
	u64 size = bo->base.base.size, gfx;
	struct sg_dma_page_iter iter;
	dma_addr_t addr;
	int ret;

	lockdep_assert_held(&ggtt->lock);
	if (!ggtt->gsm)
		return -ENODEV;
	ret = drm_mm_insert_node_generic(&ggtt->mm, node, size,
					 VGPU_GTT_PAGE_SIZE, 0,
					 DRM_MM_INSERT_BEST);
	if (ret)
		return ret;

	gfx = node->start;
	for_each_sgtable_dma_page(sgt, &iter, 0) {
		if (gfx >= node->start + node->size)
			break;
		addr = sg_page_iter_dma_address(&iter);
		if (addr & ~VGPU_GGTT_PTE_ADDR_MASK) {
			ret = -EFAULT;
			goto err_clear;
		}
		writeq(addr | VGPU_GGTT_PTE_PRESENT, vgpu_drm_pte(ggtt, gfx));
		gfx += VGPU_GTT_PAGE_SIZE;
	}
	vgpu_drm_ggtt_post(ggtt, node->start);
	list_add_tail(&bo->bound_link, &ggtt->bound);
	ggtt->bound_pages += node->size >> VGPU_GTT_PAGE_SHIFT;
	return 0;

err_clear:
	vgpu_drm_ggtt_clear(ggtt, node);
	drm_mm_remove_node(node);
	return ret;
}

/**
 * vgpu_drm_ggtt_remove() - clear @bo's entries and free its place
 * @ggtt: the address space
 * @bo: a bound object that no plane scans out or is about to
 */
void vgpu_drm_ggtt_remove(struct vgpu_drm_ggtt *ggtt, struct vgpu_drm_bo *bo)
{
	lockdep_assert_held(&ggtt->lock);
	vgpu_drm_ggtt_clear(ggtt, &bo->node);
	ggtt->bound_pages -= bo->node.size >> VGPU_GTT_PAGE_SHIFT;
	list_del_init(&bo->bound_link);
	drm_mm_remove_node(&bo->node);
}

/**
 * vgpu_drm_ggtt_hw_fini() - the device goes away: clear every entry
 * @ggtt: the address space
 *
 * Called at remove once the pipes are off. Objects that are still bound
 * (a client kept a framebuffer on a plane) keep their drm_mm nodes until
 * they are unbound or freed, but their entries are cleared now so the
 * host unpins the pages; no entry is written after this.
 */
void vgpu_drm_ggtt_hw_fini(struct vgpu_drm_ggtt *ggtt)
{
	struct vgpu_drm_bo *bo;

	mutex_lock(&ggtt->lock);
	list_for_each_entry(bo, &ggtt->bound, bound_link)
		vgpu_drm_ggtt_clear(ggtt, &bo->node);
	ggtt->gsm = NULL;
	mutex_unlock(&ggtt->lock);
}

static void vgpu_drm_ggtt_release(struct drm_device *drm, void *data)
{
	struct vgpu_drm_ggtt *ggtt = data;
	unsigned int i;

	/* Every object is freed by now: each holds a reference on @drm. */
	for (i = 0; i < ggtt->num_balloons; i++)
		drm_mm_remove_node(&ggtt->balloon[i]);
	drm_mm_takedown(&ggtt->mm);
}

/* Reserve [start, end) of the address space. */
static int vgpu_drm_ggtt_balloon(struct vgpu_drm_ggtt *ggtt, u64 start,
				 u64 end)
{
	struct drm_mm_node *node = &ggtt->balloon[ggtt->num_balloons];
	int ret;

	if (start == end)
		return 0;
	node->start = start;
	node->size = end - start;
	ret = drm_mm_reserve_node(&ggtt->mm, node);
	if (!ret)
		ggtt->num_balloons++;
	return ret;
}

/**
 * vgpu_drm_ggtt_init() - the address space with everything but the slice
 *			  ballooned out
 * @vdev: the device, vdev->pv read and its ranges checked and sorted
 *
 * Return: 0 or a negative errno.
 */
int vgpu_drm_ggtt_init(struct vgpu_drm_device *vdev)
{
	struct vgpu_drm_ggtt *ggtt = &vdev->ggtt;
	const struct vgpu_drm_pv *pv = &vdev->pv;
	u64 next = 0;
	unsigned int i;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != VGPU_GTT_PAGE_SIZE);
	ret = drmm_mutex_init(&vdev->drm, &ggtt->lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&ggtt->bound);
	ggtt->gsm = vdev->mmio + VGPU_GGTT_OFFSET;
	drm_mm_init(&ggtt->mm, 0, VGPU_GFX_ADDR_SPACE_SIZE);
	ret = drmm_add_action_or_reset(&vdev->drm, vgpu_drm_ggtt_release, ggtt);
	if (ret)
		return ret;

	for (i = 0; i < pv->num_ranges; i++) {
		ret = vgpu_drm_ggtt_balloon(ggtt, next, pv->ranges[i].base);
		if (ret)
			goto err;
		next = pv->ranges[i].base + pv->ranges[i].size;
	}
	ret = vgpu_drm_ggtt_balloon(ggtt, next, VGPU_GFX_ADDR_SPACE_SIZE);
	if (ret)
		goto err;
	return 0;

err:
	drm_err(&vdev->drm, "cannot balloon the GGTT outside the slice: %d\n",
		ret);
	return ret;
}
