// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mediated device framework: module setup and the registration of
 * parents, the devices that mdevs are created on.
 */

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/string.h>

#include "mdev_private.h"

/* /sys/class/mdev_bus/: one link per registered parent device. */
static struct class_compat *mdev_bus_compat_class;

/* The environment of the KOBJ_CHANGE uevents udev rules (mdevctl) act on. */
static char *mdev_env_registered[] = { "MDEV_STATE=registered", NULL };
static char *mdev_env_unregistered[] = { "MDEV_STATE=unregistered", NULL };

/**
 * mdev_register_parent() - make a device a parent of mdevs
 * @parent: the core's state for the device, usually embedded in the
 *	driver's; initialised here
 * @dev: the device; the caller holds a reference to it until
 *	mdev_unregister_parent() has returned
 * @mdev_driver: the registered driver that the new mdevs are bound to
 * @types: the types of mdev @dev offers; they must stay valid until
 *	mdev_unregister_parent() has returned
 * @nr_types: number of entries in @types
 *
 * Creates <dev>/mdev_supported_types/ and links @dev into
 * /sys/class/mdev_bus/, then sends a KOBJ_CHANGE uevent for @dev with
 * MDEV_STATE=registered. The type directories can be used from then on.
 *
 * Context: process.
 * Return: 0 or a negative error, in which case nothing is left registered.
 */
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types)
{
	int ret;

	memset(parent, 0, sizeof(*parent));
	init_rwsem(&parent->unreg_sem);
	parent->dev = dev;
	parent->mdev_driver = mdev_driver;
	parent->types = types;
	parent->nr_types = nr_types;
	atomic_set(&parent->available_instances, mdev_driver->max_instances);

	/* Writes to "create" fail with -ENODEV until the parent is whole. */
	down_write(&parent->unreg_sem);
	ret = mdev_types_add(parent);
	if (ret)
		goto out_unlock;

	ret = class_compat_create_link(mdev_bus_compat_class, dev, NULL);
	if (ret)
		goto out_remove_types;
	up_write(&parent->unreg_sem);

	dev_info(dev, "mdev parent registered with %u types\n", nr_types);
	kobject_uevent_env(&dev->kobj, KOBJ_CHANGE, mdev_env_registered);
	return 0;

out_remove_types:
	mdev_types_remove(parent);
	mdev_types_wait_released(parent);
out_unlock:
	up_write(&parent->unreg_sem);
	return ret;
}
EXPORT_SYMBOL(mdev_register_parent);

/**
 * mdev_unregister_parent() - remove a parent and all of its mdevs
 * @parent: the parent given to a successful mdev_register_parent()
 *
 * Removes every mdev of the parent, which runs the driver's remove() for
 * each; that in turn may wait for userspace to close the device. Writes
 * to "create" and "remove" that race with this fail with -ENODEV. Returns
 * when the core holds nothing of the driver's any more (the parent, its
 * types, its devices), then the driver may free them. Finally sends a
 * KOBJ_CHANGE uevent for the device with MDEV_STATE=unregistered.
 *
 * Context: process; sleeps.
 */
void mdev_unregister_parent(struct mdev_parent *parent)
{
	dev_info(parent->dev, "mdev parent unregistering\n");

	down_write(&parent->unreg_sem);
	class_compat_remove_link(mdev_bus_compat_class, parent->dev, NULL);
	mdev_parent_remove_devices(parent);
	mdev_types_remove(parent);
	up_write(&parent->unreg_sem);

	/* A "remove" writer may still hold one of the deleted mdevs. */
	mdev_types_wait_released(parent);

	kobject_uevent_env(&parent->dev->kobj, KOBJ_CHANGE,
			   mdev_env_unregistered);
}
EXPORT_SYMBOL(mdev_unregister_parent);

static int __init mdev_init(void)
{
	int ret;

	ret = mdev_bus_register();
	if (ret)
		return ret;

	mdev_bus_compat_class = class_compat_register("mdev_bus");
	if (!mdev_bus_compat_class) {
		ret = -ENOMEM;
		goto out_bus;
	}
	return 0;

out_bus:
	mdev_bus_unregister();
	return ret;
}

static void __exit mdev_exit(void)
{
	class_compat_unregister(mdev_bus_compat_class);
	mdev_bus_unregister();
}

/* Built in, the bus must exist before the parent drivers initialise. */
subsys_initcall(mdev_init);
module_exit(mdev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mediated device framework");
