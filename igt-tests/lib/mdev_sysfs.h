/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mdev_sysfs - create, find and remove mediated devices through sysfs.
 *
 * Paths used (relative to the sysfs root, "/sys" unless a test changes it
 * with mdev_sysfs_set_root()):
 *
 *   class/mdev_bus/<parent>/mdev_supported_types/<type>/{create,name,
 *	available_instances,device_api,description}
 *   bus/mdev/devices/<uuid>/{remove,mdev_type,iommu_group}
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure; none aborts.
 */
#ifndef MDEV_SYSFS_H
#define MDEV_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus the terminating NUL. */
#define MDEV_UUID_STRLEN	37

/**
 * mdev_sysfs_set_root() - use another directory as the sysfs root
 * @root: e.g. a fake tree under build/ in unit tests; NULL restores "/sys"
 */
void mdev_sysfs_set_root(const char *root);

/**
 * mdev_sysfs_root() - the sysfs root in use
 *
 * Return: "/sys" or what mdev_sysfs_set_root() was given.
 */
const char *mdev_sysfs_root(void);

/**
 * mdev_uuid_generate() - a random (version 4) UUID in canonical text form
 * @uuid: receives the UUID, lower case
 *
 * Return: 0 or -errno from getrandom().
 */
int mdev_uuid_generate(char uuid[MDEV_UUID_STRLEN]);

/**
 * mdev_uuid_valid() - whether @uuid is a canonical 36-character UUID
 * @uuid: the string to check
 *
 * Return: true if it is.
 */
bool mdev_uuid_valid(const char *uuid);

/**
 * mdev_list_parents() - the devices registered as mdev parents
 * @names: receives a sorted array of names, freed with mdev_list_free()
 *
 * Return: the number of names, or -errno (-ENOENT when no parent driver
 * has ever registered, i.e. the mdev_bus class is missing).
 */
int mdev_list_parents(char ***names);

/**
 * mdev_list_types() - the mdev types a parent supports
 * @parent: parent device name (an entry of class/mdev_bus)
 * @types: receives a sorted array of type directory names ("vgpu-small"),
 *	freed with mdev_list_free()
 *
 * Return: the number of types, or -errno.
 */
int mdev_list_types(const char *parent, char ***types);

/**
 * mdev_list_free() - free a list from mdev_list_parents()/mdev_list_types()
 * @list: the array (may be NULL)
 * @count: its length
 */
void mdev_list_free(char **list, int count);

/**
 * mdev_type_attr_read() - read an attribute of an mdev type
 * @parent: parent device name
 * @type: type directory name
 * @attr: "name", "available_instances", "device_api", "description"...
 * @buf: receives the value without its trailing newline
 * @len: size of @buf
 *
 * Return: length of the value, or -errno (-EOVERFLOW if @buf is too small).
 */
int mdev_type_attr_read(const char *parent, const char *type,
			const char *attr, char *buf, size_t len);

/**
 * mdev_type_available_instances() - how many more devices of a type fit
 * @parent: parent device name
 * @type: type directory name
 *
 * Return: the count, or -errno.
 */
int mdev_type_available_instances(const char *parent, const char *type);

/**
 * mdev_create() - create an mdev by writing its UUID to the type's create
 * @parent: parent device name
 * @type: type directory name
 * @uuid: the new device's UUID
 *
 * Return: 0, or the -errno the parent driver's create returned.
 */
int mdev_create(const char *parent, const char *type, const char *uuid);

/**
 * mdev_remove() - remove an mdev by writing 1 to its remove attribute
 * @uuid: the device's UUID
 *
 * Return: 0 or -errno (-EBUSY while a VFIO user still holds it open).
 */
int mdev_remove(const char *uuid);

/**
 * mdev_exists() - whether bus/mdev/devices/<uuid> exists
 * @uuid: the device's UUID
 *
 * Return: true if it does.
 */
bool mdev_exists(const char *uuid);

/**
 * mdev_device_path() - the sysfs directory of an mdev
 * @uuid: the device's UUID
 * @buf: receives "<root>/bus/mdev/devices/<uuid>"
 * @len: size of @buf
 *
 * Return: 0 or -ENAMETOOLONG.
 */
int mdev_device_path(const char *uuid, char *buf, size_t len);

/**
 * mdev_attr_read() - read an attribute of an mdev (its sysfs directory)
 * @uuid: the device's UUID
 * @attr: file name inside the device's directory
 * @buf: receives the value without its trailing newline
 * @len: size of @buf
 *
 * Return: length of the value, or -errno.
 */
int mdev_attr_read(const char *uuid, const char *attr, char *buf, size_t len);

/**
 * mdev_attr_write() - write an attribute of an mdev
 * @uuid: the device's UUID
 * @attr: file name inside the device's directory
 * @value: the string written (no newline added)
 *
 * Return: 0 or -errno.
 */
int mdev_attr_write(const char *uuid, const char *attr, const char *value);

/**
 * mdev_type_of() - the type directory name of an existing mdev
 * @uuid: the device's UUID
 * @buf: receives the basename of the device's mdev_type link
 * @len: size of @buf
 *
 * Return: length of the name, or -errno.
 */
int mdev_type_of(const char *uuid, char *buf, size_t len);

/**
 * sysfs_read_str() - read a small text file, dropping one trailing newline
 * @path: the file
 * @buf: receives the NUL-terminated contents
 * @len: size of @buf
 *
 * Return: length of the contents, or -errno (-EOVERFLOW if @buf is too
 * small).
 */
int sysfs_read_str(const char *path, char *buf, size_t len);

/**
 * sysfs_write_raw() - write exactly @len bytes to a file in one write()
 * @path: the file
 * @buf: the bytes (need not be a C string: tests write malformed input)
 * @len: how many
 *
 * Return: 0 or -errno; a short write is -EIO.
 */
int sysfs_write_raw(const char *path, const void *buf, size_t len);

/**
 * sysfs_write_str() - write a string to a file in one write()
 * @path: the file
 * @value: the string
 *
 * Return: 0 or -errno (a short write is -EIO).
 */
int sysfs_write_str(const char *path, const char *value);

#endif /* MDEV_SYSFS_H */
