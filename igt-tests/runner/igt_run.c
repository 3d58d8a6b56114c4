// SPDX-License-Identifier: GPL-2.0
/*
 * igt-run - run IGT-protocol test binaries and write results.json.
 *
 *   igt-run --results DIR [--timeout SECS] [--name NAME] [--no-dmesg]
 *	     [--dmesg-ignore REGEX]... [--kmsg PATH] TESTLIST_OR_BINARY...
 *   igt-run --summarize RESULTS.JSON...
 *
 * Every argument is a test binary (an executable file), a binary with a
 * subtest selection ("path/to/binary@subtest", globs allowed), or a
 * testlist: a text file with one such entry per line, '#' starting a
 * comment, relative paths taken from the testlist's directory.
 *
 * Each binary is asked for --list-subtests, then every subtest runs in its
 * own process (--run-subtest NAME) with a timeout, while the kernel log is
 * watched (warnings a test announced as expected there, the way upstream
 * IGT's runner reads them, do not count). One progress line per subtest,
 * results.json rewritten after each, and the closing "N passed, N failed"
 * line (preceded by "N skipped" when something skipped). Exit status 0 iff
 * nothing failed.
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "json.h"
#include "runner.h"

#define DEFAULT_TIMEOUT_S	120
#define MAX_TESTLIST_DEPTH	8
#define MAX_DETAIL_LINES	20

/* IGT exit codes (see igt_core.h). */
#define EXIT_SKIP		77
#define EXIT_TIMEOUT		78
#define EXIT_INVALID		79
#define EXIT_FAILURE_IGT	98

/**
 * struct job - one test to run (or already decided)
 * @path: the binary
 * @subtest: the subtest, NULL to run the binary as one test
 * @name: results.json key, "igt@<binary>@<subtest>"
 * @group: "igt@<binary>"
 * @display: "<binary>@<subtest>" for the progress line
 * @preset: result decided without running (listing failed), or NULL
 * @preset_out: output explaining @preset
 * @preset_err: error output explaining @preset
 */
struct job {
	char *path;
	char *subtest;
	char *name;
	char *group;
	char *display;
	const char *preset;
	struct strbuf preset_out;
	struct strbuf preset_err;
};

struct runner {
	const char *results_dir;
	struct kmsg_ignore dmesg_ignore;
	const char *kmsg_path;
	unsigned int timeout_s;
	struct job *jobs;
	size_t num_jobs;
	struct kmsg kmsg;
};

/* "dir/igt-foo.sh" -> "igt-foo": the name a binary goes by in results. */
static char *binary_short_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;
	size_t len;

	name = xstrdup(base ? base + 1 : path);
	len = strlen(name);
	if (len > 3 && !strcmp(name + len - 3, ".sh"))
		name[len - 3] = '\0';
	return name;
}

static bool job_exists(const struct runner *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->num_jobs; i++)
		if (!strcmp(r->jobs[i].name, name))
			return true;
	return false;
}

static struct job *job_add(struct runner *r, const char *path,
			   const char *subtest)
{
	struct strbuf name = { }, group = { }, display = { };
	char *bin = binary_short_name(path);
	struct job *job;

	sb_addf(&group, "igt@%s", bin);
	if (subtest) {
		sb_addf(&name, "igt@%s@%s", bin, subtest);
		sb_addf(&display, "%s@%s", bin, subtest);
	} else {
		sb_addf(&name, "igt@%s", bin);
		sb_adds(&display, bin);
	}
	free(bin);

	if (job_exists(r, name.buf)) {
		sb_free(&name);
		sb_free(&group);
		sb_free(&display);
		return NULL;
	}

	r->jobs = xrealloc(r->jobs, (r->num_jobs + 1) * sizeof(*r->jobs));
	job = &r->jobs[r->num_jobs++];
	memset(job, 0, sizeof(*job));
	job->path = xstrdup(path);
	job->subtest = subtest ? xstrdup(subtest) : NULL;
	job->name = name.buf;
	job->group = group.buf;
	job->display = display.buf;
	return job;
}

