// SPDX-License-Identifier: GPL-2.0
/*
 * Framebuffers pinned for display. A plane the guest commits is resolved
 * through the vGPU's GGTT shadow page by page; each guest page gets a pin
 * of its own with vfio_pin_pages() (the GGTT entry's pin may go away while
 * the plane is still shown or exported) and a page reference. The pins
 * are dropped by vgpu_fb_unpin() under vgpu->lock (flip, disable, reset,
 * close, dma_unmap); the page references only when the last user of the
 * fb (a plane slot, a dma-buf or a pipe CRC computation) lets go, so a
 * mapping made from the pages never outlives them.
 */
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vgpu_drv.h"

/* Most pages one vfio_pin_pages() call takes (its own limit). */
#define VGPU_FB_PIN_BATCH	512

static void vgpu_fb_free(struct kref *ref)
{
	struct vgpu_fb *fb = container_of(ref, struct vgpu_fb, ref);
	u32 i;

	WARN_ON(fb->pinned);
	/* No page array when its allocation failed. */
	for (i = 0; fb->pages && i < fb->npages; i++)
		if (fb->pages[i])
			put_page(fb->pages[i]);
	kvfree(fb->pages);
	kvfree(fb->iova);
	kfree(fb);
}

void vgpu_fb_put(struct vgpu_fb *fb)
{
	if (fb)
		kref_put(&fb->ref, vgpu_fb_free);
}

/* Pages [@first, @first + @n) of @fb have IOVAs one page apart. */
static u32 vgpu_fb_run(const struct vgpu_fb *fb, u32 first, u32 limit)
{
	u32 n = 1;

	while (first + n < fb->npages && n < limit &&
	       fb->iova[first + n] == fb->iova[first] + ((u64)n << PAGE_SHIFT))
		n++;
	return n;
}

static void vgpu_fb_unpin_range(struct vgpu *vgpu, struct vgpu_fb *fb,
				u32 npages)
{
	u32 i, n;

	for (i = 0; i < npages; i += n) {
		n = vgpu_fb_run(fb, i, min_t(u32, npages - i,
					     VGPU_FB_PIN_BATCH));
		vfio_unpin_pages(&vgpu->vdev, fb->iova[i], n);
	}
	vgpu->stats.disp_pinned -= npages;
}

/**
 * vgpu_fb_pin() - pin the pages of a checked plane
 * @vgpu: the vGPU (vgpu->lock held)
 * @desc: the plane; its bytes lie inside the slice
 * @error: set to the enum vgpu_display_error on failure
 *
 * Return: the fb, on vgpu->display.fbs with one reference for the caller,
 * or NULL.
 */
struct vgpu_fb *vgpu_fb_pin(struct vgpu *vgpu,
			    const struct vgpu_plane_desc *desc, u32 *error)
{
	struct vgpu_fb *fb;
	u32 i, n;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	*error = VGPU_DISPLAY_ERR_HOST;
	fb = kzalloc(sizeof(*fb), GFP_KERNEL);
	if (!fb)
		return NULL;
	kref_init(&fb->ref);
	fb->desc = *desc;
	fb->npages = DIV_ROUND_UP(desc->size, PAGE_SIZE);
	fb->iova = kvcalloc(fb->npages, sizeof(*fb->iova), GFP_KERNEL);
	fb->pages = kvcalloc(fb->npages, sizeof(*fb->pages), GFP_KERNEL);
	if (!fb->iova || !fb->pages)
		goto err_free;

	for (i = 0; i < fb->npages; i++) {
		if (!vgpu_gtt_lookup(vgpu, desc->gfx + ((u64)i << PAGE_SHIFT),
				     &fb->iova[i])) {
			*error = VGPU_DISPLAY_ERR_UNMAPPED;
			goto err_free;
		}
	}
	for (i = 0; i < fb->npages; i += n) {
		n = vgpu_fb_run(fb, i, VGPU_FB_PIN_BATCH);
		ret = vfio_pin_pages(&vgpu->vdev, fb->iova[i], n,
				     IOMMU_READ | IOMMU_WRITE, &fb->pages[i]);
		if (ret != n) {
			if (ret > 0)
				vfio_unpin_pages(&vgpu->vdev, fb->iova[i], ret);
			vgpu->stats.disp_pinned += i;
			vgpu_fb_unpin_range(vgpu, fb, i);
			/*
			 * The pins were the only references so far (a
			 * partial batch's too): nothing for the free to put.
			 */
			memset(fb->pages, 0, fb->npages * sizeof(*fb->pages));
			goto err_free;
		}
	}
	for (i = 0; i < fb->npages; i++)
		get_page(fb->pages[i]);
	vgpu->stats.disp_pinned += fb->npages;
	fb->pinned = true;
	/* The list's reference; dropped by vgpu_fb_unpin(). */
	kref_get(&fb->ref);
	list_add_tail(&fb->node, &vgpu->display.fbs);
	*error = VGPU_DISPLAY_OK;
	return fb;

err_free:
	vgpu_fb_put(fb);
	return NULL;
}

/**
 * vgpu_fb_unpin() - drop the pins of @fb and take it off vgpu->display.fbs
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: a pinned fb; nothing may map its pages through the plane regions
 *	or its dma-bufs any more (vgpu_display_map_set(),
 *	vgpu_dmabuf_revoke_fb())
 */
void vgpu_fb_unpin(struct vgpu *vgpu, struct vgpu_fb *fb)
{
	lockdep_assert_held(&vgpu->lock);
	if (!fb->pinned)
		return;
	/* A pipe CRC reading the pages stops before the pins go. */
	vgpu_crc_fb_unpin(vgpu, fb);
	vgpu_fb_unpin_range(vgpu, fb, fb->npages);
	fb->pinned = false;
	list_del(&fb->node);
	vgpu_fb_put(fb);
}

/**
 * vgpu_fb_matches() - would pinning @desc give @fb again?
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: a framebuffer
 * @desc: a checked plane
 *
 * Return: true when @fb is pinned, shows the same plane and the GGTT
 * still maps every one of its pages to the same guest page; re-committing
 * an unchanged plane then costs no pins and keeps its dma-buf id.
 */
bool vgpu_fb_matches(struct vgpu *vgpu, const struct vgpu_fb *fb,
		     const struct vgpu_plane_desc *desc)
{
	dma_addr_t iova;
	u32 i;

	lockdep_assert_held(&vgpu->lock);
	if (!fb->pinned || fb->desc.gfx != desc->gfx ||
	    fb->desc.drm_format != desc->drm_format ||
	    fb->desc.width != desc->width || fb->desc.height != desc->height ||
	    fb->desc.stride != desc->stride || fb->desc.size != desc->size)
		return false;
	for (i = 0; i < fb->npages; i++)
		if (!vgpu_gtt_lookup(vgpu, desc->gfx + ((u64)i << PAGE_SHIFT),
				     &iova) || iova != fb->iova[i])
			return false;
	return true;
}

/* Does @fb show a page of guest memory [@iova, @iova + @length)? */
bool vgpu_fb_uses_iova(const struct vgpu_fb *fb, u64 iova, u64 length)
{
	u32 i;

	for (i = 0; i < fb->npages; i++)
		if (fb->iova[i] >= iova && fb->iova[i] - iova < length)
			return true;
	return false;
}
