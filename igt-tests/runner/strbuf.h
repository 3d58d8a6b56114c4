/* SPDX-License-Identifier: GPL-2.0 */
/*
 * strbuf - a growable byte buffer, always NUL-terminated.
 *
 * The runner gives up (exit 2 with a message) when memory runs out: a test
 * runner without memory has nothing useful left to do.
 */
#ifndef IGT_RUN_STRBUF_H
#define IGT_RUN_STRBUF_H

#include <stddef.h>

#include "../lib/igt_compiler.h"

/**
 * struct strbuf - growable buffer
 * @buf: the bytes, NUL-terminated (NULL until something is added)
 * @len: bytes used, without the terminator
 * @cap: bytes allocated
 */
struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addc(struct strbuf *sb, char c);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __igt_printf(2, 3);
/* The contents, "" when empty. */
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

/* Allocation helpers that exit the runner when memory runs out. */
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

#endif /* IGT_RUN_STRBUF_H */
