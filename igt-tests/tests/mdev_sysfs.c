// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_sysfs - the kernel's sample mdev drivers (mtty, mdpy, mbochs, built
 * from Debian's linux-source against our headers) on our mdev core: the
 * sysfs ABI they and every management tool rely on, both availability
 * models, bad input refused without side effects, the MDEV_STATE uevents,
 * removal of an open device, and module unload with live devices.
 *
 * Runs inside the test VM (tools/vm/suites/mdev-compat.sh) with vfio, our
 * mdev.ko and the samples loaded; the fixture reloads a sample that an
 * earlier subtest left unloaded and removes the devices an earlier subtest
 * left behind (their UUIDs start with COMPAT_UUID_PREFIX).
 *
 * The expected figures are the samples' defaults: mtty shares 24 ports
 * between its types (mtty-1 takes 1, mtty-2 takes 2; get_available
 * model), mdpy has max_instances = 4 over all its types (the core
 * counts), mbochs shares 256 MB (small 4, medium 16, large 64 MB;
 * get_available model).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "igt_core.h"
#include "mdev_sysfs.h"
#include "vfio_harness.h"
#include "mdev_compat.h"

#define UEVENT_TIMEOUT_MS	15000

/**
 * struct type_spec - what one sample type must show in sysfs
 * @dir: directory under mdev_supported_types/
 * @name: contents of its "name" file
 * @description: contents of "description"; NULL: the file must not exist
 * @avail: available_instances while the parent has no device
 */
struct type_spec {
	const char *dir;
	const char *name;
	const char *description;
	int avail;
};

/**
 * struct sample_spec - a sample parent driver
 * @parent: name of its parent device, of its mdev driver and its module
 * @types: its types
 * @nr_types: entries in @types
 */
struct sample_spec {
	const char *parent;
	const struct type_spec *types;
	unsigned int nr_types;
};

static const struct type_spec mtty_types[] = {
	{ "mtty-1", "Single port serial", NULL, 24 },
	{ "mtty-2", "Dual port serial", NULL, 12 },
};

static const struct type_spec mdpy_types[] = {
	{ "mdpy-vga", "mdpy-vga", "virtual display, 640x480 framebuffer", 4 },
	{ "mdpy-xga", "mdpy-xga", "virtual display, 1024x768 framebuffer", 4 },
	{ "mdpy-hd", "mdpy-hd", "virtual display, 1920x1080 framebuffer", 4 },
};

static const struct type_spec mbochs_types[] = {
	{ "mbochs-small", "mbochs-small", "virtual display, 4 MB video memory",
	  64 },
	{ "mbochs-medium", "mbochs-medium",
	  "virtual display, 16 MB video memory", 16 },
	{ "mbochs-large", "mbochs-large", "virtual display, 64 MB video memory",
	  4 },
};

static const struct sample_spec sample_mtty = {
	"mtty", mtty_types, IGT_ARRAY_SIZE(mtty_types)
};

static const struct sample_spec sample_mdpy = {
	"mdpy", mdpy_types, IGT_ARRAY_SIZE(mdpy_types)
};

static const struct sample_spec sample_mbochs = {
	"mbochs", mbochs_types, IGT_ARRAY_SIZE(mbochs_types)
};

/* --- helpers ------------------------------------------------------------ */

static void type_path(char *buf, size_t len, const char *parent,
		      const char *type, const char *file)
{
	compat_pathf(buf, len, COMPAT_SYS_PARENTS "/%s/mdev_supported_types/%s%s%s",
		     parent, type, file ? "/" : "", file ? file : "");
}

static int avail(const char *parent, const char *type)
{
	int n = mdev_type_available_instances(parent, type);

	igt_assert_f(n >= 0, "available_instances of %s/%s: %s\n", parent,
		     type, strerror(-n));
	return n;
}

/* Create by writing the UUID (with echo's newline) to the type's file. */
static int create(const char *parent, const char *type, const char *uuid)
{
	char path[PATH_MAX], line[MDEV_UUID_STRLEN + 1];

	type_path(path, sizeof(path), parent, type, "create");
	snprintf(line, sizeof(line), "%s\n", uuid);
	return sysfs_write_raw(path, line, strlen(line));
}

static void create_ok(const char *parent, const char *type, const char *uuid)
{
	int ret = create(parent, type, uuid);

	igt_assert_f(!ret, "create %s on %s/%s: %s\n", uuid, parent, type,
		     strerror(-ret));
}

static void remove_ok(const char *uuid)
{
	int ret = mdev_remove(uuid);

	igt_assert_f(!ret, "remove %s: %s\n", uuid, strerror(-ret));
}

static void real(const char *path, char *buf)
{
	igt_assert_f(realpath(path, buf), "realpath(%s): %s\n", path,
		     strerror(errno));
}

static const char *link_base(const char *link, char *buf, size_t len)
{
	ssize_t n = readlink(link, buf, len - 1);
	char *slash;

	igt_assert_f(n > 0, "readlink(%s): %s\n", link, strerror(errno));
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

/*
 * The device exists and is wired up as mdev devices are: under its parent,
 * linked to and from its type, bound to the parent's driver, in an IOMMU
 * group whose VFIO node exists. Returns the group number.
 */
static int assert_mdev_live(const char *uuid, const char *parent,
			    const char *type)
{
	char dev[PATH_MAX], dev_real[PATH_MAX], want[PATH_MAX];
	char path[PATH_MAX], got[PATH_MAX], buf[PATH_MAX];
	const char *base;
	struct stat st;
	int group;

	compat_pathf(dev, sizeof(dev), COMPAT_SYS_DEVICES "/%s", uuid);
	igt_assert_f(compat_exists(dev), "%s does not exist\n", dev);
	real(dev, dev_real);

	compat_pathf(path, sizeof(path), COMPAT_SYS_PARENTS "/%s", parent);
	real(path, got);
	compat_pathf(want, sizeof(want), "%s/%s", got, uuid);
	igt_assert_eq_str(dev_real, want);

	compat_pathf(path, sizeof(path), "%s/mdev_type", dev);
	real(path, got);
	type_path(path, sizeof(path), parent, type, NULL);
	real(path, want);
	igt_assert_eq_str(got, want);

	type_path(path, sizeof(path), parent, type, "devices/");
	igt_assert(strlen(path) + strlen(uuid) < sizeof(path));
	strcat(path, uuid);
	real(path, got);
	igt_assert_eq_str(got, dev_real);

	compat_pathf(path, sizeof(path), "%s/driver", dev);
	base = link_base(path, buf, sizeof(buf));
	igt_assert_eq_str(base, parent);

	compat_pathf(path, sizeof(path), "%s/remove", dev);
	igt_assert_f(!stat(path, &st), "%s: %s\n", path, strerror(errno));
	igt_assert_eq(st.st_mode & 0777, 0200);

	compat_pathf(path, sizeof(path), "%s/iommu_group", dev);
	base = link_base(path, buf, sizeof(buf));
	group = atoi(base);
	compat_pathf(path, sizeof(path), "/dev/vfio/%d", group);
	igt_assert_f(!stat(path, &st) && S_ISCHR(st.st_mode),
		     "%s is not a character device\n", path);
	return group;
}

/* No device of that name under the parent or in its types' devices/. */
static void assert_not_under(const char *uuid, const struct sample_spec *s)
{
	char path[PATH_MAX];
	unsigned int i;

	compat_pathf(path, sizeof(path), COMPAT_SYS_PARENTS "/%s/%s",
		     s->parent, uuid);
	igt_assert_f(!compat_exists(path), "%s still exists\n", path);
	for (i = 0; i < s->nr_types; i++) {
		type_path(path, sizeof(path), s->parent, s->types[i].dir,
			  "devices/");
		igt_assert(strlen(path) + strlen(uuid) < sizeof(path));
		strcat(path, uuid);
		igt_assert_f(!compat_exists(path), "%s still exists\n", path);
	}
}

/* Nothing of the device is left: not on the bus, not under its parent. */
static void assert_mdev_gone(const char *uuid, const struct sample_spec *s)
{
	char path[PATH_MAX];

	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s", uuid);
	igt_assert_f(!compat_exists(path), "%s still exists\n", path);
	assert_not_under(uuid, s);
}

/* Every type of the sample shows its idle availability again. */
static void assert_avail_idle(const struct sample_spec *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_types; i++)
		igt_assert_f(avail(s->parent, s->types[i].dir) ==
			     s->types[i].avail,
			     "%s/%s: available_instances %d, expected %d\n",
			     s->parent, s->types[i].dir,
			     avail(s->parent, s->types[i].dir),
			     s->types[i].avail);
}

