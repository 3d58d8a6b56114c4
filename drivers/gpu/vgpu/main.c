// SPDX-License-Identifier: GPL-2.0
/*
 * vgpu.ko entry points: the mdev driver of every vGPU, and the auxiliary
 * driver of every GPU's "refgpu.vgpu" device, which makes the GPU an mdev
 * parent.
 */
#include <linux/auxiliary_bus.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "vgpu_drv.h"

struct workqueue_struct *vgpu_wq;

static int vgpu_gpu_probe(struct auxiliary_device *adev,
			  const struct auxiliary_device_id *id)
{
	struct refgpu *rgpu = refgpu_from_auxdev(adev);
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
	/*
	 * The types go on the GPU's own (PCI) device, not on the auxiliary
	 * one: libvirt, mdevctl and Nova look for mdev_supported_types there.
	 */
	ret = mdev_register_parent(&gpu->parent, rgpu->dev, &vgpu_mdev_driver,
				   gpu->type_ptrs, ret);
	if (ret)
		goto err_types;
	auxiliary_set_drvdata(adev, gpu);
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

static void vgpu_gpu_remove(struct auxiliary_device *adev)
{
	struct vgpu_gpu *gpu = auxiliary_get_drvdata(adev);

	/* Removes every vGPU; returns when the core holds nothing of ours. */
	mdev_unregister_parent(&gpu->parent);
	vgpu_types_fini(gpu);
	vgpu_sched_fini(gpu);
	ida_destroy(&gpu->ids);
	kfree(gpu);
}

static const struct auxiliary_device_id vgpu_auxdev_ids[] = {
	{ .name = REFGPU_AUXDEV_VGPU },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, vgpu_auxdev_ids);

static struct auxiliary_driver vgpu_gpu_driver = {
	.name = "parent",
	.probe = vgpu_gpu_probe,
	.remove = vgpu_gpu_remove,
	.id_table = vgpu_auxdev_ids,
	.driver = {
		.dev_groups = vgpu_gpu_groups,
	},
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
	ret = auxiliary_driver_register(&vgpu_gpu_driver);
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
	auxiliary_driver_unregister(&vgpu_gpu_driver);
	mdev_unregister_driver(&vgpu_mdev_driver);
	destroy_workqueue(vgpu_wq);
	vgpu_mmio_exit();
}
module_exit(vgpu_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vGPU parent driver: mediated passthrough of reference GPUs");
