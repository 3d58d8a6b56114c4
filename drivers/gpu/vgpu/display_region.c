// SPDX-License-Identifier: GPL-2.0
/*
 * Plane regions: the VFIO regions through which a VMM reads or maps the
 * planes a head shows (the REGION display protocol). A mapping gets its
 * pages from a fault handler: the shown framebuffer's pages, the zero page
 * where there is nothing. When a plane changes, the mapped pages must go,
 * so the mapping is re-pointed at a file of our own (every VFIO device
 * file shares one anonymous inode, whose mapping would hold every vGPU's
 * vmas) and unmap_mapping_range() on it removes exactly this vGPU's pages.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <vgpu/linux_compat.h>

#include "vgpu_drv.h"

/* "vGPU" */
#define VGPU_FS_MAGIC		0x55504756

static struct vfsmount *vgpu_fs_mnt;
static int vgpu_fs_count;

static int vgpu_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, VGPU_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type vgpu_fs_type = {
	.name = "vgpu_display",
	.owner = THIS_MODULE,
	.init_fs_context = vgpu_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

static int vgpu_map_release(struct inode *inode, struct file *file)
{
	struct vgpu_display_map *map = file->private_data;

	mutex_destroy(&map->lock);
	kfree(map);
	simple_release_fs(&vgpu_fs_mnt, &vgpu_fs_count);
	return 0;
}

static const struct file_operations vgpu_map_fops = {
	.owner = THIS_MODULE,
	.release = vgpu_map_release,
};

/**
 * vgpu_display_map_init() - create the mapping file of an open vGPU
 * @vgpu: the vGPU (being opened: the module is pinned by VFIO)
 *
 * Return: 0 or -errno.
 */
int vgpu_display_map_init(struct vgpu *vgpu)
{
	struct vgpu_display_map *map;
	struct inode *inode;
	struct file *file;
	int ret;

	map = kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	mutex_init(&map->lock);
	map->vgpu = vgpu;
	/* The file's reference on its f_op owner; __fput() drops it. */
	if (!try_module_get(THIS_MODULE)) {
		ret = -ENODEV;
		goto err_free;
	}
	ret = simple_pin_fs(&vgpu_fs_type, &vgpu_fs_mnt, &vgpu_fs_count);
	if (ret)
		goto err_module;
	inode = alloc_anon_inode(vgpu_fs_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		ret = PTR_ERR(inode);
		goto err_fs;
	}
	file = alloc_file_pseudo(inode, vgpu_fs_mnt, "vgpu-display", O_RDWR,
				 &vgpu_map_fops);
	if (IS_ERR(file)) {
		iput(inode);
		ret = PTR_ERR(file);
		goto err_fs;
	}
	file->private_data = map;
	map->file = file;
	vgpu->display.map = map;
	return 0;

err_fs:
	simple_release_fs(&vgpu_fs_mnt, &vgpu_fs_count);
err_module:
	module_put(THIS_MODULE);
err_free:
	mutex_destroy(&map->lock);
	kfree(map);
	return ret;
}

/**
 * vgpu_display_map_fini() - the vGPU was closed
 * @vgpu: the vGPU
 *
 * Mappings may outlive it (they hold the file): they lose their pages and
 * fault with SIGBUS from now on.
 */
void vgpu_display_map_fini(struct vgpu *vgpu)
{
	struct vgpu_display_map *map = vgpu->display.map;

	if (!map)
		return;
	mutex_lock(&map->lock);
	map->vgpu = NULL;
	unmap_mapping_range(map->file->f_mapping, 0, 0, 1);
	mutex_unlock(&map->lock);
	fput(map->file);
	vgpu->display.map = NULL;
}

static bool vgpu_region_is_plane(const struct vgpu *vgpu, u32 index,
				 unsigned int *head, enum vgpu_plane_id *p)
{
	u32 rel = index - VGPU_VFIO_REGION_FIRST;

	if (index < VGPU_VFIO_REGION_FIRST ||
	    rel >= VGPU_VFIO_REGIONS_PER_HEAD * vgpu_heads(vgpu))
		return false;
	*head = rel / VGPU_VFIO_REGIONS_PER_HEAD;
	switch (index - VGPU_VFIO_REGION_EDID(*head)) {
	case VGPU_VFIO_REGION_PRIMARY(0) - VGPU_VFIO_REGION_EDID(0):
		*p = VGPU_PLANE_PRIMARY;
		return true;
	case VGPU_VFIO_REGION_CURSOR(0) - VGPU_VFIO_REGION_EDID(0):
		*p = VGPU_PLANE_CURSOR;
		return true;
	default:
		return false;
	}
}

/**
 * vgpu_display_map_set() - a plane shows another framebuffer
 * @vgpu: the vGPU (vgpu->lock held)
 * @head: the head
 * @p: the plane
 * @fb: what it shows now, NULL for nothing
 *
 * Sets the plane's shown framebuffer and removes the pages of the old one
 * from every mapping of the plane's region.
 */
void vgpu_display_map_set(struct vgpu *vgpu, unsigned int head,
			  enum vgpu_plane_id p, struct vgpu_fb *fb)
{
	struct vgpu_display_map *map = vgpu->display.map;
	u32 index = p == VGPU_PLANE_PRIMARY ? VGPU_VFIO_REGION_PRIMARY(head) :
					      VGPU_VFIO_REGION_CURSOR(head);

	lockdep_assert_held(&vgpu->lock);
	if (!map) {
		vgpu->display.head[head].plane[p].shown = fb;
		return;
	}
	mutex_lock(&map->lock);
	vgpu->display.head[head].plane[p].shown = fb;
	unmap_mapping_range(map->file->f_mapping, VGPU_REGION_OFFSET(index),
			    vgpu_display_region_size(vgpu, p), 1);
	mutex_unlock(&map->lock);
}

/* The page at @pgoff of a plane region; called with map->lock held. */
static struct page *vgpu_region_page(struct vgpu *vgpu, unsigned int head,
				     enum vgpu_plane_id p, u64 pgoff)
{
	struct vgpu_fb *fb = vgpu->display.head[head].plane[p].shown;

	lockdep_assert_held(&vgpu->display.map->lock);
	if (fb && pgoff < fb->npages)
		return fb->pages[pgoff];
	return ZERO_PAGE(0);
}

static vm_fault_t vgpu_region_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct vgpu_display_map *map = vma->vm_file->private_data;
	u64 index = vma->vm_pgoff >> (VGPU_REGION_SHIFT - PAGE_SHIFT);
	u64 pgoff = vmf->pgoff - (index << (VGPU_REGION_SHIFT - PAGE_SHIFT));
	enum vgpu_plane_id p;
	unsigned int head;
	struct vgpu *vgpu;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&map->lock);
	vgpu = map->vgpu;
	if (vgpu && vgpu_region_is_plane(vgpu, index, &head, &p) &&
	    pgoff < vgpu_display_region_size(vgpu, p) >> PAGE_SHIFT)
		ret = vmf_insert_pfn(vma, vmf->address,
				     page_to_pfn(vgpu_region_page(vgpu, head,
								  p, pgoff)));
	mutex_unlock(&map->lock);
	return ret;
}

