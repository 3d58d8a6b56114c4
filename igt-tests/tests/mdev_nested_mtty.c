// SPDX-License-Identifier: GPL-2.0
/*
 * mdev_nested_mtty - the outcome of the nested-guest workflow of
 * tools/vm/suites/nested-mtty.sh as IGT subtests. The nested (L2) guest
 * boots once, minutes under TCG inside TCG, so the suite runs it before
 * this test; each subtest judges one part of what it recorded in
 * $NESTED_MTTY_DIR:
 *   output.log   the L2 script's output (tools/vm/guest/nested-mtty-l2.sh):
 *                "l2-check NAME pass|fail DETAIL" lines and "l2-done"
 *   host.txt     KEY=value facts the suite recorded in the L1 guest
 *   qemu.log     the nested QEMU's own output
 *   run.txt      the nested QEMU command line and the L2 boot time
 * Without NESTED_MTTY_DIR every subtest skips.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "igt_core.h"
#include "mdev_compat.h"

static char text[1 << 16];

/* Read $NESTED_MTTY_DIR/@name into text[]. */
static void load(const char *name)
{
	const char *dir = getenv("NESTED_MTTY_DIR");
	char path[PATH_MAX];
	size_t n;
	FILE *f;

	igt_require_f(dir && *dir,
		      "NESTED_MTTY_DIR is not set (run tools/vm/run-vm --suite nested-mtty)\n");
	compat_pathf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	igt_assert_f(f, "%s: %s\n", path, strerror(errno));
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
}

/* The rest of the line in text[] that starts with @prefix, or NULL. */
static const char *line_after(const char *prefix, char *buf, size_t len)
{
	const char *p = text;
	size_t pl = strlen(prefix);

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		if (n >= pl && !strncmp(p, prefix, pl)) {
			snprintf(buf, len, "%.*s", (int)(n - pl), p + pl);
			if (len && buf[0] && buf[strlen(buf) - 1] == '\r')
				buf[strlen(buf) - 1] = '\0';
			return buf;
		}
		p = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static long host_fact(const char *key)
{
	char prefix[64], buf[64];

	load("host.txt");
	snprintf(prefix, sizeof(prefix), "%s=", key);
	igt_assert_f(line_after(prefix, buf, sizeof(buf)),
		     "host.txt has no %s\n", key);
	return strtol(buf, NULL, 10);
}

/* Pass iff the L2 script reported check @name as passed. */
static void l2_check(const char *name)
{
	char prefix[64], buf[1024];

	load("output.log");
	snprintf(prefix, sizeof(prefix), "l2-check %s ", name);
	igt_assert_f(line_after(prefix, buf, sizeof(buf)),
		     "the L2 guest did not get to check %s (see output.log)\n",
		     name);
	if (!strncmp(buf, "pass", 4)) {
		igt_info("L2: %s\n", buf + 4);
		return;
	}
	igt_fail_f("L2 check %s: %s\n", name, buf);
}

static void subtest_ran(void *data)
{
	char buf[256];
	long rc;

	(void)data;
	rc = host_fact("nested_rc");
	igt_info("nested-guest status %ld after %ld s\n", rc,
		 host_fact("nested_wall"));
	load("run.txt");
	if (line_after("l2-boot: ", buf, sizeof(buf)))
		igt_info("L2 boot to script: %s (wall s, L2 uptime s)\n", buf);
	igt_assert_f(rc != 124, "the nested guest timed out\n");
	igt_assert_f(rc != 125, "the nested guest stopped before its script ended\n");
	igt_assert_f(rc != 126, "the L2 kernel log is not clean (console.log)\n");
	load("output.log");
	igt_assert_f(line_after("l2-done", buf, sizeof(buf)),
		     "the L2 script did not finish\n");
	igt_info("L2 script: l2-done%s, status %ld\n", buf, rc);
}

static void subtest_pci_ids(void *data)
{
	(void)data;
	l2_check("pci-ids");
}

static void subtest_pci_class(void *data)
{
	(void)data;
	l2_check("pci-class");
}

static void subtest_io_bars(void *data)
{
	(void)data;
	l2_check("io-bars");
}

static void subtest_loopback0(void *data)
{
	(void)data;
	l2_check("pio-loopback-port0");
}

static void subtest_loopback1(void *data)
{
	(void)data;
	l2_check("pio-loopback-port1");
}

static void subtest_driver(void *data)
{
	(void)data;
	l2_check("serial-driver-bound");
}

static void subtest_tty(void *data)
{
	(void)data;
	l2_check("tty-loopback");
}

static void subtest_mdpy_fb(void *data)
{
	(void)data;
	l2_check("mdpy-fb");
}

static void subtest_released(void *data)
{
	char buf[64];

	(void)data;
	load("host.txt");
	igt_assert(line_after("removed=", buf, sizeof(buf)));
	igt_assert_f(!strcmp(buf, "ok"),
		     "removing the mdevs after the guest: %s\n", buf);
	igt_assert_eq(host_fact("mtty2_avail_during"), 11);
	igt_assert_eq(host_fact("mtty2_avail_after"), 12);
	igt_assert_eq(host_fact("mdpy_avail_after"), 4);
}

/*
 * What QEMU says about the samples' limits, not about our core: they have
 * no PCI reset (QEMU says so at start and exit), and mdpy refuses the
 * error-interrupt index.
 */
static const char * const qemu_expected[] = {
	"no available reset mechanism",
	"Could not enable error recovery for the device",
};

static void subtest_qemu_log(void *data)
{
	const char *p;

	(void)data;
	load("qemu.log");
	igt_info("nested QEMU said:\n%s", text);
	for (p = text; p && *p; ) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		bool expected = false;
		char line[512];
		unsigned int i;

		snprintf(line, sizeof(line), "%.*s", n, p);
		for (i = 0; i < IGT_ARRAY_SIZE(qemu_expected); i++)
			expected |= !!strstr(line, qemu_expected[i]);
		igt_assert_f(expected || (!strcasestr(line, "error") &&
					  !strcasestr(line, "fail")),
			     "nested QEMU: %s\n", line);
		p = nl ? nl + 1 : NULL;
	}
}

