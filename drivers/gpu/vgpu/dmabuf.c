// SPDX-License-Identifier: GPL-2.0
/*
 * Handing planes to the VMM: VFIO_DEVICE_QUERY_GFX_PLANE for both display
 * protocols, and for DMABUF the dma-buf objects behind the ids it returns.
 * An object stands for one shown framebuffer of head 0; QUERY makes it,
 * GET_GFX_DMABUF exports it as a dma-buf backed by the pinned guest pages.
 * Revoking an object (reset, close, dma_unmap of its memory) removes its
 * CPU mappings and points it at a zeroed page of its own (importers may
 * let devices write to it, so never the shared zero page); its page
 * references stay until the dma-buf is released, so importers never see
 * pages freed.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <vgpu/linux_compat.h>
#include <drm/drm_plane.h>

#include "vgpu_drv.h"

MODULE_IMPORT_NS(DMA_BUF);

/* QUERY_GFX_PLANE flags that name a protocol. */
#define VGPU_GFX_PLANE_TYPES	(VFIO_GFX_PLANE_TYPE_DMABUF | \
				 VFIO_GFX_PLANE_TYPE_REGION)

/**
 * struct vgpu_dmabuf - a framebuffer as a dma-buf (one per shown fb)
 * @ref: one for vgpu->display.dmabufs, one for the dma-buf while exported
 * @node: in vgpu->display.dmabufs until reaped (revoked and released, or no
 *	longer shown and not exported) or the vGPU closes; while on it,
 *	@vgpu is set
 * @id: the dmabuf_id QUERY_GFX_PLANE returned
 * @fb: the framebuffer (a reference)
 * @lock: protects @buf, @vgpu and @revoked against faults and release
 * @buf: the exported dma-buf, NULL when not exported
 * @vgpu: the vGPU while it is open; NULL afterwards
 * @count: the vGPU's count of live dma-bufs (a reference)
 * @revoked: the guest pages are gone: use @dummy instead
 * @dummy: a zeroed page of this object's own
 */
struct vgpu_dmabuf {
	struct kref ref;
	struct list_head node;
	u32 id;
	struct vgpu_fb *fb;
	struct mutex lock;		/* see above */
	struct dma_buf *buf;
	struct vgpu *vgpu;
	struct vgpu_dmabuf_count *count;
	bool revoked;
	struct page *dummy;
};

static void vgpu_dmabuf_count_free(struct kref *ref)
{
	kfree(container_of(ref, struct vgpu_dmabuf_count, ref));
}

struct vgpu_dmabuf_count *vgpu_dmabuf_count_alloc(void)
{
	struct vgpu_dmabuf_count *count = kzalloc(sizeof(*count), GFP_KERNEL);

	if (count)
		kref_init(&count->ref);
	return count;
}

void vgpu_dmabuf_count_put(struct vgpu_dmabuf_count *count)
{
	kref_put(&count->ref, vgpu_dmabuf_count_free);
}

static void vgpu_dmabuf_free(struct kref *ref)
{
	struct vgpu_dmabuf *obj = container_of(ref, struct vgpu_dmabuf, ref);

	vgpu_fb_put(obj->fb);
	vgpu_dmabuf_count_put(obj->count);
	__free_page(obj->dummy);
	mutex_destroy(&obj->lock);
	kfree(obj);
}

static void vgpu_dmabuf_put(struct vgpu_dmabuf *obj)
{
	kref_put(&obj->ref, vgpu_dmabuf_free);
}

/* The page at @i; obj->lock held. */
static struct page *vgpu_dmabuf_page(struct vgpu_dmabuf *obj, u32 i)
{
	lockdep_assert_held(&obj->lock);
	return obj->revoked ? obj->dummy : obj->fb->pages[i];
}

/* A copy of the page list (the dummy page once revoked); obj->lock held. */
static struct page **vgpu_dmabuf_pages(struct vgpu_dmabuf *obj)
{
	struct page **pages;
	u32 i;

