// SPDX-License-Identifier: GPL-2.0-only
/*
 * The sysfs files of each mdev: its "remove" attribute, its "mdev_type"
 * link to the type directory, and its entry in that type's devices/.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>

#include "mdev_private.h"

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct mdev_device *mdev = to_mdev_device(dev);
	unsigned long val;
	int ret;

	if (kstrtoul(buf, 0, &val))
		return -EINVAL;
	if (!val)
		return count;

	ret = mdev_device_start_removal(mdev);
	if (ret)
		return ret < 0 ? ret : count;

	/*
	 * Deleting the device waits for every sysfs operation on it to
	 * finish, this write included: take our file out of that first.
	 * From then on only our own reference keeps the device around.
	 */
	get_device(dev);
	device_remove_file_self(dev, attr);
	ret = mdev_device_remove(mdev);
	put_device(dev);

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(remove);

static struct attribute *mdev_device_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdev_device_group = {
	.attrs = mdev_device_attrs,
};

const struct attribute_group *mdev_device_groups[] = {
	&mdev_device_group,
	NULL,
};

/**
 * mdev_device_link_type() - link a new mdev and its type both ways
 * @mdev: the device, already added to the bus
 *
 * Return: 0 or the error of sysfs_create_link().
 */
int mdev_device_link_type(struct mdev_device *mdev)
{
	struct kobject *kobj = &mdev->dev.kobj;
	struct mdev_type *type = mdev->type;
	int ret;

	ret = sysfs_create_link(type->devices_kobj, kobj, dev_name(&mdev->dev));
	if (ret)
		return ret;

	ret = sysfs_create_link(kobj, &type->kobj, "mdev_type");
	if (ret)
		sysfs_remove_link(type->devices_kobj, dev_name(&mdev->dev));
	return ret;
}

/**
 * mdev_device_unlink_type() - undo mdev_device_link_type()
 * @mdev: the device
 */
void mdev_device_unlink_type(struct mdev_device *mdev)
{
	sysfs_remove_link(&mdev->dev.kobj, "mdev_type");
	sysfs_remove_link(mdev->type->devices_kobj, dev_name(&mdev->dev));
}
