/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igt-run internals: running one test process, watching the kernel log,
 * and the results model written as IGT's results.json.
 */
#ifndef IGT_RUN_RUNNER_H
#define IGT_RUN_RUNNER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/* --- exec.c: one test process ------------------------------------------- */

/**
 * struct proc_result - how a test process ended
 * @out: its stdout
 * @err: its stderr
 * @status: wait status (valid when @started)
 * @started: the process was created
 * @timed_out: it was killed for running past its timeout
 * @interrupted: it was killed because the runner got a signal
 * @elapsed: wall-clock seconds from start to exit
 */
struct proc_result {
	struct strbuf out;
	struct strbuf err;
	int status;
	bool started;
	bool timed_out;
	bool interrupted;
	double elapsed;
};

/**
 * proc_run() - run @argv with stdout and stderr captured
 * @argv: program path and arguments, NULL-terminated
 * @timeout_s: seconds before the process group is killed (0: never)
 * @res: filled in; free with proc_result_free()
 *
 * The process runs in its own process group with stdin from /dev/null. On
 * timeout the group gets SIGTERM, then SIGKILL after a grace period; when
 * the process exits, whatever it left behind in its group is killed too,
 * so no stray child keeps the pipes open.
 *
 * Return: 0, or -errno when the process could not be started.
 */
int proc_run(char *const argv[], unsigned int timeout_s,
	     struct proc_result *res);

void proc_result_free(struct proc_result *res);

/**
 * proc_stop_on_signals() - make SIGINT, SIGTERM and SIGHUP stop the runner
 *
 * Test processes run in their own process groups, so a ^C or a kill of
 * the runner would not reach them. After this call such a signal kills the
 * running test's group, marks its result interrupted and makes
 * proc_stopped() true.
 */
void proc_stop_on_signals(void);

/* Whether one of the signals above arrived. */
bool proc_stopped(void);

/* Monotonic seconds. */
double now_monotonic(void);

/* Wall-clock seconds since the epoch. */
double now_realtime(void);

/* --- kmsg.c: the kernel log ---------------------------------------------- */

/**
 * struct kmsg - a reader of /dev/kmsg records
 * @fd: the open log (-1: not watching)
 * @partial: an incomplete line carried over between reads (regular files)
 */
struct kmsg {
	int fd;
	struct strbuf partial;
};

/**
 * kmsg_open() - start watching a kernel log from its current end
 * @k: the reader
 * @path: /dev/kmsg, or a file of records in the same format (tests)
 *
 * Return: 0 or -errno.
 */
int kmsg_open(struct kmsg *k, const char *path);

/*
 * Markers in kernel log records, as upstream IGT's library writes them and
 * its runner reads them: a subtest starts, and a test expects warnings
 * matching the regex that follows the marker.
 */
#define KMSG_STARTING_SUBTEST		": starting subtest "
#define KMSG_STARTING_DYNAMIC_SUBTEST	": starting dynamic subtest "
#define KMSG_EXPECT_MARK		"add ignored dmesg regex: "

/**
 * struct kmsg_ignore - compiled regexes of kernel records that are no
 *	warnings
 * @res: POSIX extended regexes
 * @count: entries in @res
 */
struct kmsg_ignore {
	regex_t *res;
	size_t count;
};

/**
 * kmsg_ignore_add() - compile one more regex
 * @ig: the set
 * @regex: POSIX extended regex, matched against the record text
 * @err: if not NULL, receives a note when @regex does not compile
 *
 * Return: 0, or -EINVAL when @regex does not compile (@ig is unchanged).
 */
int kmsg_ignore_add(struct kmsg_ignore *ig, const char *regex,
		    struct strbuf *err);

void kmsg_ignore_free(struct kmsg_ignore *ig);

/**
 * kmsg_drain() - consume every record logged since the last drain
 * @k: the reader (nothing happens when it is not open)
 * @all: if not NULL, receives every record as "<level> [seconds] text\n"
 * @warnings: if not NULL, receives the records that make a test fail:
 *	kernel records at level warning or worse, or containing "WARNING:",
 *	"BUG:", "Call Trace" or "Oops", except those the test announced
 *	(KMSG_EXPECT_MARK, upstream's rules) and those matching @ignore
 * @ignore: if not NULL, regexes of records that are never warnings
 * @err: if not NULL, receives a note for each announced regex that does
 *	not compile (it then ignores nothing, as upstream)
 *
 * One drain is one test: the records of the test's announcements apply
 * within the drain only.
 */
void kmsg_drain(struct kmsg *k, struct strbuf *all, struct strbuf *warnings,
		const struct kmsg_ignore *ignore, struct strbuf *err);

void kmsg_close(struct kmsg *k);

/* --- results.c: results.json ---------------------------------------------- */

/**
 * struct test_result - one entry of results.json's "tests"
 * @name: "igt@<binary>@<subtest>" (or "igt@<binary>")
 * @group: "igt@<binary>", the key for the per-binary totals and runtimes
 * @result: "pass", "skip", "fail", "crash", "timeout", "incomplete",
 *	"dmesg-warn", "dmesg-fail"
 * @out: captured stdout
 * @err: captured stderr
 * @dmesg: kernel log records during the test
 * @dmesg_warnings: the subset that made it a dmesg result
 * @time: duration in seconds, as the test reported it (else measured)
 * @runtime: seconds the test process ran, as measured by the runner
 */
struct test_result {
	char *name;
	char *group;
	const char *result;
	struct strbuf out;
	struct strbuf err;
	struct strbuf dmesg;
	struct strbuf dmesg_warnings;
	double time;
	double runtime;
};

/**
 * struct run_results - a whole run
 * @name: the run's name
 * @uname: "sysname nodename release version machine"
 * @argc: runner command line length
 * @argv: runner command line
 * @start: wall-clock start
 * @end: wall-clock end (updated as tests finish)
 * @tests: results in run order
 * @count: entries in @tests
 */
struct run_results {
	char *name;
	char *uname;
	int argc;
	char **argv;
	double start;
	double end;
	struct test_result **tests;
	size_t count;
};

/* The result names of results.json's totals, in the order written. */
extern const char * const result_names[];
extern const size_t num_result_names;

/* Whether a result counts as passed, skipped or failed in the summary. */
bool result_is_failure(const char *result);

struct test_result *results_add(struct run_results *run, const char *name,
				const char *group);

/**
 * results_write() - write @dir/results.json (atomically, via a rename)
 * @run: the results so far
 * @dir: the results directory (created if needed)
 *
 * Return: 0 or -errno.
 */
int results_write(const struct run_results *run, const char *dir);

void results_free(struct run_results *run);

/* --- summarize.c ------------------------------------------------------------ */

/**
 * summarize_files() - igt-run --summarize
 * @files: results.json paths
 * @count: their number
 *
 * Prints "N skipped" (if any) and "N passed, N failed". A file that cannot
 * be read or parsed counts as one failed test.
 *
 * Return: the process exit status (0 iff nothing failed).
 */
int summarize_files(char *const *files, int count);

/**
 * print_summary() - the closing lines of a run
 * @passed: passed tests
 * @skipped: skipped tests
 * @failed: failed tests
 */
void print_summary(unsigned long passed, unsigned long skipped,
		   unsigned long failed);

#endif /* IGT_RUN_RUNNER_H */
