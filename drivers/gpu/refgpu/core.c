// SPDX-License-Identifier: GPL-2.0
/*
 * The GPUs behind <vgpu/refgpu.h> and their clients: refgpu_register()
 * gives each GPU one auxiliary device per client kind, and the driver
 * core binds the client drivers (vgpu.ko, the native path) to them, now
 * or whenever they load. Also the debugfs directory each GPU gets.
 */
#include <linux/auxiliary_bus.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <vgpu/refgpu.h>

#include "module.h"

/* The second part of each client kind's auxiliary device name. */
static const char * const refgpu_client_names[REFGPU_CLIENT_COUNT] = {
	[REFGPU_CLIENT_VGPU] = "vgpu",
	[REFGPU_CLIENT_NATIVE] = "native",
};

static DEFINE_IDA(refgpu_ids);
static struct dentry *refgpu_root;

struct dentry *refgpu_debugfs_root(void)
{
	return refgpu_root;
}

static void refgpu_auxdev_release(struct device *dev)
{
	kfree(container_of(dev, struct refgpu_auxdev, adev.dev));
}

static struct auxiliary_device *refgpu_auxdev_add(struct refgpu *gpu,
						  enum refgpu_client kind)
{
	struct refgpu_auxdev *ad;
	int ret;

	ad = kzalloc(sizeof(*ad), GFP_KERNEL);
	if (!ad)
		return ERR_PTR(-ENOMEM);
	ad->gpu = gpu;
	ad->adev.name = refgpu_client_names[kind];
	ad->adev.id = gpu->id;
	ad->adev.dev.parent = gpu->dev;
	ad->adev.dev.release = refgpu_auxdev_release;
	ret = auxiliary_device_init(&ad->adev);
	if (ret) {
		kfree(ad);
		return ERR_PTR(ret);
	}
	/* Binds a loaded client driver before it returns. */
	ret = auxiliary_device_add(&ad->adev);
	if (ret) {
		auxiliary_device_uninit(&ad->adev);
		return ERR_PTR(ret);
	}
	return &ad->adev;
}

static void refgpu_auxdev_del(struct auxiliary_device *adev)
{
	/* Unbinds the client driver before it returns. */
	auxiliary_device_delete(adev);
	auxiliary_device_uninit(adev);
}

static void refgpu_clients_del(struct refgpu *gpu)
{
	int kind;

	/* Newest first: the native path before the vGPU parent. */
	for (kind = REFGPU_CLIENT_COUNT - 1; kind >= 0; kind--) {
		if (!gpu->clients[kind])
			continue;
		refgpu_auxdev_del(gpu->clients[kind]);
		gpu->clients[kind] = NULL;
	}
}

/**
 * refgpu_register() - make a GPU available to the client drivers
 * @gpu: filled in by the back end (dev, ops, name, gfx_size, engine_mask)
 *
 * Creates the GPU's debugfs directory and one auxiliary device per client
 * kind. A client driver that fails to probe leaves its device unbound
 * (the driver core logs it); the GPU stays registered.
 *
 * Return: 0, -EINVAL for an incomplete @gpu, or the error of creating a
 * device (nothing is left registered then).
 */
int refgpu_register(struct refgpu *gpu)
{
	struct auxiliary_device *adev;
	int kind, ret;

	if (!gpu->dev || !gpu->ops || !gpu->name || !gpu->gfx_size)
		return -EINVAL;
	memset(gpu->clients, 0, sizeof(gpu->clients));
	ret = ida_alloc(&refgpu_ids, GFP_KERNEL);
	if (ret < 0)
		return ret;
	gpu->id = ret;
	gpu->debugfs = debugfs_create_dir(gpu->name, refgpu_root);
	for (kind = 0; kind < REFGPU_CLIENT_COUNT; kind++) {
		adev = refgpu_auxdev_add(gpu, kind);
		if (IS_ERR(adev)) {
			refgpu_unregister(gpu);
			return PTR_ERR(adev);
		}
		gpu->clients[kind] = adev;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(refgpu_register);

/**
 * refgpu_unregister() - take a GPU away
 * @gpu: a registered GPU
 *
 * Deletes its auxiliary devices, which removes every client driver from
 * it, and its debugfs directory. When it returns no client uses @gpu.
 */
void refgpu_unregister(struct refgpu *gpu)
{
	refgpu_clients_del(gpu);
	debugfs_remove_recursive(gpu->debugfs);
	gpu->debugfs = NULL;
	ida_free(&refgpu_ids, gpu->id);
}
EXPORT_SYMBOL_GPL(refgpu_unregister);

/* <debugfs>/refgpu/stats: what the buffer helpers hold. */
static int refgpu_stats_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "bo_pages %lld\n",
		   (long long)atomic64_read(&refgpu_bo_pages));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(refgpu_stats);

int refgpu_core_init(void)
{
	refgpu_root = debugfs_create_dir("refgpu", NULL);
	debugfs_create_file("stats", 0444, refgpu_root, NULL,
			    &refgpu_stats_fops);
	return 0;
}

void refgpu_core_exit(void)
{
	debugfs_remove_recursive(refgpu_root);
	refgpu_root = NULL;
	ida_destroy(&refgpu_ids);
}
