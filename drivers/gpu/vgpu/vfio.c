// SPDX-License-Identifier: GPL-2.0
/*
 * The mdev driver and the VFIO device of each vGPU, in the order a VMM
 * uses them: probe registers an emulated-IOMMU VFIO device; open sets up
 * the engines; region reads and writes reach config space and BAR0; the
 * ioctls describe the regions and interrupts, wire eventfds and reset;
 * dma_unmap drops pins; close and remove undo everything.
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <vgpu/linux_compat.h>

#include "vgpu_drv.h"

static int vgpu_vfio_init(struct vfio_device *vdev)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	int ret;

	vgpu->mdev = mdev;
	vgpu->type = container_of(mdev->type, struct vgpu_type, mtype);
	vgpu->gpu = vgpu->type->gpu;
	mutex_init(&vgpu->lock);
	INIT_WORK(&vgpu->complete_work, vgpu_complete_work);
	ratelimit_state_init(&vgpu->uevent_rs, VGPU_UEVENT_INTERVAL,
			     VGPU_UEVENT_BURST);
	/* Suppressed uevents are counted in sysfs, not logged. */
	ratelimit_set_flags(&vgpu->uevent_rs, RATELIMIT_MSG_ON_RELEASE);
	vsched_entity_init(&vgpu->entity);
	vsched_entity_set_weight(&vgpu->gpu->sched, &vgpu->entity,
				 vgpu->type->desc->weight);
	vgpu->irq.index = -1;
	vgpu_engines_init(vgpu);
	vgpu_mig_init(vgpu);

	ret = vgpu_slice_alloc(vgpu);
	if (ret)
		return ret;
	ret = vgpu_gtt_init(vgpu);
	if (ret)
		goto err_slice;
	ret = vgpu_display_init(vgpu);
	if (ret)
		goto err_gtt;
	vgpu_cfg_init(vgpu);
	vgpu_reset_registers(vgpu);
	return 0;

err_gtt:
	vgpu_gtt_fini(vgpu);
err_slice:
	vgpu_slice_free(vgpu);
	return ret;
}

static void vgpu_vfio_release(struct vfio_device *vdev)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);

	/* init may have failed half way: only undo what it did. */
	vgpu_display_fini(vgpu);
	if (vgpu->gtt.range) {
		vgpu_gtt_fini(vgpu);
		vgpu_slice_free(vgpu);
	}
	vgpu_mig_fini(vgpu);
	mutex_destroy(&vgpu->lock);
	kcompat_vfio_free_device(vdev);
}

static int vgpu_vfio_open(struct vfio_device *vdev)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);
	int ret;

	/* Plane-region mappings of this open; they may outlive it. */
	ret = vgpu_display_map_init(vgpu);
	if (ret)
		return ret;
	mutex_lock(&vgpu->lock);
	vgpu_cfg_init(vgpu);
	vgpu_reset_registers(vgpu);
	ret = vgpu_submit_init(vgpu);
	if (ret)
		goto err_unlock;
	ret = vgpu_sched_attach(vgpu);
	if (ret)
		goto err_submit;
	vgpu->open = true;
	mutex_unlock(&vgpu->lock);
	return 0;

err_submit:
	vgpu_submit_fini(vgpu);
err_unlock:
	mutex_unlock(&vgpu->lock);
	vgpu_display_map_fini(vgpu);
	return ret;
}

static void vgpu_vfio_close(struct vfio_device *vdev)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);
	u32 all = (1U << VGPU_ENGINE_COUNT) - 1;

	/* Ends a migration session; the device runs again, for close. */
	vgpu_mig_close(vgpu);
	mutex_lock(&vgpu->lock);
	vgpu->open = false;
	/* Blocked for good: vgpu_sched_detach() takes the vGPU off. */
	vgpu_stop_engines(vgpu, all, NULL);
	mutex_unlock(&vgpu->lock);

	/* Pipes off, framebuffers unpinned, dma-bufs revoked. */
	vgpu_display_close(vgpu);

	/* Waits for kill work that still refers to this vGPU. */
	vgpu_sched_detach(vgpu);
	vgpu_submit_fini(vgpu);
	cancel_work_sync(&vgpu->complete_work);

	mutex_lock(&vgpu->lock);
	vgpu_gtt_clear_all(vgpu);
	vgpu_irq_release(vgpu);
	mutex_unlock(&vgpu->lock);
	vgpu_display_map_fini(vgpu);
}