static void job_preset(struct runner *r, const char *path,
		       const char *subtest, const char *result,
		       const struct strbuf *out, const char *why)
{
	struct job *job = job_add(r, path, subtest);

	if (!job)
		return;
	job->preset = result;
	if (out)
		sb_add(&job->preset_out, sb_str(out), out->len);
	sb_addf(&job->preset_err, "igt-run: %s: %s\n", path, why);
}

/* Whether @name matches one of the comma-separated globs in @patterns. */
static bool name_matches(const char *name, const char *patterns)
{
	char *copy = xstrdup(patterns), *save = NULL, *pat;
	bool match = false;

	for (pat = strtok_r(copy, ",", &save); pat && !match;
	     pat = strtok_r(NULL, ",", &save))
		match = !fnmatch(pat, name, 0);
	free(copy);
	return match;
}

/* Split --list-subtests output into names and queue the selected ones. */
static void add_listed(struct runner *r, const char *path,
		       const char *pattern, char *listing)
{
	char *save = NULL, *line;
	bool any = false, matched = false;

	for (line = strtok_r(listing, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, " \t\r")] = '\0';
		if (!*line)
			continue;
		any = true;
		if (pattern && !name_matches(line, pattern))
			continue;
		matched = true;
		job_add(r, path, line);
	}

	if (!any && !pattern)
		job_add(r, path, NULL);	/* a binary without subtests */
	else if (!matched)
		job_preset(r, path, pattern ? pattern : NULL, "fail", NULL,
			   "no subtest matches");
}

static void add_binary(struct runner *r, const char *path,
		       const char *pattern)
{
	char *argv[3] = { (char *)path, (char *)"--list-subtests" };
	struct proc_result res;
	struct strbuf why = { };
	int ret, code;

	if (access(path, X_OK)) {
		sb_addf(&why, "cannot execute: %s", strerror(errno));
		job_preset(r, path, NULL, "fail", NULL, why.buf);
		goto out;
	}

	ret = proc_run(argv, r->timeout_s, &res);
	if (ret) {
		sb_addf(&why, "cannot run: %s", strerror(-ret));
		job_preset(r, path, NULL, "fail", NULL, why.buf);
		goto out;
	}

	code = WIFEXITED(res.status) ? WEXITSTATUS(res.status) : -1;
	if (res.timed_out) {
		job_preset(r, path, NULL, "timeout", &res.out,
			   "--list-subtests timed out");
	} else if (WIFSIGNALED(res.status)) {
		sb_addf(&why, "--list-subtests killed by signal %d\n%s",
			WTERMSIG(res.status), sb_str(&res.err));
		job_preset(r, path, NULL, "crash", &res.out, why.buf);
	} else if (code == 0 || (code == EXIT_INVALID && !res.out.len)) {
		add_listed(r, path, pattern, res.out.buf ? res.out.buf : "");
	} else {
		sb_addf(&why, "--list-subtests exited with %d\n%s", code,
			sb_str(&res.err));
		job_preset(r, path, NULL, "fail", &res.out, why.buf);
	}
	proc_result_free(&res);
out:
	sb_free(&why);
}

static bool is_executable_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

static void add_entry(struct runner *r, const char *entry,
		      const char *base_dir, int depth);

static void add_testlist(struct runner *r, const char *path, int depth)
{
	char *dir, *slash, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (depth > MAX_TESTLIST_DEPTH) {
		job_preset(r, path, NULL, "fail", NULL,
			   "testlists nested too deep");
		return;
	}
	f = fopen(path, "re");
	if (!f) {
		job_preset(r, path, NULL, "fail", NULL, strerror(errno));
		return;
	}
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");

	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line, *end;

		end = strchr(s, '#');
		if (end)
			*end = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && strchr(" \t\r\n", end[-1]))
			*--end = '\0';
		if (*s)
			add_entry(r, s, dir, depth + 1);
	}
	free(line);
	free(dir);
	fclose(f);
}

