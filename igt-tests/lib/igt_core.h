/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igt_core - test binaries that speak IGT's runner protocol.
 *
 * A test binary is a table of named subtests plus an optional fixture. The
 * binary understands:
 *
 *   --list-subtests          print the subtest names, one per line
 *   --run-subtest PATTERNS   run the subtests matching a comma-separated
 *                            list of shell globs
 *   --describe[=PATTERNS]    print the descriptions
 *   (no arguments)           run every subtest
 *
 * and reports each subtest as "Starting subtest: NAME" followed by
 * "Subtest NAME: SUCCESS (0.123s)" (or SKIP, FAIL, CRASH, TIMEOUT) on
 * stdout. Exit status: 0 pass, 77 skip, 78 timeout, 79 invalid usage,
 * 98 fail. Every subtest runs in a forked child, so a crash or a failed
 * assertion in one subtest never takes the binary down; the fixture runs
 * once in the parent before the first selected subtest, so the state it
 * builds (file descriptors, mappings) is inherited by every subtest.
 *
 * Nothing is written on stderr by the library when a subtest passes;
 * failures explain themselves on stderr, skips on stdout.
 */
#ifndef IGT_CORE_H
#define IGT_CORE_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/types.h>

#include "igt_compiler.h"

#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_TIMEOUT	78
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98

/**
 * struct igt_subtest - one entry of a test binary's subtest table
 * @name: the name the runner uses (lower case, words joined by '-'); it
 *	says what the subtest proves
 * @func: the body; returning means success
 * @description: one sentence for --describe
 */
struct igt_subtest {
	const char *name;
	void (*func)(void *data);
	const char *description;
};

/**
 * struct igt_test - a test binary
 * @description: what the binary as a whole covers
 * @subtests: the subtest table
 * @num_subtests: entries in @subtests (IGT_ARRAY_SIZE(table))
 * @setup: optional fixture, run once in the parent before the first
 *	selected subtest. igt_require()/igt_skip() in it skips every selected
 *	subtest, a failed assertion fails every selected subtest.
 * @teardown: optional, run once after the last selected subtest, only if
 *	@setup completed. A failed assertion in it makes the binary exit 98.
 * @data: passed to @setup, @teardown and every subtest
 */
struct igt_test {
	const char *description;
	const struct igt_subtest *subtests;
	unsigned int num_subtests;
	void (*setup)(void *data);
	void (*teardown)(void *data);
	void *data;
};

/**
 * igt_main() - parse the command line and run the selected subtests
 * @test: the binary's description
 * @argc: from main()
 * @argv: from main()
 *
 * Return: the exit status for main(): IGT_EXIT_SUCCESS when something ran
 * and nothing failed, IGT_EXIT_SKIP when everything selected skipped,
 * IGT_EXIT_TIMEOUT when something timed out and nothing failed,
 * IGT_EXIT_FAILURE when a subtest failed or crashed, IGT_EXIT_INVALID for
 * bad usage or a pattern that matches no subtest.
 */
int igt_main(const struct igt_test *test, int argc, char **argv);

/**
 * IGT_TEST_MAIN() - define a test binary's main()
 * @description_: what the binary as a whole covers (struct igt_test's
 *	@description)
 * @subtests_: the subtest table, an array: its size is taken here, so the
 *	count cannot drift from the table
 * @...: optional further members of struct igt_test, as designated
 *	initializers: .setup = fn, .teardown = fn, .data = &state
 *
 * Every binary whose main() has nothing to do but igt_main() ends with
 *
 *	IGT_TEST_MAIN("What a guest sees first of a vGPU.", subtests,
 *		      .setup = setup, .teardown = teardown, .data = &state);
 *
 * A binary that must act before igt_main() parses its command line (set
 * the environment, check something first) writes its main() by hand.
 * The expansion ends with the struct igt_test initializer, which takes the
 * semicolon after the macro.
 */
#define IGT_TEST_MAIN(description_, subtests_, ...)			\
static const struct igt_test igt_test_main__;				\
int main(int argc, char **argv)						\
{									\
	exit(igt_main(&igt_test_main__, argc, argv));			\
}									\
static const struct igt_test igt_test_main__ = {			\
	.description = (description_),					\
	.subtests = (subtests_),					\
	.num_subtests = sizeof(subtests_) / sizeof((subtests_)[0]),	\
	__VA_ARGS__							\
}