/* Device-specific regions: three per head from VGPU_VFIO_REGION_FIRST. */
static u32 vgpu_num_regions(const struct vgpu *vgpu)
{
	return VFIO_PCI_NUM_REGIONS +
	       VGPU_VFIO_REGIONS_PER_HEAD * vgpu_heads(vgpu);
}

static unsigned int vgpu_region_head(u32 index)
{
	return (index - VGPU_VFIO_REGION_FIRST) / VGPU_VFIO_REGIONS_PER_HEAD;
}

static bool vgpu_region_is_edid(const struct vgpu *vgpu, u32 index)
{
	return index >= VGPU_VFIO_REGION_FIRST &&
	       index < vgpu_num_regions(vgpu) &&
	       index == VGPU_VFIO_REGION_EDID(vgpu_region_head(index));
}

/* One access of 1, 2, 4 or 8 bytes to a region. */
static int vgpu_region_access(struct vgpu *vgpu, u32 index, u64 off,
			      u32 size, u64 *val, bool write)
{
	u32 v32;
	int ret;

	/*
	 * A stopped device changes no state (migration.c): writes other than
	 * to config space are ignored, like other ignored accesses.
	 */
	if (write && vgpu->mig.frozen &&
	    index != VFIO_PCI_CONFIG_REGION_INDEX) {
		vgpu->stats.unhandled++;
		return 0;
	}
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (size > 4 || off >= VGPU_CFG_SIZE)
			return -EINVAL;
		if (write)
			return vgpu_cfg_write(vgpu, off, size, *val);
		ret = vgpu_cfg_read(vgpu, off, size, &v32);
		*val = v32;
		return ret;
	case VFIO_PCI_BAR0_REGION_INDEX:
		if (off >= VGPU_BAR0_SIZE)
			return -EINVAL;
		if (write)
			return vgpu_mmio_write(vgpu, off, size, *val);
		return vgpu_mmio_read(vgpu, off, size, val);
	default:
		if (!vgpu_region_is_edid(vgpu, index))
			return -EINVAL;
		return vgpu_edid_region_access(vgpu,
					       vgpu_region_head(index),
					       off, size, val, write);
	}
}

/* Widest naturally aligned access of at most @max bytes that fits. */
static u32 vgpu_chunk(u64 off, size_t count, u32 max)
{
	if (max >= 8 && count >= 8 && !(off & 7))
		return 8;
	if (count >= 4 && !(off & 3))
		return 4;
	if (count >= 2 && !(off & 1))
		return 2;
	return 1;
}

static ssize_t vgpu_vfio_rw(struct vgpu *vgpu, char __user *ubuf,
			    size_t count, loff_t *ppos, bool write)
{
	u64 pos = *ppos, index = VGPU_REGION_INDEX(pos);
	u64 off = pos & VGPU_REGION_MASK;
	/* Config space is accessed in dwords at most, BAR0 in qwords. */
	u32 max = index == VFIO_PCI_CONFIG_REGION_INDEX ? 4 : 8;
	unsigned long deadline = 0;
	size_t done = 0;
	u64 val;
	u32 size;
	int ret = 0;

	/* Plane regions copy whole pages without vgpu->lock. */
	if (index >= VGPU_VFIO_REGION_FIRST &&
	    index < vgpu_num_regions(vgpu) &&
	    !vgpu_region_is_edid(vgpu, index)) {
		if (write)
			return -EINVAL;
		done = vgpu_display_region_read(vgpu, index, off, ubuf, count);
		if ((ssize_t)done > 0)
			*ppos += done;
		return done;
	}
	mutex_lock(&vgpu->lock);
	while (done < count) {
		size = vgpu_chunk(off, count - done, max);
		val = 0;
		if (write && copy_from_user(&val, ubuf + done, size)) {
			ret = -EFAULT;
			break;
		}
		ret = vgpu_region_access(vgpu, index, off, size, &val, write);
		vgpu->tail_expired = false;
		if (vgpu->tail_waiter) {
			/* A RING_TAIL write waits for the GPU, unlocked. */
			ret = vgpu_submit_wait(vgpu, &deadline);
			if (ret == -EAGAIN)
				continue;
		}
		deadline = 0;
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, &val, size)) {
			ret = -EFAULT;
			break;
		}
		done += size;
		off += size;
	}
	/* Whatever ended the loop, no retry is pending any more. */
	vgpu->tail_waiter = NULL;
	vgpu->tail_expired = false;
	mutex_unlock(&vgpu->lock);
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t vgpu_vfio_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return vgpu_vfio_rw(vdev_to_vgpu(vdev), buf, count, ppos, false);
}

