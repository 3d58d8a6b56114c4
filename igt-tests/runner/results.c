// SPDX-License-Identifier: GPL-2.0
/*
 * results - the run's results in the shape of IGT's results.json
 * (results_version 10): TestrunResult with name, uname, cmdline,
 * time_elapsed, tests, totals ("", "root" and one entry per binary) and
 * runtimes (per binary).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "json.h"
#include "runner.h"

#define RESULTS_VERSION		10

const char * const result_names[] = {
	"pass", "skip", "fail", "crash", "timeout", "incomplete",
	"dmesg-warn", "dmesg-fail", "warn", "notrun", "abort",
};

const size_t num_result_names = IGT_ARRAY_SIZE(result_names);

bool result_is_failure(const char *result)
{
	return strcmp(result, "pass") && strcmp(result, "skip");
}

struct test_result *results_add(struct run_results *run, const char *name,
				const char *group)
{
	struct test_result *t = xrealloc(NULL, sizeof(*t));

	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->group = xstrdup(group);
	t->result = "incomplete";
	run->tests = xrealloc(run->tests,
			      (run->count + 1) * sizeof(*run->tests));
	run->tests[run->count++] = t;
	return t;
}

void results_free(struct run_results *run)
{
	size_t i;

	for (i = 0; i < run->count; i++) {
		struct test_result *t = run->tests[i];

		free(t->name);
		free(t->group);
		sb_free(&t->out);
		sb_free(&t->err);
		sb_free(&t->dmesg);
		sb_free(&t->dmesg_warnings);
		free(t);
	}
	free(run->tests);
	free(run->name);
	free(run->uname);
	memset(run, 0, sizeof(*run));
}

static void json_key(struct strbuf *sb, int indent, const char *key)
{
	sb_addf(sb, "%*s", indent, "");
	json_add_string(sb, key, strlen(key));
	sb_addc(sb, ':');
}

static void json_str_field(struct strbuf *sb, int indent, const char *key,
			   const char *val, size_t len, bool last)
{
	json_key(sb, indent, key);
	json_add_string(sb, val, len);
	sb_adds(sb, last ? "\n" : ",\n");
}

static void json_time(struct strbuf *sb, int indent, const char *key,
		      double start, double end, bool last)
{
	json_key(sb, indent, key);
	sb_addf(sb, "{\n%*s\"__type__\":\"TimeAttribute\",\n", indent + 2, "");
	sb_addf(sb, "%*s\"start\":%.6f,\n", indent + 2, "", start);
	sb_addf(sb, "%*s\"end\":%.6f\n", indent + 2, "", end);
	sb_addf(sb, "%*s}%s\n", indent, "", last ? "" : ",");
}

static void write_test(struct strbuf *sb, const struct test_result *t,
		       bool last)
{
	bool warnings = t->dmesg_warnings.len;

	json_key(sb, 4, t->name);
	sb_adds(sb, "{\n");
	json_str_field(sb, 6, "result", t->result, strlen(t->result), false);
	json_str_field(sb, 6, "out", sb_str(&t->out), t->out.len, false);
	json_str_field(sb, 6, "err", sb_str(&t->err), t->err.len, false);
	json_str_field(sb, 6, "dmesg", sb_str(&t->dmesg), t->dmesg.len,
		       false);
	if (warnings)
		json_str_field(sb, 6, "dmesg-warnings",
			       sb_str(&t->dmesg_warnings),
			       t->dmesg_warnings.len, false);
	json_time(sb, 6, "time", 0, t->time, true);
	sb_addf(sb, "    }%s\n", last ? "" : ",");
}

/* Totals for the tests whose group is @group (all of them if NULL). */
static void write_totals(struct strbuf *sb, const struct run_results *run,
			 const char *key, const char *group, bool last)
{
	size_t i, r;

	json_key(sb, 4, key);
	sb_adds(sb, "{\n");
	for (r = 0; r < num_result_names; r++) {
		unsigned long n = 0;

		for (i = 0; i < run->count; i++) {
			const struct test_result *t = run->tests[i];

			if (group && strcmp(t->group, group))
				continue;
			n += !strcmp(t->result, result_names[r]);
		}
		sb_addf(sb, "      \"%s\":%lu%s\n", result_names[r], n,
			r + 1 < num_result_names ? "," : "");
	}
	sb_addf(sb, "    }%s\n", last ? "" : ",");
}

