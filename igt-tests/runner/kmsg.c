// SPDX-License-Identifier: GPL-2.0
/*
 * kmsg - read the kernel log records logged while a test ran.
 *
 * /dev/kmsg hands out one record per read(): "prio,seq,usec,flags;text\n"
 * followed by optional " KEY=value\n" continuation lines. prio is
 * facility * 8 + level; facility 0 is the kernel itself. A regular file of
 * such lines (the self tests use one) is read the same way, which is why
 * incomplete lines are carried over between reads.
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

void kmsg_drop_expected(struct strbuf *warnings, char *const *patterns,
			size_t count, struct strbuf *err)
{
	struct strbuf kept = { };
	regex_t *res = xrealloc(NULL, (count + 1) * sizeof(*res));
	bool *ok = xrealloc(NULL, (count + 1) * sizeof(*ok));
	char *line, *nl, *text;
	bool drop;
	size_t i;

	for (i = 0; i < count; i++) {
		ok[i] = !regcomp(&res[i], patterns[i], REG_EXTENDED | REG_NOSUB);
		if (!ok[i])
			sb_addf(err, "igt-run: bad dmesg regex '%s'\n",
				patterns[i]);
	}

	for (line = warnings->buf; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		text = memchr(line, ']', nl - line);
		text = text && text + 1 < nl ? text + 2 : line;
		drop = false;
		for (i = 0; i < count && !drop; i++) {
			char *copy;

			if (!ok[i])
				continue;
			copy = xrealloc(NULL, nl - text + 1);
			memcpy(copy, text, nl - text);
			copy[nl - text] = '\0';
			drop = !regexec(&res[i], copy, 0, NULL, 0);
			free(copy);
		}
		if (!drop)
			sb_add(&kept, line, nl - line + (*nl == '\n'));
		if (!*nl)
			break;
	}

	for (i = 0; i < count; i++)
		if (ok[i])
			regfree(&res[i]);
	free(res);
	free(ok);
	sb_free(warnings);
	*warnings = kept;
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
static void kmsg_line(char *line, struct strbuf *all, struct strbuf *warnings)
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
	if (warnings && kmsg_is_warning(prio >> 3, prio & 7, text))
		sb_add(warnings, rec.buf, rec.len);
	sb_free(&rec);
}

void kmsg_drain(struct kmsg *k, struct strbuf *all, struct strbuf *warnings)
{
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
			kmsg_line(line, all, warnings);
			line = nl + 1;
		}
		n = k->partial.len - (line - k->partial.buf);
		memmove(k->partial.buf, line, n);
		k->partial.len = n;
		k->partial.buf[n] = '\0';
	}
}
