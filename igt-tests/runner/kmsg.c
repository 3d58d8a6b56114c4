// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg - read the kernel log records logged while a test ran.
 *
 * /dev/kmsg hands out one record per read(): "prio,seq,usec,flags;text\n"
 * followed by optional " KEY=value\n" continuation lines. prio is
 * facility * 8 + level; facility 0 is the kernel itself. A regular file of
 * such lines (the self tests use one) is read the same way, which is why
 * incomplete lines are carried over between reads.
 *
 * Expected warnings follow upstream IGT's runner: a record containing
 * "add ignored dmesg regex: REGEX" (igt_dmesg_expect() logs it) makes
 * later warning records of the same test that match REGEX no warnings,
 * until another such record replaces REGEX or a "starting subtest" record
 * forgets it.
 */
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"

/* KERN_WARNING: this level and the more severe ones fail a test. */
#define KMSG_WARN_LEVEL		4
#define KMSG_READ_SIZE		8192

static const char * const kmsg_bad_words[] = {
	"WARNING:", "BUG:", "Call Trace", "Oops",
};

int kmsg_open(struct kmsg *k, const char *path)
{
	memset(k, 0, sizeof(*k));
	k->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (k->fd < 0)
		return -errno;
	/* Only what is logged from now on is of interest. */
	if (lseek(k->fd, 0, SEEK_END) < 0) {
		int ret = -errno;

		close(k->fd);
		k->fd = -1;
		return ret;
	}
	return 0;
}

void kmsg_close(struct kmsg *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	sb_free(&k->partial);
}

int kmsg_ignore_add(struct kmsg_ignore *ig, const char *regex,
		    struct strbuf *err)
{
	char msg[128];
	int ret;

	ig->res = xrealloc(ig->res, (ig->count + 1) * sizeof(*ig->res));
	ret = regcomp(&ig->res[ig->count], regex, REG_EXTENDED | REG_NOSUB);
	if (ret) {
		regerror(ret, &ig->res[ig->count], msg, sizeof(msg));
		if (err)
			sb_addf(err, "igt-run: bad dmesg regex '%s': %s\n",
				regex, msg);
		return -EINVAL;
	}
	ig->count++;
	return 0;
}

void kmsg_ignore_free(struct kmsg_ignore *ig)
{
	size_t i;

	for (i = 0; i < ig->count; i++)
		regfree(&ig->res[i]);
	free(ig->res);
	ig->res = NULL;
	ig->count = 0;
}

static bool kmsg_ignore_matches(const struct kmsg_ignore *ig,
				const char *text)
{
	size_t i;

	for (i = 0; ig && i < ig->count; i++)
		if (!regexec(&ig->res[i], text, 0, NULL, 0))
			return true;
	return false;
}

/*
 * What one drain, the records of one test, has seen of the test's
 * announcements: upstream's rules, one regex at a time, the latest wins,
 * a subtest start forgets it.
 */
struct kmsg_expect {
	const struct kmsg_ignore *run_wide;
	struct kmsg_ignore announced;
	struct strbuf *err;
};

static void kmsg_expect_record(struct kmsg_expect *ex, const char *text)
{
	const char *regex;

	if (strstr(text, KMSG_STARTING_SUBTEST) ||
	    strstr(text, KMSG_STARTING_DYNAMIC_SUBTEST))
		kmsg_ignore_free(&ex->announced);

	regex = strstr(text, KMSG_EXPECT_MARK);
	if (regex) {
		kmsg_ignore_free(&ex->announced);
		kmsg_ignore_add(&ex->announced, regex + strlen(KMSG_EXPECT_MARK),
				ex->err);
	}
}

static bool kmsg_expected(const struct kmsg_expect *ex, const char *text)
{
	return kmsg_ignore_matches(ex->run_wide, text) ||
	       kmsg_ignore_matches(&ex->announced, text);
}

static bool kmsg_is_warning(unsigned int facility, unsigned int level,
			    const char *text)
{
	size_t i;

	if (facility != 0)
		return false;
	if (level <= KMSG_WARN_LEVEL)
		return true;
	for (i = 0; i < IGT_ARRAY_SIZE(kmsg_bad_words); i++)
		if (strstr(text, kmsg_bad_words[i]))
			return true;
	return false;
}

/* One line: a record header + text, or a continuation line (ignored). */
static void kmsg_line(char *line, struct strbuf *all, struct strbuf *warnings,
		      struct kmsg_expect *ex)
{
	unsigned long long seq, usec;
	unsigned int prio;
	struct strbuf rec = { };
	char *text;

	if (line[0] == ' ' || !line[0])
		return;
	text = strchr(line, ';');
	if (!text)
		return;
	*text++ = '\0';
	if (sscanf(line, "%u,%llu,%llu", &prio, &seq, &usec) != 3)
		return;

	sb_addf(&rec, "<%u> [%llu.%06llu] %s\n", prio & 7, usec / 1000000,
		usec % 1000000, text);
	if (all)
		sb_add(all, rec.buf, rec.len);
	if (warnings) {
		kmsg_expect_record(ex, text);
		if (kmsg_is_warning(prio >> 3, prio & 7, text) &&
		    !kmsg_expected(ex, text))
			sb_add(warnings, rec.buf, rec.len);
	}
	sb_free(&rec);
}

void kmsg_drain(struct kmsg *k, struct strbuf *all, struct strbuf *warnings,
		const struct kmsg_ignore *ignore, struct strbuf *err)
{
	struct kmsg_expect ex = { .run_wide = ignore, .err = err };
	char buf[KMSG_READ_SIZE];
	char *line, *nl;
	ssize_t n;

	if (k->fd < 0)
		return;
	for (;;) {
		n = read(k->fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EPIPE))
			continue;	/* EPIPE: records were overwritten */
		if (n <= 0)
			break;		/* EAGAIN: all read; 0: end of file */
		sb_add(&k->partial, buf, n);

		line = k->partial.buf;
		while ((nl = memchr(line, '\n',
				    k->partial.len - (line - k->partial.buf)))) {
			*nl = '\0';
			kmsg_line(line, all, warnings, &ex);
			line = nl + 1;
		}
		n = k->partial.len - (line - k->partial.buf);
		memmove(k->partial.buf, line, n);
		k->partial.len = n;
		k->partial.buf[n] = '\0';
	}
	kmsg_ignore_free(&ex.announced);
}