/**
 * igt_subtest_name() - the name of the subtest running in this process
 *
 * Return: the name, or NULL outside a subtest (fixture, teardown).
 */
const char *igt_subtest_name(void);

/**
 * igt_set_timeout() - fail the current subtest with TIMEOUT after a while
 * @seconds: time allowed from now; 0 cancels
 * @what: what is being waited for, printed when the timeout fires
 *
 * The child running the subtest exits with IGT_EXIT_TIMEOUT and the subtest
 * is reported as TIMEOUT. Only meaningful inside a subtest.
 */
void igt_set_timeout(unsigned int seconds, const char *what);

/* Longest regex igt_dmesg_expect() takes. */
#define IGT_DMESG_REGEX_MAX	512

/**
 * igt_dmesg_expect() - tell the runner a kernel warning is expected
 * @regex: regular expression matched, unanchored, against the text of
 *	kernel log records; valid and of the same meaning as a POSIX
 *	extended regex (igt-run) and a GLib/PCRE regex (upstream igt_runner)
 *
 * Logs "[IGT] <binary>: add ignored dmesg regex: @regex" to the kernel log,
 * upstream IGT's marker. From that record until the next subtest starts,
 * igt-run and upstream's igt_runner do not count warning records matching
 * @regex against the subtest (they stay in its dmesg). A later call
 * replaces the regex: expect several messages with one alternation.
 * Call it in the subtest, before provoking the message: a call outside a
 * subtest, or a regex that does not compile, is too long, or holds a
 * backslash or a character outside printable ASCII (the kernel log shows
 * those as \xNN, which upstream would take literally; write [.] for a
 * dot), fails. Without a writable kernel log (not root, IGT_NO_KMSG) the
 * marker is not written, an info line says so, and the warning counts.
 */
void igt_dmesg_expect(const char *regex);

/* Logging: info and debug go to stdout, warnings to stderr. */
void igt_info(const char *fmt, ...) __igt_printf(1, 2);
void igt_debug(const char *fmt, ...) __igt_printf(1, 2);
void igt_warn(const char *fmt, ...) __igt_printf(1, 2);

/**
 * igt_skip() - skip the current subtest (or, from the fixture, all of them)
 * @fmt: printf format of the reason, printed on stdout
 */
__igt_noreturn void igt_skip(const char *fmt, ...) __igt_printf(1, 2);

/**
 * igt_fail_f() - fail the current subtest with a message on stderr
 * @fmt: printf format of the message
 */
__igt_noreturn void igt_fail_f(const char *fmt, ...) __igt_printf(1, 2);

/* Implementation of the macros below; not for direct use. */
__igt_noreturn void __igt_fail_assert(const char *file, int line,
				      const char *func, const char *expr);
__igt_noreturn void __igt_fail_assert_f(const char *file, int line,
					const char *func, const char *expr,
					const char *fmt, ...)
	__igt_printf(5, 6);
__igt_noreturn void
__igt_fail_cmp_s64(const char *file, int line, const char *func,
		   const char *a, const char *op, const char *b,
		   long long va, long long vb);
__igt_noreturn void
__igt_fail_cmp_u32(const char *file, int line, const char *func,
		   const char *a, const char *op, const char *b,
		   __u32 va, __u32 vb);
__igt_noreturn void
__igt_fail_cmp_u64(const char *file, int line, const char *func,
		   const char *a, const char *op, const char *b,
		   unsigned long long va, unsigned long long vb);
__igt_noreturn void __igt_skip_check(const char *file, int line,
				     const char *func, const char *cond);
__igt_noreturn void __igt_skip_check_f(const char *file, int line,
				       const char *func, const char *cond,
				       const char *fmt, ...)
	__igt_printf(5, 6);

/**
 * igt_assert() - fail the subtest unless @expr is true
 * @expr: the condition
 *
 * On failure, prints the expression, file:line, function and errno (when
 * set) on stderr.
 */
#define igt_assert(expr) do {						\
	if (!(expr))							\
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr);	\
} while (0)

/**
 * igt_assert_f() - igt_assert() with an explanation
 * @expr: the condition
 * @...: printf format and arguments of the explanation
 */
