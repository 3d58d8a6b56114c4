// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu.ko entry points: the mdev driver of every vGPU, and a client of the
 * reference GPU registry that becomes mdev parent of each GPU it is
 * probed for.
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vgpu_drv.h"

struct workqueue_struct *vgpu_wq;

static int vgpu_gpu_probe(struct refgpu *rgpu, void **drvdata)
{
	struct vgpu_gpu *gpu;
	int ret;

	gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return -ENOMEM;
	gpu->rgpu = rgpu;
	mutex_init(&gpu->lock);
	ida_init(&gpu->ids);
	vgpu_sched_init(gpu);

	ret = vgpu_types_init(gpu);
	if (ret < 0)
		goto err_sched;
	ret = mdev_register_parent(&gpu->parent, rgpu->dev, &vgpu_mdev_driver,
				   gpu->type_ptrs, ret);
	if (ret)
		goto err_types;
	*drvdata = gpu;
	dev_info(rgpu->dev, "vGPU parent: %llu MiB for vGPUs, up to %u vGPUs\n",
		 VGPU_GFX_BUDGET >> 20, VGPU_MAX_INSTANCES);
	return 0;

err_types:
	vgpu_types_fini(gpu);
err_sched:
	vgpu_sched_fini(gpu);
	ida_destroy(&gpu->ids);
	kfree(gpu);
	return ret;
}

static void vgpu_gpu_remove(struct refgpu *rgpu, void *drvdata)
{
	struct vgpu_gpu *gpu = drvdata;

	/* Removes every vGPU; returns when the core holds nothing of ours. */
	mdev_unregister_parent(&gpu->parent);
	vgpu_types_fini(gpu);
	vgpu_sched_fini(gpu);
	ida_destroy(&gpu->ids);
	kfree(gpu);
}

static struct refgpu_driver vgpu_refgpu_driver = {
	.name = VGPU_DRV_NAME,
	.probe = vgpu_gpu_probe,
	.remove = vgpu_gpu_remove,
};

static int __init vgpu_init(void)
{
	int ret;

	ret = vgpu_mmio_init();
	if (ret)
		return ret;
	vgpu_wq = alloc_workqueue("vgpu", WQ_HIGHPRI | WQ_UNBOUND, 0);
	if (!vgpu_wq) {
		ret = -ENOMEM;
		goto err_mmio;
	}
	ret = mdev_register_driver(&vgpu_mdev_driver);
	if (ret)
		goto err_wq;
	ret = refgpu_driver_register(&vgpu_refgpu_driver);
	if (ret)
		goto err_mdev;
	return 0;

err_mdev:
	mdev_unregister_driver(&vgpu_mdev_driver);
err_wq:
	destroy_workqueue(vgpu_wq);
err_mmio:
	vgpu_mmio_exit();
	return ret;
}
module_init(vgpu_init);

static void __exit vgpu_exit(void)
{
	refgpu_driver_unregister(&vgpu_refgpu_driver);
	mdev_unregister_driver(&vgpu_mdev_driver);
	destroy_workqueue(vgpu_wq);
	vgpu_mmio_exit();
}
module_exit(vgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vGPU parent driver: mediated passthrough of reference GPUs");
