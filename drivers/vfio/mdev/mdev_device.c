// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetime of a mediated device: created by a write to its type's "create"
 * file, removed by a write to its own "remove" file or by its parent going
 * away, freed when the last reference to it is dropped.
 */

#include <linux/device.h>
#include <linux/err.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/uuid.h>

#include "mdev_private.h"

/*
 * Where a device is in its life. Drivers only see the "active" flag of
 * struct mdev_device, which is set exactly in MDEV_LIVE.
 */
enum mdev_phase {
	MDEV_CREATING,	/* being created, or its creation is being undone */
	MDEV_LIVE,	/* created and nobody is removing it */
	MDEV_REMOVING,	/* claimed by a "remove" writer */
	MDEV_GONE,	/* deleted from the bus, waiting for its last put */
};

/* What the core allocates for each mdev; drivers get &instance->mdev. */
struct mdev_instance {
	struct mdev_device mdev;
	enum mdev_phase phase;
};

/*
 * Every mdev of every parent, from allocation to release. A UUID stays
 * taken until the device holding it is freed: a new device of that name
 * would clash with the old one on the bus. The lock also guards each
 * instance's phase and the parents' available_instances counters.
 */
static LIST_HEAD(mdev_list);
static DEFINE_MUTEX(mdev_list_lock);

static struct mdev_instance *to_mdev_instance(struct mdev_device *mdev)
{
	return container_of(mdev, struct mdev_instance, mdev);
}

static void mdev_set_phase(struct mdev_device *mdev, enum mdev_phase phase)
{
	lockdep_assert_held(&mdev_list_lock);
	to_mdev_instance(mdev)->phase = phase;
	mdev->active = phase == MDEV_LIVE;
}

static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	struct mdev_type *type = mdev->type;
	struct mdev_parent *parent = type->parent;

	mutex_lock(&mdev_list_lock);
	list_del(&mdev->next);
	if (!parent->mdev_driver->get_available)
		atomic_inc(&parent->available_instances);
	mutex_unlock(&mdev_list_lock);

	dev_dbg(dev, "released\n");
	kfree(to_mdev_instance(mdev));
	/* Last: dropping the type may let mdev_unregister_parent() return. */
	kobject_put(&type->kobj);
}

/*
 * Take the UUID and, for drivers that let the core count instances, one
 * instance of the parent. mdev_device_release() gives both back.
 */
static struct mdev_device *mdev_device_alloc(struct mdev_type *type,
					     const guid_t *uuid)
{
	struct mdev_parent *parent = type->parent;
	bool counted = !parent->mdev_driver->get_available;
	struct mdev_instance *inst;
	struct mdev_device *tmp;
	int ret;

	mutex_lock(&mdev_list_lock);
	list_for_each_entry(tmp, &mdev_list, next) {
		if (guid_equal(&tmp->uuid, uuid)) {
			ret = -EEXIST;
			goto out_unlock;
		}
	}
	if (counted && !atomic_read(&parent->available_instances)) {
		ret = -EUSERS;
		goto out_unlock;
	}
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (counted)
		atomic_dec(&parent->available_instances);
	inst->phase = MDEV_CREATING;
	guid_copy(&inst->mdev.uuid, uuid);
	inst->mdev.type = type;
	list_add(&inst->mdev.next, &mdev_list);
	mutex_unlock(&mdev_list_lock);
	return &inst->mdev;

out_unlock:
	mutex_unlock(&mdev_list_lock);
	return ERR_PTR(ret);
}

/**
 * mdev_device_create() - create an mdev and bind it to its parent's driver
 * @type: the type to create it from
 * @uuid: its name
 *
 * Context: process; called from the type's "create" file.
 * Return: 0, -ENODEV while the parent (un)registers or its driver is not
 * registered, -EEXIST if the UUID is taken, -EUSERS if the parent has no
 * instance left, or the error of the driver's probe().
 */
