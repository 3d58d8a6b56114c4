/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Types and helpers for the code that builds both into kernel modules and
 * into userspace tests and fuzzers (cmdparser/, scheduler/, the reference
 * GPU's executor). In the kernel this is a thin include of the real headers;
 * in userspace it supplies the few kernel names that code uses, so the
 * portable sources read as ordinary kernel C.
 */
#ifndef _VGPU_PORTABLE_H
#define _VGPU_PORTABLE_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/stddef.h>
#include <linux/build_bug.h>
#include <linux/compiler.h>
#include <linux/minmax.h>
#include <linux/math64.h>

#else /* userspace */

#include <assert.h>
#include <errno.h>
#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/cdefs.h>	/* __always_inline */

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#define BUILD_BUG_ON(cond)	static_assert(!(cond), #cond)
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

/* Like the kernel's: each argument is evaluated exactly once. */
#define min(a, b) ({				\
	typeof(a) _min_a = (a);			\
	typeof(b) _min_b = (b);			\
	_min_a < _min_b ? _min_a : _min_b; })
#define max(a, b) ({				\
	typeof(a) _max_a = (a);			\
	typeof(b) _max_b = (b);			\
	_max_a > _max_b ? _max_a : _max_b; })
#define min_t(type, a, b)	min((type)(a), (type)(b))
#define max_t(type, a, b)	max((type)(a), (type)(b))

static inline u64 div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline u64 div64_u64(u64 dividend, u64 divisor)
{
	return dividend / divisor;
}

#endif /* __KERNEL__ */

#endif /* _VGPU_PORTABLE_H */
