// SPDX-License-Identifier: GPL-2.0
/*
 * igt-runner-selftest - unit test of igt_core (C and shell) and igt-run.
 *
 * It runs the subjects (igt-selftest-subjects, selftest/subjects.sh) and
 * igt-run as separate processes and checks what they print, how they
 * exit and what results.json says. Everything it writes goes under
 * build/igt-selftest/.
 *
 * The test itself uses igt_core; before trusting it, main() checks by
 * plain means that a failing assertion in the subjects really ends as
 * FAIL with exit status 98, so a broken library cannot pass this test.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "igt_core.h"
#include "selftest_util.h"
#include "mdev_sysfs.h"
#include "../runner/json.h"
#include "../runner/runner.h"

#ifndef IGT_BIN_DIR
#error "IGT_BIN_DIR must name build/bin"
#endif

#define RUNNER		IGT_BIN_DIR "/igt-run"
#define SUBJECTS	IGT_BIN_DIR "/igt-selftest-subjects"
#define SH_SUBJECTS	IGT_SRC_DIR "/selftest/subjects.sh"
#define SUBJECTS_GROUP	"igt@igt-selftest-subjects"
#define PROC_TIMEOUT_S	60

/* ---------------------------------------------------------------------- */
/* helpers                                                                */

/* A fresh, empty work directory for the running (runner-*) subtest. */
static const char *workdir(void)
{
	char *dir;

	/* A runner bug must not hang the unit test. */
	igt_set_timeout(120, "the runner self test");
	dir = selftest_pathf("%s/runner/%s", IGT_WORK_DIR, igt_subtest_name());
	selftest_fresh_dir(dir);
	return dir;
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	igt_assert_f(fd >= 0, "creating %s\n", path);
	igt_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	igt_assert(!chmod(path, mode));
}