	lockdep_assert_held(&obj->lock);
	pages = kvmalloc_array(obj->fb->npages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < obj->fb->npages; i++)
		pages[i] = vgpu_dmabuf_page(obj, i);
	return pages;
}

static struct sg_table *vgpu_dmabuf_map(struct dma_buf_attachment *at,
					enum dma_data_direction dir)
{
	struct vgpu_dmabuf *obj = at->dmabuf->priv;
	struct page **pages;
	struct sg_table *sgt;
	int ret = -ENOMEM;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&obj->lock);
	pages = vgpu_dmabuf_pages(obj);
	mutex_unlock(&obj->lock);
	if (!pages)
		goto err_free;
	ret = sg_alloc_table_from_pages(sgt, pages, obj->fb->npages, 0,
					(u64)obj->fb->npages << PAGE_SHIFT,
					GFP_KERNEL);
	kvfree(pages);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(at->dev, sgt, dir, 0);
	if (ret)
		goto err_table;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void vgpu_dmabuf_unmap(struct dma_buf_attachment *at,
			      struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_unmap_sgtable(at->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

static vm_fault_t vgpu_dmabuf_fault(struct vm_fault *vmf)
{
	struct vgpu_dmabuf *obj = vmf->vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&obj->lock);
	if (vmf->pgoff < obj->fb->npages)
		ret = vmf_insert_pfn(vmf->vma, vmf->address,
				     page_to_pfn(vgpu_dmabuf_page(obj,
								  vmf->pgoff)));
	mutex_unlock(&obj->lock);
	return ret;
}

static const struct vm_operations_struct vgpu_dmabuf_vm_ops = {
	.fault = vgpu_dmabuf_fault,
};

/* Read-only: a display buffer is not the VMM's to write. */
static int vgpu_dmabuf_mmap(struct dma_buf *buf, struct vm_area_struct *vma)
{
	struct vgpu_dmabuf *obj = buf->priv;

	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	if (vma->vm_pgoff + vma_pages(vma) > obj->fb->npages)
		return -EINVAL;
	vm_flags_clear(vma, VM_MAYWRITE);
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vgpu_dmabuf_vm_ops;
	vma->vm_private_data = obj;
	return 0;
}

static int vgpu_dmabuf_vmap(struct dma_buf *buf, struct iosys_map *map)
{
	struct vgpu_dmabuf *obj = buf->priv;
	struct page **pages;
	void *va;

	mutex_lock(&obj->lock);
	pages = vgpu_dmabuf_pages(obj);
	mutex_unlock(&obj->lock);
	if (!pages)
		return -ENOMEM;
	va = vmap(pages, obj->fb->npages, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	if (!va)
		return -ENOMEM;
	iosys_map_set_vaddr(map, va);
	return 0;
}

static void vgpu_dmabuf_vunmap(struct dma_buf *buf, struct iosys_map *map)
{
	vunmap(map->vaddr);
}

static void vgpu_dmabuf_release(struct dma_buf *buf)
{
	struct vgpu_dmabuf *obj = buf->priv;

	mutex_lock(&obj->lock);
	/* A dying dma-buf may already have been replaced (see GET). */
	if (obj->buf == buf)
		obj->buf = NULL;
	atomic_dec(&obj->count->live);
	/* The framebuffer may be unused now: unpin it. */
	if (obj->vgpu)
		queue_work(vgpu_wq, &obj->vgpu->display.reap_work);
	mutex_unlock(&obj->lock);
	vgpu_dmabuf_put(obj);
}

static const struct dma_buf_ops vgpu_dmabuf_ops = {
	.map_dma_buf = vgpu_dmabuf_map,
	.unmap_dma_buf = vgpu_dmabuf_unmap,
	.mmap = vgpu_dmabuf_mmap,
	.vmap = vgpu_dmabuf_vmap,
	.vunmap = vgpu_dmabuf_vunmap,
	.release = vgpu_dmabuf_release,
};

/*
 * Drop the list's reference of @obj. Off the list it no longer refers to
 * the vGPU: a release that comes later must not touch it.
 */
static void vgpu_dmabuf_unlist(struct vgpu_dmabuf *obj)
{
	mutex_lock(&obj->lock);
	obj->vgpu = NULL;
	mutex_unlock(&obj->lock);
	list_del(&obj->node);
	vgpu_dmabuf_put(obj);
}

/**
 * vgpu_dmabuf_fb_exported() - is a dma-buf of @fb open?
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: the framebuffer
 *
 * Return: true while a dma-buf exported from @fb is alive.
 */
bool vgpu_dmabuf_fb_exported(struct vgpu *vgpu, struct vgpu_fb *fb)
{
	struct vgpu_dmabuf *obj;
	bool exported = false;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry(obj, &vgpu->display.dmabufs, node) {
		if (obj->fb != fb)
			continue;
		mutex_lock(&obj->lock);
		exported |= !!obj->buf;
		mutex_unlock(&obj->lock);
	}
	return exported;
}

/**
 * vgpu_dmabuf_reap() - forget objects that can no longer be asked for
 * @vgpu: the vGPU (vgpu->lock held)
 *
 * An object is kept while its framebuffer is shown on head 0 (QUERY
 * returns its id) or while it is exported.
 */
void vgpu_dmabuf_reap(struct vgpu *vgpu)
{
	struct vgpu_dmabuf *obj, *tmp;
	struct vgpu_head *head = &vgpu->display.head[0];
	bool keep;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry_safe(obj, tmp, &vgpu->display.dmabufs, node) {
		mutex_lock(&obj->lock);
		keep = obj->buf ||
		       (!obj->revoked &&
			(obj->fb == head->plane[VGPU_PLANE_PRIMARY].shown ||
			 obj->fb == head->plane[VGPU_PLANE_CURSOR].shown));
		mutex_unlock(&obj->lock);
		if (!keep)
			vgpu_dmabuf_unlist(obj);
	}
}

/**
 * vgpu_dmabuf_revoke_fb() - the guest pages of @fb are going away
 * @vgpu: the vGPU (vgpu->lock held)
 * @fb: the framebuffer, about to be unpinned
 *
 * Every object of @fb is revoked: its CPU mappings are removed (they
 * fault in the zero page afterwards) and its id is no longer valid. An
 * exported one stays on the list until its release, so the vGPU still
 * knows about it when it closes.
 */
void vgpu_dmabuf_revoke_fb(struct vgpu *vgpu, struct vgpu_fb *fb)
{
	struct vgpu_dmabuf *obj;
	struct file *file;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry(obj, &vgpu->display.dmabufs, node) {
		if (obj->fb != fb)
			continue;
		mutex_lock(&obj->lock);
		obj->revoked = true;
		/* A dma-buf on its way out has no mappings left to remove. */
		file = obj->buf ? get_file_active(&obj->buf->file) : NULL;
		if (file)
			unmap_mapping_range(file->f_mapping, 0, 0, 1);
		mutex_unlock(&obj->lock);
		if (file)
			fput(file);
	}
	vgpu_dmabuf_reap(vgpu);
}

/**
 * vgpu_dmabuf_detach_all() - the vGPU closes: objects forget it
 * @vgpu: the vGPU (vgpu->lock held, every object already revoked)
 */
void vgpu_dmabuf_detach_all(struct vgpu *vgpu)
{
	struct vgpu_dmabuf *obj, *tmp;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry_safe(obj, tmp, &vgpu->display.dmabufs, node)
		vgpu_dmabuf_unlist(obj);
}

/* The object with @id; revoked ones cannot be asked for any more. */
static struct vgpu_dmabuf *vgpu_dmabuf_find(struct vgpu *vgpu, u32 id)
{
	struct vgpu_dmabuf *obj;

	list_for_each_entry(obj, &vgpu->display.dmabufs, node)
		if (obj->id == id && !obj->revoked)
			return obj;
	return NULL;
}

/* The object of the shown framebuffer @fb, made on first use. */
static struct vgpu_dmabuf *vgpu_dmabuf_of(struct vgpu *vgpu,
					  struct vgpu_fb *fb)
{
	struct vgpu_dmabuf *obj;

	list_for_each_entry(obj, &vgpu->display.dmabufs, node)
		if (obj->fb == fb && !obj->revoked)
			return obj;
	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return NULL;
	obj->dummy = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!obj->dummy) {
		kfree(obj);
		return NULL;
	}
	kref_init(&obj->ref);
	mutex_init(&obj->lock);
	obj->fb = vgpu_fb_get(fb);
	obj->vgpu = vgpu;
	obj->count = vgpu->display.live_dmabufs;
	kref_get(&obj->count->ref);
	obj->id = vgpu->display.next_dmabuf_id++;
	if (!vgpu->display.next_dmabuf_id)
		vgpu->display.next_dmabuf_id = 1;
	list_add_tail(&obj->node, &vgpu->display.dmabufs);
	return obj;
}

/* Cursor position: sign and magnitude, negative clamped to 0. */
static u32 vgpu_curpos(u32 pos, u32 sign, u32 mask, u32 shift)
{
	return pos & sign ? 0 : (pos & mask) >> shift;
}

static int vgpu_query_fill(struct vgpu *vgpu, u32 flags,
			   struct vfio_device_gfx_plane_info *info)
{
	enum vgpu_plane_id p = info->drm_plane_type == DRM_PLANE_TYPE_CURSOR ?
			       VGPU_PLANE_CURSOR : VGPU_PLANE_PRIMARY;
	struct vgpu_fb *fb = vgpu->display.head[0].plane[p].shown;
	u32 pos, hot, *regs = vgpu->display.regs[0];
	struct vgpu_dmabuf *obj;

	/* The request as given, nothing shown, no hotspot (VFIO's U32_MAX). */
	*info = (struct vfio_device_gfx_plane_info) {
		.argsz = info->argsz,
		.flags = info->flags,
		.drm_plane_type = info->drm_plane_type,
		.x_hot = U32_MAX,
		.y_hot = U32_MAX,
	};
	if (!fb)
		return 0;
	if (flags & VFIO_GFX_PLANE_TYPE_DMABUF) {
		obj = vgpu_dmabuf_of(vgpu, fb);
		if (!obj)
			return -ENOMEM;
		info->dmabuf_id = obj->id;
	} else {
		info->region_index = p == VGPU_PLANE_PRIMARY ?
				     VGPU_VFIO_REGION_PRIMARY(0) :
				     VGPU_VFIO_REGION_CURSOR(0);
	}
	info->drm_format = fb->desc.drm_format;
	info->width = fb->desc.width;
	info->height = fb->desc.height;
	info->stride = fb->desc.stride;
	info->size = fb->desc.size;
	if (p == VGPU_PLANE_PRIMARY) {
		pos = regs[VGPU_DISP_PLANE_POS];
		info->x_pos = pos & VGPU_PLANE_XY_X_MASK;
		info->y_pos = (pos & VGPU_PLANE_XY_Y_MASK) >>
			      VGPU_PLANE_XY_Y_SHIFT;
		return 0;
	}
	pos = regs[VGPU_DISP_CURPOS];
	hot = regs[VGPU_DISP_CURSOR_HOT];
	info->x_pos = vgpu_curpos(pos, VGPU_CURPOS_X_SIGN, VGPU_CURPOS_X_MASK,
				  0);
	info->y_pos = vgpu_curpos(pos, VGPU_CURPOS_Y_SIGN, VGPU_CURPOS_Y_MASK,
				  VGPU_CURPOS_Y_SHIFT);
	info->x_hot = hot & VGPU_CURSOR_HOT_X_MASK;
	info->y_hot = (hot & VGPU_CURSOR_HOT_Y_MASK) >> VGPU_CURSOR_HOT_Y_SHIFT;
	return 0;
}

/**
 * vgpu_ioctl_query_plane() - VFIO_DEVICE_QUERY_GFX_PLANE
 * @vgpu: the vGPU
 * @arg: user pointer to struct vfio_device_gfx_plane_info
 *
 * Return: 0 or -errno; -EINVAL for the protocol the vGPU does not use,
 * for unknown flags or plane types, and on vGPUs without heads.
 */
long vgpu_ioctl_query_plane(struct vgpu *vgpu, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_gfx_plane_info,
					  region_index);
	struct vfio_device_gfx_plane_info info;
	u32 type, want;
	int ret;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	type = info.flags & VGPU_GFX_PLANE_TYPES;
	want = vgpu->display.protocol == VGPU_PROTOCOL_DMABUF ?
	       VFIO_GFX_PLANE_TYPE_DMABUF : VFIO_GFX_PLANE_TYPE_REGION;
	if ((info.flags & ~(VGPU_GFX_PLANE_TYPES |
			    VFIO_GFX_PLANE_TYPE_PROBE)) ||
	    type != want || !vgpu_heads(vgpu))
		return -EINVAL;
	if (info.flags & VFIO_GFX_PLANE_TYPE_PROBE)
		return 0;
	/* QEMU's region path leaves the type 0: it means the primary. */
	if (!info.drm_plane_type)
		info.drm_plane_type = DRM_PLANE_TYPE_PRIMARY;
	if (info.drm_plane_type != DRM_PLANE_TYPE_PRIMARY &&
	    info.drm_plane_type != DRM_PLANE_TYPE_CURSOR)
		return -EINVAL;

	mutex_lock(&vgpu->lock);
	ret = vgpu_query_fill(vgpu, type, &info);
	vgpu_dmabuf_reap(vgpu);
	mutex_unlock(&vgpu->lock);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static struct dma_buf *vgpu_dmabuf_export(struct vgpu_dmabuf *obj)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp);
	struct dma_buf *buf;

	exp.ops = &vgpu_dmabuf_ops;
	exp.size = (size_t)obj->fb->npages << PAGE_SHIFT;
	exp.flags = O_RDWR;
	exp.priv = obj;
	/* The dma-buf's reference, dropped by its release. */
	kref_get(&obj->ref);
	buf = dma_buf_export(&exp);
	if (IS_ERR(buf))
		vgpu_dmabuf_put(obj);
	return buf;
}

