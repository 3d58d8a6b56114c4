// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_mdevctl - Debian's mdevctl (1.2.0) manages mediated devices of the
 * mtty sample through our mdev core: types, start/list/stop of transient
 * devices, define/list --defined/start/undefine of persistent ones,
 * promotion of a running device, automatic start when the parent
 * registers (what mdevctl's udev rule does on MDEV_STATE=registered), and
 * its callout scripts.
 *
 * mdevctl keeps its configuration in /etc/mdevctl.d/<parent>/<uuid> (JSON)
 * and runs the executables in /etc/mdevctl.d/scripts.d/callouts/ around
 * every start, stop, define and undefine; it refuses to run unless
 * scripts.d/callouts and scripts.d/notifiers exist. The test VM's root is
 * a read-only share, so tools/vm/suites/mdevctl.sh mounts a tmpfs on
 * /etc/mdevctl.d and creates those two directories.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "igt_core.h"
#include "mdev_sysfs.h"
#include "mdev_compat.h"

#define CONF_DIR	"/etc/mdevctl.d"
#define CALLOUT_DIR	CONF_DIR "/scripts.d/callouts"
#define CALLOUT		CALLOUT_DIR "/zz-compat-test"
#define CALLOUT_LOG	"/tmp/mdev_mdevctl.callouts"

static char out[16384];

/* Run mdevctl with the given arguments; its output lands in out[]. */
#define mdevctl(...) \
	run_mdevctl((const char *const[]){ "mdevctl", __VA_ARGS__, NULL })

static int run_mdevctl(const char *const argv[])
{
	int ret = compat_run(argv, out, sizeof(out));
	const char *const *a;

	igt_debug("$");
	for (a = argv; *a; a++)
		igt_debug(" %s", *a);
	igt_debug("\n-> %d\n%s", ret, out);
	return ret;
}

#define mdevctl_ok(...) do {						\
	int ret__ = mdevctl(__VA_ARGS__);				\
	igt_assert_f(ret__ == 0, "mdevctl exited with %d:\n%s", ret__, out); \
} while (0)