static void read_text(const char *path, struct strbuf *text)
{
	char buf[4096];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	igt_assert_f(fd >= 0, "opening %s\n", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(text, buf, n);
	close(fd);
}

#define MAX_ARGS	16

/* Collect a NULL-terminated variable argument list into @out. */
static void collect(const char **out, const char *first, va_list ap)
{
	int n = 0;

	out[n++] = first;
	while (first && n < MAX_ARGS) {
		first = va_arg(ap, const char *);
		out[n++] = first;
	}
	igt_assert(!out[n - 1]);
}

/* Run a program (its arguments end with NULL); it must not time out. */
static void run(struct proc_result *res, const char *prog, ...)
	__igt_attr(sentinel);
static void run(struct proc_result *res, const char *prog, ...)
{
	const char *argv[MAX_ARGS + 1];
	va_list ap;
	int ret;

	va_start(ap, prog);
	collect(argv, prog, ap);
	va_end(ap);
	ret = proc_run((char *const *)argv, PROC_TIMEOUT_S, res);
	igt_assert_f(!ret, "running %s: %s\n", prog, strerror(-ret));
	igt_assert_f(!res->timed_out, "%s timed out\n", prog);
}

static int exit_code(const struct proc_result *res)
{
	return WIFEXITED(res->status) ? WEXITSTATUS(res->status) : -1;
}

/*
 * Whether @line matches @pattern, where "%T" in the pattern stands for a
 * duration printed with three decimals ("0.123") and "%*" for any text.
 */
static bool line_matches(const char *l, const char *end, const char *p)
{
	int digits;

	while (*p) {
		if (p[0] == '%' && p[1] == '*') {
			for (; l <= end; l++)
				if (line_matches(l, end, p + 2))
					return true;
			return false;
		}
		if (p[0] == '%' && p[1] == 'T') {
			if (l >= end || *l < '0' || *l > '9')
				return false;
			while (l < end && *l >= '0' && *l <= '9')
				l++;
			if (l >= end || *l++ != '.')
				return false;
			for (digits = 0; digits < 3; digits++, l++)
				if (l >= end || *l < '0' || *l > '9')
					return false;
			p += 2;
			continue;
		}
		if (l >= end || *l != *p)
			return false;
		l++;
		p++;
	}
	return l == end;
}

/* @text must consist of exactly the lines in @patterns (NULL-ended). */
static void check_lines_v(const char *what, const struct strbuf *text,
			  const char *const *patterns)
{
	const char *p = sb_str(text), *nl;
	int i;

	for (i = 0; patterns[i]; i++) {
		nl = strchr(p, '\n');
		igt_assert_f(nl, "%s: line %d missing, expected \"%s\"; got:\n%s",
			     what, i + 1, patterns[i], sb_str(text));
		igt_assert_f(line_matches(p, nl, patterns[i]),
			     "%s: line %d is \"%.*s\", expected \"%s\"\n",
			     what, i + 1, (int)(nl - p), p, patterns[i]);
		p = nl + 1;
	}
	igt_assert_f(!*p, "%s: unexpected extra output:\n%s", what, p);
}

/* check_lines_v() with the patterns as arguments, ending with NULL. */
static void check_lines(const char *what, const struct strbuf *text,
			const char *first, ...) __igt_attr(sentinel);
static void check_lines(const char *what, const struct strbuf *text,
			const char *first, ...)
{
	const char *patterns[MAX_ARGS + 1];
	va_list ap;

	va_start(ap, first);
	collect(patterns, first, ap);
	va_end(ap);
	check_lines_v(what, text, patterns);
}

static void check_contains(const char *what, const struct strbuf *text,
			   const char *needle)
{
	igt_assert_f(strstr(sb_str(text), needle),
		     "%s does not contain \"%s\":\n%s", what, needle,
		     sb_str(text));
}

static void check_empty(const char *what, const struct strbuf *text)
{
	igt_assert_f(!text->len, "%s is not empty:\n%s", what, sb_str(text));
}

static struct json_value *load_json(const char *path)
{
	struct strbuf text = { };
	struct json_value *doc;
	char buf[65536], err[128];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	igt_assert_f(fd >= 0, "opening %s\n", path);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sb_add(&text, buf, n);
	close(fd);
	doc = json_parse(sb_str(&text), text.len, err, sizeof(err));
	igt_assert_f(doc, "%s: %s\n", path, err);
	sb_free(&text);
	return doc;
}

static struct json_value *load_results(const char *dir)
{
	char *path;

	path = selftest_pathf("%s/results.json", dir);
	return load_json(path);
}

/* Validate with Python's json module too, when python3 is installed. */
static void python_validates(const char *path)
{
	static const char script[] =
		"import json, sys\n"
		"json.load(open(sys.argv[1], encoding='utf-8'))\n";
	char *python = NULL, *paths, *dir, *save = NULL;
	struct proc_result res;
	bool found = false;

	paths = strdup(getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	igt_assert(paths);
	for (dir = strtok_r(paths, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		python = selftest_pathf("%s/python3", dir);
		found = !access(python, X_OK);
	}
	free(paths);
	if (!found) {
		igt_info("python3 not found: only the built-in JSON reader\n");
		return;
	}

	run(&res, python, "-c", script, path, NULL);
	igt_assert_f(exit_code(&res) == 0, "python3 rejects %s:\n%s", path,
		     sb_str(&res.err));
	proc_result_free(&res);
}

static const struct json_value *get_obj(const struct json_value *obj,
					const char *key)
{
	const struct json_value *v = json_get(obj, key);

	igt_assert_f(v && v->type == JSON_OBJECT, "no object \"%s\"\n", key);
	return v;
}

static const char *get_str(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	igt_assert_f(v && v->type == JSON_STRING, "no string \"%s\"\n", key);
	return v->string;
}

static double get_num(const struct json_value *obj, const char *key)
{
	const struct json_value *v = json_get(obj, key);

	igt_assert_f(v && v->type == JSON_NUMBER, "no number \"%s\"\n", key);
	return v->number;
}

static const char *test_result(const struct json_value *doc,
			       const char *test)
{
	return get_str(get_obj(get_obj(doc, "tests"), test), "result");
}

static void check_total(const struct json_value *totals, const char *result,
			double expected)
{
	double n = get_num(totals, result);

	igt_assert_f(n == expected, "totals[%s] = %g, expected %g\n",
		     result, n, expected);
}

/*
 * The process whose pid is in @pidfile must be gone (or a zombie waiting
 * for init): the runner kills what a test leaves in its process group.
 */
static void check_no_leftover(const char *pidfile)
{
	char buf[64], stat[4096], *state;
	int pid, ret;

	igt_assert_ok(sysfs_read_str(pidfile, buf, sizeof(buf)));
	pid = atoi(buf);
	igt_assert_lt(0, pid);
	ret = sysfs_read_str(selftest_pathf("/proc/%d/stat", pid), stat, sizeof(stat));
	if (ret == -ENOENT || ret == -ESRCH)
		return;
	igt_assert_ok(ret);
	state = strrchr(stat, ')');
	igt_assert_f(state && state[1] == ' ' && state[2] == 'Z',
		     "left-over process %d still runs: %s\n", pid, stat);
}

/* The last two lines of a runner's stdout. */
static void check_summary(const struct strbuf *out, const char *expected)
{
	const char *s = sb_str(out);
	size_t len = strlen(expected);

	igt_assert_f(out->len >= len && !strcmp(s + out->len - len, expected),
		     "runner output does not end with:\n%sbut:\n%s",
		     expected, s);
	igt_assert_f(out->len == len || s[out->len - len - 1] == '\n',
		     "summary does not start a line:\n%s", s);
}

/* ---------------------------------------------------------------------- */
/* igt_core protocol, C                                                   */

static void subtest_list_subtests(void *data)
{
	static const char *const names[] = {
		"pass", "skip-require", "skip-explicit", "fail-assert",
		"fail-assert-eq", "fail-on-f", "fail-assert-ok", "crash",
		"abort", "exit-strange", "hang", "hang-children",
		"timeout-self", "nasty-output", "fixture-data", "dmesg-warn",
		"dmesg-trace", "dmesg-expected", "dmesg-expected-mismatch",
		"dmesg-expected-late", "dmesg-expected-replaced",
		"dmesg-expected-stdout", "dmesg-fail", "dmesg-info",
		"expect-regex", NULL,
	};
	struct proc_result res;

	(void)data;
	run(&res, SUBJECTS, "--list-subtests", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_lines_v("--list-subtests", &res.out, names);
	check_empty("stderr", &res.err);
	proc_result_free(&res);

	run(&res, SUBJECTS, "--list-subtests", "--run-subtest", "fail-*,pass",
	    NULL);
	check_lines("filtered list", &res.out, "pass", "fail-assert",
		    "fail-assert-eq", "fail-on-f", "fail-assert-ok", NULL);
	proc_result_free(&res);
}

static void subtest_pass_protocol(void *data)
{
	struct proc_result res;

	(void)data;
	run(&res, SUBJECTS, "--run-subtest", "pass", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_lines("stdout", &res.out, "Starting subtest: pass",
		    "hello from pass", "Subtest pass: SUCCESS (%Ts)", NULL);
	check_empty("stderr of a passing subtest", &res.err);
	proc_result_free(&res);

	/* The fixture ran in the parent and the subtest sees its state. */
	run(&res, SUBJECTS, "--run-subtest=fixture-data", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_empty("stderr", &res.err);
	proc_result_free(&res);
}

static void subtest_skip_protocol(void *data)
{
	struct proc_result res;

	(void)data;
	run(&res, SUBJECTS, "--run-subtest", "skip-require", NULL);
	igt_assert_eq(exit_code(&res), 77);
	check_lines("stdout", &res.out, "Starting subtest: skip-require",
		    "Test requirement not met: getenv(\"IGT_SELFTEST_NEVER_SET\") (%*)",
		    "Subtest skip-require: SKIP (%Ts)", NULL);
	check_contains("stdout", &res.out, "subjects.c:");
	check_contains("stdout", &res.out, ", subtest_skip_require)");
	check_empty("stderr of a skip", &res.err);
	proc_result_free(&res);

	run(&res, SUBJECTS, "--run-subtest", "skip-explicit", NULL);
	igt_assert_eq(exit_code(&res), 77);
	check_lines("stdout", &res.out, "Starting subtest: skip-explicit",
		    "Skipping: no hardware here",
		    "Subtest skip-explicit: SKIP (%Ts)", NULL);
	proc_result_free(&res);
}

/*
 * Run one failing subject; check the result line and that stderr contains
 * each of the strings that follow (up to a NULL).
 */
static void check_failing(const char *subtest, const char *result, ...)
	__igt_attr(sentinel);
static void check_failing(const char *subtest, const char *result, ...)
{
	const char *needles[MAX_ARGS + 1];
	char *starting, *line;
	struct proc_result res;
	va_list ap;
	int i;

	va_start(ap, result);
	collect(needles, va_arg(ap, const char *), ap);
	va_end(ap);

	starting = selftest_pathf("Starting subtest: %s", subtest);
	line = selftest_pathf("Subtest %s: %s (%%Ts)", subtest, result);
	run(&res, SUBJECTS, "--run-subtest", subtest, NULL);
	igt_assert_eq(exit_code(&res), strcmp(result, "TIMEOUT") ? 98 : 78);
	check_lines("stdout", &res.out, starting, line, NULL);
	for (i = 0; needles[i]; i++)
		check_contains("stderr", &res.err, needles[i]);
	proc_result_free(&res);
}

static void subtest_fail_protocol(void *data)
{
	(void)data;
	check_failing("fail-assert", "FAIL", "subjects.c:",
		      "subtest_fail_assert",
		      "Failed assertion: s->magic == FIXTURE_MAGIC + 1", NULL);
	check_failing("fail-assert-eq", "FAIL", "Failed assertion: value == 4",
		      "value = 3, 4 = 4", NULL);
	check_failing("fail-on-f", "FAIL",
		      "Failed assertion: !(subjects.magic)", "the reason is 42",
		      NULL);
	check_failing("fail-assert-ok", "FAIL", "pretend_call() >= 0",
		      "returned -2 (No such file or directory)", NULL);
	check_failing("exit-strange", "FAIL", "exited with status 3", NULL);
}

static void subtest_crash_protocol(void *data)
{
	(void)data;
	check_failing("crash", "CRASH", "killed by signal 11", NULL);
	check_failing("abort", "CRASH", "killed by signal 6", NULL);
	check_failing("timeout-self", "TIMEOUT",
		      "Timeout: a reply that never comes", NULL);
}

static void subtest_unknown_subtest(void *data)
{
	struct proc_result res;

	(void)data;
	run(&res, SUBJECTS, "--run-subtest", "no-such", NULL);
	igt_assert_eq(exit_code(&res), 79);
	check_empty("stdout", &res.out);
	check_contains("stderr", &res.err, "Unknown subtest: no-such");
	proc_result_free(&res);

	run(&res, SUBJECTS, "--bogus-option", NULL);
	igt_assert_eq(exit_code(&res), 79);
	proc_result_free(&res);
}

static void subtest_exit_codes(void *data)
{
	static const struct {
		const char *patterns;
		int code;
	} cases[] = {
		{ "pass,skip-explicit", 0 },
		{ "skip-*", 77 },
		{ "pass,fail-assert,skip-explicit", 98 },
		{ "pass,crash", 98 },
		{ "pass,timeout-self", 78 },
	};
	struct proc_result res;
	size_t i;

	(void)data;
	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		run(&res, SUBJECTS, "--run-subtest", cases[i].patterns, NULL);
		igt_assert_f(exit_code(&res) == cases[i].code,
			     "%s: exit %d, expected %d\n", cases[i].patterns,
			     exit_code(&res), cases[i].code);
		proc_result_free(&res);
	}

	/* Globs run in table order, each subtest once. */
	run(&res, SUBJECTS, "--run-subtest", "skip-*,pass,skip-require", NULL);
	check_lines("stdout", &res.out, "Starting subtest: pass",
		    "hello from pass", "Subtest pass: SUCCESS (%Ts)",
		    "Starting subtest: skip-require",
		    "Test requirement not met: %*",
		    "Subtest skip-require: SKIP (%Ts)",
		    "Starting subtest: skip-explicit",
		    "Skipping: no hardware here",
		    "Subtest skip-explicit: SKIP (%Ts)", NULL);
	proc_result_free(&res);
}

static void subtest_fixture_skip_fail(void *data)
{
	struct proc_result res;

	(void)data;
	setenv("IGT_SELFTEST_FIXTURE", "skip", 1);
	run(&res, SUBJECTS, "--run-subtest", "pass,fail-assert", NULL);
	igt_assert_eq(exit_code(&res), 77);
	check_lines("stdout", &res.out,
		    "Test requirement not met: false (%*selftest/subjects.c:%*, setup)",
		    "fixture asked to skip", "Subtest pass: SKIP (0.000s)",
		    "Subtest fail-assert: SKIP (0.000s)", NULL);
	check_empty("stderr", &res.err);
	proc_result_free(&res);

	setenv("IGT_SELFTEST_FIXTURE", "fail", 1);
	run(&res, SUBJECTS, "--run-subtest", "pass", NULL);
	igt_assert_eq(exit_code(&res), 98);
	check_lines("stdout", &res.out, "Subtest pass: FAIL (0.000s)", NULL);
	check_contains("stderr", &res.err, "fixture asked to fail");
	proc_result_free(&res);
	unsetenv("IGT_SELFTEST_FIXTURE");

	/* A failing teardown fails the binary after the result line. */
	setenv("IGT_SELFTEST_TEARDOWN", "fail", 1);
	run(&res, SUBJECTS, "--run-subtest", "pass", NULL);
	igt_assert_eq(exit_code(&res), 98);
	check_contains("stdout", &res.out, "Subtest pass: SUCCESS");
	check_contains("stderr", &res.err, "teardown asked to fail");
	proc_result_free(&res);
	unsetenv("IGT_SELFTEST_TEARDOWN");
}

/* ---------------------------------------------------------------------- */
/* igt_core.sh protocol                                                   */

static void subtest_shell_protocol(void *data)
{
	struct proc_result res;

	(void)data;
	run(&res, SH_SUBJECTS, "--list-subtests", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_lines("--list-subtests", &res.out, "pass", "skip", "fail",
		    "fail-eq", "crash", "exit-strange", "dmesg-expected",
		    "dmesg-unexpected", "expect-regex", NULL);
	check_empty("stderr", &res.err);
	proc_result_free(&res);

	run(&res, SH_SUBJECTS, "--run-subtest", "pass", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_lines("stdout", &res.out, "Starting subtest: pass",
		    "hello from pass", "Subtest pass: SUCCESS (%Ts)", NULL);
	check_empty("stderr of a passing subtest", &res.err);
	proc_result_free(&res);

	run(&res, SH_SUBJECTS, "--run-subtest", "skip", NULL);
	igt_assert_eq(exit_code(&res), 77);
	check_contains("stdout", &res.out, "Subtest skip: SKIP (");
	check_empty("stderr of a skip", &res.err);
	proc_result_free(&res);

	run(&res, SH_SUBJECTS, "--run-subtest", "fail-eq", NULL);
	igt_assert_eq(exit_code(&res), 98);
	check_lines("stdout", &res.out, "Starting subtest: fail-eq",
		    "Subtest fail-eq: FAIL (%Ts)", NULL);
	check_contains("stderr", &res.err,
		       "Failed assertion: 'left' == 'right'");
	proc_result_free(&res);

	run(&res, SH_SUBJECTS, "--run-subtest", "crash", NULL);
	igt_assert_eq(exit_code(&res), 98);
	check_contains("stdout", &res.out, "Subtest crash: CRASH (");
	proc_result_free(&res);

	run(&res, SH_SUBJECTS, "--run-subtest", "nope", NULL);
	igt_assert_eq(exit_code(&res), 79);
	proc_result_free(&res);

	setenv("IGT_SELFTEST_FIXTURE", "skip", 1);
	run(&res, SH_SUBJECTS, "--run-subtest", "pass,fail", NULL);
	igt_assert_eq(exit_code(&res), 77);
	check_lines("stdout", &res.out, "Skipping: fixture asked to skip",
		    "Subtest pass: SKIP (0.000s)",
		    "Subtest fail: SKIP (0.000s)", NULL);
	proc_result_free(&res);
	unsetenv("IGT_SELFTEST_FIXTURE");

	run(&res, SH_SUBJECTS, "--run-subtest", "pass,skip", NULL);
	igt_assert_eq(exit_code(&res), 0);
	proc_result_free(&res);
}

/* ---------------------------------------------------------------------- */
/* igt_dmesg_expect(), C and shell                                        */

#define PROBE_REGEX	"probe of [0-9a-f-]+ failed with error -28$"
#define PROBE_REFUSED \
	"mtty: probe of 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 failed with error "

/*
 * @prog's dmesg-expected subtest, with a file standing in for the kernel
 * log: upstream IGT's marker lands there as a user-space info record,
 * after the subtest's start and before the warning it announces; stdout
 * says nothing of it. @name is the program's name in the markers,
 * @extra a record the subtest logs after the warning (or NULL).
 */
static void check_expect_marker(const char *prog, const char *name,
				const char *extra)
{
	char *kmsg = selftest_pathf("%s/kmsg-%s", workdir(), name);
	const char *lines[6];
	struct strbuf text = { };
	struct proc_result res;
	int n = 0;

	write_text(kmsg, "", 0644);
	unsetenv("IGT_NO_KMSG");
	setenv("IGT_KMSG_FILE", kmsg, 1);
	run(&res, prog, "--run-subtest", "dmesg-expected", NULL);
	setenv("IGT_NO_KMSG", "1", 1);
	unsetenv("IGT_KMSG_FILE");
	igt_assert_eq(exit_code(&res), 0);
	check_lines("stdout", &res.out, "Starting subtest: dmesg-expected",
		    "Subtest dmesg-expected: SUCCESS (%Ts)", NULL);
	check_empty("stderr", &res.err);
	proc_result_free(&res);

	lines[n++] = selftest_pathf("14,0,%%*,-;[IGT] %s: starting subtest dmesg-expected",
				    name);
	lines[n++] = selftest_pathf("14,0,%%*,-;[IGT] %s: add ignored dmesg regex: %s",
				    name, PROBE_REGEX);
	lines[n++] = "4,1234,5000123,-;" PROBE_REFUSED "-28";
	if (extra)
		lines[n++] = extra;
	lines[n++] = selftest_pathf("14,0,%%*,-;[IGT] %s: finished subtest dmesg-expected, SUCCESS",
				    name);
	lines[n] = NULL;
	read_text(kmsg, &text);
	check_lines_v("kernel log", &text, lines);
	sb_free(&text);
}

/* igt_dmesg_expect(@regex) in @prog's expect-regex subtest must fail. */
static void check_expect_refused(const char *prog, const char *regex,
				 const char *why)
{
	struct proc_result res;

	setenv("IGT_SELFTEST_REGEX", regex, 1);
	run(&res, prog, "--run-subtest", "expect-regex", NULL);
	unsetenv("IGT_SELFTEST_REGEX");
	igt_assert_f(exit_code(&res) == 98, "'%s': exit %d, expected 98\n",
		     regex, exit_code(&res));
	check_contains("stdout", &res.out, "Subtest expect-regex: FAIL (");
	check_contains("stderr", &res.err, why);
	proc_result_free(&res);
}

/*
 * Regexes that could not reach both runners intact or mean the same in
 * both are refused, and so is a call outside a subtest; without a kernel
 * log the subtest says the warning will count.
 */
static void check_expect_rules(const char *prog, const char *bad_regex)
{
	static const char unprintable[] =
		"empty, too long, or not printable ASCII without \\";
	char long_regex[IGT_DMESG_REGEX_MAX + 2];
	struct proc_result res;

	check_expect_refused(prog, "([", bad_regex);
	check_expect_refused(prog, "error -28\\.", unprintable);
	check_expect_refused(prog, "tab\there", unprintable);
	check_expect_refused(prog, "caf\xc3\xa9", unprintable);
	check_expect_refused(prog, "", unprintable);
	memset(long_regex, 'a', sizeof(long_regex) - 1);
	long_regex[sizeof(long_regex) - 1] = '\0';
	check_expect_refused(prog, long_regex, unprintable);

	setenv("IGT_SELFTEST_REGEX", "error -28[.]", 1);
	run(&res, prog, "--run-subtest", "expect-regex", NULL);
	unsetenv("IGT_SELFTEST_REGEX");
	igt_assert_eq(exit_code(&res), 0);
	check_lines("stdout", &res.out, "Starting subtest: expect-regex",
		    "No kernel log to announce it in: warnings matching error -28[.] count",
		    "Subtest expect-regex: SUCCESS (%Ts)", NULL);
	proc_result_free(&res);

	setenv("IGT_SELFTEST_FIXTURE", "expect", 1);
	run(&res, prog, "--run-subtest", "dmesg-expected", NULL);
	unsetenv("IGT_SELFTEST_FIXTURE");
	igt_assert_eq(exit_code(&res), 98);
	check_contains("stdout", &res.out, "Subtest dmesg-expected: FAIL (");
	check_contains("stderr", &res.err, "outside a subtest");
	proc_result_free(&res);
}

static void subtest_dmesg_expect(void *data)
{
	(void)data;
	check_expect_marker(SUBJECTS, "igt-selftest-subjects",
			    "6,1234,5000123,-;selftest: info stays in dmesg");
	check_expect_marker(SH_SUBJECTS, "subjects.sh", NULL);
	check_expect_rules(SUBJECTS, "igt_dmesg_expect(\"([\"): ");
	check_expect_rules(SH_SUBJECTS, "not an extended regex");
}

/* ---------------------------------------------------------------------- */
/* igt-run                                                                */

static void subtest_runner_classifies(void *data)
{
	const struct json_value *totals, *root, *group, *tests, *t;
	const char *dir = workdir();
	char *results, *list, *json, *pidfile;
	struct json_value *doc;
	struct proc_result res;
	static const struct {
		const char *subtest;
		const char *result;
	} expect[] = {
		{ "pass", "pass" },
		{ "skip-require", "skip" },
		{ "fail-assert", "fail" },
		{ "crash", "crash" },
		{ "abort", "crash" },
		{ "hang", "timeout" },
		{ "hang-children", "pass" },
		{ "timeout-self", "timeout" },
		{ "exit-strange", "fail" },
	};
	struct strbuf text = { };
	size_t i;

	(void)data;
	results = selftest_pathf("%s/results", dir);
	json = selftest_pathf("%s/results.json", results);
	list = selftest_pathf("%s/classify.testlist", dir);
	sb_adds(&text, "# every kind of ending\n\n");
	for (i = 0; i < IGT_ARRAY_SIZE(expect); i++)
		sb_addf(&text, "  %s@%s  # comment\n", SUBJECTS,
			expect[i].subtest);
	write_text(list, sb_str(&text), 0644);
	sb_free(&text);

	pidfile = selftest_pathf("%s/hang-children.pid", dir);
	setenv("IGT_SELFTEST_PIDFILE", pidfile, 1);
	run(&res, RUNNER, "--results", results, "--timeout", "3", "--no-dmesg",
	    list, NULL);
	unsetenv("IGT_SELFTEST_PIDFILE");
	igt_assert_eq(exit_code(&res), 1);
	check_no_leftover(pidfile);
	check_summary(&res.out, "1 skipped\n2 passed, 6 failed\n");
	check_contains("progress", &res.out,
		       "[1/9] igt-selftest-subjects@pass: pass (");
	check_contains("progress", &res.out,
		       "[6/9] igt-selftest-subjects@hang: timeout (");
	check_contains("progress", &res.out,
		       "[9/9] igt-selftest-subjects@exit-strange: fail (");
	proc_result_free(&res);

	python_validates(json);
	doc = load_results(results);
	igt_assert_eq_str(get_str(doc, "__type__"), "TestrunResult");
	igt_assert_eq(get_num(doc, "results_version"), 10);
	igt_assert_eq_str(get_str(doc, "name"), "results");
	igt_assert(strlen(get_str(doc, "uname")) > 0);
	igt_assert_eq_str(get_str(get_obj(doc, "time_elapsed"), "__type__"),
			  "TimeAttribute");
	igt_assert(get_num(get_obj(doc, "time_elapsed"), "end") >=
		   get_num(get_obj(doc, "time_elapsed"), "start"));
	igt_assert(json_get(doc, "cmdline")->type == JSON_ARRAY);

	tests = get_obj(doc, "tests");
	igt_assert_eq(tests->count, IGT_ARRAY_SIZE(expect));
	for (i = 0; i < IGT_ARRAY_SIZE(expect); i++) {
		char *name = selftest_pathf(SUBJECTS_GROUP "@%s", expect[i].subtest);

		t = get_obj(tests, name);
		igt_assert_f(!strcmp(get_str(t, "result"), expect[i].result),
			     "%s: result %s, expected %s\n", name,
			     get_str(t, "result"), expect[i].result);
		get_str(t, "out");
		get_str(t, "err");
		get_str(t, "dmesg");
		igt_assert_eq_str(get_str(get_obj(t, "time"), "__type__"),
				  "TimeAttribute");
		igt_assert(get_num(get_obj(t, "time"), "end") >= 0);
	}
	t = get_obj(tests, SUBJECTS_GROUP "@pass");
	igt_assert(strstr(get_str(t, "out"), "Subtest pass: SUCCESS"));
	igt_assert_eq_str(get_str(t, "err"), "");
	t = get_obj(tests, SUBJECTS_GROUP "@fail-assert");
	igt_assert(strstr(get_str(t, "err"), "Failed assertion"));

	totals = get_obj(doc, "totals");
	root = get_obj(totals, "root");
	check_total(root, "pass", 2);
	check_total(root, "skip", 1);
	check_total(root, "fail", 2);
	check_total(root, "crash", 2);
	check_total(root, "timeout", 2);
	check_total(root, "dmesg-warn", 0);
	check_total(root, "incomplete", 0);
	check_total(get_obj(totals, ""), "pass", 2);
	group = get_obj(totals, SUBJECTS_GROUP);
	check_total(group, "timeout", 2);
	get_obj(get_obj(get_obj(doc, "runtimes"), SUBJECTS_GROUP), "time");
	json_free(doc);
}

/* The records of @test's dmesg-warnings must be exactly @expected. */
static void check_dmesg_warnings(const struct json_value *tests,
				 const char *test, const char *expected)
{
	const struct json_value *t = get_obj(tests, test);

	igt_assert_f(!strcmp(get_str(t, "result"), "dmesg-warn"),
		     "%s: result %s, expected dmesg-warn\n", test,
		     get_str(t, "result"));
	igt_assert_f(!strcmp(get_str(t, "dmesg-warnings"), expected),
		     "%s: dmesg-warnings\n%sexpected\n%s", test,
		     get_str(t, "dmesg-warnings"), expected);
}

/* @test passed and its dmesg holds @record but no warnings. */
static void check_dmesg_expected(const struct json_value *tests,
				 const char *test, const char *record)
{
	const struct json_value *t = get_obj(tests, test);

	igt_assert_f(!strcmp(get_str(t, "result"), "pass"),
		     "%s: result %s, expected pass\n", test,
		     get_str(t, "result"));
	igt_assert_f(strstr(get_str(t, "dmesg"), record),
		     "%s: no \"%s\" in dmesg:\n%s", test, record,
		     get_str(t, "dmesg"));
	igt_assert_f(!json_get(t, "dmesg-warnings"),
		     "%s: has dmesg-warnings\n", test);
}

static void subtest_runner_dmesg(void *data)
{
	static const char probe_28[] =
		"<4> [5.000123] " PROBE_REFUSED "-28\n";
	const char *dir = workdir();
	char *results, *kmsg;
	const struct json_value *tests, *t;
	struct json_value *doc;
	struct proc_result res;
	struct strbuf dmesg = { };

	(void)data;
	results = selftest_pathf("%s/results", dir);
	kmsg = selftest_pathf("%s/kmsg", dir);
	/* Logged before the run: must not count against any test. */
	write_text(kmsg, "4,1,100,-;WARNING: old news\n", 0644);
	/* The subjects' records and igt_core's markers go to the fake log. */
	unsetenv("IGT_NO_KMSG");
	setenv("IGT_KMSG_FILE", kmsg, 1);

	run(&res, RUNNER, "--results", results, "--kmsg", kmsg,
	    SUBJECTS "@pass,dmesg-*", SH_SUBJECTS "@dmesg-*", NULL);
	igt_assert_eq(exit_code(&res), 1);
	check_summary(&res.out, "4 passed, 8 failed\n");
	check_contains("console", &res.out, "<4> [5.000123] selftest: a plain");
	proc_result_free(&res);

	python_validates(selftest_pathf("%s/results.json", results));
	doc = load_results(results);
	tests = get_obj(doc, "tests");
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@pass"), "pass");
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@dmesg-fail"),
			  "dmesg-fail");
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@dmesg-info"),
			  "pass");

	/* A warning announced with upstream's marker does not count... */
	check_dmesg_expected(tests, SUBJECTS_GROUP "@dmesg-expected", probe_28);
	check_dmesg_expected(tests, SUBJECTS_GROUP "@dmesg-expected",
			     "] [IGT] igt-selftest-subjects: add ignored dmesg regex: "
			     PROBE_REGEX "\n");
	check_dmesg_expected(tests, SUBJECTS_GROUP "@dmesg-expected",
			     "<6> [5.000123] selftest: info stays in dmesg\n");
	check_dmesg_expected(tests, "igt@subjects@dmesg-expected", probe_28);
	/* ...one that does not match it does... */
	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-expected-mismatch",
			     "<4> [5.000123] " PROBE_REFUSED "-12\n");
	check_dmesg_warnings(tests, "igt@subjects@dmesg-unexpected",
			     "<4> [5.000123] " PROBE_REFUSED "-12\n");
	/* ...and so does a match before the marker or after another one. */
	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-expected-late",
			     probe_28);
	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-expected-replaced",
			     probe_28);
	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-expected-stdout",
			     "<4> [5.000123] selftest: a plain warning\n");

	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-warn",
			     "<4> [5.000123] selftest: a plain warning\n");
	check_dmesg_warnings(tests, SUBJECTS_GROUP "@dmesg-trace",
			     "<6> [5.000123] WARNING: CPU: 0 PID: 1 at selftest.c:1 subject+0x0/0x10\n<6> [5.000123] Call Trace:\n");
	check_dmesg_expected(tests, SUBJECTS_GROUP "@dmesg-info",
			     "<6> [5.000123] selftest: just saying hello\n");
	/* A quiet subtest's dmesg: igt_core's markers, nothing else. */
	t = get_obj(tests, SUBJECTS_GROUP "@pass");
	sb_adds(&dmesg, get_str(t, "dmesg"));
	check_lines("dmesg of pass", &dmesg,
		    "<6> [%*] [IGT] igt-selftest-subjects: starting subtest pass",
		    "<6> [%*] [IGT] igt-selftest-subjects: finished subtest pass, SUCCESS",
		    NULL);
	sb_free(&dmesg);
	check_total(get_obj(get_obj(doc, "totals"), "root"), "dmesg-warn", 7);
	check_total(get_obj(get_obj(doc, "totals"), "root"), "dmesg-fail", 1);
	json_free(doc);

	/* --dmesg-ignore: the same warnings, expected by the whole run. */
	results = selftest_pathf("%s/ignored", dir);
	run(&res, RUNNER, "--results", results, "--kmsg", kmsg,
	    "--dmesg-ignore", "a plain", "--dmesg-ignore", "^WARNING:|^Call ",
	    SUBJECTS "@dmesg-warn,dmesg-trace", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_summary(&res.out, "2 passed, 0 failed\n");
	proc_result_free(&res);

	/* A --dmesg-ignore regex that does not compile is a usage error. */
	run(&res, RUNNER, "--results", results, "--kmsg", kmsg,
	    "--dmesg-ignore", "([", SUBJECTS "@pass", NULL);
	igt_assert_eq(exit_code(&res), 2);
	check_contains("stderr", &res.err, "bad dmesg regex '(['");
	check_empty("stdout", &res.out);
	proc_result_free(&res);
	unsetenv("IGT_KMSG_FILE");
	setenv("IGT_NO_KMSG", "1", 1);
}

/* One /dev/kmsg record as a read returns it, at 5.000123 s. */
#define KREC(prio, text)	prio ",7,5000123,-;" text "\n"
#define KMARK(regex)	KREC("14", "[IGT] bin: add ignored dmesg regex: " regex)
#define KSTART(name)	KREC("14", "[IGT] bin: starting subtest " name)
#define KDYNAMIC(name)	KREC("14", "[IGT] bin: starting dynamic subtest " name)
#define KWARN(text)	KREC("4", text)
#define KCOUNTED(text)	"<4> [5.000123] " text "\n"

/*
 * How igt-run reads announcements, record by record, as upstream's
 * resultgen does with a job's dmesg: a marker covers what follows it, the
 * latest marker wins, a subtest start forgets it, a regex that does not
 * compile ignores nothing; --dmesg-ignore applies throughout.
 */
static void subtest_runner_kmsg_expect(void *data)
{
	static const struct {
		const char *records;
		const char *counted;
		const char *err;
	} cases[] = {
		{ KMARK("error -28$") KWARN("probe failed with error -28"), "",
		  NULL },
		{ KMARK("error -28$") KWARN("probe failed with error -12"),
		  KCOUNTED("probe failed with error -12"), NULL },
		{ KWARN("probe failed with error -28") KMARK("error -28$"),
		  KCOUNTED("probe failed with error -28"), NULL },
		{ KMARK("error -28$") KMARK("error -12$")
		  KWARN("probe failed with error -28"),
		  KCOUNTED("probe failed with error -28"), NULL },
		{ KMARK("error -28$") KSTART("next")
		  KWARN("probe failed with error -28"),
		  KCOUNTED("probe failed with error -28"), NULL },
		{ KMARK("error -28$") KDYNAMIC("next")
		  KWARN("probe failed with error -28"),
		  KCOUNTED("probe failed with error -28"), NULL },
		{ KMARK("([") KWARN("probe failed with error -28"),
		  KCOUNTED("probe failed with error -28"),
		  "igt-run: bad dmesg regex '(['" },
		{ KMARK("error -28$") KWARN("hrtimer: interrupt took 9 ns"), "",
		  NULL },
	};
	char *kmsg = selftest_pathf("%s/kmsg", workdir());
	struct kmsg_ignore run_wide = { };
	struct strbuf all = { }, counted = { }, err = { };
	struct kmsg k;
	size_t i;
	int fd;

	(void)data;
	igt_assert_ok(kmsg_ignore_add(&run_wide, "^hrtimer: ", NULL));
	for (i = 0; i < IGT_ARRAY_SIZE(cases); i++) {
		write_text(kmsg, KWARN("before the test"), 0644);
		igt_assert_ok(kmsg_open(&k, kmsg));
		fd = open(kmsg, O_WRONLY | O_APPEND);
		igt_assert(fd >= 0);
		igt_assert_eq(write(fd, cases[i].records,
				    strlen(cases[i].records)),
			      (ssize_t)strlen(cases[i].records));
		close(fd);

		kmsg_drain(&k, &all, &counted, &run_wide, &err);
		igt_assert_f(!strcmp(sb_str(&counted), cases[i].counted),
			     "case %zu: counted\n%sexpected\n%s", i,
			     sb_str(&counted), cases[i].counted);
		if (cases[i].err)
			check_contains("err", &err, cases[i].err);
		else
			check_empty("err", &err);
		igt_assert(!strstr(sb_str(&all), "before the test"));
		kmsg_close(&k);
		sb_reset(&all);
		sb_reset(&counted);
		sb_reset(&err);
	}
	kmsg_ignore_free(&run_wide);
	sb_free(&all);
	sb_free(&counted);
	sb_free(&err);
}

/*
 * What the runner must make of the subjects' nasty-output line: control
 * characters and valid UTF-8 kept, each invalid byte read as Latin-1.
 */
static const char nasty_ctl[] = "ctl:\x01\x02\x1b[1m\x7f|quote:\"|backslash:\\|tab:\t|";
static const char nasty_bad[] = "nul:\0|bad:\xc3\xbf\xc3\xbe|";
static const char nasty_long[] = "overlong:\xc3\x80\xc2\xaf|lone:\xc2\x80|";
static const char nasty_cut[] = "cut:\xc3\xa2\xc2\x82|surrogate:\xc3\xad\xc2\xa0\xc2\x80|";
static const char nasty_good[] = "good:\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\n";

static void check_escape(const char *in, size_t len, const char *expected)
{
	struct strbuf sb = { };

	json_add_string(&sb, in, len);
	igt_assert_f(!strcmp(sb_str(&sb), expected),
		     "escaped to %s, expected %s\n", sb_str(&sb), expected);
	sb_free(&sb);
}

static void subtest_runner_json_escaping(void *data)
{
	const char *dir = workdir();
	const struct json_value *out;
	char *results, *json;
	struct strbuf expected = { };
	struct json_value *doc;
	struct proc_result res;
	const char *start;
	size_t len;

	(void)data;
	check_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	check_escape("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
	check_escape("x\0y", 3, "\"x\\u0000y\"");
	check_escape("\xff", 1, "\"\\u00ff\"");
	check_escape("\xc0\xaf", 2, "\"\\u00c0\\u00af\"");
	check_escape("\xed\xa0\x80", 3, "\"\\u00ed\\u00a0\\u0080\"");
	check_escape("\xf4\x90\x80\x80", 4,
		     "\"\\u00f4\\u0090\\u0080\\u0080\"");
	check_escape("\xe2\x82", 2, "\"\\u00e2\\u0082\"");
	check_escape("\xc3\xa9\xf0\x9f\x98\x80", 6,
		     "\"\xc3\xa9\xf0\x9f\x98\x80\"");

	results = selftest_pathf("%s/results", dir);
	json = selftest_pathf("%s/results.json", results);
	run(&res, RUNNER, "--results", results, "--no-dmesg",
	    SUBJECTS "@nasty-output", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_summary(&res.out, "1 passed, 0 failed\n");
	proc_result_free(&res);

	python_validates(json);
	doc = load_results(results);
	out = json_get(get_obj(get_obj(doc, "tests"),
			       SUBJECTS_GROUP "@nasty-output"), "out");
	igt_assert(out && out->type == JSON_STRING);
	start = memmem(out->string, out->string_len, "ctl:", 4);
	igt_assert_f(start, "no nasty line in:\n%s", out->string);
	sb_add(&expected, nasty_ctl, sizeof(nasty_ctl) - 1);
	sb_add(&expected, nasty_bad, sizeof(nasty_bad) - 1);
	sb_add(&expected, nasty_long, sizeof(nasty_long) - 1);
	sb_add(&expected, nasty_cut, sizeof(nasty_cut) - 1);
	sb_add(&expected, nasty_good, sizeof(nasty_good) - 1);
	len = expected.len;
	igt_assert_f((size_t)(out->string + out->string_len - start) > len &&
		     !memcmp(start, expected.buf, len),
		     "nasty output did not survive the round trip\n");
	sb_free(&expected);
	json_free(doc);
}

/* The shape tools/check.sh writes for a stage that produced no results. */
static const char check_sh_results[] =
	"{\"__type__\": \"TestrunResult\", \"totals\": {\"root\": {\n"
	"\"pass\": 3, \"fail\": 1, \"skip\": 2, \"timeout\": 1, \"crash\": 0}}}\n";

static void subtest_runner_summarize(void *data)
{
	const char *dir = workdir();
	char *a, *b, *c, *aj, *bj, *cj, *missing;
	struct proc_result res;

	(void)data;
	a = selftest_pathf("%s/a", dir);
	b = selftest_pathf("%s/b", dir);
	c = selftest_pathf("%s/c", dir);
	aj = selftest_pathf("%s/results.json", a);
	bj = selftest_pathf("%s/results.json", b);
	cj = selftest_pathf("%s/results.json", c);
	missing = selftest_pathf("%s/missing/results.json", dir);

	run(&res, RUNNER, "--results", a, "--no-dmesg",
	    SUBJECTS "@pass,skip-explicit", NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_summary(&res.out, "1 skipped\n1 passed, 0 failed\n");
	proc_result_free(&res);

	run(&res, RUNNER, "--results", b, "--no-dmesg",
	    SH_SUBJECTS "@pass,fail", NULL);
	igt_assert_eq(exit_code(&res), 1);
	check_summary(&res.out, "1 passed, 1 failed\n");
	proc_result_free(&res);

	/* A file as tools/check.sh writes it for a stage that broke. */
	selftest_mkdir_p(c);
	write_text(cj, check_sh_results, 0644);

	run(&res, RUNNER, "--summarize", aj, NULL);
	igt_assert_eq(exit_code(&res), 0);
	check_lines("summary", &res.out, "1 skipped", "1 passed, 0 failed",
		    NULL);
	proc_result_free(&res);

	/* Each failed test is named, with what it printed first. */
	run(&res, RUNNER, "--summarize", aj, bj, cj, NULL);
	igt_assert_eq(exit_code(&res), 1);
	check_lines("summary", &res.out,
		    "FAILED: igt@subjects@fail (fail): %*Failed assertion%*",
		    "3 skipped", "5 passed, 3 failed", NULL);
	proc_result_free(&res);

	/* A missing results file is a failure, not nothing. */
	run(&res, RUNNER, "--summarize", aj, missing, NULL);
	igt_assert_eq(exit_code(&res), 1);
	check_lines("summary", &res.out, "1 skipped", "1 passed, 1 failed",
		    NULL);
	proc_result_free(&res);
}

static void subtest_runner_testlists(void *data)
{
	const char *dir = workdir();
	char *sub, *list, *inner, *results, *bare;
	struct json_value *doc;
	struct proc_result res;
	struct strbuf text = { };

	(void)data;
	sub = selftest_pathf("%s/lists", dir);
	selftest_mkdir_p(sub);
	results = selftest_pathf("%s/results", dir);

	/* A binary without subtests runs as one test. */
	bare = selftest_pathf("%s/lists/bare-test", dir);
	write_text(bare, "#!/bin/sh\n"
		   "[ \"$1\" = --list-subtests ] && exit 0\n"
		   "echo ran whole\n", 0755);

	write_text(selftest_pathf("%s/lists/bare-crash", dir), "#!/bin/sh\n"
		   "[ \"$1\" = --list-subtests ] && exit 0\n"
		   "kill -SEGV $$\n", 0755);

	inner = selftest_pathf("%s/lists/inner.testlist", dir);
	sb_addf(&text, "%s@skip*\n", SUBJECTS);
	write_text(inner, sb_str(&text), 0644);
	sb_reset(&text);

	list = selftest_pathf("%s/lists/outer.testlist", dir);
	sb_addf(&text, "# relative entries are taken from this directory\n"
		"bare-test\n"
		"\tbare-crash # trailing comment\n"
		"inner.testlist\n"
		"%s@pass\n"
		"%s@pass\n"
		"no-such-binary\n"
		"%s@no-such-subtest\n", SH_SUBJECTS, SH_SUBJECTS, SUBJECTS);
	write_text(list, sb_str(&text), 0644);
	sb_free(&text);

	run(&res, RUNNER, "--results", results, "--name", "lists", "--no-dmesg",
	    list, NULL);
	igt_assert_eq(exit_code(&res), 1);
	check_summary(&res.out, "2 skipped\n2 passed, 3 failed\n");
	proc_result_free(&res);

	doc = load_results(results);
	igt_assert_eq_str(get_str(doc, "name"), "lists");
	igt_assert_eq_str(test_result(doc, "igt@bare-test"), "pass");
	igt_assert(strstr(get_str(get_obj(get_obj(doc, "tests"),
					  "igt@bare-test"), "out"),
			  "ran whole"));
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@skip-require"),
			  "skip");
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@skip-explicit"),
			  "skip");
	igt_assert_eq_str(test_result(doc, "igt@subjects@pass"), "pass");
	igt_assert_eq_str(test_result(doc, "igt@bare-crash"), "crash");
	igt_assert_eq_str(test_result(doc, "igt@no-such-binary"), "fail");
	igt_assert_eq_str(test_result(doc,
				      SUBJECTS_GROUP "@no-such-subtest"),
			  "fail");
	igt_assert_eq(get_obj(doc, "tests")->count, 7);
	json_free(doc);
}

static void subtest_runner_interrupted(void *data)
{
	const char *dir = workdir();
	char *results = selftest_pathf("%s/results", dir);
	struct json_value *doc;
	int status, null;
	pid_t pid;

	(void)data;
	pid = fork();
	igt_assert(pid >= 0);
	if (pid == 0) {
		null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);
		execl(RUNNER, RUNNER, "--results", results, "--no-dmesg",
		      SUBJECTS "@pass,hang", (char *)NULL);
		_exit(127);
	}
	sleep(1);	/* "pass" is done by now, "hang" is hanging */
	igt_assert(!kill(pid, SIGTERM));
	igt_assert_eq(waitpid(pid, &status, 0), pid);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 1,
		     "runner status %#x\n", status);

	doc = load_results(results);
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@pass"), "pass");
	igt_assert_eq_str(test_result(doc, SUBJECTS_GROUP "@hang"), "abort");
	json_free(doc);
}

