#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shell subjects for the igt_core.sh self test: subtests that pass, skip,
# fail and crash on purpose. IGT_SELFTEST_FIXTURE=skip|fail makes the
# fixture skip or fail.
#
# The subtest functions are called through igt_subtest, which shellcheck
# cannot follow:
# shellcheck disable=SC2317

# shellcheck source=igt-tests/lib/igt_core.sh
. "$(dirname "$0")/../lib/igt_core.sh"

setup() {
	case ${IGT_SELFTEST_FIXTURE:-} in
	skip) igt_skip "fixture asked to skip" ;;
	fail) igt_fail "fixture asked to fail" ;;
	esac
	fixture_value=42
}

subtest_pass() {
	igt_info "hello from pass"
	igt_assert_eq "$fixture_value" 42
}

subtest_skip() {
	igt_require test -n "${IGT_SELFTEST_NEVER_SET:-}"
}

subtest_fail() {
	igt_assert test 1 -eq 2
}

subtest_fail_eq() {
	igt_assert_eq left right
}

subtest_crash() {
	exec sh -c 'kill -SEGV $$'
}

subtest_exit_strange() {
	exit 3
}

igt_fixture setup
igt_subtest pass subtest_pass "Prints a line and passes."
igt_subtest skip subtest_skip "Skips on an unmet igt_require."
igt_subtest fail subtest_fail "Fails an igt_assert."
igt_subtest fail-eq subtest_fail_eq "Fails an igt_assert_eq."
igt_subtest crash subtest_crash "Dies of SIGSEGV."
igt_subtest exit-strange subtest_exit_strange "Exits with status 3."
igt_main "$@"
