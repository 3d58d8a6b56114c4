// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers the two self tests share; failures end the running subtest.
 */
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "igt_core.h"
#include "selftest_util.h"

char *selftest_pathf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	igt_assert(n >= 0);
	return s;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void selftest_mkdir_p(const char *path)
{
	char buf[4096], *p;

	igt_assert(strlen(path) < sizeof(buf));
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		igt_assert_f(!mkdir(buf, 0755) || errno == EEXIST,
			     "mkdir %s\n", buf);
		*p = '/';
	}
	igt_assert_f(!mkdir(buf, 0755) || errno == EEXIST, "mkdir %s\n", buf);
}

void selftest_fresh_dir(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	selftest_mkdir_p(dir);
}