static const struct igt_subtest subtests[] = {
	{ "list-subtests", subtest_list_subtests,
	  "--list-subtests prints every name, one per line, filterable." },
	{ "pass-protocol", subtest_pass_protocol,
	  "A passing subtest prints the exact lines, exits 0, no stderr." },
	{ "skip-protocol", subtest_skip_protocol,
	  "Skips print their reason on stdout and exit 77." },
	{ "fail-protocol", subtest_fail_protocol,
	  "Failures exit 98 and explain themselves on stderr." },
	{ "crash-protocol", subtest_crash_protocol,
	  "Crashes are CRASH, igt_set_timeout() is TIMEOUT (78)." },
	{ "unknown-subtest", subtest_unknown_subtest,
	  "Unknown subtests and options exit 79." },
	{ "exit-codes", subtest_exit_codes,
	  "The binary's exit status sums up the subtests run." },
	{ "fixture-skip-fail", subtest_fixture_skip_fail,
	  "Fixture skips and failures report every selected subtest." },
	{ "shell-protocol", subtest_shell_protocol,
	  "igt_core.sh speaks the same protocol." },
	{ "dmesg-expect", subtest_dmesg_expect,
	  "igt_dmesg_expect() logs upstream's marker, in C and shell." },
	{ "runner-classifies", subtest_runner_classifies,
	  "igt-run tells pass/skip/fail/crash/timeout apart in results.json." },
	{ "runner-dmesg", subtest_runner_dmesg,
	  "Kernel warnings during a subtest make it dmesg-warn/dmesg-fail." },
	{ "runner-kmsg-expect", subtest_runner_kmsg_expect,
	  "Announced warnings count or not by upstream's rules, record by record." },
	{ "runner-json-escaping", subtest_runner_json_escaping,
	  "Control characters and invalid UTF-8 survive into valid JSON." },
	{ "runner-summarize", subtest_runner_summarize,
	  "--summarize adds up results files; missing ones count as failed." },
	{ "runner-interrupted", subtest_runner_interrupted,
	  "A signal to igt-run ends the running test and records abort." },
	{ "runner-testlists", subtest_runner_testlists,
	  "Testlists: comments, relative paths, nesting, globs, bad entries." },
};