static void assert_vfio_group_gone(int group)
{
	char path[PATH_MAX];

	compat_pathf(path, sizeof(path), "/dev/vfio/%d", group);
	igt_assert_f(!compat_exists(path), "%s still exists\n", path);
}

/* A whole create/verify/remove/verify cycle on one type. */
static void create_remove_cycle(const struct sample_spec *s,
				const char *type)
{
	char uuid[MDEV_UUID_STRLEN];
	int group;

	compat_uuid(uuid);
	create_ok(s->parent, type, uuid);
	group = assert_mdev_live(uuid, s->parent, type);
	remove_ok(uuid);
	assert_mdev_gone(uuid, s);
	assert_vfio_group_gone(group);
	assert_avail_idle(s);
}

/* --- fixture ------------------------------------------------------------ */

static void setup(void *data)
{
	(void)data;
	compat_require_samples();
	compat_cleanup();
}

static void teardown(void *data)
{
	(void)data;
	compat_cleanup();
}

/* --- types and their attributes ----------------------------------------- */

static void subtest_parents_listed(void *data)
{
	static const char * const parents[] = COMPAT_SAMPLES;
	char path[PATH_MAX], types[PATH_MAX];
	struct stat st;
	unsigned int i;

	(void)data;
	for (i = 0; i < IGT_ARRAY_SIZE(parents); i++) {
		compat_pathf(path, sizeof(path), COMPAT_SYS_PARENTS "/%s",
			     parents[i]);
		igt_assert_f(!lstat(path, &st) && S_ISLNK(st.st_mode),
			     "%s is not a link\n", path);
		compat_pathf(types, sizeof(types), "%s/mdev_supported_types",
			     path);
		igt_assert_f(!stat(types, &st) && S_ISDIR(st.st_mode),
			     "%s is not a directory\n", types);
	}
}

static void check_types(const struct sample_spec *s)
{
	static const struct {
		const char *file;
		unsigned int mode;
	} modes[] = {
		{ "create", 0200 }, { "name", 0444 }, { "device_api", 0444 },
		{ "available_instances", 0444 },
	};
	char **names, path[PATH_MAX], buf[256];
	unsigned int i, j;
	struct stat st;
	int n, ret;

	n = mdev_list_types(s->parent, &names);
	igt_assert_f(n >= 0, "listing the types of %s: %s\n", s->parent,
		     strerror(-n));
	igt_assert_f((unsigned int)n == s->nr_types,
		     "%s has %d types, expected %u\n", s->parent, n,
		     s->nr_types);

	for (i = 0; i < s->nr_types; i++) {
		const struct type_spec *t = &s->types[i];

		for (j = 0; j < (unsigned int)n; j++)
			if (!strcmp(names[j], t->dir))
				break;
		igt_assert_f(j < (unsigned int)n, "%s has no type %s\n",
			     s->parent, t->dir);

		igt_assert(mdev_type_attr_read(s->parent, t->dir, "name", buf,
					       sizeof(buf)) >= 0);
		igt_assert_eq_str(buf, t->name);
		igt_assert(mdev_type_attr_read(s->parent, t->dir,
					       "device_api", buf,
					       sizeof(buf)) >= 0);
		igt_assert_eq_str(buf, "vfio-pci");
		igt_assert_eq(avail(s->parent, t->dir), t->avail);

		ret = mdev_type_attr_read(s->parent, t->dir, "description",
					  buf, sizeof(buf));
		if (t->description) {
			igt_assert_f(ret >= 0, "%s/%s/description: %s\n",
				     s->parent, t->dir, strerror(-ret));
			igt_assert_eq_str(buf, t->description);
		} else {
			igt_assert_f(ret == -ENOENT,
				     "%s/%s has a description file\n",
				     s->parent, t->dir);
		}

		for (j = 0; j < IGT_ARRAY_SIZE(modes); j++) {
			type_path(path, sizeof(path), s->parent, t->dir,
				  modes[j].file);
			igt_assert_f(!stat(path, &st), "%s: %s\n", path,
				     strerror(errno));
			igt_assert_f((st.st_mode & 0777) == modes[j].mode,
				     "%s has mode %o, expected %o\n", path,
				     st.st_mode & 0777, modes[j].mode);
		}

		/* Read-only files refuse writes, even from root. */
		type_path(path, sizeof(path), s->parent, t->dir, "name");
		igt_assert_eq(sysfs_write_raw(path, "x", 1), -EACCES);

		type_path(path, sizeof(path), s->parent, t->dir, "devices");
		igt_assert_f(!stat(path, &st) && S_ISDIR(st.st_mode),
			     "%s is not a directory\n", path);
	}
	mdev_list_free(names, n);
}

static void subtest_mtty_types(void *data)
{
	(void)data;
	check_types(&sample_mtty);
}

static void subtest_mdpy_types(void *data)
{
	(void)data;
	check_types(&sample_mdpy);
}

static void subtest_mbochs_types(void *data)
{
	(void)data;
	check_types(&sample_mbochs);
}

/* --- create and remove -------------------------------------------------- */