/**
 * vgpu_ioctl_get_dmabuf() - VFIO_DEVICE_GET_GFX_DMABUF
 * @vgpu: the vGPU
 * @arg: user pointer to the u32 dmabuf_id
 *
 * Return: a new file descriptor of the object's dma-buf, or -errno
 * (-ENOENT for ids QUERY did not return or that were revoked).
 */
long vgpu_ioctl_get_dmabuf(struct vgpu *vgpu, unsigned long arg)
{
	struct vgpu_dmabuf *obj;
	struct dma_buf *buf;
	u32 id;
	int fd;

	if (get_user(id, (u32 __user *)arg))
		return -EFAULT;
	if (vgpu->display.protocol != VGPU_PROTOCOL_DMABUF)
		return -EINVAL;
	mutex_lock(&vgpu->lock);
	obj = vgpu_dmabuf_find(vgpu, id);
	if (!obj) {
		fd = -ENOENT;
		goto out;
	}
	/*
	 * The file of obj->buf may be on its way out: its count reached
	 * zero before our release callback runs. Only a live one is reused.
	 */
	mutex_lock(&obj->lock);
	buf = obj->buf;
	if (buf && !get_file_active(&buf->file))
		buf = NULL;
	mutex_unlock(&obj->lock);
	if (!buf) {
		buf = vgpu_dmabuf_export(obj);
		if (IS_ERR(buf)) {
			fd = PTR_ERR(buf);
			goto out;
		}
		mutex_lock(&obj->lock);
		obj->buf = buf;
		mutex_unlock(&obj->lock);
		atomic_inc(&vgpu->display.live_dmabufs->live);
	}
	fd = dma_buf_fd(buf, O_CLOEXEC);
	if (fd < 0)
		dma_buf_put(buf);
out:
	mutex_unlock(&vgpu->lock);
	return fd;
}
