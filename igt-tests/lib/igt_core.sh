# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# igt_core.sh - IGT runner protocol for shell test scripts (POSIX sh).
#
# A test script sources this file, declares its subtests and hands its
# arguments to igt_main:
#
#   . "$VGPU_ROOT/igt-tests/lib/igt_core.sh"
#
#   setup() { igt_require test -e /sys/bus/mdev; }
#   subtest_types_listed() { igt_assert test -d "$parent/mdev_supported_types"; }
#
#   igt_fixture setup
#   igt_subtest types-listed subtest_types_listed "Parents list their types"
#   igt_main "$@"
#
# The script then understands --list-subtests, --run-subtest PATTERNS
# (comma-separated globs), --describe and no arguments (run everything),
# prints "Starting subtest: NAME" / "Subtest NAME: SUCCESS (0.123s)" (SKIP,
# FAIL, CRASH, TIMEOUT) and exits 0 pass, 77 skip, 98 fail, 79 bad usage.
#
# ShellCheck reports the subtest functions as unreachable (SC2317) since
# they are only called through the table; scripts disable that check.
#
# Each subtest function runs in a subshell: igt_skip/igt_fail end only that
# subtest. The fixture runs in the script's own shell, so the variables it
# sets are seen by every subtest; a skip or failure in it reports every
# selected subtest as SKIP or FAIL and ends the script.
#
# Helpers for subtests and fixtures:
#   igt_info MSG...          message on stdout
#   igt_debug MSG...         message on stdout when IGT_LOG_LEVEL=debug
#   igt_warn MSG...          message on stderr
#   igt_skip MSG...          skip, with the reason on stdout
#   igt_fail MSG...          fail, with the reason on stderr
#   igt_require CMD ARGS...  skip unless CMD succeeds
#   igt_assert CMD ARGS...   fail unless CMD succeeds
#   igt_assert_eq A B        fail unless the strings A and B are equal
#   igt_dmesg_expect REGEX   from here to the end of the subtest, the
#                            runners do not count kernel warnings matching
#                            REGEX (see igt_dmesg_expect() in igt_core.h:
#                            the same marker, checks and regex rules)

IGT_EXIT_SUCCESS=0
IGT_EXIT_SKIP=77
IGT_EXIT_TIMEOUT=78
IGT_EXIT_INVALID=79
IGT_EXIT_FAILURE=98

# Subtest table: one "name<TAB>function<TAB>description" line per subtest.
_igt_table=""
_igt_setup=""
_igt_teardown=""
_igt_ctx=none
_igt_selected=""
_igt_tab=$(printf '\t')
_igt_prog=${0##*/}

igt_info() { printf '%s\n' "$*"; }
igt_warn() { printf '%s\n' "$*" >&2; }
igt_debug() {
	[ "${IGT_LOG_LEVEL:-}" = debug ] || return 0
	printf '%s\n' "$*"
}

_igt_now_ns() {
	_igt_t=$(date +%s%N)
	case $_igt_t in
	*N) _igt_t=$(( ${_igt_t%N} * 1000000000 )) ;;
	esac
	echo "$_igt_t"
}

# _igt_elapsed START_NS: seconds since START_NS as "S.mmm".
_igt_elapsed() {
	_igt_ms=$(( ($(_igt_now_ns) - $1) / 1000000 ))
	printf '%d.%03d' $((_igt_ms / 1000)) $((_igt_ms % 1000))
}

# _igt_kmsg MSG...: an info record "[IGT] PROG: MSG" in the kernel log;
# fails when none was written. IGT_NO_KMSG turns the records off;
# IGT_KMSG_FILE appends them to a file as /dev/kmsg reads show them
# (facility user, level info), for the self tests.
_igt_kmsg() {
	[ -z "${IGT_NO_KMSG:-}" ] || return 1
	if [ -n "${IGT_KMSG_FILE:-}" ]; then
		printf '14,0,%s,-;[IGT] %s: %s\n' $(($(_igt_now_ns) / 1000)) \
			"$_igt_prog" "$*" 2>/dev/null >>"$IGT_KMSG_FILE"
	else
		[ -w /dev/kmsg ] &&
			printf '<6>[IGT] %s: %s\n' "$_igt_prog" "$*" \
				2>/dev/null >/dev/kmsg
	fi
}