static ssize_t vgpu_vfio_write(struct vfio_device *vdev,
			       const char __user *buf, size_t count,
			       loff_t *ppos)
{
	return vgpu_vfio_rw(vdev_to_vgpu(vdev), (char __user *)buf, count,
			    ppos, true);
}

static long vgpu_ioctl_device_info(struct vgpu *vgpu, unsigned long arg)
{
	struct vfio_device_info info;
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = vgpu_num_regions(vgpu);
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * A device-specific region: its size, access and a capability chain with
 * its type.
 * Return: 0, -ENOMEM or -EFAULT.
 */
static long vgpu_ioctl_dev_region_info(struct vgpu *vgpu,
				       struct vfio_region_info *info,
				       unsigned long arg)
{
	struct vfio_region_info_cap_type cap = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
	};
	unsigned int head = vgpu_region_head(info->index);
	struct vfio_info_cap caps = { };
	int ret;

	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS;
	if (vgpu_region_is_edid(vgpu, info->index)) {
		info->flags |= VFIO_REGION_INFO_FLAG_WRITE;
		info->size = VGPU_EDID_BLOB_OFFSET + VGPU_PV_EDID_MAX;
		cap.type = VFIO_REGION_TYPE_GFX;
		cap.subtype = VFIO_REGION_SUBTYPE_GFX_EDID;
	} else {
		bool primary = info->index == VGPU_VFIO_REGION_PRIMARY(head);

		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
		info->size = vgpu_display_region_size(vgpu, primary ?
						      VGPU_PLANE_PRIMARY :
						      VGPU_PLANE_CURSOR);
		cap.type = VFIO_REGION_TYPE_PCI_VENDOR_TYPE |
			   VGPU_PCI_VENDOR_ID;
		cap.subtype = primary ? VGPU_REGION_SUBTYPE_PRIMARY(head) :
					VGPU_REGION_SUBTYPE_CURSOR(head);
	}
	ret = vfio_info_add_capability(&caps, &cap.header, sizeof(cap));
	if (ret)
		return ret;
	/* Too small for the chain: say how much is needed. */
	if (info->argsz < sizeof(*info) + caps.size) {
		info->argsz = sizeof(*info) + caps.size;
		info->cap_offset = 0;
	} else {
		/* The chain's offsets count from the start of *@info. */
		vfio_info_cap_shift(&caps, sizeof(*info));
		if (copy_to_user((void __user *)arg + sizeof(*info), caps.buf,
				 caps.size)) {
			kfree(caps.buf);
			return -EFAULT;
		}
		info->cap_offset = sizeof(*info);
	}
	kfree(caps.buf);
	return copy_to_user((void __user *)arg, info, sizeof(*info)) ?
	       -EFAULT : 0;
}