/* A binary, "binary@subtests", or a testlist. */
static void add_entry(struct runner *r, const char *entry,
		      const char *base_dir, int depth)
{
	struct strbuf path = { };
	char *at, *slash;
	struct stat st;

	if (base_dir && entry[0] != '/')
		sb_addf(&path, "%s/%s", base_dir, entry);
	else
		sb_adds(&path, entry);

	if (is_executable_file(path.buf)) {
		add_binary(r, path.buf, NULL);
		goto out;
	}
	if (!stat(path.buf, &st) && S_ISREG(st.st_mode)) {
		add_testlist(r, path.buf, depth);
		goto out;
	}

	slash = strrchr(path.buf, '/');
	at = strchr(slash ? slash : path.buf, '@');
	if (at) {
		*at = '\0';
		if (is_executable_file(path.buf) && at[1]) {
			add_binary(r, path.buf, at + 1);
			goto out;
		}
		*at = '@';
	}
	job_preset(r, path.buf, NULL, "fail", NULL,
		   "no such test binary or testlist");
out:
	sb_free(&path);
}

static const char *result_from_word(const char *word, size_t len)
{
	static const struct {
		const char *word;
		const char *result;
	} map[] = {
		{ "SUCCESS", "pass" },
		{ "SKIP", "skip" },
		{ "FAIL", "fail" },
		{ "CRASH", "crash" },
		{ "TIMEOUT", "timeout" },
	};
	size_t i;

	for (i = 0; i < IGT_ARRAY_SIZE(map); i++)
		if (strlen(map[i].word) == len && !memcmp(map[i].word, word, len))
			return map[i].result;
	return NULL;
}

/*
 * The last "Subtest NAME: RESULT (T.TTTs)" line of @out (@len bytes, NULs
 * allowed) for @subtest.
 * Return: the result name, or NULL; *@time gets T.TTT when present.
 */
static const char *parse_result_line(const char *out, size_t len,
				     const char *subtest, double *time)
{
	const char *line = out, *end = out + len, *nl, *found = NULL;
	struct strbuf want = { };
	const char *word, *result;
	size_t wlen, llen;
	double t;

	sb_addf(&want, "Subtest %s: ", subtest);
	for (; line < end; line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		llen = nl - line;
		if (llen <= want.len || memcmp(line, want.buf, want.len))
			continue;
		word = line + want.len;
		wlen = 0;
		while (wlen < llen - want.len && word[wlen] != ' ')
			wlen++;
		result = result_from_word(word, wlen);
		if (!result)
			continue;
		found = result;
		if (sscanf(word + wlen, " (%lfs)", &t) == 1)
			*time = t;
	}
	sb_free(&want);
	return found;
}

static const char *classify(const struct job *job,
			    const struct proc_result *res, double *time)
{
	const char *line_result = NULL;
	int code;

	*time = res->elapsed;
	if (job->subtest)
		line_result = parse_result_line(sb_str(&res->out),
						res->out.len, job->subtest,
						time);
	if (res->timed_out)
		return "timeout";
	if (WIFSIGNALED(res->status))
		return "crash";
	code = WIFEXITED(res->status) ? WEXITSTATUS(res->status) : -1;

	if (line_result) {
		/* The exit status overrides a clean line (teardown failed). */
		if (!strcmp(line_result, "pass") && code != 0)
			return "fail";
		if (!strcmp(line_result, "skip") && code == EXIT_FAILURE_IGT)
			return "fail";
		return line_result;
	}
	if (job->subtest)
		return "incomplete";	/* no result line: protocol broken */

	switch (code) {
	case 0:
		return "pass";
	case EXIT_SKIP:
		return "skip";
	case EXIT_TIMEOUT:
		return "timeout";
	default:
		return "fail";
	}
}