static const struct igt_test test = {
	.description = "Unit test of igt_core, igt_core.sh and igt-run.",
	.subtests = subtests,
	.num_subtests = IGT_ARRAY_SIZE(subtests),
};

/*
 * Before igt_core is trusted to report this test's own failures: does a
 * failing assertion in a subject end in FAIL and exit status 98, and a
 * passing one in SUCCESS and 0? Checked with plain C.
 */
static const char *const fail_argv[] = {
	SUBJECTS, "--run-subtest", "fail-assert", NULL
};

static const char *const pass_argv[] = {
	SUBJECTS, "--run-subtest", "pass", NULL
};

static bool bootstrap_ok(void)
{
	struct proc_result res;
	bool ok;

	if (proc_run((char *const *)fail_argv, PROC_TIMEOUT_S, &res))
		return false;
	ok = WIFEXITED(res.status) && WEXITSTATUS(res.status) == 98 &&
	     strstr(sb_str(&res.out), "Subtest fail-assert: FAIL (");
	proc_result_free(&res);
	if (!ok || proc_run((char *const *)pass_argv, PROC_TIMEOUT_S, &res))
		return false;
	ok = WIFEXITED(res.status) && WEXITSTATUS(res.status) == 0 &&
	     strstr(sb_str(&res.out), "Subtest pass: SUCCESS (");
	proc_result_free(&res);
	return ok;
}

int main(int argc, char **argv)
{
	int i;

	/* No markers from the subjects in this machine's kernel log. */
	setenv("IGT_NO_KMSG", "1", 1);

	for (i = 1; i < argc; i++)
		if (!strncmp(argv[i], "--list", 6) ||
		    !strncmp(argv[i], "--desc", 6) ||
		    !strcmp(argv[i], "--help"))
			return igt_main(&test, argc, argv);

	if (!bootstrap_ok()) {
		fprintf(stderr, "%s: igt_core does not report failures\n",
			SUBJECTS);
		return 98;
	}
	return igt_main(&test, argc, argv);
}