static long vgpu_ioctl_region_info(struct vgpu *vgpu, unsigned long arg)
{
	struct vfio_region_info info;
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (info.index >= vgpu_num_regions(vgpu))
		return -EINVAL;
	info.offset = VGPU_REGION_OFFSET(info.index);
	if (info.index >= VFIO_PCI_NUM_REGIONS) {
		/* The capability goes after the whole structure. */
		if (info.argsz < sizeof(info))
			return -EINVAL;
		return vgpu_ioctl_dev_region_info(vgpu, &info, arg);
	}
	info.offset = VGPU_REGION_OFFSET(info.index);
	info.cap_offset = 0;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = VGPU_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info.size = VGPU_BAR0_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	default:
		info.size = 0;
		info.flags = 0;
		break;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static long vgpu_ioctl_irq_info(unsigned long arg)
{
	struct vfio_irq_info info;
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	switch (info.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info.count = 1;
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			     VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		info.count = 1;
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		info.count = 1;
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		break;
	default:
		info.count = 0;
		info.flags = 0;
		break;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static int vgpu_irq_count(u32 index)
{
	return index == VFIO_PCI_INTX_IRQ_INDEX ||
	       index == VFIO_PCI_MSI_IRQ_INDEX ||
	       index == VFIO_PCI_REQ_IRQ_INDEX ? 1 : 0;
}

static long vgpu_ioctl_set_irqs(struct vgpu *vgpu, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 vgpu_irq_count(hdr.index),
						 VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user((void __user *)(arg + minsz), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&vgpu->lock);
	ret = vgpu_irq_set(vgpu, &hdr, data);
	mutex_unlock(&vgpu->lock);
	kfree(data);
	return ret;
}

static long vgpu_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vgpu_ioctl_device_info(vgpu, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vgpu_ioctl_region_info(vgpu, arg);
	case VFIO_DEVICE_QUERY_GFX_PLANE:
		return vgpu_ioctl_query_plane(vgpu, arg);
	case VFIO_DEVICE_GET_GFX_DMABUF:
		return vgpu_ioctl_get_dmabuf(vgpu, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vgpu_ioctl_irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return vgpu_ioctl_set_irqs(vgpu, arg);
	case VFIO_DEVICE_RESET:
		/* Also the way out of a migration's ERROR state. */
		vgpu_mig_device_reset(vgpu);
		return 0;
	default:
		return -ENOTTY;
	}
}

static void vgpu_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);

	mutex_lock(&vgpu->lock);
	vgpu_irq_request(vgpu, count);
	mutex_unlock(&vgpu->lock);
}

static void vgpu_vfio_dma_unmap(struct vfio_device *vdev, u64 iova,
				u64 length)
{
	struct vgpu *vgpu = vdev_to_vgpu(vdev);

	mutex_lock(&vgpu->lock);
	vgpu_display_unmap_iova(vgpu, iova, length);
	vgpu_gtt_unmap_iova(vgpu, iova, length);
	mutex_unlock(&vgpu->lock);
}

static int vgpu_vfio_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	return vgpu_display_region_mmap(vdev_to_vgpu(vdev), vma);
}

static const struct vfio_device_ops vgpu_vfio_ops = {
	.name = "vgpu",
	.init = vgpu_vfio_init,
	.release = vgpu_vfio_release,
	.open_device = vgpu_vfio_open,
	.close_device = vgpu_vfio_close,
	.read = vgpu_vfio_read,
	.write = vgpu_vfio_write,
	.ioctl = vgpu_vfio_ioctl,
	.mmap = vgpu_vfio_mmap,
	.request = vgpu_vfio_request,
	.dma_unmap = vgpu_vfio_dma_unmap,
	KCOMPAT_VFIO_EMULATED_IOMMUFD_OPS
};

static int vgpu_mdev_probe(struct mdev_device *mdev)
{
	struct vgpu *vgpu;
	int ret;

	vgpu = vfio_alloc_device(vgpu, vdev, &mdev->dev, &vgpu_vfio_ops);
	if (IS_ERR(vgpu))
		return PTR_ERR(vgpu);
	ret = vfio_register_emulated_iommu_dev(&vgpu->vdev);
	if (ret) {
		vfio_put_device(&vgpu->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, vgpu);
	return 0;
}

static void vgpu_mdev_remove(struct mdev_device *mdev)
{
	struct vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	/* Blocks, calling request(), until userspace closes the device. */
	vfio_unregister_group_dev(&vgpu->vdev);
	vfio_put_device(&vgpu->vdev);
}

struct mdev_driver vgpu_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = VGPU_DRV_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vgpu_dev_groups,
	},
	.probe = vgpu_mdev_probe,
	.remove = vgpu_mdev_remove,
	.get_available = vgpu_type_available,
	.show_description = vgpu_type_description,
};