# igt_dmesg_expect REGEX: upstream IGT's marker, as igt_dmesg_expect() in C.
igt_dmesg_expect() {
	[ "$_igt_ctx" = subtest ] ||
		igt_fail "igt_dmesg_expect '$1' outside a subtest: runners drop it when a subtest starts"
	# Printable ASCII without backslashes: the kernel log shows anything
	# else as \xNN, which upstream's runner would take literally.
	_igt_bad=$(printf '%s' "$1" | LC_ALL=C tr -d '\040-\133\135-\176' | wc -c)
	if [ -z "$1" ] || [ ${#1} -gt 512 ] || [ $((_igt_bad)) -ne 0 ]; then
		igt_fail "igt_dmesg_expect '$1': empty, too long, or not printable ASCII without \\"
	fi
	# grep -E exits 2 for a regex that does not compile.
	_igt_st=0
	printf '' | grep -E -e "$1" >/dev/null 2>&1 || _igt_st=$?
	[ $_igt_st -ne 2 ] || igt_fail "igt_dmesg_expect '$1': not an extended regex"
	_igt_kmsg "add ignored dmesg regex: $1" ||
		igt_info "No kernel log to announce it in: warnings matching $1 count"
}

# _igt_report_all RESULT: a result line for every selected subtest.
_igt_report_all() {
	for _igt_n in $_igt_selected; do
		printf 'Subtest %s: %s (0.000s)\n' "$_igt_n" "$1"
	done
}

# _igt_leave CODE: end the current subtest, or the script from a fixture.
_igt_leave() {
	case $_igt_ctx in
	fixture)
		if [ "$1" -eq $IGT_EXIT_SKIP ]; then
			_igt_report_all SKIP
		else
			_igt_report_all FAIL
		fi
		exit "$1"
		;;
	*)
		exit "$1"
		;;
	esac
}

igt_skip() {
	printf 'Skipping: %s\n' "$*"
	_igt_leave $IGT_EXIT_SKIP
}

igt_fail() {
	printf '(%s:%s) Failed: %s\n' "$_igt_prog" "$$" "$*" >&2
	_igt_leave $IGT_EXIT_FAILURE
}

igt_require() {
	"$@" && return 0
	printf 'Test requirement not met: %s\n' "$*"
	_igt_leave $IGT_EXIT_SKIP
}

igt_assert() {
	"$@" && return 0
	printf '(%s:%s) Failed assertion: %s (status %d)\n' \
		"$_igt_prog" "$$" "$*" "$?" >&2
	_igt_leave $IGT_EXIT_FAILURE
}

igt_assert_eq() {
	[ "$1" = "$2" ] && return 0
	printf "(%s:%s) Failed assertion: '%s' == '%s'\n" \
		"$_igt_prog" "$$" "$1" "$2" >&2
	_igt_leave $IGT_EXIT_FAILURE
}

# igt_subtest NAME FUNCTION [DESCRIPTION]
igt_subtest() {
	case $1 in
	"" | *[!A-Za-z0-9_-]*)
		echo "igt_subtest: bad subtest name '$1'" >&2
		exit $IGT_EXIT_INVALID
		;;
	esac
	_igt_table="$_igt_table$1$_igt_tab$2$_igt_tab${3:-}
"
}

# igt_fixture FUNCTION: run once before the first selected subtest.
igt_fixture() { _igt_setup=$1; }

# igt_teardown FUNCTION: run once after the last selected subtest.
igt_teardown() { _igt_teardown=$1; }

# _igt_field NAME N: field N (2 function, 3 description) of subtest NAME.
_igt_field() {
	printf '%s' "$_igt_table" | while IFS=$_igt_tab read -r _n _f _d; do
		[ "$_n" = "$1" ] || continue
		case $2 in
		2) printf '%s\n' "$_f" ;;
		3) printf '%s\n' "$_d" ;;
		esac
	done
}

_igt_names() {
	printf '%s' "$_igt_table" | while IFS=$_igt_tab read -r _n _f _d; do
		printf '%s\n' "$_n"
	done
}

# _igt_matches NAME PATTERNS: PATTERNS is a comma-separated list of globs.
_igt_matches() {
	_igt_old_ifs=$IFS
	IFS=,
	set -f
	for _igt_p in $2; do
		IFS=$_igt_old_ifs
		set +f
		# shellcheck disable=SC2254
		case $1 in
		$_igt_p) return 0 ;;
		esac
		set -f
	done
	IFS=$_igt_old_ifs
	set +f
	return 1
}