static const struct vm_operations_struct vgpu_region_vm_ops = {
	.fault = vgpu_region_fault,
};

/**
 * vgpu_display_region_mmap() - mmap of a plane region
 * @vgpu: the vGPU
 * @vma: the new mapping; its offset selects the region
 *
 * Return: 0, -EINVAL for other regions or ranges past the region's end,
 * -EPERM for writable mappings (the regions are read only).
 */
int vgpu_display_region_mmap(struct vgpu *vgpu, struct vm_area_struct *vma)
{
	u64 index = vma->vm_pgoff >> (VGPU_REGION_SHIFT - PAGE_SHIFT);
	u64 pgoff = vma->vm_pgoff & (VGPU_REGION_MASK >> PAGE_SHIFT);
	u64 pages = vma_pages(vma);
	enum vgpu_plane_id p;
	unsigned int head;

	if (!vgpu_region_is_plane(vgpu, index, &head, &p))
		return -EINVAL;
	if (pgoff + pages > vgpu_display_region_size(vgpu, p) >> PAGE_SHIFT)
		return -EINVAL;
	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	vm_flags_clear(vma, VM_MAYWRITE);
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP |
		     VM_DONTCOPY);
	vma->vm_ops = &vgpu_region_vm_ops;
	vma_set_file(vma, vgpu->display.map->file);
	return 0;
}

/**
 * vgpu_display_region_read() - read() of a plane region
 * @vgpu: the vGPU (vgpu->lock not held)
 * @index: region index
 * @off: offset in the region
 * @buf: user buffer
 * @count: bytes
 *
 * Pages are copied through a bounce page: user memory is never touched
 * with map->lock held (the buffer could be a mapping of this region).
 *
 * Return: bytes read or -errno.
 */
ssize_t vgpu_display_region_read(struct vgpu *vgpu, u32 index, u64 off,
				 char __user *buf, size_t count)
{
	struct vgpu_display_map *map = vgpu->display.map;
	enum vgpu_plane_id p;
	unsigned int head;
	size_t done = 0, n;
	u64 size;
	void *bounce, *va;
	ssize_t ret = 0;

	lockdep_assert_not_held(&vgpu->lock);
	if (!map)
		return -ENODEV;

	if (!vgpu_region_is_plane(vgpu, index, &head, &p))
		return -EINVAL;
	size = vgpu_display_region_size(vgpu, p);
	if (off >= size)
		return 0;
	count = min_t(u64, count, size - off);
	bounce = (void *)__get_free_page(GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	while (done < count) {
		n = min_t(size_t, count - done, PAGE_SIZE - offset_in_page(off));
		mutex_lock(&map->lock);
		va = kmap_local_page(vgpu_region_page(vgpu, head, p,
						      off >> PAGE_SHIFT));
		memcpy(bounce, va + offset_in_page(off), n);
		kunmap_local(va);
		mutex_unlock(&map->lock);
		if (copy_to_user(buf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		off += n;
	}
	free_page((unsigned long)bounce);
	return done ? done : ret;
}