/* The line of out[] that starts with @prefix, copied to @line. */
static bool find_line(const char *prefix, char *line, size_t len)
{
	const char *p = out;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (!strncmp(p, prefix, strlen(prefix))) {
			snprintf(line, len, "%.*s", (int)n, p);
			return true;
		}
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

static void conf_path(char *buf, size_t len, const char *uuid)
{
	compat_pathf(buf, len, CONF_DIR "/mtty/%s", uuid);
}

static void assert_active(const char *uuid, const char *type)
{
	char got[64];

	igt_assert_f(mdev_exists(uuid), "%s is not active\n", uuid);
	igt_assert(mdev_type_of(uuid, got, sizeof(got)) > 0);
	igt_assert_eq_str(got, type);
}

/* Remove what an earlier subtest left: devices and definitions. */
static void cleanup(void)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;

	compat_cleanup();
	d = opendir(CONF_DIR "/mtty");
	if (d) {
		while ((de = readdir(d))) {
			if (strncmp(de->d_name, COMPAT_UUID_PREFIX,
				    strlen(COMPAT_UUID_PREFIX)))
				continue;
			compat_pathf(path, sizeof(path), CONF_DIR "/mtty/%s",
				     de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	unlink(CALLOUT);
	unlink(CALLOUT_LOG);
}

static void setup(void *data)
{
	struct stat st;
	int ret;

	(void)data;
	igt_require_f(compat_our_mdev_loaded(),
		      "our mdev.ko is not loaded (run tools/vm/run-vm --suite mdevctl)\n");
	igt_require_f(!access("/usr/bin/mdevctl", X_OK), "mdevctl is not installed\n");
	igt_require_f(!access(CONF_DIR, W_OK) && !stat(CALLOUT_DIR, &st),
		      "%s is not writable (the mdevctl suite mounts a tmpfs there)\n",
		      CONF_DIR);
	ret = compat_sample_load("mtty");
	igt_assert_f(!ret, "loading mtty: %s\n", strerror(-ret));
	cleanup();
}

static void teardown(void *data)
{
	(void)data;
	cleanup();
}

static void subtest_types(void *data)
{
	char line[256];
	const char *p;

	(void)data;
	mdevctl_ok("types");
	igt_assert_f(find_line("mtty", line, sizeof(line)),
		     "no mtty parent in:\n%s", out);
	igt_assert_f(find_line("  mtty-1", line, sizeof(line)) &&
		     find_line("  mtty-2", line, sizeof(line)),
		     "mtty types missing in:\n%s", out);
	/* The attributes of each type, in the order mdevctl prints them. */
	p = strstr(out, "  mtty-1");
	igt_assert(p && strstr(p, "Available instances: 24"));
	igt_assert(strstr(p, "Device API: vfio-pci"));
	igt_assert(strstr(p, "Name: Single port serial"));
	p = strstr(out, "  mtty-2");
	igt_assert(p && strstr(p, "Available instances: 12"));
	igt_assert(strstr(p, "Name: Dual port serial"));

	mdevctl_ok("types", "--parent", "mtty", "--dumpjson");
	igt_assert_f(strstr(out, "\"mtty-2\"") &&
		     strstr(out, "\"available_instances\": 12") &&
		     strstr(out, "\"device_api\": \"vfio-pci\""),
		     "unexpected JSON:\n%s", out);
}

static void subtest_start_list_stop(void *data)
{
	char uuid[MDEV_UUID_STRLEN], line[256];

	(void)data;
	compat_uuid(uuid);
	mdevctl_ok("start", "-u", uuid, "-p", "mtty", "--type", "mtty-2");
	assert_active(uuid, "mtty-2");
	igt_assert_eq(mdev_type_available_instances("mtty", "mtty-2"), 11);

	mdevctl_ok("list");
	igt_assert_f(find_line(uuid, line, sizeof(line)),
		     "%s not listed:\n%s", uuid, out);
	igt_assert_f(strstr(line, " mtty ") && strstr(line, " mtty-2"),
		     "unexpected list line: %s\n", line);
	/* Transient: not defined. */
	igt_assert(!strstr(line, "defined"));
	mdevctl_ok("list", "--defined");
	igt_assert(!strstr(out, uuid));

	mdevctl_ok("list", "-u", uuid, "--dumpjson");
	igt_assert_f(strstr(out, "\"mdev_type\": \"mtty-2\""),
		     "unexpected JSON:\n%s", out);

	mdevctl_ok("stop", "-u", uuid);
	igt_assert(!mdev_exists(uuid));
	igt_assert_eq(mdev_type_available_instances("mtty", "mtty-2"), 12);
	mdevctl_ok("list");
	igt_assert(!strstr(out, uuid));
}

static void subtest_start_refused(void *data)
{
	char uuid[MDEV_UUID_STRLEN], other[MDEV_UUID_STRLEN];
	int count;

	(void)data;
	compat_uuid(uuid);
	compat_uuid(other);
	mdevctl_ok("start", "-u", uuid, "-p", "mtty", "--type", "mtty-1");
	count = compat_count_mdevs();

	/* The UUID is taken, on this type and on the other one. */
	igt_assert_neq(mdevctl("start", "-u", uuid, "-p", "mtty", "--type",
			       "mtty-1"), 0);
	igt_assert_neq(mdevctl("start", "-u", uuid, "-p", "mtty", "--type",
			       "mtty-2"), 0);
	/* No such type, no such parent. */
	igt_assert_neq(mdevctl("start", "-u", other, "-p", "mtty", "--type",
			       "mtty-3"), 0);
	igt_assert_neq(mdevctl("start", "-u", other, "-p", "no-such-parent",
			       "--type", "mtty-1"), 0);
	igt_assert(!mdev_exists(other));
	igt_assert_eq(compat_count_mdevs(), count);
	assert_active(uuid, "mtty-1");

	mdevctl_ok("stop", "-u", uuid);
	igt_assert(!mdev_exists(uuid));
	/* Stopping what is not running fails. */
	igt_assert_neq(mdevctl("stop", "-u", uuid), 0);
}

static void subtest_define_lifecycle(void *data)
{
	char uuid[MDEV_UUID_STRLEN], conf[PATH_MAX], json[1024], line[256];

	(void)data;
	compat_uuid(uuid);
	mdevctl_ok("define", "-u", uuid, "-p", "mtty", "--type", "mtty-1");
	conf_path(conf, sizeof(conf), uuid);
	igt_assert_f(sysfs_read_str(conf, json, sizeof(json)) > 0,
		     "no configuration file %s\n", conf);
	igt_assert_f(strstr(json, "\"mdev_type\": \"mtty-1\"") &&
		     strstr(json, "\"start\": \"manual\""),
		     "unexpected configuration:\n%s\n", json);
	/* Defining does not start. */
	igt_assert(!mdev_exists(uuid));

	mdevctl_ok("list", "--defined");
	igt_assert_f(find_line(uuid, line, sizeof(line)),
		     "%s not in list --defined:\n%s", uuid, out);
	igt_assert(strstr(line, " mtty ") && strstr(line, " mtty-1") &&
		   strstr(line, "manual"));

	/* Start by UUID alone: parent and type come from the definition. */
	mdevctl_ok("start", "-u", uuid);
	assert_active(uuid, "mtty-1");
	mdevctl_ok("list");
	igt_assert(find_line(uuid, line, sizeof(line)));
	igt_assert_f(strstr(line, "defined"), "not shown as defined: %s\n",
		     line);

	mdevctl_ok("stop", "-u", uuid);
	igt_assert(!mdev_exists(uuid));
	/* Still defined after a stop. */
	mdevctl_ok("list", "--defined");
	igt_assert(strstr(out, uuid));

	mdevctl_ok("undefine", "-u", uuid);
	igt_assert(!compat_exists(conf));
	mdevctl_ok("list", "--defined");
	igt_assert(!strstr(out, uuid));
	igt_assert_neq(mdevctl("start", "-u", uuid), 0);
	igt_assert(!mdev_exists(uuid));
}

static void subtest_define_running(void *data)
{
	char uuid[MDEV_UUID_STRLEN], conf[PATH_MAX], json[1024];

	(void)data;
	compat_uuid(uuid);
	mdevctl_ok("start", "-u", uuid, "-p", "mtty", "--type", "mtty-2");
	/* Promote the running device: its type is read from sysfs. */
	mdevctl_ok("define", "-u", uuid);
	conf_path(conf, sizeof(conf), uuid);
	igt_assert(sysfs_read_str(conf, json, sizeof(json)) > 0);
	igt_assert_f(strstr(json, "\"mdev_type\": \"mtty-2\""),
		     "unexpected configuration:\n%s\n", json);
	assert_active(uuid, "mtty-2");
	mdevctl_ok("undefine", "-u", uuid);
	/* Undefining leaves the running device alone. */
	assert_active(uuid, "mtty-2");
	mdevctl_ok("stop", "-u", uuid);
	igt_assert(!mdev_exists(uuid));
}

static void subtest_autostart(void *data)
{
	char uuid[MDEV_UUID_STRLEN], manual[MDEV_UUID_STRLEN], ko[PATH_MAX];
	struct compat_uevent ev;
	int fd;

	(void)data;
	compat_uuid(uuid);
	compat_uuid(manual);
	mdevctl_ok("define", "-u", uuid, "-p", "mtty", "--type", "mtty-2",
		   "--auto");
	mdevctl_ok("define", "-u", manual, "-p", "mtty", "--type", "mtty-1");
	mdevctl_ok("list", "--defined");
	igt_assert(strstr(out, "auto"));

	/* The parent goes away and comes back. */
	compat_sample_ko("mtty", ko, sizeof(ko));
	fd = compat_uevent_open();
	igt_assert_ok(compat_module_unload("mtty"));
	igt_assert_ok(compat_module_load(ko, ""));
	igt_assert_f(!compat_uevent_wait(fd, "change", "/mtty", "MDEV_STATE",
					 "registered", 15000, &ev),
		     "no MDEV_STATE=registered uevent\n");
	close(fd);

	/* What mdevctl's udev rule runs for that uevent. */
	mdevctl_ok("start-parent-mdevs", "mtty");
	assert_active(uuid, "mtty-2");
	igt_assert(!mdev_exists(manual));

	mdevctl_ok("stop", "-u", uuid);
	mdevctl_ok("undefine", "-u", uuid);
	mdevctl_ok("undefine", "-u", manual);
}

static void subtest_callouts(void *data)
{
	char uuid[MDEV_UUID_STRLEN], log[4096], pattern[256];
	static const char script[] =
		"#!/bin/sh\n"
		"# written by mdev_mdevctl: log every call and its JSON\n"
		"echo \"$* json=$(tr -d ' \\n')\" >> " CALLOUT_LOG "\n"
		"exit 0\n";
	FILE *f;

	(void)data;
	f = fopen(CALLOUT, "w");
	igt_assert(f);
	igt_assert(fputs(script, f) >= 0);
	igt_assert(!fclose(f));
	igt_assert(!chmod(CALLOUT, 0755));

	compat_uuid(uuid);
	mdevctl_ok("start", "-u", uuid, "-p", "mtty", "--type", "mtty-1");
	mdevctl_ok("stop", "-u", uuid);
	igt_assert(sysfs_read_str(CALLOUT_LOG, log, sizeof(log)) > 0);
	igt_info("callout log:\n%s\n", log);

	/* Before and after each action, with the device's identity. */
	snprintf(pattern, sizeof(pattern), "-e pre -a start -s none -u %s -p mtty",
		 uuid);
	igt_assert_f(strstr(log, "-t mtty-1") && strstr(log, pattern),
		     "no pre-start callout for %s\n", uuid);
	snprintf(pattern, sizeof(pattern), "-e post -a start -s success -u %s",
		 uuid);
	igt_assert_f(strstr(log, pattern), "no successful post-start callout\n");
	snprintf(pattern, sizeof(pattern), "-e post -a stop -s success -u %s",
		 uuid);
	igt_assert_f(strstr(log, pattern), "no successful post-stop callout\n");
	igt_assert(strstr(log, "\"mdev_type\":\"mtty-1\""));
}

static const struct igt_subtest subtests[] = {
	{ "mdevctl-types-lists-mtty-types", subtest_types,
	  "mdevctl types (text and JSON) shows mtty-1/mtty-2 with our sysfs attributes" },
	{ "mdevctl-start-list-stop-transient", subtest_start_list_stop,
	  "mdevctl start -u -p --type creates the device, list shows it, stop removes it" },
	{ "mdevctl-start-refused-for-taken-uuid-or-bad-type", subtest_start_refused,
	  "start fails for a running UUID, an unknown type or parent; nothing else changes" },
	{ "mdevctl-define-list-start-stop-undefine", subtest_define_lifecycle,
	  "define writes the config; list --defined; start by UUID; undefine" },
	{ "mdevctl-define-promotes-running-device", subtest_define_running,
	  "define -u of a running device records its type from sysfs; undefine leaves it running" },
	{ "mdevctl-autostart-on-parent-registration", subtest_autostart,
	  "after a reload of mtty, start-parent-mdevs starts only the auto devices" },
	{ "mdevctl-callouts-see-start-and-stop", subtest_callouts,
	  "callout scripts run before and after start and stop, with success reported" },
};

IGT_TEST_MAIN("mdevctl manages mtty devices on our mdev core", subtests,
	      .setup = setup, .teardown = teardown);
