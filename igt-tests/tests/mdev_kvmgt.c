// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_kvmgt - Debian's own mdev consumer, kvmgt.ko (i915's GVT-g, built
 * against Debian's Module.symvers and signed by Debian), on our mdev.ko:
 * its symbol CRCs match ours, "modprobe kvmgt" pulls in our mdev through
 * the install rule tools/vm/lib.sh writes, its mdev driver registers on
 * our bus, cannot be bound to another parent's mdev, holds our module,
 * and unloads cleanly. No Intel GPU exists in the test VM, so kvmgt
 * registers its driver but no parent.
 *
 * Runs in the test VM (tools/vm/suites/kvmgt.sh); it loads and unloads
 * modules, so it skips unless the VM's modprobe rule for our mdev exists.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "igt_core.h"
#include "mdev_sysfs.h"
#include "mdev_compat.h"

#define MODPROBE_RULE	"/run/modprobe.d/vgpu-mdev.conf"
#define KVMGT_DRIVER	"/sys/bus/mdev/drivers/intel_vgpu_mdev"

static char out[16384];

static const char *kver(void)
{
	static struct utsname u;
	const char *env = getenv("KVER");

	if (env && *env)
		return env;
	igt_assert(!uname(&u));
	return u.release;
}

static void our_ko(char *buf, size_t len)
{
	compat_pathf(buf, len, "%s/drivers/vfio/mdev/mdev.ko", compat_ko_root());
}

static void setup(void *data)
{
	char rule[512], ko[PATH_MAX];

	(void)data;
	our_ko(ko, sizeof(ko));
	igt_require_f(sysfs_read_str(MODPROBE_RULE, rule, sizeof(rule)) > 0 &&
		      strstr(rule, ko),
		      "no modprobe rule for our mdev (run tools/vm/run-vm --suite kvmgt)\n");
	compat_cleanup();
}

static void teardown(void *data)
{
	(void)data;
	compat_cleanup();
}

/* Load kvmgt with modprobe unless it is loaded. */
static void require_kvmgt(void)
{
	const char *const argv[] = { "modprobe", "kvmgt", NULL };
	int ret;

	if (compat_module_loaded("kvmgt"))
		return;
	ret = compat_run(argv, out, sizeof(out));
	igt_assert_f(ret == 0, "modprobe kvmgt exited with %d:\n%s", ret, out);
}

/* The CRC of @sym in a Module.symvers file, or -1. */
static long long symvers_crc(const char *path, const char *sym)
{
	char line[512], name[256];
	unsigned long long crc;
	long long found = -1;
	FILE *f = fopen(path, "r");

	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %255s", &crc, name) == 2 &&
		    !strcmp(name, sym)) {
			found = crc;
			break;
		}
	fclose(f);
	return found;
}

/* One entry of a module's __versions section (struct modversion_info). */
struct modversion {
	__u64 crc;
	char name[56];
};

/*
 * The CRCs a module file expects for the mdev_* symbols it imports.
 * Returns the number found (at most @max).
 */
static int ko_mdev_imports(const char *path, struct modversion *v, int max)
{
	const struct elf64_shdr *sh, *strtab;
	const struct elf64_hdr *eh;
	unsigned char *img;
	struct stat st;
	unsigned int i;
	int fd, n = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	igt_assert_f(fd >= 0, "%s: %s\n", path, strerror(errno));
	igt_assert(!fstat(fd, &st));
	img = malloc(st.st_size);
	igt_assert(img && read(fd, img, st.st_size) == st.st_size);
	close(fd);

	eh = (const struct elf64_hdr *)img;
	igt_assert(!memcmp(eh->e_ident, ELFMAG, SELFMAG));
	igt_assert(eh->e_shoff + (__u64)eh->e_shnum * sizeof(*sh) <=
		   (__u64)st.st_size);
	sh = (const struct elf64_shdr *)(img + eh->e_shoff);
	strtab = &sh[eh->e_shstrndx];
	for (i = 0; i < eh->e_shnum; i++) {
		const char *name = (const char *)img + strtab->sh_offset +
				   sh[i].sh_name;
		const struct modversion *mv;
		__u64 j;

		if (strcmp(name, "__versions"))
			continue;
		igt_assert(sh[i].sh_offset + sh[i].sh_size <=
			   (__u64)st.st_size);
		mv = (const struct modversion *)(img + sh[i].sh_offset);
		for (j = 0; j < sh[i].sh_size / sizeof(*mv); j++) {
			if (strncmp(mv[j].name, "mdev_", 5) || n >= max)
				continue;
			v[n] = mv[j];
			v[n].name[sizeof(v[n].name) - 1] = '\0';
			n++;
		}
	}
	free(img);
	return n;
}