static void subtest_create_remove_mtty(void *data)
{
	char uuid[MDEV_UUID_STRLEN], path[PATH_MAX], buf[128], want[128];

	(void)data;
	create_remove_cycle(&sample_mtty, "mtty-1");
	create_remove_cycle(&sample_mtty, "mtty-2");

	/*
	 * get_available model: the ports are shared, so a dual-port device
	 * takes one mtty-2 instance and two mtty-1 instances.
	 */
	compat_uuid(uuid);
	create_ok("mtty", "mtty-2", uuid);
	igt_assert_eq(avail("mtty", "mtty-2"), 11);
	igt_assert_eq(avail("mtty", "mtty-1"), 22);

	/* The driver's dev_groups are on the device. */
	compat_pathf(path, sizeof(path),
		     COMPAT_SYS_DEVICES "/%s/vendor/sample_mdev_dev", uuid);
	igt_assert(sysfs_read_str(path, buf, sizeof(buf)) >= 0);
	snprintf(want, sizeof(want), "This is MDEV %s", uuid);
	igt_assert_eq_str(buf, want);

	remove_ok(uuid);
	assert_mdev_gone(uuid, &sample_mtty);
	assert_avail_idle(&sample_mtty);
}

static void subtest_create_remove_mdpy(void *data)
{
	char uuid[MDEV_UUID_STRLEN], path[PATH_MAX], buf[64];

	(void)data;
	create_remove_cycle(&sample_mdpy, "mdpy-vga");
	create_remove_cycle(&sample_mdpy, "mdpy-xga");
	create_remove_cycle(&sample_mdpy, "mdpy-hd");

	/* max_instances model: one counter for all the parent's types. */
	compat_uuid(uuid);
	create_ok("mdpy", "mdpy-hd", uuid);
	igt_assert_eq(avail("mdpy", "mdpy-vga"), 3);
	igt_assert_eq(avail("mdpy", "mdpy-xga"), 3);
	igt_assert_eq(avail("mdpy", "mdpy-hd"), 3);

	compat_pathf(path, sizeof(path),
		     COMPAT_SYS_DEVICES "/%s/vendor/resolution", uuid);
	igt_assert(sysfs_read_str(path, buf, sizeof(buf)) >= 0);
	igt_assert_eq_str(buf, "1920x1080");

	remove_ok(uuid);
	assert_mdev_gone(uuid, &sample_mdpy);
	assert_avail_idle(&sample_mdpy);
}

static void subtest_create_remove_mbochs(void *data)
{
	char uuid[MDEV_UUID_STRLEN], path[PATH_MAX], buf[64];

	(void)data;
	create_remove_cycle(&sample_mbochs, "mbochs-small");
	create_remove_cycle(&sample_mbochs, "mbochs-medium");
	create_remove_cycle(&sample_mbochs, "mbochs-large");

	compat_uuid(uuid);
	create_ok("mbochs", "mbochs-medium", uuid);
	igt_assert_eq(avail("mbochs", "mbochs-small"), 60);
	igt_assert_eq(avail("mbochs", "mbochs-medium"), 15);
	igt_assert_eq(avail("mbochs", "mbochs-large"), 3);

	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s/vendor/memory",
		     uuid);
	igt_assert(sysfs_read_str(path, buf, sizeof(buf)) >= 0);
	igt_assert_eq_str(buf, "16 MB");

	remove_ok(uuid);
	assert_mdev_gone(uuid, &sample_mbochs);
	assert_avail_idle(&sample_mbochs);
}

static void subtest_create_uppercase(void *data)
{
	char uuid[MDEV_UUID_STRLEN], upper[MDEV_UUID_STRLEN];
	char path[PATH_MAX];
	unsigned int i;

	(void)data;
	compat_uuid(uuid);
	for (i = 0; i < sizeof(uuid); i++)
		upper[i] = (uuid[i] >= 'a' && uuid[i] <= 'f') ?
			   uuid[i] - 'a' + 'A' : uuid[i];

	/* Without the newline echo would add: both forms are accepted. */
	type_path(path, sizeof(path), "mdpy", "mdpy-vga", "create");
	igt_assert_eq(sysfs_write_raw(path, upper, strlen(upper)), 0);
	/* The device is named in lower case. */
	assert_mdev_live(uuid, "mdpy", "mdpy-vga");
	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s", upper);
	igt_assert(!compat_exists(path));
	/* The same UUID in the other case is the same UUID. */
	igt_assert_eq(create("mdpy", "mdpy-xga", uuid), -EEXIST);
	remove_ok(uuid);
	assert_mdev_gone(uuid, &sample_mdpy);
	assert_avail_idle(&sample_mdpy);
}

static void subtest_create_rejects_malformed(void *data)
{
	char uuid[MDEV_UUID_STRLEN], bad[128], path[PATH_MAX];
	const struct {
		const char *parent, *type;
	} where[] = { { "mtty", "mtty-1" }, { "mdpy", "mdpy-vga" } };
	unsigned int i, w;
	int before;

	(void)data;
	compat_uuid(uuid);
	before = compat_count_mdevs();

	for (w = 0; w < IGT_ARRAY_SIZE(where); w++) {
		const char *cases[16];
		size_t lens[16];
		unsigned int n = 0;
		char shorter[64], longer[64], nonhex[64], dashes[64];
		char braces[64], spaced[64], nul[64], twonl[64];

		snprintf(shorter, sizeof(shorter), "%.35s", uuid);
		snprintf(longer, sizeof(longer), "%s0", uuid);
		snprintf(nonhex, sizeof(nonhex), "%s", uuid);
		nonhex[30] = 'g';
		/* Dashes one place off: the right length, the wrong shape. */
		snprintf(dashes, sizeof(dashes), "%.7s-%c%s", uuid, uuid[7],
			 uuid + 9);
		snprintf(braces, sizeof(braces), "{%.34s}", uuid);
		snprintf(spaced, sizeof(spaced), " %.35s", uuid);
		snprintf(twonl, sizeof(twonl), "%s\n\n", uuid);
		memcpy(nul, uuid, 36);
		nul[36] = '\0';
		nul[37] = 'x';

		cases[n] = "\n"; lens[n++] = 1;
		cases[n] = "not-a-uuid"; lens[n++] = 10;
		cases[n] = shorter; lens[n++] = strlen(shorter);
		cases[n] = longer; lens[n++] = strlen(longer);
		cases[n] = nonhex; lens[n++] = strlen(nonhex);
		cases[n] = dashes; lens[n++] = strlen(dashes);
		cases[n] = braces; lens[n++] = strlen(braces);
		cases[n] = spaced; lens[n++] = strlen(spaced);
		cases[n] = twonl; lens[n++] = strlen(twonl);
		/* A UUID followed by a NUL and more: not one UUID either. */
		cases[n] = nul; lens[n++] = 38;

		type_path(path, sizeof(path), where[w].parent, where[w].type,
			  "create");
		for (i = 0; i < n; i++) {
			int before_avail = avail(where[w].parent,
						 where[w].type);
			int ret;

			memcpy(bad, cases[i], lens[i]);
			ret = sysfs_write_raw(path, bad, lens[i]);
			igt_assert_f(ret == -EINVAL,
				     "%s/%s: writing case %u (%zu bytes) gave %s, expected EINVAL\n",
				     where[w].parent, where[w].type, i,
				     lens[i], strerror(-ret));
			igt_assert_eq(compat_count_mdevs(), before);
			igt_assert_eq(avail(where[w].parent, where[w].type),
				      before_avail);
		}
	}

	/* Nothing broke: the well-formed UUID still works everywhere. */
	create_ok("mtty", "mtty-1", uuid);
	assert_mdev_live(uuid, "mtty", "mtty-1");
	remove_ok(uuid);
	assert_avail_idle(&sample_mtty);
	assert_avail_idle(&sample_mdpy);
}