static const struct igt_subtest subtests[] = {
	{ "nested-guest-ran-to-completion", subtest_ran,
	  "an L2 guest with the mdevs as vfio-pci devices ran its script, clean log" },
	{ "nested-sees-mtty-pci-ids", subtest_pci_ids,
	  "the L2 guest enumerates PCI 4348:3253" },
	{ "nested-mtty-pci-class-serial", subtest_pci_class,
	  "the L2 guest sees class 070002 (16550 serial)" },
	{ "nested-mtty-io-bars", subtest_io_bars,
	  "the L2 guest got two 8-byte I/O BARs assigned" },
	{ "nested-mtty-loopback-port0", subtest_loopback0,
	  "bytes written to port 0 by port I/O in L2 come back in order" },
	{ "nested-mtty-loopback-port1", subtest_loopback1,
	  "bytes written to port 1 by port I/O in L2 come back in order" },
	{ "nested-8250-pci-driver-binds-mtty", subtest_driver,
	  "the L2 kernel's 8250_pci driver claims the card and creates tty ports" },
	{ "nested-mtty-tty-loopback-with-interrupts", subtest_tty,
	  "data written to the tty comes back through the interrupt-driven driver" },
	{ "nested-mdpy-fb-drives-mdpy-device", subtest_mdpy_fb,
	  "the guest-side mdpy-fb sample binds the mdpy device; data written to fb0 reads back" },
	{ "host-mdevs-released-after-guest", subtest_released,
	  "after QEMU exits both mdevs are removed and their instances come back" },
	{ "nested-qemu-log-clean", subtest_qemu_log,
	  "the nested QEMU reports no error beyond the samples' known limits" },
};

IGT_TEST_MAIN("The mdev documentation's nested-guest workflow with mtty",
	      subtests);