/* Up to MAX_DETAIL_LINES lines of @text, indented, for the console. */
static void print_detail(const char *what, const struct strbuf *text)
{
	const char *p = sb_str(text), *nl;
	int lines = 0;

	if (!text->len)
		return;
	printf("  %s:\n", what);
	while (*p && lines < MAX_DETAIL_LINES) {
		nl = strchr(p, '\n');
		printf("    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		lines++;
		if (!nl)
			break;
		p = nl + 1;
	}
	if (*p && lines == MAX_DETAIL_LINES)
		printf("    [...]\n");
}

static void run_job(struct runner *r, struct job *job, struct test_result *t)
{
	char *argv[4] = { job->path };
	struct proc_result res;
	int ret;

	if (job->subtest) {
		argv[1] = (char *)"--run-subtest";
		argv[2] = job->subtest;
	}

	kmsg_drain(&r->kmsg, NULL, NULL, NULL, NULL);	/* before the test */
	ret = proc_run(argv, r->timeout_s, &res);
	if (!ret && res.interrupted) {
		t->result = "abort";
		sb_adds(&res.err, "igt-run: interrupted\n");
		t->out = res.out;
		t->err = res.err;
		t->runtime = res.elapsed;
		return;
	}
	if (ret) {
		t->result = "fail";
		sb_addf(&t->err, "igt-run: cannot run %s: %s\n", job->path,
			strerror(-ret));
		return;
	}
	t->result = classify(job, &res, &t->time);
	t->runtime = res.elapsed;
	/* The captured output now belongs to the result. */
	t->out = res.out;
	t->err = res.err;

	kmsg_drain(&r->kmsg, &t->dmesg, &t->dmesg_warnings, &r->dmesg_ignore,
		   &t->err);
	if (t->dmesg_warnings.len) {
		if (!strcmp(t->result, "pass"))
			t->result = "dmesg-warn";
		else if (!strcmp(t->result, "fail"))
			t->result = "dmesg-fail";
	}
	if (res.timed_out)
		sb_addf(&t->err, "igt-run: killed after %u s timeout\n",
			r->timeout_s);
}

static int run_all(struct runner *r, struct run_results *run)
{
	unsigned long passed = 0, skipped = 0, failed = 0;
	int ret, status = 0;
	size_t i;

	for (i = 0; i < r->num_jobs && !proc_stopped(); i++) {
		struct job *job = &r->jobs[i];
		struct test_result *t = results_add(run, job->name,
						    job->group);
		double start = now_monotonic();

		if (job->preset) {
			t->result = job->preset;
			sb_add(&t->out, sb_str(&job->preset_out),
			       job->preset_out.len);
			sb_add(&t->err, sb_str(&job->preset_err),
			       job->preset_err.len);
		} else {
			run_job(r, job, t);
		}
		run->end = now_realtime();

		printf("[%zu/%zu] %s: %s (%.2fs)\n", i + 1, r->num_jobs,
		       job->display, t->result, now_monotonic() - start);
		if (result_is_failure(t->result)) {
			print_detail("stderr", &t->err);
			print_detail("dmesg", &t->dmesg_warnings);
		}
		fflush(stdout);

		if (!strcmp(t->result, "pass"))
			passed++;
		else if (!strcmp(t->result, "skip"))
			skipped++;
		else
			failed++;

		ret = results_write(run, r->results_dir);
		if (ret && !status) {
			fprintf(stderr, "igt-run: writing %s/results.json: %s\n",
				r->results_dir, strerror(-ret));
			status = 2;
		}
	}
	if (!r->num_jobs) {
		ret = results_write(run, r->results_dir);
		if (ret) {
			fprintf(stderr, "igt-run: writing %s/results.json: %s\n",
				r->results_dir, strerror(-ret));
			status = 2;
		}
	}

	if (proc_stopped()) {
		printf("igt-run: interrupted after %zu of %zu tests\n", i,
		       r->num_jobs);
		failed++;	/* an interrupted run has not passed */
		if (!status)
			status = 1;
	}
	print_summary(passed, skipped, failed);
	if (status)
		return status;
	return failed ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: igt-run --results DIR [--timeout SECS] [--name NAME]\n"
		"               [--no-dmesg] [--dmesg-ignore REGEX]... [--kmsg PATH]\n"
		"               TESTLIST_OR_BINARY...\n"
		"       igt-run --summarize RESULTS.JSON...\n"
		"\n"
		"  --results DIR   write DIR/results.json\n"
		"  --timeout SECS  per-subtest timeout (default %d, 0: none)\n"
		"  --name NAME     name of the run (default: basename of DIR)\n"
		"  --no-dmesg      do not watch the kernel log\n"
		"  --dmesg-ignore REGEX\n"
		"                  kernel records matching the extended regex\n"
		"                  are no warnings (repeatable); tests announce\n"
		"                  theirs in the kernel log (igt_dmesg_expect)\n"
		"  --kmsg PATH     read kernel log records from PATH instead\n"
		"                  of /dev/kmsg (for testing the runner)\n"
		"  --summarize     add up results.json files\n"
		"\n"
		"An argument is a test binary, BINARY@SUBTESTS (comma-separated\n"
		"globs) or a testlist file with one such entry per line.\n",
		DEFAULT_TIMEOUT_S);
}

