/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiler attribute shorthands for the userspace test code (the kernel's
 * <linux/compiler.h> is not available to userspace).
 */
#ifndef IGT_COMPILER_H
#define IGT_COMPILER_H

#define __igt_attr(x)		__attribute__((x))
#define __igt_printf(a, b)	__igt_attr(format(printf, a, b))
#define __igt_noreturn		__igt_attr(noreturn)

#define IGT_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#endif /* IGT_COMPILER_H */
