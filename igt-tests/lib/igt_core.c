// SPDX-License-Identifier: GPL-2.0
/*
 * igt_core - IGT runner protocol for C test binaries (see igt_core.h).
 *
 * Control flow: the parent process parses the command line, runs the
 * fixture, then forks one child per selected subtest and turns the child's
 * exit status into the result line. A failure or skip inside a subtest
 * simply ends the child with the matching exit code; inside the fixture or
 * the teardown it long-jumps back to igt_main().
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "igt_core.h"

#define IGT_NAME_CHARS	"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"

/* Longest kernel log record text igt_core writes (the kernel takes 992). */
#define IGT_KMSG_TEXT_MAX	768
/* Priority of a user-space info record as /dev/kmsg reads show it. */
#define IGT_KMSG_USER_INFO	(1 * 8 + 6)
/*
 * What upstream IGT's igt_emit_ignore_dmesg_regex() logs before the regex
 * and its runner, like igt-run, looks for in each kernel log record.
 */
#define IGT_DMESG_EXPECT_MARK	"add ignored dmesg regex: "

enum igt_context {
	IGT_CTX_NONE,		/* outside igt_main(), or between phases */
	IGT_CTX_FIXTURE,	/* setup or teardown, in the parent */
	IGT_CTX_SUBTEST,	/* a subtest, in its child */
};

enum igt_result {
	IGT_RESULT_SUCCESS,
	IGT_RESULT_SKIP,
	IGT_RESULT_FAIL,
	IGT_RESULT_CRASH,
	IGT_RESULT_TIMEOUT,
	IGT_NUM_RESULTS,
};

static const char * const igt_result_names[IGT_NUM_RESULTS] = {
	[IGT_RESULT_SUCCESS]	= "SUCCESS",
	[IGT_RESULT_SKIP]	= "SKIP",
	[IGT_RESULT_FAIL]	= "FAIL",
	[IGT_RESULT_CRASH]	= "CRASH",
	[IGT_RESULT_TIMEOUT]	= "TIMEOUT",
};

static struct {
	enum igt_context ctx;
	sigjmp_buf fixture_jmp;
	const char *progname;
	const char *subtest;
	const char *timeout_what;
	bool debug;
	int kmsg_fd;
	bool kmsg_tried;
	bool kmsg_is_file;
} igt = {
	.kmsg_fd = -1,
};

const char *igt_subtest_name(void)
{
	return igt.ctx == IGT_CTX_SUBTEST ? igt.subtest : NULL;
}

static double igt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Leave the current context with an IGT exit code: the subtest child exits,
 * the fixture returns to igt_main().
 */
static __igt_noreturn void igt_leave(int code)
{
	fflush(stdout);
	fflush(stderr);
	switch (igt.ctx) {
	case IGT_CTX_SUBTEST:
		_exit(code);
	case IGT_CTX_FIXTURE:
		siglongjmp(igt.fixture_jmp, code);
	case IGT_CTX_NONE:
	default:
		exit(code);
	}
}

/* Print a formatted message to @f, adding the newline it may lack. */
static void igt_vprint_line(FILE *f, const char *fmt, va_list ap)
{
	char *msg = NULL;
	int len;

	len = vasprintf(&msg, fmt, ap);
	if (len < 0)
		return;
	fputs(msg, f);
	if (len == 0 || msg[len - 1] != '\n')
		fputc('\n', f);
	free(msg);
}

