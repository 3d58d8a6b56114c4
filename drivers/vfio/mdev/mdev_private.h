/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of the mdev core share with each other.
 *
 * Lock order: parent->unreg_sem, then either mdev_list_lock
 * (mdev_device.c) or mdev_drivers_sem (mdev_driver.c, held for read across
 * a probe). unreg_sem is only ever taken for read with a trylock, because
 * the readers run inside sysfs writes that mdev_unregister_parent() has to
 * drain while it holds the semaphore for write.
 */

#ifndef MDEV_PRIVATE_H
#define MDEV_PRIVATE_H

#include <linux/mdev.h>

/* mdev_driver.c: the mdev bus */
extern struct bus_type mdev_bus_type;
int mdev_bus_register(void);
int mdev_driver_attach(struct mdev_driver *drv, struct mdev_device *mdev);
void mdev_bus_unregister(void);

/* mdev_type.c: mdev_supported_types/ and the type directories in it */
int mdev_types_add(struct mdev_parent *parent);
void mdev_types_remove(struct mdev_parent *parent);
void mdev_types_wait_released(struct mdev_parent *parent);

/* mdev_device.c: lifetime of the mdevs */
int mdev_device_create(struct mdev_type *type, const guid_t *uuid);
int mdev_device_start_removal(struct mdev_device *mdev);
int mdev_device_remove(struct mdev_device *mdev);
void mdev_parent_remove_devices(struct mdev_parent *parent);

/* mdev_sysfs.c: the files of each mdev */
extern const struct attribute_group *mdev_device_groups[];
int mdev_device_link_type(struct mdev_device *mdev);
void mdev_device_unlink_type(struct mdev_device *mdev);

#endif /* MDEV_PRIVATE_H */
