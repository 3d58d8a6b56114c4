#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Shell subjects for the igt_core.sh self test: subtests that pass, skip,
# fail and crash on purpose. IGT_SELFTEST_FIXTURE=skip|fail|expect makes
# the fixture skip, fail or call igt_dmesg_expect (which fails there); the
# dmesg-* subtests append kernel-log records to IGT_KMSG_FILE (a fake
# /dev/kmsg, where igt_core.sh writes its markers too); expect-regex hands
# IGT_SELFTEST_REGEX to igt_dmesg_expect.
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
	expect) igt_dmesg_expect "for every subtest" ;;
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

# fake_kmsg LEVEL TEXT: a kernel record in the fake /dev/kmsg.
fake_kmsg() {
	igt_require test -n "${IGT_KMSG_FILE:-}"
	printf '%s,1234,5000123,-;%s\n' "$1" "$2" >>"$IGT_KMSG_FILE"
}

subtest_dmesg_expected() {
	igt_dmesg_expect 'probe of [0-9a-f-]+ failed with error -28$'
	fake_kmsg 4 "mtty: probe of 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 failed with error -28"
}

subtest_dmesg_unexpected() {
	igt_dmesg_expect 'probe of [0-9a-f-]+ failed with error -28$'
	fake_kmsg 4 "mtty: probe of 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001 failed with error -12"
}

subtest_expect_regex() {
	igt_require test -n "${IGT_SELFTEST_REGEX+set}"
	igt_dmesg_expect "$IGT_SELFTEST_REGEX"
}

igt_fixture setup
igt_subtest pass subtest_pass "Prints a line and passes."
igt_subtest skip subtest_skip "Skips on an unmet igt_require."
igt_subtest fail subtest_fail "Fails an igt_assert."
igt_subtest fail-eq subtest_fail_eq "Fails an igt_assert_eq."
igt_subtest crash subtest_crash "Dies of SIGSEGV."
igt_subtest exit-strange subtest_exit_strange "Exits with status 3."
igt_subtest dmesg-expected subtest_dmesg_expected \
	"Passes; the (fake) kernel logs a warning the subtest expects."
igt_subtest dmesg-unexpected subtest_dmesg_unexpected \
	"Passes; the (fake) kernel logs another warning than the one expected."
igt_subtest expect-regex subtest_expect_regex \
	"Hands \$IGT_SELFTEST_REGEX to igt_dmesg_expect."
igt_main "$@"