void igt_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void igt_debug(const char *fmt, ...)
{
	va_list ap;

	if (!igt.debug)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void igt_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void igt_print_fail_header(const char *file, int line,
				  const char *func, const char *expr, int err)
{
	fflush(stdout);
	fprintf(stderr, "(%s:%d) %s:%d: %s: Failed assertion: %s\n",
		igt.progname ? igt.progname : "igt", (int)getpid(),
		file, line, func, expr);
	if (err)
		fprintf(stderr, "Last errno: %d, %s\n", err, strerror(err));
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *expr)
{
	int err = errno;

	igt_print_fail_header(file, line, func, expr, err);
	igt_leave(IGT_EXIT_FAILURE);
}

void __igt_fail_assert_f(const char *file, int line, const char *func,
			 const char *expr, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	igt_print_fail_header(file, line, func, expr, err);
	va_start(ap, fmt);
	igt_vprint_line(stderr, fmt, ap);
	va_end(ap);
	igt_leave(IGT_EXIT_FAILURE);
}

/*
 * A failed comparison: "a op b" as the expression, then @values (which
 * may be NULL if it could not be formatted); @err is errno at the failure.
 */
static __igt_noreturn void igt_fail_cmp(const char *file, int line,
					const char *func, const char *a,
					const char *op, const char *b,
					char *values, int err)
{
	char *expr = NULL;

	if (asprintf(&expr, "%s %s %s", a, op, b) < 0)
		expr = NULL;
	igt_print_fail_header(file, line, func, expr ? expr : a, err);
	if (values)
		fputs(values, stderr);
	free(expr);
	free(values);
	igt_leave(IGT_EXIT_FAILURE);
}

void __igt_fail_cmp_s64(const char *file, int line, const char *func,
			const char *a, const char *op, const char *b,
			long long va, long long vb)
{
	int err = errno;
	char *values;

	if (asprintf(&values, "%s = %lld, %s = %lld\n", a, va, b, vb) < 0)
		values = NULL;
	igt_fail_cmp(file, line, func, a, op, b, values, err);
}

void __igt_fail_cmp_u32(const char *file, int line, const char *func,
			const char *a, const char *op, const char *b,
			__u32 va, __u32 vb)
{
	int err = errno;
	char *values;

	if (asprintf(&values, "%s = %#x, %s = %#x\n", a, va, b, vb) < 0)
		values = NULL;
	igt_fail_cmp(file, line, func, a, op, b, values, err);
}

void __igt_fail_cmp_u64(const char *file, int line, const char *func,
			const char *a, const char *op, const char *b,
			unsigned long long va, unsigned long long vb)
{
	int err = errno;
	char *values;

	if (asprintf(&values, "%s = %#llx, %s = %#llx\n", a, va, b, vb) < 0)
		values = NULL;
	igt_fail_cmp(file, line, func, a, op, b, values, err);
}

void igt_fail_f(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "(%s:%d) Failed: ",
		igt.progname ? igt.progname : "igt", (int)getpid());
	va_start(ap, fmt);
	igt_vprint_line(stderr, fmt, ap);
	va_end(ap);
	igt_leave(IGT_EXIT_FAILURE);
}

void __igt_skip_check(const char *file, int line, const char *func,
		      const char *cond)
{
	printf("Test requirement not met: %s (%s:%d, %s)\n",
	       cond, file, line, func);
	igt_leave(IGT_EXIT_SKIP);
}

void __igt_skip_check_f(const char *file, int line, const char *func,
			const char *cond, const char *fmt, ...)
{
	va_list ap;

	printf("Test requirement not met: %s (%s:%d, %s)\n",
	       cond, file, line, func);
	va_start(ap, fmt);
	igt_vprint_line(stdout, fmt, ap);
	va_end(ap);
	igt_leave(IGT_EXIT_SKIP);
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	fputs("Skipping: ", stdout);
	va_start(ap, fmt);
	igt_vprint_line(stdout, fmt, ap);
	va_end(ap);
	igt_leave(IGT_EXIT_SKIP);
}

/* Async-signal-safe: only write() and _exit(). */
static void igt_timeout_handler(int sig)
{
	static const char prefix[] = "Timeout: ";
	const char *what = igt.timeout_what ? igt.timeout_what : "subtest";
	ssize_t ret;

	(void)sig;
	ret = write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
	ret = write(STDERR_FILENO, what, strlen(what));
	ret = write(STDERR_FILENO, "\n", 1);
	(void)ret;
	_exit(IGT_EXIT_TIMEOUT);
}

void igt_set_timeout(unsigned int seconds, const char *what)
{
	struct sigaction sa = { .sa_handler = igt_timeout_handler };

	igt.timeout_what = what;
	if (seconds)
		sigaction(SIGALRM, &sa, NULL);
	alarm(seconds);
}

/*
 * Markers in the kernel log, so a dmesg from a test VM shows which subtest
 * was running, and the announcements of expected kernel warnings that the
 * runners read there. Best effort: only root can write /dev/kmsg, and
 * IGT_NO_KMSG in the environment turns them off.
 *
 * IGT_KMSG_FILE=PATH appends the records to PATH instead, as a read of
 * /dev/kmsg would return them, so the self tests can hand the file to
 * igt-run --kmsg without touching the machine's log.
 */
