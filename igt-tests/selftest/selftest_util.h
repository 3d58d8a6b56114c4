/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers the two self tests share: formatted paths and fresh scratch
 * directories under build/.
 */
#ifndef SELFTEST_UTIL_H
#define SELFTEST_UTIL_H

#include "igt_compiler.h"

/* A formatted string, allocated (the subtest's process ends soon). */
char *selftest_pathf(const char *fmt, ...) __igt_printf(1, 2);

/* Create @path and its parents (mkdir -p). */
void selftest_mkdir_p(const char *path);

/* Remove @dir and everything below it, then create it and its parents. */
void selftest_fresh_dir(const char *dir);

#endif /* SELFTEST_UTIL_H */