#define igt_assert_f(expr, ...) do {					\
	if (!(expr))							\
		__igt_fail_assert_f(__FILE__, __LINE__, __func__, #expr,	\
				    __VA_ARGS__);			\
} while (0)

/* igt_fail_on() - fail the subtest if @expr is true */
#define igt_fail_on(expr)	igt_assert(!(expr))

/* igt_fail_on_f() - igt_fail_on() with an explanation */
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

/*
 * Typed comparisons: on failure both operands are printed with their
 * source text, e.g. "reg = 0x1, expected = 0x0". The source text is
 * taken by the outer macros, before the operands' macros are expanded.
 */
#define __igt_assert_cmp(type, kind, a, op, b, sa, sb) do {		\
	type igt_a__ = (a);						\
	type igt_b__ = (b);						\
	if (!(igt_a__ op igt_b__))					\
		__igt_fail_cmp_##kind(__FILE__, __LINE__, __func__,	\
				      sa, #op, sb, igt_a__, igt_b__);	\
} while (0)

#define igt_assert_eq(a, b)						\
	__igt_assert_cmp(long long, s64, a, ==, b, #a, #b)
#define igt_assert_neq(a, b)						\
	__igt_assert_cmp(long long, s64, a, !=, b, #a, #b)
#define igt_assert_lt(a, b)						\
	__igt_assert_cmp(long long, s64, a, <, b, #a, #b)
#define igt_assert_lte(a, b)						\
	__igt_assert_cmp(long long, s64, a, <=, b, #a, #b)
#define igt_assert_gt(a, b)						\
	__igt_assert_cmp(long long, s64, a, >, b, #a, #b)
#define igt_assert_gte(a, b)						\
	__igt_assert_cmp(long long, s64, a, >=, b, #a, #b)
#define igt_assert_eq_u32(a, b)						\
	__igt_assert_cmp(__u32, u32, a, ==, b, #a, #b)
#define igt_assert_neq_u32(a, b)					\
	__igt_assert_cmp(__u32, u32, a, !=, b, #a, #b)
#define igt_assert_eq_u64(a, b)						\
	__igt_assert_cmp(unsigned long long, u64, a, ==, b, #a, #b)

/**
 * igt_assert_eq_str() - fail unless two C strings are equal
 * @a: a string
 * @b: another string
 */
#define igt_assert_eq_str(a, b) do {					\
	const char *igt_sa__ = (a);					\
	const char *igt_sb__ = (b);					\
	if (strcmp(igt_sa__, igt_sb__))					\
		__igt_fail_assert_f(__FILE__, __LINE__, __func__,	\
				    "strcmp(" #a ", " #b ") == 0",	\
				    "%s = \"%s\", %s = \"%s\"\n",	\
				    #a, igt_sa__, #b, igt_sb__);	\
} while (0)

/**
 * igt_assert_ok() - fail if a call returning a negative errno failed
 * @expr: an expression returning >= 0 on success, -errno on failure (every
 *	function of the VFIO harness)
 */
#define igt_assert_ok(expr) do {					\
	long long igt_r__ = (expr);					\
	if (igt_r__ < 0)						\
		__igt_fail_assert_f(__FILE__, __LINE__, __func__,	\
				    #expr " >= 0",			\
				    "returned %lld (%s)\n", igt_r__,	\
				    strerror((int)-igt_r__));		\
} while (0)

/**
 * igt_require() - skip the subtest unless @cond is true
 * @cond: the requirement
 */
#define igt_require(cond) do {						\
	if (!(cond))							\
		__igt_skip_check(__FILE__, __LINE__, __func__, #cond);	\
} while (0)

/**
 * igt_require_f() - igt_require() with an explanation
 * @cond: the requirement
 * @...: printf format and arguments of the explanation
 */
#define igt_require_f(cond, ...) do {					\
	if (!(cond))							\
		__igt_skip_check_f(__FILE__, __LINE__, __func__, #cond,	\
				   __VA_ARGS__);			\
} while (0)

/* igt_skip_on() - skip the subtest if @cond is true */
#define igt_skip_on(cond)	igt_require(!(cond))

/* igt_skip_on_f() - igt_skip_on() with an explanation */
#define igt_skip_on_f(cond, ...) igt_require_f(!(cond), __VA_ARGS__)

#endif /* IGT_CORE_H */
