// SPDX-License-Identifier: GPL-2.0
/*
 * igt-selftest-subjects - subtests that pass, skip, fail, crash and hang on
 * purpose, for the runner self test to observe. Not a unit test itself.
 *
 * Environment knobs:
 *   IGT_SELFTEST_FIXTURE=skip|fail|expect
 *                                    make the fixture skip, fail, or call
 *                                    igt_dmesg_expect() (which fails there)
 *   IGT_SELFTEST_TEARDOWN=fail       make the teardown fail
 *   IGT_KMSG_FILE=PATH               a fake /dev/kmsg: where the dmesg-*
 *                                    subtests append kernel-log records,
 *                                    and igt_core its markers
 *   IGT_SELFTEST_REGEX=REGEX         what expect-regex hands to
 *                                    igt_dmesg_expect()
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "igt_core.h"

#define FIXTURE_MAGIC	0x5eed

struct subjects {
	int magic;
};

static struct subjects subjects;

static void subtest_pass(void *data)
{
	(void)data;
	igt_info("hello from pass\n");
}

static void subtest_skip_require(void *data)
{
	(void)data;
	igt_require(getenv("IGT_SELFTEST_NEVER_SET"));
}

static void subtest_skip_explicit(void *data)
{
	(void)data;
	igt_skip("no %s here", "hardware");
}

static void subtest_fail_assert(void *data)
{
	struct subjects *s = data;

	igt_assert(s->magic == FIXTURE_MAGIC + 1);
}

static void subtest_fail_assert_eq(void *data)
{
	int value = 3;

	(void)data;
	igt_assert_eq(value, 4);
}

static void subtest_fail_on_f(void *data)
{
	(void)data;
	igt_fail_on_f(subjects.magic, "the reason is %d", 42);
}

static int pretend_call(void)
{
	return -ENOENT;
}

static void subtest_fail_assert_ok(void *data)
{
	(void)data;
	igt_assert_ok(pretend_call());
}

static void subtest_crash(void *data)
{
	(void)data;
	raise(SIGSEGV);
}

static void subtest_abort(void *data)
{
	(void)data;
	abort();
}

static void subtest_exit_strange(void *data)
{
	(void)data;
	exit(3);
}

static void subtest_hang(void *data)
{
	(void)data;
	for (;;)
		pause();
}

/*
 * Passes, but leaves a child holding stdout open; its pid goes to
 * $IGT_SELFTEST_PIDFILE so the self test can check the runner ended it.
 */
static void subtest_hang_children(void *data)
{
	const char *pidfile = getenv("IGT_SELFTEST_PIDFILE");
	char buf[32];
	pid_t pid;
	int fd, len;

	(void)data;
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (pidfile) {
		fd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		igt_assert(fd >= 0);
		len = snprintf(buf, sizeof(buf), "%d\n", (int)pid);
		igt_assert_eq(write(fd, buf, len), len);
		close(fd);
	}
}

static void subtest_timeout_self(void *data)
{
	(void)data;
	igt_set_timeout(1, "a reply that never comes");
	sleep(30);
}

/* Written with their exact lengths: one contains a NUL. */
static const char nasty_ctl[] = "ctl:\x01\x02\x1b[1m\x7f|quote:\"|backslash:\\|tab:\t|";
static const char nasty_bad[] = "nul:\0|bad:\xff\xfe|overlong:\xc0\xaf|lone:\x80|";
static const char nasty_cut[] = "cut:\xe2\x82|surrogate:\xed\xa0\x80|";
static const char nasty_good[] = "good:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\n";

static void subtest_nasty_output(void *data)
{
	(void)data;
	fwrite(nasty_ctl, 1, sizeof(nasty_ctl) - 1, stdout);
	fwrite(nasty_bad, 1, sizeof(nasty_bad) - 1, stdout);
	fwrite(nasty_cut, 1, sizeof(nasty_cut) - 1, stdout);
	fwrite(nasty_good, 1, sizeof(nasty_good) - 1, stdout);
}

static void subtest_fixture_data(void *data)
{
	struct subjects *s = data;

	igt_assert_eq(s->magic, FIXTURE_MAGIC);
}

/* Append one /dev/kmsg-format record to the fake kernel log. */
static void fake_kmsg(int level, const char *text)
{
	const char *path = getenv("IGT_KMSG_FILE");
	char line[256];
	int fd, len;

	igt_require_f(path, "IGT_KMSG_FILE is not set\n");
	fd = open(path, O_WRONLY | O_APPEND);
	igt_assert_f(fd >= 0, "opening %s\n", path);
	len = snprintf(line, sizeof(line), "%d,1234,5000123,-;%s\n",
		       level, text);
	igt_assert_eq(write(fd, line, len), len);
	close(fd);
}

static void subtest_dmesg_warn(void *data)
{
	(void)data;
	fake_kmsg(4, "selftest: a plain warning");
}

static void subtest_dmesg_trace(void *data)
{
	(void)data;
	fake_kmsg(6, "WARNING: CPU: 0 PID: 1 at selftest.c:1 subject+0x0/0x10");
	fake_kmsg(6, "Call Trace:");
}

/* The message a sample mdev driver's refused probe makes the core log. */
#define PROBE_REFUSED(err) \
	"mtty: probe of 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 failed with error " err

static void subtest_dmesg_expected(void *data)
{
	(void)data;
	igt_dmesg_expect("probe of [0-9a-f-]+ failed with error -28$");
	fake_kmsg(4, PROBE_REFUSED("-28"));
	fake_kmsg(6, "selftest: info stays in dmesg");
}