static char *make_uname(void)
{
	struct strbuf sb = { };
	struct utsname u;

	if (uname(&u) < 0)
		return xstrdup("");
	sb_addf(&sb, "%s %s %s %s %s", u.sysname, u.nodename, u.release,
		u.version, u.machine);
	return sb.buf;
}

static char *default_name(const char *dir)
{
	char *copy = xstrdup(dir), *end, *base, *name;

	end = copy + strlen(copy);
	while (end > copy + 1 && end[-1] == '/')
		*--end = '\0';
	base = strrchr(copy, '/');
	name = xstrdup(base && base[1] ? base + 1 : copy);
	free(copy);
	return name;
}

static void free_jobs(struct runner *r)
{
	size_t i;

	for (i = 0; i < r->num_jobs && !proc_stopped(); i++) {
		struct job *job = &r->jobs[i];

		free(job->path);
		free(job->subtest);
		free(job->name);
		free(job->group);
		free(job->display);
		sb_free(&job->preset_out);
		sb_free(&job->preset_err);
	}
	free(r->jobs);
}

enum {
	OPT_RESULTS = 256,
	OPT_TIMEOUT,
	OPT_NAME,
	OPT_NO_DMESG,
	OPT_KMSG,
	OPT_DMESG_IGNORE,
	OPT_SUMMARIZE,
	OPT_HELP,
};

static const struct option options[] = {
	{ "results", required_argument, NULL, OPT_RESULTS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "no-dmesg", no_argument, NULL, OPT_NO_DMESG },
	{ "kmsg", required_argument, NULL, OPT_KMSG },
	{ "dmesg-ignore", required_argument, NULL, OPT_DMESG_IGNORE },
	{ "summarize", no_argument, NULL, OPT_SUMMARIZE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ }
};

int main(int argc, char **argv)
{
	struct runner r = {
		.timeout_s = DEFAULT_TIMEOUT_S,
		.kmsg_path = "/dev/kmsg",
		.kmsg = { .fd = -1 },
	};
	struct run_results run = { };
	struct strbuf why = { };
	bool summarize = false, dmesg = true;
	const char *name = NULL;
	char *end;
	long val;
	int opt, i, ret;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case OPT_RESULTS:
			r.results_dir = optarg;
			break;
		case OPT_TIMEOUT:
			errno = 0;
			val = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || val < 0 ||
			    val > INT_MAX) {
				fprintf(stderr, "igt-run: bad timeout '%s'\n",
					optarg);
				return 2;
			}
			r.timeout_s = val;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_NO_DMESG:
			dmesg = false;
			break;
		case OPT_KMSG:
			r.kmsg_path = optarg;
			break;
		case OPT_DMESG_IGNORE:
			if (kmsg_ignore_add(&r.dmesg_ignore, optarg, &why)) {
				fputs(sb_str(&why), stderr);
				sb_free(&why);
				kmsg_ignore_free(&r.dmesg_ignore);
				return 2;
			}
			break;
		case OPT_SUMMARIZE:
			summarize = true;
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (summarize)
		return summarize_files(argv + optind, argc - optind);

	if (!r.results_dir) {
		usage(stderr);
		return 2;
	}

	if (dmesg) {
		ret = kmsg_open(&r.kmsg, r.kmsg_path);
		if (ret)
			fprintf(stderr,
				"igt-run: %s: %s; kernel log not watched\n",
				r.kmsg_path, strerror(-ret));
	}

	run.name = xstrdup(name ? name : "");
	if (!name) {
		free(run.name);
		run.name = default_name(r.results_dir);
	}
	run.uname = make_uname();
	run.argc = argc;
	run.argv = argv;
	run.start = now_realtime();
	run.end = run.start;

	proc_stop_on_signals();
	for (i = optind; i < argc && !proc_stopped(); i++)
		add_entry(&r, argv[i], NULL, 0);

	ret = run_all(&r, &run);

	kmsg_close(&r.kmsg);
	free_jobs(&r);
	kmsg_ignore_free(&r.dmesg_ignore);
	results_free(&run);
	return ret;
}