_igt_run_one() {
	_igt_name=$1
	_igt_fn=$(_igt_field "$_igt_name" 2)
	printf 'Starting subtest: %s\n' "$_igt_name"
	_igt_kmsg "starting subtest $_igt_name" || :
	_igt_start=$(_igt_now_ns)
	(
		_igt_ctx=subtest
		"$_igt_fn"
	)
	_igt_status=$?
	case $_igt_status in
	0) _igt_res=SUCCESS ;;
	77) _igt_res=SKIP ;;
	78) _igt_res=TIMEOUT ;;
	98) _igt_res=FAIL ;;
	129 | 13[0-9] | 1[4-9][0-9]) # killed by a signal
		printf '%s: subtest killed by signal %d\n' \
			"$_igt_name" $((_igt_status - 128)) >&2
		_igt_res=CRASH
		;;
	*)
		printf '%s: subtest exited with status %d\n' \
			"$_igt_name" "$_igt_status" >&2
		_igt_res=FAIL
		;;
	esac
	printf 'Subtest %s: %s (%ss)\n' "$_igt_name" "$_igt_res" \
		"$(_igt_elapsed "$_igt_start")"
	_igt_kmsg "finished subtest $_igt_name, $_igt_res" || :
	_igt_results="$_igt_results $_igt_res"
}

_igt_usage() {
	cat <<EOF
Usage: $0 [--list-subtests | --run-subtest PATTERNS | --describe[=PATTERNS]]
Without options every subtest runs.
EOF
}

# igt_main "$@": parse the arguments and run.
igt_main() {
	_igt_mode=run
	_igt_patterns=""
	while [ $# -gt 0 ]; do
		case $1 in
		--list-subtests) _igt_mode=list ;;
		--run-subtest)
			[ $# -ge 2 ] || { _igt_usage >&2; exit $IGT_EXIT_INVALID; }
			_igt_patterns="$_igt_patterns,$2"
			shift
			;;
		--run-subtest=*) _igt_patterns="$_igt_patterns,${1#*=}" ;;
		--describe) _igt_mode=describe ;;
		--describe=*)
			_igt_mode=describe
			_igt_patterns="$_igt_patterns,${1#*=}"
			;;
		--debug) IGT_LOG_LEVEL=debug ;;
		--help) _igt_usage; exit 0 ;;
		*) _igt_usage >&2; exit $IGT_EXIT_INVALID ;;
		esac
		shift
	done
	_igt_patterns=${_igt_patterns#,}

	_igt_selected=""
	for _igt_n in $(_igt_names); do
		if [ -z "$_igt_patterns" ] ||
		   _igt_matches "$_igt_n" "$_igt_patterns"; then
			_igt_selected="$_igt_selected $_igt_n"
		fi
	done

	case $_igt_mode in
	list)
		for _igt_n in $_igt_selected; do
			printf '%s\n' "$_igt_n"
		done
		exit 0
		;;
	describe)
		for _igt_n in $_igt_selected; do
			printf '%s:\n  %s\n' "$_igt_n" "$(_igt_field "$_igt_n" 3)"
		done
		exit 0
		;;
	esac

	if [ -z "$_igt_selected" ]; then
		[ -z "$_igt_patterns" ] && exit 0
		printf 'Unknown subtest: %s\n' "$_igt_patterns" >&2
		exit $IGT_EXIT_INVALID
	fi

	if [ -n "$_igt_setup" ]; then
		_igt_ctx=fixture
		"$_igt_setup"
		_igt_ctx=none
	fi

	_igt_results=""
	for _igt_n in $_igt_selected; do
		_igt_run_one "$_igt_n"
	done

	if [ -n "$_igt_teardown" ]; then
		# A teardown failure fails the script, after the subtests
		# have been reported.
		( _igt_ctx=teardown; "$_igt_teardown" )
		case $? in
		0 | 77) ;;
		*) _igt_results="$_igt_results FAIL" ;;
		esac
	fi

	case " $_igt_results " in
	*" FAIL "* | *" CRASH "*) exit $IGT_EXIT_FAILURE ;;
	*" TIMEOUT "*) exit $IGT_EXIT_TIMEOUT ;;
	*" SUCCESS "*) exit $IGT_EXIT_SUCCESS ;;
	*" SKIP "*) exit $IGT_EXIT_SKIP ;;
	esac
	exit 0
}