static void subtest_dmesg_expected_mismatch(void *data)
{
	(void)data;
	igt_dmesg_expect("probe of [0-9a-f-]+ failed with error -28$");
	fake_kmsg(4, PROBE_REFUSED("-12"));
	fake_kmsg(4, PROBE_REFUSED("-28"));
}

/* Only what is logged after the announcement is expected (upstream). */
static void subtest_dmesg_expected_late(void *data)
{
	(void)data;
	fake_kmsg(4, PROBE_REFUSED("-28"));
	igt_dmesg_expect("probe of [0-9a-f-]+ failed with error -28$");
}

/* A second announcement replaces the first (upstream keeps one regex). */
static void subtest_dmesg_expected_replaced(void *data)
{
	(void)data;
	igt_dmesg_expect("probe of [0-9a-f-]+ failed with error -28$");
	igt_dmesg_expect("a plain warning$");
	fake_kmsg(4, PROBE_REFUSED("-28"));
}

/* The old stdout line: no runner reads it any more. */
static void subtest_dmesg_expected_stdout(void *data)
{
	(void)data;
	igt_info("Expected dmesg: a plain warning$\n");
	fake_kmsg(4, "selftest: a plain warning");
}

static void subtest_expect_regex(void *data)
{
	const char *regex = getenv("IGT_SELFTEST_REGEX");

	(void)data;
	igt_require_f(regex, "IGT_SELFTEST_REGEX is not set\n");
	igt_dmesg_expect(regex);
}

static void subtest_dmesg_fail(void *data)
{
	(void)data;
	fake_kmsg(3, "selftest: something broke");
	igt_fail_f("failing after a kernel error");
}

static void subtest_dmesg_info(void *data)
{
	(void)data;
	fake_kmsg(6, "selftest: just saying hello");
}

static const struct igt_subtest subtests[] = {
	{ "pass", subtest_pass, "Prints a line and passes." },
	{ "skip-require", subtest_skip_require,
	  "Skips on an unmet igt_require()." },
	{ "skip-explicit", subtest_skip_explicit, "Calls igt_skip()." },
	{ "fail-assert", subtest_fail_assert, "Fails an igt_assert()." },
	{ "fail-assert-eq", subtest_fail_assert_eq,
	  "Fails an igt_assert_eq(); both values are printed." },
	{ "fail-on-f", subtest_fail_on_f, "Fails igt_fail_on_f()." },
	{ "fail-assert-ok", subtest_fail_assert_ok,
	  "Fails igt_assert_ok() on a negative errno." },
	{ "crash", subtest_crash, "Dies of SIGSEGV." },
	{ "abort", subtest_abort, "Dies of SIGABRT." },
	{ "exit-strange", subtest_exit_strange, "Calls exit(3)." },
	{ "hang", subtest_hang, "Never returns." },
	{ "hang-children", subtest_hang_children,
	  "Passes but leaves a child behind that holds stdout." },
	{ "timeout-self", subtest_timeout_self,
	  "Times out through igt_set_timeout()." },
	{ "nasty-output", subtest_nasty_output,
	  "Prints control characters and invalid UTF-8." },
	{ "fixture-data", subtest_fixture_data,
	  "Sees the state the fixture set up." },
	{ "dmesg-warn", subtest_dmesg_warn,
	  "Passes while the (fake) kernel logs at warning level." },
	{ "dmesg-trace", subtest_dmesg_trace,
	  "Passes while the (fake) kernel logs a WARNING at info level." },
	{ "dmesg-expected", subtest_dmesg_expected,
	  "Passes; the (fake) kernel logs a warning the subtest expects." },
	{ "dmesg-expected-mismatch", subtest_dmesg_expected_mismatch,
	  "Expects one probe error; the (fake) kernel logs it and another." },
	{ "dmesg-expected-late", subtest_dmesg_expected_late,
	  "Announces the expected warning only after it was logged." },
	{ "dmesg-expected-replaced", subtest_dmesg_expected_replaced,
	  "Announces two regexes; the warning matches only the first." },
	{ "dmesg-expected-stdout", subtest_dmesg_expected_stdout,
	  "Announces a warning on stdout only, the old way." },
	{ "dmesg-fail", subtest_dmesg_fail,
	  "Fails while the (fake) kernel logs an error." },
	{ "dmesg-info", subtest_dmesg_info,
	  "Passes while the (fake) kernel logs an info line." },
	{ "expect-regex", subtest_expect_regex,
	  "Hands $IGT_SELFTEST_REGEX to igt_dmesg_expect()." },
};

static void setup(void *data)
{
	struct subjects *s = data;
	const char *mode = getenv("IGT_SELFTEST_FIXTURE");

	if (mode && !strcmp(mode, "skip"))
		igt_require_f(false, "fixture asked to skip\n");
	if (mode && !strcmp(mode, "fail"))
		igt_assert_f(false, "fixture asked to fail\n");
	if (mode && !strcmp(mode, "expect"))
		igt_dmesg_expect("for every subtest");
	s->magic = FIXTURE_MAGIC;
}

static void teardown(void *data)
{
	const char *mode = getenv("IGT_SELFTEST_TEARDOWN");

	(void)data;
	igt_fail_on_f(mode && !strcmp(mode, "fail"), "teardown asked to fail\n");
}

IGT_TEST_MAIN("Subjects for the igt_core and igt-run self tests.", subtests,
	      .setup = setup, .teardown = teardown, .data = &subjects);
