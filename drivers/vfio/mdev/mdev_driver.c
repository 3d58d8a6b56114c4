// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev bus and the drivers on it. Every parent names the one driver
 * its mdevs get; mdev_device_create() binds them explicitly, so the bus
 * itself never matches a device with a driver.
 */

#include <linux/device.h>
/*
 * Not used, but genksyms expands what it defines (struct dev_iommu and
 * everything behind it) into the CRCs of the symbols exported here: the
 * distribution's mdev_driver.c includes it, so must we for equal CRCs.
 */
#include <linux/iommu.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <vgpu/linux_compat.h>

#include "mdev_private.h"

/*
 * The drivers registered through mdev_register_driver(). A parent may name
 * its driver before registering it and keep it after unregistering it
 * (kvmgt does both), and the driver core would bind a device to such a
 * driver regardless, through freed or missing private data. So creation
 * binds only to drivers on this list, holding the semaphore for read
 * across the bind, and unregistration takes a driver off the list before
 * the driver core forgets it.
 */
struct mdev_driver_entry {
	struct list_head node;
	struct mdev_driver *drv;
};

static LIST_HEAD(mdev_drivers);
static DECLARE_RWSEM(mdev_drivers_sem);

static struct mdev_driver_entry *mdev_driver_find(struct mdev_driver *drv)
{
	struct mdev_driver_entry *entry;

	lockdep_assert_held(&mdev_drivers_sem);
	list_for_each_entry(entry, &mdev_drivers, node) {
		if (entry->drv == drv)
			return entry;
	}
	return NULL;
}

static struct mdev_driver *to_mdev_driver(struct device_driver *drv)
{
	return container_of(drv, struct mdev_driver, driver);
}

static int mdev_bus_probe(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	return drv->probe ? drv->probe(to_mdev_device(dev)) : 0;
}

static void mdev_bus_remove(struct device *dev)
{
	struct mdev_driver *drv = to_mdev_driver(dev->driver);

	if (drv->remove)
		drv->remove(to_mdev_device(dev));
}

/*
 * Never match: neither device_add() nor driver_register() nor a write to
 * a driver's "bind" file may bind an mdev. Without this callback the
 * driver core would match every device with every driver.
 */
static int mdev_bus_match(struct device *dev, kcompat_bus_match_driver *drv)
{
	return 0;
}

struct bus_type mdev_bus_type = {
	.name = "mdev",
	.match = mdev_bus_match,
	.probe = mdev_bus_probe,
	.remove = mdev_bus_remove,
};

/**
 * mdev_driver_attach() - bind a new mdev to its parent's driver
 * @drv: the parent's driver
 * @mdev: the device, added to the bus but not bound
 *
 * Return: 0, -ENODEV if @drv is not registered, or the error of the
 * driver's probe().
 */
int mdev_driver_attach(struct mdev_driver *drv, struct mdev_device *mdev)
{
	int ret = -ENODEV;

	down_read(&mdev_drivers_sem);
	if (mdev_driver_find(drv))
		ret = device_driver_attach(&drv->driver, &mdev->dev);
	up_read(&mdev_drivers_sem);
	return ret;
}

int mdev_bus_register(void)
{
	return bus_register(&mdev_bus_type);
}

void mdev_bus_unregister(void)
{
	bus_unregister(&mdev_bus_type);
}

/**
 * mdev_register_driver() - register a driver for mdevs
 * @drv: the driver; @drv->device_api and @drv->driver.name must be set
 *
 * Register the driver before any parent that names it.
 *
 * Return: 0, -EINVAL without a device_api, or the error of
 * driver_register().
 */
int mdev_register_driver(struct mdev_driver *drv)
{
	struct mdev_driver_entry *entry;
	int ret;

	if (!drv->device_api)
		return -EINVAL;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	entry->drv = drv;

	drv->driver.bus = &mdev_bus_type;
	ret = driver_register(&drv->driver);
	if (ret) {
		kfree(entry);
		return ret;
	}

	down_write(&mdev_drivers_sem);
	list_add(&entry->node, &mdev_drivers);
	up_write(&mdev_drivers_sem);
	return 0;
}
EXPORT_SYMBOL(mdev_register_driver);

/**
 * mdev_unregister_driver() - unregister a driver for mdevs
 * @drv: the driver
 *
 * Unbinds the driver from the mdevs it still has; unregister the parents
 * that name it first.
 */
void mdev_unregister_driver(struct mdev_driver *drv)
{
	struct mdev_driver_entry *entry;

	/* Waits for the binds in progress; no new one starts after this. */
	down_write(&mdev_drivers_sem);
	entry = mdev_driver_find(drv);
	if (entry)
		list_del(&entry->node);
	up_write(&mdev_drivers_sem);
	kfree(entry);

	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL(mdev_unregister_driver);