static void subtest_install_rule(void *data)
{
	const char *const argv[] = { "modprobe", "--show-depends", "kvmgt", NULL };
	char ko[PATH_MAX], want[PATH_MAX + 32], debian[PATH_MAX];
	int ret;

	(void)data;
	our_ko(ko, sizeof(ko));
	compat_pathf(debian, sizeof(debian),
		     "insmod /lib/modules/%s/kernel/drivers/vfio/mdev/mdev.ko",
		     kver());
	ret = compat_run(argv, out, sizeof(out));
	igt_assert_f(ret == 0, "modprobe --show-depends kvmgt: %d\n%s", ret,
		     out);
	igt_info("%s", out);
	/* kvmgt's mdev dependency resolves to an insmod of our file. */
	snprintf(want, sizeof(want), "install /sbin/insmod %s", ko);
	igt_assert_f(strstr(out, want), "modprobe would not load %s:\n%s", ko,
		     out);
	igt_assert_f(!strstr(out, debian),
		     "modprobe would load Debian's mdev.ko:\n%s", out);
}

static void subtest_crcs_match(void *data)
{
	char ko[PATH_MAX], ours[PATH_MAX], debian[PATH_MAX];
	struct modversion v[16];
	int n, i;

	(void)data;
	compat_pathf(ko, sizeof(ko),
		     "/lib/modules/%s/kernel/drivers/gpu/drm/i915/kvmgt.ko",
		     kver());
	compat_pathf(ours, sizeof(ours), "%s/Module.symvers", compat_ko_root());
	compat_pathf(debian, sizeof(debian), "/lib/modules/%s/build/Module.symvers",
		     kver());

	n = ko_mdev_imports(ko, v, IGT_ARRAY_SIZE(v));
	igt_assert_f(n >= 2, "kvmgt imports %d mdev symbols\n", n);
	for (i = 0; i < n; i++) {
		long long crc = symvers_crc(ours, v[i].name);
		long long deb = symvers_crc(debian, v[i].name);

		igt_info("%-24s kvmgt %#010llx ours %#010llx debian %#010llx\n",
			 v[i].name, (unsigned long long)v[i].crc,
			 (unsigned long long)crc, (unsigned long long)deb);
		igt_assert_f(crc >= 0, "%s is not exported by our mdev\n",
			     v[i].name);
		igt_assert_f((unsigned long long)crc == v[i].crc,
			     "%s: kvmgt expects %#llx, ours is %#llx\n",
			     v[i].name, (unsigned long long)v[i].crc,
			     (unsigned long long)crc);
		igt_assert_eq(crc, deb);
	}
}

static void subtest_modprobe_pulls_ours(void *data)
{
	const char *const argv[] = { "modprobe", "kvmgt", NULL };
	char path[PATH_MAX];
	int ret;

	(void)data;
	/* Start without kvmgt and without any mdev module. */
	if (compat_module_loaded("kvmgt"))
		igt_assert_ok(compat_module_unload("kvmgt"));
	if (compat_module_loaded("mdev"))
		igt_assert_f(!compat_module_unload("mdev"),
			     "mdev is loaded and cannot be unloaded\n");
	igt_assert(!compat_module_loaded("mdev"));

	ret = compat_run(argv, out, sizeof(out));
	igt_assert_f(ret == 0, "modprobe kvmgt exited with %d:\n%s", ret, out);
	igt_assert(compat_module_loaded("kvmgt"));
	igt_assert_f(compat_our_mdev_loaded(),
		     "modprobe kvmgt loaded an mdev that is not ours\n");
	compat_pathf(path, sizeof(path), "/sys/module/mdev/holders/kvmgt");
	igt_assert_f(compat_exists(path), "kvmgt does not use our mdev\n");
}

static int count_i915_types(void)
{
	char **parents, **types;
	int np, nt, i, j, n = 0;

	np = mdev_list_parents(&parents);
	if (np < 0)
		return 0;
	for (i = 0; i < np; i++) {
		nt = mdev_list_types(parents[i], &types);
		for (j = 0; j < nt; j++)
			n += !strncmp(types[j], "i915-", 5);
		if (nt >= 0)
			mdev_list_free(types, nt);
	}
	mdev_list_free(parents, np);
	return n;
}

static void subtest_driver_registered(void *data)
{
	char path[PATH_MAX], buf[PATH_MAX];
	ssize_t n;

	(void)data;
	require_kvmgt();
	igt_assert_f(compat_exists(KVMGT_DRIVER), "%s missing\n", KVMGT_DRIVER);
	compat_pathf(path, sizeof(path), KVMGT_DRIVER "/module");
	n = readlink(path, buf, sizeof(buf) - 1);
	igt_assert(n > 0);
	buf[n] = '\0';
	igt_assert_f(strstr(buf, "/kvmgt"), "driver module link: %s\n", buf);
	/* No GPU, no parent: no type of i915's anywhere. */
	igt_assert_eq(count_i915_types(), 0);
}

