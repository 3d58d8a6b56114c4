// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_sysfs - create, find and remove mediated devices through sysfs.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "igt_compiler.h"
#include "mdev_sysfs.h"

#define MDEV_DEFAULT_ROOT	"/sys"

static char mdev_root[PATH_MAX] = MDEV_DEFAULT_ROOT;

void mdev_sysfs_set_root(const char *root)
{
	snprintf(mdev_root, sizeof(mdev_root), "%s",
		 root ? root : MDEV_DEFAULT_ROOT);
}

const char *mdev_sysfs_root(void)
{
	return mdev_root;
}

/* snprintf into @buf; -ENAMETOOLONG if it does not fit. */
static int mdev_path(char *buf, size_t len, const char *fmt, ...)
	__igt_printf(3, 4);
static int mdev_path(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

int sysfs_read_str(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, ret;

	if (!len)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if ((size_t)n == len)
		return -EOVERFLOW;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

int sysfs_write_raw(const char *path, const void *buf, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

int sysfs_write_str(const char *path, const char *value)
{
	return sysfs_write_raw(path, value, strlen(value));
}

int mdev_uuid_generate(char uuid[MDEV_UUID_STRLEN])
{
	unsigned char b[16];
	ssize_t n;

	n = getrandom(b, sizeof(b), 0);
	if (n < 0)
		return -errno;
	if (n != sizeof(b))
		return -EIO;

	b[6] = (b[6] & 0x0f) | 0x40;	/* version 4: random */
	b[8] = (b[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(uuid, MDEV_UUID_STRLEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}

bool mdev_uuid_valid(const char *uuid)
{
	int i;

	for (i = 0; i < MDEV_UUID_STRLEN - 1; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (uuid[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)uuid[i])) {
			return false;
		}
	}
	return uuid[i] == '\0';
}

static int mdev_cmp_names(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

void mdev_list_free(char **list, int count)
{
	int i;

	if (!list)
		return;
	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

/* The names of the entries of @dir, except "." and "..", sorted. */
static int mdev_list_dir(const char *dir, char ***names)
{
	char **list = NULL, **bigger;
	int count = 0, cap = 0, ret;
	struct dirent *de;
	DIR *d;

	*names = NULL;
	d = opendir(dir);
	if (!d)
		return -errno;

	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 8;
			bigger = realloc(list, cap * sizeof(*list));
			if (!bigger) {
				ret = -ENOMEM;
				goto err;
			}
			list = bigger;
		}
		list[count] = strdup(de->d_name);
		if (!list[count]) {
			ret = -ENOMEM;
			goto err;
		}
		count++;
	}
	closedir(d);

	if (count)
		qsort(list, count, sizeof(*list), mdev_cmp_names);
	*names = list;
	return count;

err:
	closedir(d);
	mdev_list_free(list, count);
	return ret;
}

int mdev_list_parents(char ***names)
{
	char dir[PATH_MAX];
	int ret;

	ret = mdev_path(dir, sizeof(dir), "%s/class/mdev_bus", mdev_root);
	if (ret) {
		*names = NULL;
		return ret;
	}
	return mdev_list_dir(dir, names);
}

int mdev_list_types(const char *parent, char ***types)
{
	char dir[PATH_MAX];
	int ret;

	ret = mdev_path(dir, sizeof(dir),
			"%s/class/mdev_bus/%s/mdev_supported_types",
			mdev_root, parent);
	if (ret) {
		*types = NULL;
		return ret;
	}
	return mdev_list_dir(dir, types);
}

int mdev_type_attr_read(const char *parent, const char *type,
			const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	int ret;

	ret = mdev_path(path, sizeof(path),
			"%s/class/mdev_bus/%s/mdev_supported_types/%s/%s",
			mdev_root, parent, type, attr);
	if (ret)
		return ret;
	return sysfs_read_str(path, buf, len);
}

int mdev_type_available_instances(const char *parent, const char *type)
{
	char buf[32], *end;
	long val;
	int ret;

	ret = mdev_type_attr_read(parent, type, "available_instances",
				  buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	val = strtol(buf, &end, 10);
	if (errno || end == buf || *end || val < 0 || val > INT_MAX)
		return -EPROTO;
	return val;
}

int mdev_create(const char *parent, const char *type, const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	if (!mdev_uuid_valid(uuid))
		return -EINVAL;
	ret = mdev_path(path, sizeof(path),
			"%s/class/mdev_bus/%s/mdev_supported_types/%s/create",
			mdev_root, parent, type);
	if (ret)
		return ret;
	return sysfs_write_str(path, uuid);
}

int mdev_device_path(const char *uuid, char *buf, size_t len)
{
	return mdev_path(buf, len, "%s/bus/mdev/devices/%s", mdev_root, uuid);
}

int mdev_attr_read(const char *uuid, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	int ret;

	ret = mdev_path(path, sizeof(path), "%s/bus/mdev/devices/%s/%s",
			mdev_root, uuid, attr);
	if (ret)
		return ret;
	return sysfs_read_str(path, buf, len);
}

int mdev_attr_write(const char *uuid, const char *attr, const char *value)
{
	char path[PATH_MAX];
	int ret;

	ret = mdev_path(path, sizeof(path), "%s/bus/mdev/devices/%s/%s",
			mdev_root, uuid, attr);
	if (ret)
		return ret;
	return sysfs_write_str(path, value);
}

int mdev_remove(const char *uuid)
{
	if (!mdev_uuid_valid(uuid))
		return -EINVAL;
	return mdev_attr_write(uuid, "remove", "1");
}

bool mdev_exists(const char *uuid)
{
	char path[PATH_MAX];
	struct stat st;

	if (mdev_device_path(uuid, path, sizeof(path)))
		return false;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int mdev_type_of(const char *uuid, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int ret;

	ret = mdev_path(path, sizeof(path), "%s/bus/mdev/devices/%s/mdev_type",
			mdev_root, uuid);
	if (ret)
		return ret;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -EOVERFLOW;
	strcpy(buf, base);
	return strlen(base);
}
