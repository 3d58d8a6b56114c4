// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_leak - creating and removing mdevs leaves no slab object behind.
 *
 * Runs inside the test VM (tools/vm/suites/mdev-leak.sh) with our mdev.ko
 * and at least one parent (the kernel's mtty sample) loaded, as root.
 *
 * What is measured, and why: a sysfs path looked up by userspace (e.g.
 * bus/mdev/devices/<uuid>/remove) leaves a dentry, its inode and the
 * kernfs_node the inode pins in the dcache after the device is gone; they
 * stay until memory pressure or drop_caches shrinks the dcache. So
 * SUnreclaim (kernfs_node_cache and lsm_inode_cache are not accounted as
 * reclaimable) grows with every cycle without anything being leaked, and
 * page-granular totals also move with slab fragmentation. This test
 * instead counts objects per cache after dropping the dcache and inode
 * caches and flushing every cache's per-CPU slabs (writing 1 to
 * /sys/kernel/slab/<cache>/shrink; the "objects" count is exact then).
 * A leak of one object per cycle shows as growth proportional to the
 * number of cycles in the cache it leaks from; caching does not.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "igt_core.h"
#include "mdev_sysfs.h"

#define SLAB_DIR	"/sys/kernel/slab"
#define MAX_CACHES	512
#define WARMUP_CYCLES	50
#define SHORT_CYCLES	100
#define LONG_CYCLES	900
/* Reads of one cache's count; the smallest is kept (see cache_objects). */
#define READS		3

struct slab_snapshot {
	unsigned int n;
	char name[MAX_CACHES][64];
	long objects[MAX_CACHES];
	/* A merged cache: a symlink to the cache it shares, counted there. */
	bool alias[MAX_CACHES];
	long unreclaim_kib;
};

static char parent[256], type[256];

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t len = strlen(s), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, s, len);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret == len ? 0 : (ret < 0 ? (int)ret : -EIO);
}

static long read_first_long(const char *path)
{
	char buf[128];
	long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

static long unreclaim_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "SUnreclaim: %ld kB", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Objects in use in one cache. "objects" counts the free slots of the
 * per-CPU slabs as used; "shrink" first returns those slabs to the node
 * lists. An allocation from the cache between the two takes a slab back,
 * which can only inflate the figure: the smallest of a few reads is right.
 */
static long cache_objects(const char *cache)
{
	char path[PATH_MAX];
	long best = -1, v;
	int i;

	for (i = 0; i < READS; i++) {
		snprintf(path, sizeof(path), SLAB_DIR "/%s/shrink", cache);
		if (write_str(path, "1"))
			return -1;
		snprintf(path, sizeof(path), SLAB_DIR "/%s/objects", cache);
		v = read_first_long(path);
		if (v >= 0 && (best < 0 || v < best))
			best = v;
	}
	return best;
}

static void take_snapshot(struct slab_snapshot *s)
{
	struct dirent *de;
	DIR *d;

	sync();
	igt_assert_ok(write_str("/proc/sys/vm/drop_caches", "3"));
	igt_assert_ok(write_str("/proc/sys/vm/drop_caches", "3"));

	d = opendir(SLAB_DIR);
	igt_assert(d);
	s->n = 0;
	while ((de = readdir(d))) {
		if ((de->d_type != DT_DIR && de->d_type != DT_LNK) ||
		    de->d_name[0] == '.')
			continue;
		igt_assert(s->n < MAX_CACHES);
		igt_assert(strlen(de->d_name) < sizeof(s->name[0]));
		memcpy(s->name[s->n], de->d_name, strlen(de->d_name) + 1);
		s->objects[s->n] = cache_objects(de->d_name);
		s->alias[s->n] = de->d_type == DT_LNK;
		s->n++;
	}
	closedir(d);
	s->unreclaim_kib = unreclaim_kib();
}

static long snapshot_get(const struct slab_snapshot *s, const char *cache)
{
	unsigned int i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], cache))
			return s->objects[i];
	return -1;
}