static void subtest_holds_mdev(void *data)
{
	char state[16];

	(void)data;
	require_kvmgt();
	igt_assert_eq(compat_module_unload("mdev"), -EWOULDBLOCK);
	igt_assert_ok(compat_module_state("mdev", state, sizeof(state)));
	igt_assert_eq_str(state, "live");
	igt_assert(compat_our_mdev_loaded());
}

static void subtest_leaves_other_mdevs(void *data)
{
	char uuid[MDEV_UUID_STRLEN], path[PATH_MAX], buf[PATH_MAX];
	ssize_t n;
	int ret;

	(void)data;
	require_kvmgt();
	ret = compat_sample_load("mtty");
	igt_assert_f(!ret, "loading mtty: %s\n", strerror(-ret));

	compat_uuid(uuid);
	igt_assert_ok(mdev_create("mtty", "mtty-1", uuid));
	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s/driver", uuid);
	n = readlink(path, buf, sizeof(buf) - 1);
	igt_assert(n > 0);
	buf[n] = '\0';
	igt_assert_f(strstr(buf, "/mtty"), "bound to %s\n", buf);

	/* kvmgt's probe would take an mtty device for a GVT-g vGPU. */
	igt_assert_eq(sysfs_write_str(KVMGT_DRIVER "/bind", uuid), -ENODEV);
	compat_pathf(path, sizeof(path), KVMGT_DRIVER "/%s", uuid);
	igt_assert(!compat_exists(path));
	compat_pathf(path, sizeof(path), COMPAT_SYS_DEVICES "/%s/driver", uuid);
	n = readlink(path, buf, sizeof(buf) - 1);
	igt_assert(n > 0);
	buf[n] = '\0';
	igt_assert(strstr(buf, "/mtty"));

	igt_assert_ok(mdev_remove(uuid));
	igt_assert_ok(compat_module_unload("mtty"));
}

static void subtest_unloads_cleanly(void *data)
{
	char uuid[MDEV_UUID_STRLEN];
	int ret;

	(void)data;
	require_kvmgt();
	igt_assert_ok(compat_module_unload("kvmgt"));
	igt_assert(!compat_module_loaded("kvmgt"));
	igt_assert(!compat_exists(KVMGT_DRIVER));
	igt_assert(!compat_exists("/sys/module/mdev/holders/kvmgt"));

	/* Our core carries on for the next user. */
	igt_assert(compat_our_mdev_loaded());
	ret = compat_sample_load("mtty");
	igt_assert_f(!ret, "loading mtty: %s\n", strerror(-ret));
	compat_uuid(uuid);
	igt_assert_ok(mdev_create("mtty", "mtty-2", uuid));
	igt_assert(mdev_exists(uuid));
	igt_assert_ok(mdev_remove(uuid));
	igt_assert_ok(compat_module_unload("mtty"));

	/* And kvmgt loads again. */
	require_kvmgt();
	igt_assert(compat_exists(KVMGT_DRIVER));
	igt_assert_ok(compat_module_unload("kvmgt"));
}

static const struct igt_subtest subtests[] = {
	{ "modprobe-install-rule-points-at-our-mdev", subtest_install_rule,
	  "modprobe --show-depends kvmgt resolves mdev to an insmod of our mdev.ko" },
	{ "kvmgt-mdev-crcs-match-ours", subtest_crcs_match,
	  "the mdev_* CRCs in kvmgt.ko's __versions equal ours and Debian's Module.symvers" },
	{ "modprobe-kvmgt-pulls-in-our-mdev", subtest_modprobe_pulls_ours,
	  "with no mdev loaded, modprobe kvmgt loads our mdev.ko and kvmgt on top of it" },
	{ "kvmgt-mdev-driver-registered", subtest_driver_registered,
	  "intel_vgpu_mdev is on the mdev bus, owned by kvmgt; no GPU, no parent" },
	{ "kvmgt-holds-our-mdev", subtest_holds_mdev,
	  "rmmod mdev fails with EWOULDBLOCK while kvmgt is loaded" },
	{ "kvmgt-driver-cannot-bind-sample-mdev", subtest_leaves_other_mdevs,
	  "an mtty device binds to mtty; writing it to kvmgt's bind fails with ENODEV" },
	{ "kvmgt-unloads-cleanly", subtest_unloads_cleanly,
	  "rmmod kvmgt removes its driver, our core keeps working, kvmgt loads again" },
};

IGT_TEST_MAIN("Debian's kvmgt.ko on our mdev.ko", subtests, .setup = setup,
	      .teardown = teardown);
