// SPDX-License-Identifier: GPL-2.0-only
/*
 * The types of a parent in sysfs: <parent>/mdev_supported_types/, one
 * directory <driver>-<sysfs_name> per type with the files create, name,
 * device_api, available_instances, description (if the driver has one)
 * and a devices/ directory that links to the type's mdevs.
 *
 * The driver owns the memory of each struct mdev_type; the core only
 * borrows it while the parent is registered. A type's kobject stays
 * alive while one of its mdevs does, and mdev_unregister_parent() waits
 * for it to be released before it lets the driver free anything.
 */

#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uuid.h>
#include <linux/wait.h>

#include "mdev_private.h"

/* How often a stuck mdev_unregister_parent() says what it waits for. */
#define MDEV_RELEASE_WARN_INTERVAL	(10 * HZ)

struct mdev_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *type, char *buf);
	ssize_t (*store)(struct mdev_type *type, const char *buf,
			 size_t count);
};

/* Woken whenever a type is released. */
static DECLARE_WAIT_QUEUE_HEAD(mdev_type_release_wq);

static struct mdev_type *to_mdev_type(struct kobject *kobj)
{
	return container_of(kobj, struct mdev_type, kobj);
}

static struct mdev_type_attribute *to_mdev_type_attr(struct attribute *attr)
{
	return container_of(attr, struct mdev_type_attribute, attr);
}

static ssize_t create_store(struct mdev_type *type, const char *buf,
			    size_t count)
{
	size_t len = count;
	guid_t uuid;
	int ret;

	/* One UUID, optionally followed by the newline that echo adds. */
	if (len && buf[len - 1] == '\n')
		len--;
	if (len != UUID_STRING_LEN)
		return -EINVAL;
	/* guid_parse() reads exactly UUID_STRING_LEN characters. */
	if (guid_parse(buf, &uuid))
		return -EINVAL;

	ret = mdev_device_create(type, &uuid);
	return ret ? ret : count;
}

static ssize_t name_show(struct mdev_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  type->pretty_name ? type->pretty_name :
					      type->sysfs_name);
}

static ssize_t device_api_show(struct mdev_type *type, char *buf)
{
	return sysfs_emit(buf, "%s\n", type->parent->mdev_driver->device_api);
}

static ssize_t available_instances_show(struct mdev_type *type, char *buf)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdev_driver;
	unsigned int n;

	if (drv->get_available)
		n = drv->get_available(type);
	else
		n = atomic_read(&parent->available_instances);
	return sysfs_emit(buf, "%u\n", n);
}

static ssize_t description_show(struct mdev_type *type, char *buf)
{
	return type->parent->mdev_driver->show_description(type, buf);
}

static struct mdev_type_attribute mdev_type_attr_create = __ATTR_WO(create);
static struct mdev_type_attribute mdev_type_attr_name = __ATTR_RO(name);
static struct mdev_type_attribute mdev_type_attr_device_api =
	__ATTR_RO(device_api);
static struct mdev_type_attribute mdev_type_attr_available_instances =
	__ATTR_RO(available_instances);
static struct mdev_type_attribute mdev_type_attr_description =
	__ATTR_RO(description);

static struct attribute *mdev_type_attrs[] = {
	&mdev_type_attr_create.attr,
	&mdev_type_attr_device_api.attr,
	&mdev_type_attr_name.attr,
	&mdev_type_attr_available_instances.attr,
	&mdev_type_attr_description.attr,
	NULL,
};

static umode_t mdev_type_attr_is_visible(struct kobject *kobj,
					 struct attribute *attr, int n)
{
	struct mdev_type *type = to_mdev_type(kobj);