/* Whether @i is the first test of its group (groups listed once). */
static bool first_of_group(const struct run_results *run, size_t i)
{
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(run->tests[j]->group, run->tests[i]->group))
			return false;
	return true;
}

static bool last_group(const struct run_results *run, size_t i)
{
	size_t j;

	for (j = i + 1; j < run->count; j++)
		if (first_of_group(run, j))
			return false;
	return true;
}

static void write_runtimes(struct strbuf *sb, const struct run_results *run)
{
	size_t i, j;

	sb_adds(sb, "  \"runtimes\":{\n");
	for (i = 0; i < run->count; i++) {
		double total = 0;

		if (!first_of_group(run, i))
			continue;
		for (j = i; j < run->count; j++)
			if (!strcmp(run->tests[j]->group, run->tests[i]->group))
				total += run->tests[j]->runtime;
		json_key(sb, 4, run->tests[i]->group);
		sb_adds(sb, "{\n");
		json_time(sb, 6, "time", 0, total, true);
		sb_addf(sb, "    }%s\n", last_group(run, i) ? "" : ",");
	}
	sb_adds(sb, "  }\n");
}

static void results_render(const struct run_results *run, struct strbuf *sb)
{
	size_t i;
	int a;

	sb_adds(sb, "{\n");
	sb_adds(sb, "  \"__type__\":\"TestrunResult\",\n");
	sb_addf(sb, "  \"results_version\":%d,\n", RESULTS_VERSION);
	json_str_field(sb, 2, "name", run->name, strlen(run->name), false);
	json_str_field(sb, 2, "uname", run->uname, strlen(run->uname), false);
	sb_adds(sb, "  \"cmdline\":[");
	for (a = 0; a < run->argc; a++) {
		if (a)
			sb_addc(sb, ',');
		json_add_string(sb, run->argv[a], strlen(run->argv[a]));
	}
	sb_adds(sb, "],\n");
	json_time(sb, 2, "time_elapsed", run->start, run->end, false);

	sb_adds(sb, "  \"tests\":{\n");
	for (i = 0; i < run->count; i++)
		write_test(sb, run->tests[i], i + 1 == run->count);
	sb_adds(sb, "  },\n");

	sb_adds(sb, "  \"totals\":{\n");
	write_totals(sb, run, "", NULL, false);
	write_totals(sb, run, "root", NULL, !run->count);
	for (i = 0; i < run->count; i++)
		if (first_of_group(run, i))
			write_totals(sb, run, run->tests[i]->group,
				     run->tests[i]->group,
				     last_group(run, i));
	sb_adds(sb, "  },\n");

	write_runtimes(sb, run);
	sb_adds(sb, "}\n");
}

/* Create @dir and its missing parents. */
static int mkdir_p(const char *dir)
{
	char *copy = xstrdup(dir), *p;
	int ret = 0;

	for (p = copy + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		if (!*p || p[-1] != '/') {
			char c = *p;

			*p = '\0';
			if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
				ret = -errno;
				break;
			}
			*p = c;
		}
		if (!*p)
			break;
	}
	free(copy);
	return ret;
}

static int write_file(const char *path, const char *data, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			break;
		}
		data += n;
		len -= n;
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int results_write(const struct run_results *run, const char *dir)
{
	struct strbuf json = { }, path = { }, tmp = { };
	int ret;

	ret = mkdir_p(dir);
	if (ret)
		return ret;

	results_render(run, &json);
	sb_addf(&path, "%s/results.json", dir);
	sb_addf(&tmp, "%s/.results.json.tmp", dir);
	ret = write_file(tmp.buf, json.buf, json.len);
	if (!ret && rename(tmp.buf, path.buf) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp.buf);
	sb_free(&json);
	sb_free(&path);
	sb_free(&tmp);
	return ret;
}