static void cycles(int n)
{
	char uuid[MDEV_UUID_STRLEN];
	int i;

	for (i = 0; i < n; i++) {
		igt_assert_ok(mdev_uuid_generate(uuid));
		igt_assert_ok(mdev_create(parent, type, uuid));
		igt_assert_ok(mdev_remove(uuid));
	}
}

/* The first type of any parent that has room for one more device. */
static void leak_setup(void *data)
{
	char **parents, **types;
	int np, nt, i, j;

	(void)data;
	igt_require(!access("/proc/sys/vm/drop_caches", W_OK));
	igt_require(!access(SLAB_DIR, R_OK));
	np = mdev_list_parents(&parents);
	igt_require(np > 0);
	for (i = 0; i < np && !type[0]; i++) {
		nt = mdev_list_types(parents[i], &types);
		for (j = 0; j < nt && !type[0]; j++) {
			if (mdev_type_available_instances(parents[i],
							  types[j]) < 1)
				continue;
			snprintf(parent, sizeof(parent), "%s", parents[i]);
			snprintf(type, sizeof(type), "%s", types[j]);
		}
		if (nt > 0)
			mdev_list_free(types, nt);
	}
	mdev_list_free(parents, np);
	igt_require_f(type[0], "no mdev type with a free instance\n");
}

static struct slab_snapshot snap[3];

static void create_remove_1000(void *data)
{
	static const char * const shown[] = {
		"kernfs_node_cache", "inode_cache", "dentry",
	};
	unsigned int i, leaks = 0, worst = 0;
	long a, b, c, worst_growth = 0;

	(void)data;
	igt_set_timeout(300, "1000 create/remove cycles");
	igt_info("parent %s, type %s\n", parent, type);

	cycles(WARMUP_CYCLES);
	take_snapshot(&snap[0]);
	cycles(SHORT_CYCLES);
	take_snapshot(&snap[1]);
	cycles(LONG_CYCLES);
	take_snapshot(&snap[2]);

	for (i = 0; i < IGT_ARRAY_SIZE(shown); i++) {
		a = snapshot_get(&snap[0], shown[i]);
		b = snapshot_get(&snap[1], shown[i]);
		c = snapshot_get(&snap[2], shown[i]);
		igt_info("%s: %ld objects, %+ld after %d cycles, %+ld after %d more\n",
			 shown[i], a, b - a, SHORT_CYCLES, c - b, LONG_CYCLES);
	}
	igt_info("SUnreclaim (informative, page-granular): %ld, %ld, %ld kB\n",
		 snap[0].unreclaim_kib, snap[1].unreclaim_kib,
		 snap[2].unreclaim_kib);

	/*
	 * A leak: at least one object per two cycles over the long run, on
	 * top of the short run (caching settles within it). Noise measured
	 * in the VM is a few objects per cache; one leaked object per cycle
	 * makes LONG_CYCLES.
	 */
	for (i = 0; i < snap[2].n; i++) {
		a = snapshot_get(&snap[0], snap[2].name[i]);
		b = snapshot_get(&snap[1], snap[2].name[i]);
		c = snap[2].objects[i];
		if (snap[2].alias[i] || a < 0 || b < 0 || c < 0)
			continue;
		if (c - b > worst_growth) {
			worst_growth = c - b;
			worst = i;
		}
		if (c - b >= LONG_CYCLES / 2) {
			igt_warn("%s: %+ld objects over %d cycles (%+ld over the first %d): %.2f per cycle\n",
				 snap[2].name[i], c - b, LONG_CYCLES, b - a,
				 SHORT_CYCLES, (double)(c - b) / LONG_CYCLES);
			leaks++;
		}
	}
	igt_info("largest growth over %d cycles: %+ld (%s)\n", LONG_CYCLES,
		 worst_growth, worst_growth ? snap[2].name[worst] : "none");
	igt_assert_f(!leaks, "%u slab caches grew in proportion to the cycles\n",
		     leaks);
}

static const struct igt_subtest subtests[] = {
	{ "create-remove-1000", create_remove_1000,
	  "1000 create/remove cycles leave no slab object behind" },
};

IGT_TEST_MAIN("mdev create/remove leaks no slab objects", subtests,
	      .setup = leak_setup);