int mdev_device_create(struct mdev_type *type, const guid_t *uuid)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_device *mdev;
	int ret;

	/* A trylock: see mdev_private.h. */
	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;

	mdev = mdev_device_alloc(type, uuid);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out_unlock;
	}

	/* From here on put_device() undoes everything, through the release. */
	kobject_get(&type->kobj);
	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.groups = mdev_device_groups;
	mdev->dev.release = mdev_device_release;
	ret = dev_set_name(&mdev->dev, "%pUl", uuid);
	if (ret)
		goto out_put;

	/*
	 * Announce the device only once it is whole: its mdev_type link and
	 * the iommu_group link its driver's probe makes. libvirt reads both
	 * when the "add" uevent reaches it and drops a device that lacks
	 * one, so "add" and "bind" go out together after the bind. A create
	 * the probe refuses announces nothing.
	 */
	dev_set_uevent_suppress(&mdev->dev, 1);
	ret = device_add(&mdev->dev);
	if (ret)
		goto out_put;
	ret = mdev_device_link_type(mdev);
	if (ret)
		goto out_del;

	/*
	 * The bus matches nothing on its own: bind explicitly, so that the
	 * device gets its parent's driver and a probe error reaches the
	 * writer of "create".
	 */
	ret = mdev_driver_attach(parent->mdev_driver, mdev);
	if (ret)
		goto out_unlink;
	dev_set_uevent_suppress(&mdev->dev, 0);
	kobject_uevent(&mdev->dev.kobj, KOBJ_ADD);
	kobject_uevent(&mdev->dev.kobj, KOBJ_BIND);

	mutex_lock(&mdev_list_lock);
	mdev_set_phase(mdev, MDEV_LIVE);
	mutex_unlock(&mdev_list_lock);
	up_read(&parent->unreg_sem);
	dev_dbg(&mdev->dev, "created\n");
	return 0;

out_unlink:
	mdev_device_unlink_type(mdev);
out_del:
	device_del(&mdev->dev);
out_put:
	put_device(&mdev->dev);
out_unlock:
	up_read(&parent->unreg_sem);
	return ret;
}

/* Caller holds the parent's unreg_sem and has made the device MDEV_GONE. */
static void mdev_device_delete(struct mdev_device *mdev)
{
	mdev_device_unlink_type(mdev);
	/* Unbinds: the driver's remove() runs, and may wait for userspace. */
	device_del(&mdev->dev);
	/* Drops the reference device_initialize() gave mdev_device_create(). */
	put_device(&mdev->dev);
}

/**
 * mdev_device_start_removal() - claim an mdev for a "remove" writer
 * @mdev: the device
 *
 * Only one writer may remove a device; the others leave it to that one.
 *
 * Return: 0 if the caller now owns the removal and must call
 * mdev_device_remove(), 1 if another writer owns it, -EAGAIN while the
 * device is still being created, -ENODEV once its parent removed it.
 */
int mdev_device_start_removal(struct mdev_device *mdev)
{
	int ret;

	mutex_lock(&mdev_list_lock);
	switch (to_mdev_instance(mdev)->phase) {
	case MDEV_CREATING:
		ret = -EAGAIN;
		break;
	case MDEV_LIVE:
		mdev_set_phase(mdev, MDEV_REMOVING);
		ret = 0;
		break;
	case MDEV_REMOVING:
		ret = 1;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	mutex_unlock(&mdev_list_lock);
	return ret;
}

/**
 * mdev_device_remove() - remove an mdev claimed by mdev_device_start_removal()
 * @mdev: the device; the caller holds a reference to it
 *
 * Context: process; may block in the driver's remove().
 * Return: 0, or -ENODEV if the parent is unregistering (which removes the
 * device itself) or already has removed it.
 */
int mdev_device_remove(struct mdev_device *mdev)
{
	/*
	 * Our reference pins the type, and the type pins the parent until
	 * mdev_unregister_parent() has returned.
	 */
	struct mdev_parent *parent = mdev->type->parent;
	bool gone;

	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;

	mutex_lock(&mdev_list_lock);
	gone = to_mdev_instance(mdev)->phase == MDEV_GONE;
	mdev_set_phase(mdev, MDEV_GONE);
	mutex_unlock(&mdev_list_lock);

	if (!gone)
		mdev_device_delete(mdev);
	up_read(&parent->unreg_sem);
	return gone ? -ENODEV : 0;
}

static int mdev_is_child_of(struct device *dev, void *parent)
{
	return dev->bus == &mdev_bus_type &&
	       to_mdev_device(dev)->type->parent == parent;
}

/**
 * mdev_parent_remove_devices() - remove every mdev of a parent
 * @parent: the parent, whose unreg_sem the caller holds for write
 *
 * No device of @parent can be in creation then, but "remove" writers may
 * have claimed some: they find them MDEV_GONE and report -ENODEV.
 */
void mdev_parent_remove_devices(struct mdev_parent *parent)
{
	struct device *dev;

	lockdep_assert_held_write(&parent->unreg_sem);

	while ((dev = device_find_child(parent->dev, parent,
					mdev_is_child_of))) {
		mutex_lock(&mdev_list_lock);
		mdev_set_phase(to_mdev_device(dev), MDEV_GONE);
		mutex_unlock(&mdev_list_lock);
		mdev_device_delete(to_mdev_device(dev));
		/* The reference device_find_child() took. */
		put_device(dev);
	}
}
