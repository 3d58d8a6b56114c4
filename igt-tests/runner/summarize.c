// SPDX-License-Identifier: GPL-2.0
/*
 * summarize - add up several results.json files (igt-run --summarize).
 *
 * The counts come from "totals" -> "root"; a file without them is counted
 * from its "tests" entries instead. Every result other than pass and skip
 * counts as failed, and each failed test is named with the first lines of
 * its output: a log that keeps only its tail still says what failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "runner.h"

struct summary {
	unsigned long passed;
	unsigned long skipped;
	unsigned long failed;
};

void print_summary(unsigned long passed, unsigned long skipped,
		   unsigned long failed)
{
	if (skipped)
		printf("%lu skipped\n", skipped);
	printf("%lu passed, %lu failed\n", passed, failed);
	fflush(stdout);
}

static int read_all(const char *path, struct strbuf *sb)
{
	char buf[65536];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int ret = -errno;

			close(fd);
			return ret;
		}
		sb_add(sb, buf, n);
	}
	close(fd);
	return 0;
}

static void count_result(struct summary *s, const char *result,
			 unsigned long n)
{
	if (!strcmp(result, "pass"))
		s->passed += n;
	else if (!strcmp(result, "skip"))
		s->skipped += n;
	else
		s->failed += n;
}

/*
 * The first two non-empty lines of @text (an assertion and its message),
 * joined, at most @max bytes.
 */
static void print_first_lines(const char *text, int max)
{
	int lines = 0, len;
	const char *eol;

	while (*text && lines < 2 && max > 0) {
		eol = strchrnul(text, '\n');
		len = eol - text;
		if (len) {
			len = len < max ? len : max;
			printf("%s%.*s", lines++ ? " | " : "", len, text);
			max -= len;
		}
		text = *eol ? eol + 1 : eol;
	}
}

/* Name every test of @tests whose result is neither pass nor skip. */
static void print_failures(const struct json_value *tests)
{
	const struct json_value *r, *why;
	size_t i;

	if (!tests || tests->type != JSON_OBJECT)
		return;
	for (i = 0; i < tests->count; i++) {
		r = json_get(tests->items[i], "result");
		if (!r || r->type != JSON_STRING || !strcmp(r->string, "pass") ||
		    !strcmp(r->string, "skip"))
			continue;
		printf("FAILED: %s (%s): ", tests->keys[i], r->string);
		why = json_get(tests->items[i], "err");
		if (!why || why->type != JSON_STRING || !why->string[0])
			why = json_get(tests->items[i], "out");
		if (why && why->type == JSON_STRING)
			print_first_lines(why->string, 300);
		printf("\n");
	}
}

static int summarize_value(const struct json_value *doc, struct summary *s)
{
	const struct json_value *root, *tests;
	size_t i;

	print_failures(json_get(doc, "tests"));
	root = json_get(json_get(doc, "totals"), "root");
	if (root && root->type == JSON_OBJECT) {
		for (i = 0; i < root->count; i++) {
			if (root->items[i]->type != JSON_NUMBER ||
			    root->items[i]->number < 0)
				return -EPROTO;
			count_result(s, root->keys[i],
				     (unsigned long)root->items[i]->number);
		}
		return 0;
	}

	tests = json_get(doc, "tests");
	if (!tests || tests->type != JSON_OBJECT)
		return -EPROTO;
	for (i = 0; i < tests->count; i++) {
		const struct json_value *r = json_get(tests->items[i],
						      "result");

		if (!r || r->type != JSON_STRING)
			return -EPROTO;
		count_result(s, r->string, 1);
	}
	return 0;
}

static int summarize_file(const char *path, struct summary *s)
{
	struct strbuf text = { };
	struct json_value *doc;
	char err[128];
	int ret;

	ret = read_all(path, &text);
	if (ret) {
		fprintf(stderr, "igt-run: %s: %s\n", path, strerror(-ret));
		goto out;
	}
	doc = json_parse(sb_str(&text), text.len, err, sizeof(err));
	if (!doc) {
		fprintf(stderr, "igt-run: %s: invalid JSON: %s\n", path, err);
		ret = -EPROTO;
		goto out;
	}
	ret = summarize_value(doc, s);
	if (ret)
		fprintf(stderr, "igt-run: %s: no totals or tests\n", path);
	json_free(doc);
out:
	sb_free(&text);
	return ret;
}

int summarize_files(char *const *files, int count)
{
	struct summary total = { };
	int i;

	for (i = 0; i < count; i++) {
		struct summary one = { };

		if (summarize_file(files[i], &one)) {
			total.failed++;	/* an unreadable result is a failure */
			continue;
		}
		total.passed += one.passed;
		total.skipped += one.skipped;
		total.failed += one.failed;
	}
	print_summary(total.passed, total.skipped, total.failed);
	return total.failed ? 1 : 0;
}