/* A duplicate is refused with EEXIST and the original is left alone. */
static void check_duplicate(const char *parent1, const char *type1,
			    const struct sample_spec *s2, const char *type2)
{
	char uuid[MDEV_UUID_STRLEN];
	int avail1, avail2, count;

	compat_uuid(uuid);
	create_ok(parent1, type1, uuid);
	assert_mdev_live(uuid, parent1, type1);
	avail1 = avail(parent1, type1);
	avail2 = avail(s2->parent, type2);
	count = compat_count_mdevs();

	igt_assert_eq(create(s2->parent, type2, uuid), -EEXIST);
	igt_assert_eq(create(s2->parent, type2, uuid), -EEXIST);

	assert_mdev_live(uuid, parent1, type1);
	igt_assert_eq(compat_count_mdevs(), count);
	igt_assert_eq(avail(parent1, type1), avail1);
	igt_assert_eq(avail(s2->parent, type2), avail2);
	if (strcmp(parent1, s2->parent))
		assert_not_under(uuid, s2);

	remove_ok(uuid);
	/* The UUID is free again, on the other type too. */
	create_ok(s2->parent, type2, uuid);
	assert_mdev_live(uuid, s2->parent, type2);
	remove_ok(uuid);
	assert_avail_idle(&sample_mtty);
	assert_avail_idle(&sample_mdpy);
}

static void subtest_duplicate_same_type(void *data)
{
	(void)data;
	check_duplicate("mtty", "mtty-2", &sample_mtty, "mtty-2");
	check_duplicate("mdpy", "mdpy-vga", &sample_mdpy, "mdpy-vga");
}

static void subtest_duplicate_other_type(void *data)
{
	(void)data;
	check_duplicate("mtty", "mtty-1", &sample_mtty, "mtty-2");
	check_duplicate("mdpy", "mdpy-vga", &sample_mdpy, "mdpy-hd");
}

static void subtest_duplicate_other_parent(void *data)
{
	(void)data;
	check_duplicate("mtty", "mtty-1", &sample_mdpy, "mdpy-vga");
	check_duplicate("mdpy", "mdpy-xga", &sample_mtty, "mtty-2");
}

/*
 * Writers released together: each child blocks on @gate until the parent
 * closes its write end, then creates @uuids[i] on @targets[i] and exits
 * with the positive errno (0 on success).
 */
struct racer {
	const char *parent;
	const char *type;
	char uuid[MDEV_UUID_STRLEN];
	pid_t pid;
	int err;
};

static void race(struct racer *r, unsigned int n)
{
	int gate[2], status;
	unsigned int i;
	char c;

	igt_assert(!pipe(gate));
	for (i = 0; i < n; i++) {
		r[i].pid = fork();
		igt_assert(r[i].pid >= 0);
		if (!r[i].pid) {
			close(gate[1]);
			if (read(gate[0], &c, 1) < 0)
				_exit(255);
			_exit(-create(r[i].parent, r[i].type, r[i].uuid));
		}
	}
	close(gate[0]);
	close(gate[1]);
	for (i = 0; i < n; i++) {
		igt_assert(waitpid(r[i].pid, &status, 0) == r[i].pid);
		igt_assert(WIFEXITED(status));
		r[i].err = WEXITSTATUS(status);
	}
}

static void subtest_concurrent_same_uuid(void *data)
{
	static const struct {
		const char *parent, *type;
	} targets[] = {
		{ "mtty", "mtty-1" }, { "mtty", "mtty-2" },
		{ "mdpy", "mdpy-vga" }, { "mbochs", "mbochs-small" },
	};
	struct racer r[12];
	char uuid[MDEV_UUID_STRLEN];
	unsigned int i, round, wins;
	int winner;

	(void)data;
	for (round = 0; round < 4; round++) {
		compat_uuid(uuid);
		for (i = 0; i < IGT_ARRAY_SIZE(r); i++) {
			r[i].parent = targets[(i + round) %
					      IGT_ARRAY_SIZE(targets)].parent;
			r[i].type = targets[(i + round) %
					    IGT_ARRAY_SIZE(targets)].type;
			memcpy(r[i].uuid, uuid, sizeof(uuid));
		}
		race(r, IGT_ARRAY_SIZE(r));

		wins = 0;
		winner = -1;
		for (i = 0; i < IGT_ARRAY_SIZE(r); i++) {
			if (!r[i].err) {
				wins++;
				winner = i;
				continue;
			}
			igt_assert_f(r[i].err == EEXIST,
				     "racer %u on %s/%s: %s\n", i,
				     r[i].parent, r[i].type,
				     strerror(r[i].err));
		}
		igt_assert_eq(wins, 1);
		assert_mdev_live(uuid, r[winner].parent, r[winner].type);
		remove_ok(uuid);
	}
	igt_assert_eq(compat_count_mdevs(), 0);
	assert_avail_idle(&sample_mtty);
	assert_avail_idle(&sample_mdpy);
	assert_avail_idle(&sample_mbochs);
}

/*
 * @n writers create distinct devices at once, of @type or, with @mix,
 * alternately of @type and the parent's first type: exactly @fit of them
 * succeed, the others fail with @err, and nothing is half made.
 */
static void check_concurrent_limit(const struct sample_spec *s,
				   const char *type, bool mix, unsigned int n,
				   unsigned int fit, int err)
{
	struct racer r[32];
	unsigned int i, ok = 0;

	igt_assert(n <= IGT_ARRAY_SIZE(r));
	for (i = 0; i < n; i++) {
		r[i].parent = s->parent;
		r[i].type = mix && i % 2 ? s->types[0].dir : type;
		compat_uuid(r[i].uuid);
	}
	race(r, n);
	for (i = 0; i < n; i++) {
		if (!r[i].err) {
			ok++;
			assert_mdev_live(r[i].uuid, s->parent, r[i].type);
			continue;
		}
		igt_assert_f(r[i].err == err, "racer %u: %s, expected %s\n",
			     i, strerror(r[i].err), strerror(err));
		assert_mdev_gone(r[i].uuid, s);
	}
	igt_assert_eq(ok, fit);
	igt_assert_eq(compat_count_mdevs(), fit);
	for (i = 0; i < s->nr_types; i++)
		igt_assert_eq(avail(s->parent, s->types[i].dir), 0);

	for (i = 0; i < n; i++)
		if (!r[i].err)
			remove_ok(r[i].uuid);
	assert_avail_idle(s);
}

static void subtest_concurrent_max_instances(void *data)
{
	(void)data;
	/* The core counts: over-limit creates fail with EUSERS. */
	check_concurrent_limit(&sample_mdpy, "mdpy-hd", true, 10, 4, EUSERS);
}

