// SPDX-License-Identifier: GPL-2.0
/*
 * The registry behind <vgpu/refgpu.h>: GPUs registered by back ends and
 * the client drivers (vgpu.ko, the native path) bound to every one of
 * them, plus the debugfs directory each GPU gets.
 */
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <vgpu/refgpu.h>

#include "module.h"

/**
 * struct refgpu_binding - a driver bound to a GPU
 * @node: in refgpu.bindings
 * @drv: the driver
 * @data: what its probe() returned
 */
struct refgpu_binding {
	struct list_head node;
	struct refgpu_driver *drv;
	void *data;
};

static DEFINE_MUTEX(refgpu_lock);
static LIST_HEAD(refgpu_gpus);
static LIST_HEAD(refgpu_drivers);
static struct dentry *refgpu_root;

struct dentry *refgpu_debugfs_root(void)
{
	return refgpu_root;
}

static void refgpu_bind(struct refgpu *gpu, struct refgpu_driver *drv)
{
	struct refgpu_binding *b;
	int ret;

	lockdep_assert_held(&refgpu_lock);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		dev_err(gpu->dev, "%s: no memory to bind\n", drv->name);
		return;
	}
	b->drv = drv;
	ret = drv->probe(gpu, &b->data);
	if (ret) {
		dev_err(gpu->dev, "%s: probe failed: %d\n", drv->name, ret);
		kfree(b);
		return;
	}
	list_add_tail(&b->node, &gpu->bindings);
}

static void refgpu_unbind(struct refgpu *gpu, struct refgpu_binding *b)
{
	lockdep_assert_held(&refgpu_lock);
	b->drv->remove(gpu, b->data);
	list_del(&b->node);
	kfree(b);
}

/**
 * refgpu_register() - make a GPU available to the client drivers
 * @gpu: filled in by the back end (dev, ops, name, gfx_size, engine_mask)
 *
 * Creates the GPU's debugfs directory and probes every registered driver.
 *
 * Return: 0, or -EINVAL for an incomplete @gpu.
 */
int refgpu_register(struct refgpu *gpu)
{
	struct refgpu_driver *drv;

	if (!gpu->dev || !gpu->ops || !gpu->name || !gpu->gfx_size)
		return -EINVAL;
	INIT_LIST_HEAD(&gpu->bindings);
	mutex_lock(&refgpu_lock);
	gpu->debugfs = debugfs_create_dir(gpu->name, refgpu_root);
	list_add_tail(&gpu->node, &refgpu_gpus);
	list_for_each_entry(drv, &refgpu_drivers, node)
		refgpu_bind(gpu, drv);
	mutex_unlock(&refgpu_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(refgpu_register);

/**
 * refgpu_unregister() - take a GPU away
 * @gpu: a registered GPU
 *
 * Removes every driver from it (newest binding first) and deletes its
 * debugfs directory. When it returns no client uses @gpu any more.
 */
void refgpu_unregister(struct refgpu *gpu)
{
	struct refgpu_binding *b, *tmp;

	mutex_lock(&refgpu_lock);
	list_for_each_entry_safe_reverse(b, tmp, &gpu->bindings, node)
		refgpu_unbind(gpu, b);
	list_del(&gpu->node);
	debugfs_remove_recursive(gpu->debugfs);
	gpu->debugfs = NULL;
	mutex_unlock(&refgpu_lock);
}
EXPORT_SYMBOL_GPL(refgpu_unregister);

/**
 * refgpu_driver_register() - bind a client driver to every GPU
 * @drv: the driver; probe() is called for each GPU now and for each GPU
 *	registered later
 *
 * Return: 0, or -EINVAL without probe() and remove().
 */
int refgpu_driver_register(struct refgpu_driver *drv)
{
	struct refgpu *gpu;

	if (!drv->probe || !drv->remove || !drv->name)
		return -EINVAL;
	mutex_lock(&refgpu_lock);
	list_add_tail(&drv->node, &refgpu_drivers);
	list_for_each_entry(gpu, &refgpu_gpus, node)
		refgpu_bind(gpu, drv);
	mutex_unlock(&refgpu_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(refgpu_driver_register);

/**
 * refgpu_driver_unregister() - remove a client driver from every GPU
 * @drv: a registered driver
 */
void refgpu_driver_unregister(struct refgpu_driver *drv)
{
	struct refgpu_binding *b, *tmp;
	struct refgpu *gpu;

	mutex_lock(&refgpu_lock);
	list_for_each_entry(gpu, &refgpu_gpus, node)
		list_for_each_entry_safe(b, tmp, &gpu->bindings, node)
			if (b->drv == drv)
				refgpu_unbind(gpu, b);
	list_del(&drv->node);
	mutex_unlock(&refgpu_lock);
}
EXPORT_SYMBOL_GPL(refgpu_driver_unregister);

/* <debugfs>/refgpu/stats: what the registry and the helpers hold. */
static int refgpu_stats_show(struct seq_file *m, void *unused)
{
	struct refgpu_binding *b;
	struct refgpu_driver *drv;
	struct refgpu *gpu;

	mutex_lock(&refgpu_lock);
	list_for_each_entry(gpu, &refgpu_gpus, node) {
		seq_printf(m, "gpu %s:", gpu->name);
		list_for_each_entry(b, &gpu->bindings, node)
			seq_printf(m, " %s", b->drv->name);
		seq_putc(m, '\n');
	}
	list_for_each_entry(drv, &refgpu_drivers, node)
		seq_printf(m, "driver %s\n", drv->name);
	mutex_unlock(&refgpu_lock);
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
}