static void igt_kmsg_open(void)
{
	const char *file = getenv("IGT_KMSG_FILE");

	igt.kmsg_tried = true;
	if (getenv("IGT_NO_KMSG"))
		return;
	igt.kmsg_is_file = file;
	igt.kmsg_fd = open(file ? file : "/dev/kmsg",
			   O_WRONLY | O_APPEND | O_CLOEXEC);
}

/*
 * Log one info record; @fmt ends with a newline.
 * Return: whether it was written.
 */
static bool igt_kmsg(const char *fmt, ...) __igt_printf(1, 2);
static bool igt_kmsg(const char *fmt, ...)
{
	char text[IGT_KMSG_TEXT_MAX], record[IGT_KMSG_TEXT_MAX + 64];
	struct timespec ts;
	va_list ap;
	int len;

	if (!igt.kmsg_tried)
		igt_kmsg_open();
	if (igt.kmsg_fd < 0)
		return false;

	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(text))
		return false;

	if (igt.kmsg_is_file) {
		/* What the kernel shows for a user record: facility 1. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		len = snprintf(record, sizeof(record), "%d,0,%llu,-;%s",
			       IGT_KMSG_USER_INFO,
			       (unsigned long long)ts.tv_sec * 1000000 +
			       ts.tv_nsec / 1000, text);
	} else {
		len = snprintf(record, sizeof(record), "<6>%s", text);
	}
	if (write(igt.kmsg_fd, record, len) == len)
		return true;
	close(igt.kmsg_fd);
	igt.kmsg_fd = -1;
	return false;
}

/*
 * Whether @regex can travel through the kernel log unchanged: /dev/kmsg
 * shows a backslash, a control character or a byte above 0x7e as \xNN,
 * which upstream's runner would compile as written.
 */
static bool igt_dmesg_regex_printable(const char *regex)
{
	const unsigned char *c;

	for (c = (const unsigned char *)regex; *c; c++)
		if (*c < ' ' || *c > '~' || *c == '\\')
			return false;
	return true;
}

void igt_dmesg_expect(const char *regex)
{
	char msg[128];
	regex_t re;
	int ret;

	if (igt.ctx != IGT_CTX_SUBTEST)
		igt_fail_f("%s(\"%s\") outside a subtest: runners drop it when a subtest starts",
			   __func__, regex);
	if (!*regex || strlen(regex) > IGT_DMESG_REGEX_MAX ||
	    !igt_dmesg_regex_printable(regex))
		igt_fail_f("%s(\"%s\"): empty, too long, or not printable ASCII without \\",
			   __func__, regex);
	ret = regcomp(&re, regex, REG_EXTENDED | REG_NOSUB);
	if (ret) {
		regerror(ret, &re, msg, sizeof(msg));
		igt_fail_f("%s(\"%s\"): %s", __func__, regex, msg);
	}
	regfree(&re);

	if (!igt_kmsg("[IGT] %s: %s%s\n", igt.progname, IGT_DMESG_EXPECT_MARK,
		      regex))
		igt_info("No kernel log to announce it in: warnings matching %s count\n",
			 regex);
}

static enum igt_result igt_status_to_result(const char *name, int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		fprintf(stderr, "%s: subtest killed by signal %d (%s)\n",
			name, sig, strsignal(sig));
		return IGT_RESULT_CRASH;
	}
	if (!WIFEXITED(status))
		return IGT_RESULT_CRASH;

	switch (WEXITSTATUS(status)) {
	case IGT_EXIT_SUCCESS:
		return IGT_RESULT_SUCCESS;
	case IGT_EXIT_SKIP:
		return IGT_RESULT_SKIP;
	case IGT_EXIT_TIMEOUT:
		return IGT_RESULT_TIMEOUT;
	case IGT_EXIT_FAILURE:
		return IGT_RESULT_FAIL;
	default:
		fprintf(stderr, "%s: subtest exited with status %d\n",
			name, WEXITSTATUS(status));
		return IGT_RESULT_FAIL;
	}
}