/*
 * The samples refuse a create over their limit in probe(), and the driver
 * core logs that refusal ("probe of <dev> failed ..." at KERN_WARNING on
 * 6.1, "probe with driver <drv> failed ..." at KERN_ERR on 6.12):
 * expected here, not a failure.
 */
static void expect_probe_refusal_warning(void)
{
	igt_dmesg_expect("probe (of [0-9a-f-]+|with driver [a-z_-]+) failed with error -[0-9]+$");
}

static void subtest_concurrent_get_available(void *data)
{
	(void)data;
	/* mtty's probe refuses what does not fit, with ENOSPC. */
	expect_probe_refusal_warning();
	check_concurrent_limit(&sample_mtty, "mtty-2", false, 16, 12, ENOSPC);
}

/* --- availability exhaustion ------------------------------------------- */

static void subtest_mdpy_exhaustion(void *data)
{
	char uuids[4][MDEV_UUID_STRLEN], extra[MDEV_UUID_STRLEN];
	unsigned int i;

	(void)data;
	/* max_instances = 4 counts all types together. */
	for (i = 0; i < 4; i++) {
		compat_uuid(uuids[i]);
		create_ok("mdpy", mdpy_types[i % 3].dir, uuids[i]);
		igt_assert_eq(avail("mdpy", "mdpy-vga"), 3 - i);
		igt_assert_eq(avail("mdpy", "mdpy-hd"), 3 - i);
	}

	compat_uuid(extra);
	for (i = 0; i < IGT_ARRAY_SIZE(mdpy_types); i++) {
		igt_assert_eq(create("mdpy", mdpy_types[i].dir, extra),
			      -EUSERS);
		assert_mdev_gone(extra, &sample_mdpy);
		igt_assert_eq(avail("mdpy", mdpy_types[i].dir), 0);
	}
	igt_assert_eq(compat_count_mdevs(), 4);

	/* A remove makes room for exactly one more, of any type. */
	remove_ok(uuids[1]);
	for (i = 0; i < IGT_ARRAY_SIZE(mdpy_types); i++)
		igt_assert_eq(avail("mdpy", mdpy_types[i].dir), 1);
	create_ok("mdpy", "mdpy-hd", extra);
	assert_mdev_live(extra, "mdpy", "mdpy-hd");
	igt_assert_eq(create("mdpy", "mdpy-vga", uuids[1]), -EUSERS);

	remove_ok(extra);
	remove_ok(uuids[0]);
	remove_ok(uuids[2]);
	remove_ok(uuids[3]);
	assert_avail_idle(&sample_mdpy);
}

static void subtest_mtty_exhaustion(void *data)
{
	char uuids[12][MDEV_UUID_STRLEN], extra[MDEV_UUID_STRLEN];
	char single[2][MDEV_UUID_STRLEN];
	unsigned int i;

	(void)data;
	expect_probe_refusal_warning();
	for (i = 0; i < 12; i++) {
		compat_uuid(uuids[i]);
		create_ok("mtty", "mtty-2", uuids[i]);
		igt_assert_eq(avail("mtty", "mtty-2"), 11 - i);
		igt_assert_eq(avail("mtty", "mtty-1"), 22 - 2 * i);
	}

	/* The sample's probe refuses with ENOSPC; the core passes it on. */
	compat_uuid(extra);
	igt_assert_eq(create("mtty", "mtty-2", extra), -ENOSPC);
	assert_mdev_gone(extra, &sample_mtty);
	igt_assert_eq(create("mtty", "mtty-1", extra), -ENOSPC);
	assert_mdev_gone(extra, &sample_mtty);
	igt_assert_eq(compat_count_mdevs(), 12);

	/* One dual-port device frees two single ports. */
	remove_ok(uuids[5]);
	igt_assert_eq(avail("mtty", "mtty-2"), 1);
	igt_assert_eq(avail("mtty", "mtty-1"), 2);
	for (i = 0; i < 2; i++) {
		compat_uuid(single[i]);
		create_ok("mtty", "mtty-1", single[i]);
	}
	igt_assert_eq(avail("mtty", "mtty-1"), 0);
	igt_assert_eq(create("mtty", "mtty-1", extra), -ENOSPC);
	/* The refused UUID was not kept: it works once there is room. */
	remove_ok(single[0]);
	create_ok("mtty", "mtty-1", extra);
	assert_mdev_live(extra, "mtty", "mtty-1");

	remove_ok(extra);
	remove_ok(single[1]);
	for (i = 0; i < 12; i++)
		if (i != 5)
			remove_ok(uuids[i]);
	assert_avail_idle(&sample_mtty);
}

static void subtest_mbochs_exhaustion(void *data)
{
	char large[4][MDEV_UUID_STRLEN], extra[MDEV_UUID_STRLEN];
	unsigned int i;

	(void)data;
	expect_probe_refusal_warning();
	for (i = 0; i < 4; i++) {
		compat_uuid(large[i]);
		create_ok("mbochs", "mbochs-large", large[i]);
	}
	for (i = 0; i < IGT_ARRAY_SIZE(mbochs_types); i++)
		igt_assert_eq(avail("mbochs", mbochs_types[i].dir), 0);

	compat_uuid(extra);
	for (i = 0; i < IGT_ARRAY_SIZE(mbochs_types); i++) {
		igt_assert_eq(create("mbochs", mbochs_types[i].dir, extra),
			      -ENOSPC);
		assert_mdev_gone(extra, &sample_mbochs);
	}

	/* 64 MB back: 16 small or 4 medium or 1 large. */
	remove_ok(large[2]);
	igt_assert_eq(avail("mbochs", "mbochs-small"), 16);
	igt_assert_eq(avail("mbochs", "mbochs-medium"), 4);
	igt_assert_eq(avail("mbochs", "mbochs-large"), 1);
	create_ok("mbochs", "mbochs-medium", extra);
	igt_assert_eq(avail("mbochs", "mbochs-large"), 0);
	igt_assert_eq(avail("mbochs", "mbochs-medium"), 3);

	remove_ok(extra);
	remove_ok(large[0]);
	remove_ok(large[1]);
	remove_ok(large[3]);
	assert_avail_idle(&sample_mbochs);
}

/* --- remove ------------------------------------------------------------- */

static void subtest_remove_rejects_garbage(void *data)
{
	static const char * const bad[] = { "", "yes", "1x", "-", "0x" };
	char uuid[MDEV_UUID_STRLEN];
	unsigned int i;
	int ret;

	(void)data;
	compat_uuid(uuid);
	create_ok("mdpy", "mdpy-vga", uuid);

	for (i = 0; i < IGT_ARRAY_SIZE(bad); i++) {
		ret = mdev_attr_write(uuid, "remove", bad[i]);
		if (!*bad[i] && !ret)
			continue;	/* a zero-byte write never reaches it */
		igt_assert_f(ret == -EINVAL, "remove <- \"%s\": %s\n", bad[i],
			     strerror(-ret));
		assert_mdev_live(uuid, "mdpy", "mdpy-vga");
	}
	/* Zero asks for nothing. */
	igt_assert_eq(mdev_attr_write(uuid, "remove", "0"), 0);
	igt_assert_eq(mdev_attr_write(uuid, "remove", "0\n"), 0);
	assert_mdev_live(uuid, "mdpy", "mdpy-vga");
	igt_assert_eq(avail("mdpy", "mdpy-vga"), 3);

	/* Any non-zero number removes. */
	igt_assert_eq(mdev_attr_write(uuid, "remove", "0x1"), 0);
	assert_mdev_gone(uuid, &sample_mdpy);
	assert_avail_idle(&sample_mdpy);
}

