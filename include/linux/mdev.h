/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Mediated device (mdev) framework: the interface for parent drivers.
 *
 * This header replaces the kernel's <linux/mdev.h>. Every structure below
 * has the members, types and order of Linux 6.1 so that modules built
 * against the distribution's header (and their symbol CRCs) work with our
 * mdev.ko unchanged. Do not reorder or retype anything here; add nothing
 * that genksyms would see in the exported functions' types.
 */

#ifndef MDEV_H
#define MDEV_H

#include <linux/device.h>
#include <linux/uuid.h>

struct mdev_type;

/**
 * struct mdev_device - a mediated device
 * @dev: the device on the mdev bus, a child of the parent's device
 * @uuid: the UUID that names the device
 * @next: the core's list of all mdevs (used for UUID uniqueness)
 * @type: the type the device was created from
 * @active: set once creation has finished and until removal starts
 *
 * Allocated and freed by the core; drivers get it in their probe().
 */
struct mdev_device {
	struct device dev;
	guid_t uuid;
	struct list_head next;
	struct mdev_type *type;
	bool active;
};

/**
 * struct mdev_type - a kind of mdev a parent can create
 * @sysfs_name: set by the driver: suffix of the type's directory name
 * @pretty_name: set by the driver (optional): content of the "name" file
 * @parent: set by the core while the type is registered
 * @kobj: core internal: mdev_supported_types/<driver>-<sysfs_name>/
 * @devices_kobj: core internal: the type's devices/ directory
 *
 * Drivers usually embed this in their own per-type structure.
 */
struct mdev_type {
	const char *sysfs_name;
	const char *pretty_name;

	struct mdev_parent *parent;

	struct kobject kobj;
	struct kobject *devices_kobj;
};

/**
 * struct mdev_parent - a device that mdevs are created on
 * @dev: the physical (or otherwise real) device
 * @mdev_driver: the driver every mdev of this parent is bound to
 * @mdev_types_kset: the parent's mdev_supported_types/ directory
 * @unreg_sem: held for write while the parent registers or unregisters,
 *	for read while an mdev of the parent is created or removed
 * @types: the types given to mdev_register_parent()
 * @nr_types: number of entries in @types
 * @available_instances: instances left when the driver has no
 *	get_available(); starts at the driver's max_instances
 *
 * Drivers embed this in their per-device structure; the core fills it in.
 */
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct kset *mdev_types_kset;
	struct rw_semaphore unreg_sem;
	struct mdev_type **types;
	unsigned int nr_types;
	atomic_t available_instances;
};

static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

/**
 * struct mdev_driver - the driver of a parent's mdevs
 * @device_api: content of the types' "device_api" file, e.g. "vfio-pci"
 * @max_instances: how many mdevs a parent may have in total; used only
 *	when @get_available is not set
 * @probe: set the new mdev up; an error fails the sysfs "create" write
 * @remove: tear the mdev down; may block until userspace lets go of it
 * @get_available: how many more mdevs of a type can be created (optional)
 * @show_description: fill the type's "description" file (optional)
 * @driver: the driver on the mdev bus
 */
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *dev);
	void (*remove)(struct mdev_device *dev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	ssize_t (*show_description)(struct mdev_type *mtype, char *buf);
	struct device_driver driver;
};

int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver,
			 struct mdev_type **types, unsigned int nr_types);
void mdev_unregister_parent(struct mdev_parent *parent);

int mdev_register_driver(struct mdev_driver *drv);
void mdev_unregister_driver(struct mdev_driver *drv);

static inline struct device *mdev_dev(struct mdev_device *mdev)
{
	return &mdev->dev;
}

#endif /* MDEV_H */