static enum igt_result igt_run_one(const struct igt_test *test,
				   const struct igt_subtest *st)
{
	enum igt_result result;
	double start;
	int status;
	pid_t pid;

	printf("Starting subtest: %s\n", st->name);
	igt_kmsg("[IGT] %s: starting subtest %s\n", igt.progname, st->name);
	fflush(stdout);
	fflush(stderr);

	start = igt_now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", st->name, strerror(errno));
		result = IGT_RESULT_FAIL;
		goto report;
	}
	if (pid == 0) {
		igt.ctx = IGT_CTX_SUBTEST;
		igt.subtest = st->name;
		errno = 0;
		st->func(test->data);
		igt_leave(IGT_EXIT_SUCCESS);
	}

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "%s: waitpid: %s\n", st->name,
				strerror(errno));
			result = IGT_RESULT_FAIL;
			goto report;
		}
	}
	result = igt_status_to_result(st->name, status);

report:
	printf("Subtest %s: %s (%.3fs)\n", st->name, igt_result_names[result],
	       igt_now() - start);
	igt_kmsg("[IGT] %s: finished subtest %s, %s\n", igt.progname,
		 st->name, igt_result_names[result]);
	fflush(stdout);
	return result;
}

/* @patterns: comma-separated shell globs. */
static bool igt_name_matches(const char *name, const char *patterns)
{
	const char *p = patterns;

	while (*p) {
		size_t len = strcspn(p, ",");
		char pat[256];

		if (len && len < sizeof(pat)) {
			memcpy(pat, p, len);
			pat[len] = '\0';
			if (!fnmatch(pat, name, 0))
				return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

static int igt_select(const struct igt_test *test, char **patterns,
		      int num_patterns, bool *selected)
{
	unsigned int i;
	int p, count = 0;

	for (i = 0; i < test->num_subtests; i++) {
		selected[i] = !num_patterns;
		for (p = 0; p < num_patterns && !selected[i]; p++)
			selected[i] = igt_name_matches(test->subtests[i].name,
						       patterns[p]);
		count += selected[i];
	}
	return count;
}

/*
 * Run the fixture step @fn (setup or teardown) in the parent.
 * Return: 0, IGT_EXIT_SKIP or IGT_EXIT_FAILURE.
 */
static int igt_run_fixture(void (*fn)(void *data), void *data)
{
	int code;

	if (!fn)
		return 0;
	igt.ctx = IGT_CTX_FIXTURE;
	code = sigsetjmp(igt.fixture_jmp, 1);
	if (!code)
		fn(data);
	igt.ctx = IGT_CTX_NONE;
	fflush(stdout);
	return code;
}

static void igt_usage(FILE *f, const char *argv0)
{
	fprintf(f,
		"Usage: %s [OPTIONS]\n"
		"  --list-subtests          list the subtests, one per line\n"
		"  --run-subtest PATTERNS   run the subtests matching the\n"
		"                           comma-separated globs\n"
		"  --describe[=PATTERNS]    describe the (matching) subtests\n"
		"  --debug                  print debug messages\n"
		"  --help                   this text\n"
		"Without options every subtest runs.\n", argv0);
}

static void igt_describe(const struct igt_test *test, const bool *selected)
{
	unsigned int i;

	if (test->description)
		printf("%s\n", test->description);
	for (i = 0; i < test->num_subtests; i++) {
		const struct igt_subtest *st = &test->subtests[i];

		if (!selected[i])
			continue;
		printf("\n%s:\n  %s\n", st->name,
		       st->description ? st->description : "(no description)");
	}
}

static int igt_check_table(const struct igt_test *test)
{
	unsigned int i, j;

	for (i = 0; i < test->num_subtests; i++) {
		const struct igt_subtest *st = &test->subtests[i];

		if (!st->name || !*st->name || !st->func) {
			fprintf(stderr, "subtest %u has no name or body\n", i);
			return -EINVAL;
		}
		/* Names travel through globs and results.json keys. */
		if (st->name[strspn(st->name, IGT_NAME_CHARS)]) {
			fprintf(stderr, "subtest name '%s': use only %s\n",
				st->name, "[A-Za-z0-9_-]");
			return -EINVAL;
		}
		for (j = 0; j < i; j++) {
			if (!strcmp(st->name, test->subtests[j].name)) {
				fprintf(stderr, "subtest %s listed twice\n",
					st->name);
				return -EINVAL;
			}
		}
	}
	return 0;
}

enum {
	OPT_LIST = 256,
	OPT_RUN,
	OPT_DESCRIBE,
	OPT_DEBUG,
	OPT_HELP,
};

static const struct option igt_options[] = {
	{ "list-subtests", no_argument, NULL, OPT_LIST },
	{ "run-subtest", required_argument, NULL, OPT_RUN },
	{ "describe", optional_argument, NULL, OPT_DESCRIBE },
	{ "debug", no_argument, NULL, OPT_DEBUG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ }
};

/* Turn the per-result counts into the binary's exit status. */
static int igt_exit_status(const unsigned int *counts)
{
	if (counts[IGT_RESULT_FAIL] || counts[IGT_RESULT_CRASH])
		return IGT_EXIT_FAILURE;
	if (counts[IGT_RESULT_TIMEOUT])
		return IGT_EXIT_TIMEOUT;
	if (counts[IGT_RESULT_SUCCESS])
		return IGT_EXIT_SUCCESS;
	if (counts[IGT_RESULT_SKIP])
		return IGT_EXIT_SKIP;
	return IGT_EXIT_SUCCESS;
}

static int igt_run_selected(const struct igt_test *test, const bool *selected)
{
	unsigned int counts[IGT_NUM_RESULTS] = { };
	const char *fixture_result;
	unsigned int i;
	int code;

	code = igt_run_fixture(test->setup, test->data);
	if (code) {
		/* Nothing can run: report every selected subtest. */
		fixture_result = code == IGT_EXIT_SKIP ? "SKIP" : "FAIL";
		for (i = 0; i < test->num_subtests; i++)
			if (selected[i])
				printf("Subtest %s: %s (0.000s)\n",
				       test->subtests[i].name, fixture_result);
		fflush(stdout);
		return code == IGT_EXIT_SKIP ? IGT_EXIT_SKIP : IGT_EXIT_FAILURE;
	}

	for (i = 0; i < test->num_subtests; i++)
		if (selected[i])
			counts[igt_run_one(test, &test->subtests[i])]++;

	code = igt_run_fixture(test->teardown, test->data);
	if (code == IGT_EXIT_FAILURE)
		counts[IGT_RESULT_FAIL]++;

	return igt_exit_status(counts);
}

int igt_main(const struct igt_test *test, int argc, char **argv)
{
	bool list = false, describe = false;
	const char *log_level;
	char **patterns = NULL;
	int num_patterns = 0;
	bool *selected;
	int opt, ret;
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	igt.progname = strrchr(argv[0], '/');
	igt.progname = igt.progname ? igt.progname + 1 : argv[0];
	log_level = getenv("IGT_LOG_LEVEL");
	if (log_level && !strcmp(log_level, "debug"))
		igt.debug = true;

	if (igt_check_table(test))
		return IGT_EXIT_INVALID;

	patterns = calloc(argc + 1, sizeof(*patterns));
	selected = calloc(test->num_subtests + 1, sizeof(*selected));
	if (!patterns || !selected) {
		fprintf(stderr, "%s: out of memory\n", igt.progname);
		ret = IGT_EXIT_FAILURE;
		goto out;
	}

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", igt_options, NULL)) != -1) {
		switch (opt) {
		case OPT_LIST:
			list = true;
			break;
		case OPT_RUN:
			patterns[num_patterns++] = optarg;
			break;
		case OPT_DESCRIBE:
			describe = true;
			if (optarg)
				patterns[num_patterns++] = optarg;
			break;
		case OPT_DEBUG:
			igt.debug = true;
			break;
		case OPT_HELP:
			igt_usage(stdout, argv[0]);
			ret = IGT_EXIT_SUCCESS;
			goto out;
		default:
			igt_usage(stderr, argv[0]);
			ret = IGT_EXIT_INVALID;
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n",
			igt.progname, argv[optind]);
		igt_usage(stderr, argv[0]);
		ret = IGT_EXIT_INVALID;
		goto out;
	}

	if (!igt_select(test, patterns, num_patterns, selected) &&
	    num_patterns && !list) {
		for (i = 0; i < (unsigned int)num_patterns; i++)
			fprintf(stderr, "Unknown subtest: %s\n", patterns[i]);
		ret = IGT_EXIT_INVALID;
		goto out;
	}

	if (list) {
		for (i = 0; i < test->num_subtests; i++)
			if (selected[i])
				printf("%s\n", test->subtests[i].name);
		ret = IGT_EXIT_SUCCESS;
	} else if (describe) {
		igt_describe(test, selected);
		ret = IGT_EXIT_SUCCESS;
	} else {
		ret = igt_run_selected(test, selected);
	}

out:
	fflush(stdout);
	free(patterns);
	free(selected);
	return ret;
}