static bool ends_with(const char *s, const char *end)
{
	size_t ls = strlen(s), le = strlen(end);

	return ls >= le && !strcmp(s + ls - le, end);
}

/* Wait up to @ms for a byte on @fd; true if one came. */
static bool wait_readable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) > 0;
}

static void subtest_remove_open_device(void *data)
{
	char uuid[MDEV_UUID_STRLEN];
	struct vfio_dev dev;
	int go[2], done[2], status, result, group;
	double t0;
	__u32 id;
	pid_t pid;
	char c = 0;

	(void)data;
	compat_uuid(uuid);
	create_ok("mtty", "mtty-2", uuid);
	group = assert_mdev_live(uuid, "mtty", "mtty-2");

	/* The remover is forked before the device is open: no fd of it. */
	igt_assert(!pipe(go) && !pipe(done));
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		close(go[1]);
		close(done[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		result = mdev_remove(uuid);
		if (write(done[1], &result, sizeof(result)) != sizeof(result))
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(done[1]);

	igt_assert_ok(vfio_dev_open_mdev(&dev, uuid));
	igt_assert_ok(vfio_config_read32(&dev, 0, &id));
	igt_assert_eq_u32(id, 0x32534348);

	igt_assert(write(go[1], &c, 1) == 1);
	/* The writer waits for the device to be closed... */
	igt_assert_f(!wait_readable(done[0], 3000),
		     "remove of an open device returned while it was open\n");
	/* ...meanwhile the holder keeps a working device... */
	igt_assert_ok(vfio_config_read32(&dev, 0, &id));
	igt_assert_eq_u32(id, 0x32534348);
	/* ...which still holds its resources. */
	igt_assert_eq(avail("mtty", "mtty-2"), 11);
	/* No second remover can start: the file has gone. */
	igt_assert_eq(mdev_remove(uuid), -ENOENT);

	t0 = compat_now();
	igt_assert_ok(vfio_dev_close(&dev));
	igt_assert_f(wait_readable(done[0], 20000),
		     "remove still blocked 20 s after the close\n");
	igt_assert(read(done[0], &result, sizeof(result)) == sizeof(result));
	igt_info("remove returned %.3f s after the close\n",
		 compat_now() - t0);
	igt_assert_f(result == 0, "remove: %s\n", strerror(-result));
	igt_assert(waitpid(pid, &status, 0) == pid);
	igt_assert(WIFEXITED(status) && !WEXITSTATUS(status));

	/* Nothing leaked. */
	assert_mdev_gone(uuid, &sample_mtty);
	assert_vfio_group_gone(group);
	assert_avail_idle(&sample_mtty);

	/* The UUID is free and the new device works. */
	create_ok("mtty", "mtty-2", uuid);
	assert_mdev_live(uuid, "mtty", "mtty-2");
	igt_assert_ok(vfio_dev_open_mdev(&dev, uuid));
	igt_assert_ok(vfio_config_read32(&dev, 0, &id));
	igt_assert_eq_u32(id, 0x32534348);
	igt_assert_ok(vfio_dev_close(&dev));
	remove_ok(uuid);
	assert_avail_idle(&sample_mtty);
}

/* --- modules ------------------------------------------------------------ */

static void subtest_unload_refused_while_open(void *data)
{
	char uuid[MDEV_UUID_STRLEN], state[16];
	struct vfio_dev dev;
	__u32 id;

	(void)data;
	compat_uuid(uuid);
	create_ok("mtty", "mtty-1", uuid);
	igt_assert_ok(vfio_dev_open_mdev(&dev, uuid));

	/* The open VFIO device holds the parent driver's module. */
	igt_assert_eq(compat_module_unload("mtty"), -EWOULDBLOCK);
	igt_assert_ok(compat_module_state("mtty", state, sizeof(state)));
	igt_assert_eq_str(state, "live");
	igt_assert_ok(vfio_config_read32(&dev, 0, &id));
	igt_assert_eq_u32(id, 0x32534348);
	assert_mdev_live(uuid, "mtty", "mtty-1");

	igt_assert_ok(vfio_dev_close(&dev));
	remove_ok(uuid);
	assert_avail_idle(&sample_mtty);
}

static void subtest_mdev_state_uevents(void *data)
{
	struct compat_uevent ev;
	char ko[PATH_MAX], path[PATH_MAX];
	int fd;

	(void)data;
	compat_sample_ko("mdpy", ko, sizeof(ko));
	fd = compat_uevent_open();

	igt_assert_ok(compat_module_unload("mdpy"));
	igt_assert_f(!compat_uevent_wait(fd, "change", "/mdpy", "MDEV_STATE",
					 "unregistered", UEVENT_TIMEOUT_MS,
					 &ev),
		     "no MDEV_STATE=unregistered uevent for mdpy\n");
	igt_info("%s@%s MDEV_STATE=%s\n", ev.action, ev.devpath,
		 compat_uevent_get(&ev, "MDEV_STATE"));
	igt_assert(!compat_exists(COMPAT_SYS_PARENTS "/mdpy"));
	igt_assert(!compat_exists("/sys/bus/mdev/drivers/mdpy"));

	igt_assert_ok(compat_module_load(ko, ""));
	igt_assert_f(!compat_uevent_wait(fd, "change", "/mdpy", "MDEV_STATE",
					 "registered", UEVENT_TIMEOUT_MS,
					 &ev),
		     "no MDEV_STATE=registered uevent for mdpy\n");
	igt_info("%s@%s MDEV_STATE=%s\n", ev.action, ev.devpath,
		 compat_uevent_get(&ev, "MDEV_STATE"));
	/* Sent once the parent is complete: its types work right away. */
	type_path(path, sizeof(path), "mdpy", "mdpy-vga", "create");
	igt_assert(compat_exists(path));
	close(fd);

	create_remove_cycle(&sample_mdpy, "mdpy-xga");
}

static void subtest_mdev_device_uevents(void *data)
{
	char uuid[MDEV_UUID_STRLEN], path[PATH_MAX], group_node[32];
	struct compat_uevent ev;
	int fd, group;

	(void)data;
	compat_uuid(uuid);
	fd = compat_uevent_open();

	/*
	 * The device is announced whole: its VFIO group node, which the
	 * driver's probe makes, comes first, so whoever reads iommu_group
	 * on "add" (libvirt does) finds it. Waiting drops what does not
	 * match, so an "add" sent before the group's would be missed.
	 */
	create_ok("mtty", "mtty-1", uuid);
	group = assert_mdev_live(uuid, "mtty", "mtty-1");
	snprintf(group_node, sizeof(group_node), "vfio/%d", group);
	igt_assert_f(!compat_uevent_wait(fd, "add", NULL, "DEVNAME", group_node,
					 UEVENT_TIMEOUT_MS, &ev),
		     "no add uevent for /dev/%s\n", group_node);
	igt_assert_f(!compat_uevent_wait(fd, "add", uuid, "SUBSYSTEM", "mdev",
					 UEVENT_TIMEOUT_MS, &ev),
		     "no add uevent for %s\n", uuid);
	igt_assert_f(!compat_uevent_wait(fd, "bind", uuid, "DRIVER", "mtty",
					 UEVENT_TIMEOUT_MS, &ev),
		     "no bind uevent for %s\n", uuid);
	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s/mdev_type",
		     uuid);
	igt_assert(compat_exists(path));

	remove_ok(uuid);
	igt_assert_f(!compat_uevent_wait(fd, "unbind", uuid, NULL, NULL,
					 UEVENT_TIMEOUT_MS, &ev),
		     "no unbind uevent for %s\n", uuid);
	igt_assert_f(!compat_uevent_wait(fd, "remove", uuid, "SUBSYSTEM",
					 "mdev", UEVENT_TIMEOUT_MS, &ev),
		     "no remove uevent for %s\n", uuid);
	close(fd);
	assert_mdev_gone(uuid, &sample_mtty);
}

static void subtest_unload_with_live_mdevs(void *data)
{
	char a[MDEV_UUID_STRLEN], b[MDEV_UUID_STRLEN], ko[PATH_MAX];
	bool seen_a = false, seen_b = false, seen_state = false;
	char end_a[MDEV_UUID_STRLEN + 1], end_b[MDEV_UUID_STRLEN + 1];
	struct compat_uevent ev;
	int fd, group_a, group_b;
	double deadline;

	(void)data;
	compat_sample_ko("mtty", ko, sizeof(ko));
	compat_uuid(a);
	compat_uuid(b);
	create_ok("mtty", "mtty-1", a);
	create_ok("mtty", "mtty-2", b);
	group_a = assert_mdev_live(a, "mtty", "mtty-1");
	group_b = assert_mdev_live(b, "mtty", "mtty-2");

	snprintf(end_a, sizeof(end_a), "/%s", a);
	snprintf(end_b, sizeof(end_b), "/%s", b);
	fd = compat_uevent_open();
	igt_assert_ok(compat_module_unload("mtty"));
	igt_assert(!compat_module_loaded("mtty"));

	deadline = compat_now() + UEVENT_TIMEOUT_MS / 1000.0;
	while (!(seen_a && seen_b && seen_state) && compat_now() < deadline) {
		const char *state;

		if (compat_uevent_wait(fd, NULL, NULL, NULL, NULL, 1000, &ev))
			continue;
		state = compat_uevent_get(&ev, "MDEV_STATE");
		if (!strcmp(ev.action, "remove") && ends_with(ev.devpath, end_a))
			seen_a = true;
		if (!strcmp(ev.action, "remove") && ends_with(ev.devpath, end_b))
			seen_b = true;
		if (state && !strcmp(state, "unregistered"))
			seen_state = true;
	}
	close(fd);
	igt_assert_f(seen_a && seen_b, "remove uevents: %s %s\n",
		     seen_a ? "yes" : "no", seen_b ? "yes" : "no");
	igt_assert_f(seen_state, "no MDEV_STATE=unregistered uevent\n");

	assert_mdev_gone(a, &sample_mtty);
	assert_mdev_gone(b, &sample_mtty);
	assert_vfio_group_gone(group_a);
	assert_vfio_group_gone(group_b);
	igt_assert(!compat_exists(COMPAT_SYS_PARENTS "/mtty"));
	igt_assert(!compat_exists("/sys/bus/mdev/drivers/mtty"));

	/* The sample comes back whole. */
	igt_assert_ok(compat_module_load(ko, ""));
	assert_avail_idle(&sample_mtty);
	create_remove_cycle(&sample_mtty, "mtty-2");
}

/*
 * One child creating and removing mtty-1 devices until the parent has been
 * gone for 20 tries. Exits 0; 2 for an unexpected create error (each UUID
 * is fresh, so not even EEXIST), 3 for an unexpected remove error, 4 if
 * it never saw the parent go. Each successful create is counted on
 * @report.
 */
static void churn(int report)
{
	char uuid[MDEV_UUID_STRLEN];
	unsigned int gone = 0, made = 0, i;
	int ret;

	for (i = 0; gone < 20 && i < 100000; i++) {
		compat_uuid(uuid);
		ret = create("mtty", "mtty-1", uuid);
		if (ret == -ENOENT || ret == -ENODEV) {
			gone++;
			continue;
		}
		if (ret)
			_exit(2);
		made++;
		/* Non-blocking: a full pipe only makes the count smaller. */
		if (write(report, &made, sizeof(made)) < 0 && errno != EAGAIN)
			_exit(5);
		ret = mdev_remove(uuid);
		/* Unregistration may have taken it first. */
		if (ret && ret != -ENOENT && ret != -ENODEV)
			_exit(3);
	}
	_exit(gone ? 0 : 4);
}

static void subtest_unload_racing_create_remove(void *data)
{
	unsigned int round, i, made, total;
	char ko[PATH_MAX];
	int status, report[2];
	pid_t pid[4];

	(void)data;
	compat_sample_ko("mtty", ko, sizeof(ko));
	for (round = 0; round < 3; round++) {
		igt_assert(!pipe2(report, O_NONBLOCK));
		for (i = 0; i < IGT_ARRAY_SIZE(pid); i++) {
			pid[i] = fork();
			igt_assert(pid[i] >= 0);
			if (!pid[i]) {
				close(report[0]);
				churn(report[1]);
			}
		}
		close(report[1]);
		usleep(200000 + 100000 * round);
		/* Every device the writers left is removed with the parent. */
		igt_assert_ok(compat_module_unload("mtty"));
		for (i = 0; i < IGT_ARRAY_SIZE(pid); i++) {
			igt_assert(waitpid(pid[i], &status, 0) == pid[i]);
			igt_assert_f(WIFEXITED(status) && !WEXITSTATUS(status),
				     "writer %u: status %#x\n", i, status);
		}
		total = 0;
		while (read(report[0], &made, sizeof(made)) == sizeof(made))
			total++;
		close(report[0]);
		igt_info("round %u: at least %u devices created before and during the unload\n",
			 round, total);
		igt_assert(total > 0);
		igt_assert_eq(compat_count_mdevs(), 0);
		igt_assert(!compat_exists(COMPAT_SYS_PARENTS "/mtty"));
		igt_assert_ok(compat_module_load(ko, ""));
		/* Nothing leaked: every port is back. */
		assert_avail_idle(&sample_mtty);
	}
	create_remove_cycle(&sample_mtty, "mtty-2");
}

static void subtest_core_unload_refused(void *data)
{
	static const char * const samples[] = COMPAT_SAMPLES;
	char state[16], path[PATH_MAX];
	unsigned int i;

	(void)data;
	for (i = 0; i < IGT_ARRAY_SIZE(samples); i++) {
		compat_pathf(path, sizeof(path), "/sys/module/mdev/holders/%s",
			     samples[i]);
		igt_assert_f(compat_exists(path), "%s does not hold mdev\n",
			     samples[i]);
	}
	igt_assert_eq(compat_module_unload("mdev"), -EWOULDBLOCK);
	igt_assert_ok(compat_module_state("mdev", state, sizeof(state)));
	igt_assert_eq_str(state, "live");
	/* Nothing was disturbed. */
	create_remove_cycle(&sample_mdpy, "mdpy-vga");
	create_remove_cycle(&sample_mtty, "mtty-1");
}

static void subtest_mdpy_fb_loads(void *data)
{
	char ko[PATH_MAX], out[256], state[16];
	const char *const argv[] = { "modinfo", "-F", "depends", ko, NULL };
	int ret;

	(void)data;
	compat_sample_ko("mdpy-fb", ko, sizeof(ko));
	/* A guest-side PCI framebuffer driver: no mdev or vfio imports. */
	igt_assert_eq(compat_run(argv, out, sizeof(out)), 0);
	igt_assert_f(!strstr(out, "mdev") && !strstr(out, "vfio"),
		     "mdpy-fb depends on %s\n", out);

	ret = compat_module_load(ko, "");
	igt_assert_f(!ret || ret == -EEXIST, "loading mdpy-fb: %s\n",
		     strerror(-ret));
	igt_assert_ok(compat_module_state("mdpy_fb", state, sizeof(state)));
	igt_assert_eq_str(state, "live");
	igt_assert(compat_exists("/sys/bus/pci/drivers/mdpy-fb"));
	/* It has no module_exit: the kernel keeps it. */
	igt_assert_eq(compat_module_unload("mdpy_fb"), -EBUSY);
	igt_assert(compat_module_loaded("mdpy_fb"));
}

static const struct igt_subtest subtests[] = {
	{ "parents-listed-in-mdev-bus-class", subtest_parents_listed,
	  "mtty, mdpy and mbochs appear in /sys/class/mdev_bus with mdev_supported_types" },
	{ "mtty-types-and-attributes", subtest_mtty_types,
	  "mtty-1/mtty-2 with name, device_api, available_instances, no description, modes" },
	{ "mdpy-types-and-attributes", subtest_mdpy_types,
	  "mdpy-vga/xga/hd with name, device_api, available_instances, description, modes" },
	{ "mbochs-types-and-attributes", subtest_mbochs_types,
	  "mbochs-small/medium/large with name, device_api, available_instances, description" },
	{ "create-remove-mtty-get-available-model", subtest_create_remove_mtty,
	  "create/remove by UUID: device, links both ways, driver, VFIO group, shared port count" },
	{ "create-remove-mdpy-max-instances-model", subtest_create_remove_mdpy,
	  "create/remove by UUID on each mdpy type; one instance counter for the parent" },
	{ "create-remove-mbochs-get-available-model", subtest_create_remove_mbochs,
	  "create/remove by UUID on each mbochs type; memory shared between types" },
	{ "create-accepts-uppercase-uuid-without-newline", subtest_create_uppercase,
	  "an upper-case UUID without newline creates the lower-case device" },
	{ "create-rejects-malformed-uuids", subtest_create_rejects_malformed,
	  "malformed UUIDs fail with EINVAL, create nothing, change no count" },
	{ "create-rejects-duplicate-uuid-same-type", subtest_duplicate_same_type,
	  "a UUID in use fails with EEXIST on its own type; the device is untouched" },
	{ "create-rejects-duplicate-uuid-other-type", subtest_duplicate_other_type,
	  "a UUID in use fails with EEXIST on another type of the parent" },
	{ "create-rejects-duplicate-uuid-other-parent", subtest_duplicate_other_parent,
	  "a UUID in use on one parent fails with EEXIST on another parent" },
	{ "create-same-uuid-concurrently-one-wins", subtest_concurrent_same_uuid,
	  "12 writers of one UUID on four types of three parents: one wins, the rest get EEXIST" },
	{ "concurrent-creates-respect-max-instances", subtest_concurrent_max_instances,
	  "10 concurrent mdpy creates: exactly 4 succeed, 6 get EUSERS, nothing half made" },
	{ "concurrent-creates-probe-refuses-over-limit", subtest_concurrent_get_available,
	  "16 concurrent mtty-2 creates: exactly 12 succeed, 4 get the probe's ENOSPC" },
	{ "mdpy-max-instances-exhaustion-and-recovery", subtest_mdpy_exhaustion,
	  "the 5th mdpy fails with EUSERS on every type; a remove makes room for one" },
	{ "mtty-exhaustion-probe-refuses-over-limit", subtest_mtty_exhaustion,
	  "24 ports used: creates fail with ENOSPC and leave nothing; a remove frees two ports" },
	{ "mbochs-exhaustion-probe-refuses-over-limit", subtest_mbochs_exhaustion,
	  "256 MB used: creates of every type fail with ENOSPC; a remove frees 64 MB" },
	{ "remove-rejects-garbage-keeps-device", subtest_remove_rejects_garbage,
	  "non-numbers fail with EINVAL, 0 does nothing, 0x1 removes" },
	{ "remove-open-device-blocks-until-close", subtest_remove_open_device,
	  "remove of a VFIO-open mtty waits for the close, then completes; nothing leaks" },
	{ "sample-unload-refused-while-device-open", subtest_unload_refused_while_open,
	  "rmmod mtty fails with EWOULDBLOCK while its device is open; the device keeps working" },
	{ "mdev-state-uevents-on-sample-unload-load", subtest_mdev_state_uevents,
	  "change uevents with MDEV_STATE=unregistered/registered on rmmod/insmod mdpy" },
	{ "mdev-device-uevents-on-create-remove", subtest_mdev_device_uevents,
	  "add and bind after the VFIO group node on create, unbind and remove on remove" },
	{ "sample-unload-removes-live-mdevs", subtest_unload_with_live_mdevs,
	  "rmmod mtty with two devices removes them (uevents, sysfs, VFIO groups); insmod works" },
	{ "sample-unload-racing-create-remove", subtest_unload_racing_create_remove,
	  "rmmod mtty while 4 writers create and remove: ENODEV/ENOENT only, nothing left" },
	{ "mdev-core-unload-refused-while-parent-registered", subtest_core_unload_refused,
	  "rmmod mdev fails with EWOULDBLOCK while the samples hold it; nothing is disturbed" },
	{ "mdpy-fb-guest-driver-loads-and-stays", subtest_mdpy_fb_loads,
	  "the guest-side mdpy-fb loads without mdev, registers its PCI driver, has no exit" },
};

IGT_TEST_MAIN("The sample mdev drivers on our mdev core: sysfs, lifecycle, uevents",
	      subtests, .setup = setup, .teardown = teardown);
