// SPDX-License-Identifier: GPL-2.0
/*
 * The native path's device: one DRM device per GPU, child of the GPU's PCI
 * function (so libdrm's drmGetDevice() and Mesa's loader see a PCI GPU),
 * with a render node whose ioctls are <drm/refgpu_drm.h>. A host GPU
 * driver gives its native clients the same.
 *
 * Lifetime: the native path is the auxiliary driver of each GPU's
 * refgpu.native.N device. Its probe (native_gpu_create()) makes and
 * registers the DRM device; its remove (native_gpu_destroy()), when the
 * GPU goes or the native path alone is unbound from it, unplugs the
 * device, tears every client down and drops the probe's reference.
 * Nothing is devres managed: the DRM device's parent is the PCI function
 * (bound to the GPU's own driver), and its life is this binding's. Files
 * still open keep the DRM device (and struct native_gpu) until they
 * close; their calls fail with -ENODEV.
 */
#include <linux/auxiliary_bus.h>
#include <linux/capability.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/refgpu_drm.h>
#include <vgpu/linux_compat.h>

#include "module.h"
#include "native.h"

#define NATIVE_DRM_NAME		"refgpu"
#define NATIVE_DRM_DESC		"Reference GPU, native clients"
#define NATIVE_DRM_DATE		"20261201"
#define NATIVE_DRM_MAJOR	1
#define NATIVE_DRM_MINOR	0

/*
 * drm_dev_alloc() is the one allocator of a DRM device that devres does
 * not own on 6.1 and 6.12 (drm_dev_init() is private), and it cannot
 * embed the device in ours: dev_private links back.
 */
static struct native_gpu *to_native_gpu(struct drm_device *drm)
{
	return drm->dev_private;
}

static int native_drm_open(struct drm_device *drm, struct drm_file *file)
{
	struct native_gpu *ng = to_native_gpu(drm);
	struct native_session *s;
	int ret = 0;

	/*
	 * A client reaches all graphics memory (no per-process address
	 * space, no command audit): only the administrator may be one,
	 * whatever mode udev gives render nodes.
	 */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	native_session_init(s, ng);
	mutex_lock(&ng->lock);
	if (ng->gone)
		ret = -ENODEV;
	else
		list_add_tail(&s->node, &ng->sessions);
	mutex_unlock(&ng->lock);
	if (ret) {
		mutex_destroy(&s->lock);
		kfree(s);
		return ret;
	}
	file->driver_priv = s;
	return 0;
}

static void native_drm_postclose(struct drm_device *drm,
				 struct drm_file *file)
{
	struct native_session *s = file->driver_priv;
	struct native_gpu *ng = s->ng;

	mutex_lock(&ng->lock);
	/* Unless the GPU went first and took the client down with it. */
	if (!list_empty(&s->node)) {
		native_session_teardown(s);
		list_del(&s->node);
	}
	mutex_unlock(&ng->lock);
	mutex_destroy(&s->lock);
	kfree(s);
}

static const struct drm_ioctl_desc native_ioctls[] = {
	DRM_IOCTL_DEF_DRV(REFGPU_INFO, native_ioctl_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_BO_ALLOC, native_ioctl_bo_alloc,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_BO_FREE, native_ioctl_bo_free,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_BO_READ, native_ioctl_bo_read,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_BO_WRITE, native_ioctl_bo_write,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_PTE, native_ioctl_pte, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_SUBMIT, native_ioctl_submit,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_WAIT, native_ioctl_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(REFGPU_ENGINE_OP, native_ioctl_engine_op,
			  DRM_RENDER_ALLOW),
};

/* A DRM file without GEM: no mmap. */
static const struct file_operations native_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	KCOMPAT_FOP_UNSIGNED_OFFSET
};

static const struct drm_driver native_drm_driver = {
	.driver_features = DRIVER_RENDER,
	.open = native_drm_open,
	.postclose = native_drm_postclose,
	.ioctls = native_ioctls,
	.num_ioctls = ARRAY_SIZE(native_ioctls),
	.fops = &native_fops,
	.name = NATIVE_DRM_NAME,
	.desc = NATIVE_DRM_DESC,
	.date = NATIVE_DRM_DATE,
	.major = NATIVE_DRM_MAJOR,
	.minor = NATIVE_DRM_MINOR,
};

/**
 * native_gpu_create() - the native path's DRM device of a GPU
 * @gpu: the GPU; its device (the PCI function) becomes the DRM device's
 *	parent
 *
 * Context: may sleep.
 * Return: the registered device's state, or an ERR_PTR.
 */
struct native_gpu *native_gpu_create(struct refgpu *gpu)
{
	struct drm_device *drm;
	struct native_gpu *ng;
	int ret;

	drm = drm_dev_alloc(&native_drm_driver, gpu->dev);
	if (IS_ERR(drm))
		return ERR_CAST(drm);
	ng = drmm_kzalloc(drm, sizeof(*ng), GFP_KERNEL);
	if (!ng) {
		ret = -ENOMEM;
		goto err_put;
	}
	ret = drmm_mutex_init(drm, &ng->lock);
	if (ret)
		goto err_put;
	ng->gpu = gpu;
	ng->drm = drm;
	INIT_LIST_HEAD(&ng->sessions);
	drm->dev_private = ng;
	ret = drm_dev_register(drm, 0);
	if (ret)
		goto err_put;
	return ng;

err_put:
	drm_dev_put(drm);
	return ERR_PTR(ret);
}

/**
 * native_gpu_destroy() - take the native path off a GPU that goes away
 * @ng: native_gpu_create()'s result
 *
 * Unplugs the DRM device (its nodes go; calls in progress inside the GPU
 * finish first, later ones fail with -ENODEV), gives back every client's
 * buffers and contexts and drops the device. When it returns nothing of
 * the native path uses the GPU.
 *
 * Context: may sleep.
 */
void native_gpu_destroy(struct native_gpu *ng)
{
	struct drm_device *drm = ng->drm;
	struct native_session *s, *tmp;

	drm_dev_unplug(drm);
	mutex_lock(&ng->lock);
	ng->gone = true;
	list_for_each_entry_safe(s, tmp, &ng->sessions, node) {
		native_session_teardown(s);
		list_del_init(&s->node);
	}
	mutex_unlock(&ng->lock);
	/* The last file to close frees @ng with the device. */
	drm_dev_put(drm);
}

/* The glue: a native DRM device for every GPU's refgpu.native.N device. */

static int native_probe(struct auxiliary_device *adev,
			const struct auxiliary_device_id *id)
{
	struct native_gpu *ng = native_gpu_create(refgpu_from_auxdev(adev));

	if (IS_ERR(ng))
		return PTR_ERR(ng);
	auxiliary_set_drvdata(adev, ng);
	return 0;
}

static void native_remove(struct auxiliary_device *adev)
{
	native_gpu_destroy(auxiliary_get_drvdata(adev));
}

static const struct auxiliary_device_id native_auxdev_ids[] = {
	{ .name = REFGPU_AUXDEV_NATIVE },
	{ }
};

static struct auxiliary_driver native_driver = {
	.name = "native",
	.probe = native_probe,
	.remove = native_remove,
	.id_table = native_auxdev_ids,
};

int refgpu_native_init(void)
{
	return auxiliary_driver_register(&native_driver);
}

void refgpu_native_exit(void)
{
	auxiliary_driver_unregister(&native_driver);
}