	if (attr == &mdev_type_attr_description.attr &&
	    !type->parent->mdev_driver->show_description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdev_type_group = {
	.attrs = mdev_type_attrs,
	.is_visible = mdev_type_attr_is_visible,
};

static const struct attribute_group *mdev_type_groups[] = {
	&mdev_type_group,
	NULL,
};

/* kernfs opens files only as their modes allow: -EIO is defensive. */
static ssize_t mdev_type_sysfs_show(struct kobject *kobj,
				    struct attribute *attr, char *buf)
{
	struct mdev_type_attribute *a = to_mdev_type_attr(attr);

	return a->show ? a->show(to_mdev_type(kobj), buf) : -EIO;
}

static ssize_t mdev_type_sysfs_store(struct kobject *kobj,
				     struct attribute *attr, const char *buf,
				     size_t count)
{
	struct mdev_type_attribute *a = to_mdev_type_attr(attr);

	return a->store ? a->store(to_mdev_type(kobj), buf, count) : -EIO;
}

static const struct sysfs_ops mdev_type_sysfs_ops = {
	.show = mdev_type_sysfs_show,
	.store = mdev_type_sysfs_store,
};

static void mdev_type_release(struct kobject *kobj)
{
	struct mdev_type *type = to_mdev_type(kobj);
	struct device *dev = type->parent->dev;

	/* The driver holds a reference of its own: never the last put. */
	put_device(dev);
	/*
	 * Tell mdev_types_wait_released() the type is free. After this
	 * store the driver may free it: touch nothing of the driver's.
	 */
	smp_store_release(&type->parent, NULL);
	wake_up_all(&mdev_type_release_wq);
}

static const struct kobj_type mdev_type_ktype = {
	.sysfs_ops = &mdev_type_sysfs_ops,
	.release = mdev_type_release,
	.default_groups = mdev_type_groups,
};

static int mdev_type_add(struct mdev_parent *parent, struct mdev_type *type)
{
	int ret;

	/*
	 * A type may be registered again after an unregistration, and its
	 * previous kobject has been released: start from a clean one.
	 */
	memset(&type->kobj, 0, sizeof(type->kobj));
	type->devices_kobj = NULL;
	type->kobj.kset = parent->mdev_types_kset;
	type->parent = parent;
	/* Dropped by mdev_type_release(). */
	get_device(parent->dev);

	ret = kobject_init_and_add(&type->kobj, &mdev_type_ktype, NULL,
				   "%s-%s", dev_driver_string(parent->dev),
				   type->sysfs_name);
	if (ret)
		goto out_put;

	type->devices_kobj = kobject_create_and_add("devices", &type->kobj);
	if (!type->devices_kobj) {
		ret = -ENOMEM;
		goto out_del;
	}
	return 0;

out_del:
	kobject_del(&type->kobj);
out_put:
	kobject_put(&type->kobj);
	return ret;
}

/* The type's mdevs must be gone from sysfs already. */
static void mdev_type_remove(struct mdev_type *type)
{
	kobject_del(type->devices_kobj);
	kobject_put(type->devices_kobj);
	type->devices_kobj = NULL;
	kobject_del(&type->kobj);
	/* The final put unless an mdev of the type is still referenced. */
	kobject_put(&type->kobj);
}

static bool mdev_type_released(struct mdev_type *type)
{
	/* Pairs with the store in mdev_type_release(). */
	return !smp_load_acquire(&type->parent);
}

static void mdev_type_wait_released(struct mdev_parent *parent,
				    struct mdev_type *type)
{
	while (!wait_event_timeout(mdev_type_release_wq,
				   mdev_type_released(type),
				   MDEV_RELEASE_WARN_INTERVAL))
		dev_warn(parent->dev,
			 "waiting for the last mdev of type %s to be released\n",
			 type->sysfs_name);
}

/**
 * mdev_types_add() - create mdev_supported_types/ and a directory per type
 * @parent: the parent, whose unreg_sem the caller holds for write
 *
 * Return: 0 or a negative error, with nothing left behind.
 */
int mdev_types_add(struct mdev_parent *parent)
{
	unsigned int i;
	int ret;

	parent->mdev_types_kset = kset_create_and_add("mdev_supported_types",
						      NULL, &parent->dev->kobj);
	if (!parent->mdev_types_kset)
		return -ENOMEM;

	for (i = 0; i < parent->nr_types; i++) {
		ret = mdev_type_add(parent, parent->types[i]);
		if (ret)
			goto out_remove;
	}
	return 0;

out_remove:
	/* mdev_type_add() has put the type that failed. */
	mdev_type_wait_released(parent, parent->types[i]);
	while (i--) {
		mdev_type_remove(parent->types[i]);
		mdev_type_wait_released(parent, parent->types[i]);
	}
	kset_unregister(parent->mdev_types_kset);
	parent->mdev_types_kset = NULL;
	return ret;
}

/**
 * mdev_types_remove() - undo mdev_types_add()
 * @parent: the parent, whose mdevs are all deleted already
 *
 * Types whose mdevs are still referenced live on, outside sysfs, until
 * the last of those mdevs is released.
 */
void mdev_types_remove(struct mdev_parent *parent)
{
	unsigned int i;

	for (i = 0; i < parent->nr_types; i++)
		mdev_type_remove(parent->types[i]);
	kset_unregister(parent->mdev_types_kset);
	parent->mdev_types_kset = NULL;
}

/**
 * mdev_types_wait_released() - wait until the core is done with the types
 * @parent: the parent, after mdev_types_remove()
 *
 * Context: process; sleeps until every mdev of @parent has been freed.
 */
void mdev_types_wait_released(struct mdev_parent *parent)
{
	unsigned int i;

	for (i = 0; i < parent->nr_types; i++)
		mdev_type_wait_released(parent, parent->types[i]);
}
