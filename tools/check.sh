#!/bin/sh
# make check: install what is missing, build everything, run the unit tests
# on this machine and every VM suite in its own VM, then print one summary
# line "N passed, N failed". Exits non-zero on any failure.
#
#   tools/check.sh [--unit-only | --vm-only] [--suites "a b"]
#                  [--suites-612 "a b"] [--suites-iommufd "a b"]
#
# The VM suites run on Debian's 6.1 with QEMU 7.2 (the machine's); then the
# suites of suites_612 (default below; --suites-612 picks others, --suites
# alone none) run again on the newer stack of Debian 12 backports: Linux
# 6.12 with the modules built for it, QEMU 10 as the test VM's VMM and as
# the nested guests'. Last, the suites of suites_iommufd run on the
# purpose-built host kernel (6.12 built from its source with CONFIG_IOMMUFD
# and the VFIO cdev, and the kernel's debugging tools: KASAN, lockdep,
# kmemleak, UBSAN, fault injection; tools/vm/host-kernel.sh and
# docs/testing.md, "The debug profile") with QEMU 10, every vGPU opened
# through the cdev and an IOAS (VFIO_HARNESS_BACKEND=iommufd; QEMU's
# -object iommufd). That kernel and the nested guests' are built (once;
# cached outside the tree) in the background from the start, at the
# lowest CPU priority, so that they take the time the other stages leave
# idle (docs/kernels.md).
#
# UNIT_TESTS (from the build.mk fragments) arrives through the environment
# when run by make; otherwise it is asked from make.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RESULTS="$ROOT/build/results"
run_unit=1
run_vm=1
suites=""
suites_612="vgpu vgpu-display mdev-compat vgpu-display-nested vgpu-migrate"
suites_iommufd="vgpu vgpu-display vgpu-display-nested"
while [ $# -gt 0 ]; do
	case "$1" in
	--unit-only) run_vm=0 ;;
	--vm-only) run_unit=0 ;;
	--suites) suites="$2"; suites_612=""; suites_iommufd=""; shift ;;
	--suites-612) suites_612="$2"; shift ;;
	--suites-iommufd) suites_iommufd="$2"; shift ;;
	*) echo "check: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

start=$(date +%s)
"$ROOT/tools/deps.sh" || exit 1
make -s -C "$ROOT" all || { echo "0 passed, 1 failed"; exit 1; }
"$ROOT/tools/build-samples.sh" >/dev/null || { echo "0 passed, 1 failed"; exit 1; }

if [ -z "${UNIT_TESTS+set}" ]; then
	UNIT_TESTS=$(make -s -C "$ROOT" --no-print-directory print-unit-tests)
fi

# A stage that could not produce results still has to count as failed:
# record it as a failed test in the same results.json shape.
record_failure() { # stage test reason
	mkdir -p "$RESULTS/$1"
	now=$(date +%s)
	cat > "$RESULTS/$1/results.json" <<JSON
{"__type__": "TestrunResult", "results_version": 10, "name": "$1",
 "time_elapsed": {"__type__": "TimeAttribute", "start": $now, "end": $now},
 "tests": {"$2": {"result": "fail", "out": "", "err": "$3", "dmesg": "",
   "time": {"__type__": "TimeAttribute", "start": 0.0, "end": 0.0}}},
 "totals": {"root": {"pass": 0, "fail": 1, "skip": 0, "timeout": 0,
   "crash": 0, "dmesg-warn": 0, "dmesg-fail": 0, "incomplete": 0,
   "notrun": 0, "warn": 0, "abort": 0}}}
JSON
	echo "FAIL: $2: $3"
}

# run_suite PREFIX SUITE WHAT [RUN-VM ARGS...]: one VM suite, logs in
# build/vm/logs[-PREFIX]/SUITE. Its results (and its nested guests') are
# copied to $RESULTS as PREFIX-SUITE[.GUEST].results.json; a failed run is
# recorded as the failed test vm[-PREFIX]@SUITE@run, or @boot when the
# suite produced no results. WHAT says on which kernel/VMM, for the log.
run_suite() {
	pfx=$1 s=$2 what=$3
	shift 3
	logdir="$ROOT/build/vm/logs${pfx:+-$pfx}/$s"
	name="vm${pfx:+-$pfx}"
	out="$RESULTS/${pfx:+$pfx-}$s"
	if ! "$ROOT/tools/vm/run-vm" --suite "$s" --logdir "$logdir" "$@"; then
		if [ -f "$logdir/results/results.json" ]; then
			# The suite ran; the runner failed it for its kernel
			# log, its exit status or its timeout.
			record_failure "$name-$s" "$name@$s@run" \
				"run-vm $what failed; logs in $logdir"
		else
			record_failure "$name-$s" "$name@$s@boot" \
				"no results $what; logs in $logdir"
		fi
	fi
	[ -f "$logdir/results/results.json" ] &&
		cp "$logdir/results/results.json" "$out.results.json"
	# Results of nested guests, named <guest>.results.json.
	for f in "$logdir"/results/*.results.json; do
		[ -f "$f" ] && cp "$f" "$out.$(basename "$f")"
	done
	return 0
}

# run_suites_one_boot PREFIX "SUITE..." WHAT [RUN-VM ARGS...]: the suites in
# one VM boot (tools/vm/suites/multi.sh), logs in build/vm/logs-PREFIX/multi.
# Results as run_suite's, per suite; a suite that failed or never ran is
# the failed test vm-PREFIX@SUITE@run or @boot; a failed run whose suites
# all passed (kernel log, kmemleak, timeout) is vm-PREFIX@multi@run.
run_suites_one_boot() {
	pfx=$1 list=$2 what=$3
	shift 3
	logdir="$ROOT/build/vm/logs-$pfx/multi"
	name="vm-$pfx"
	ran=$logdir/results/suites
	run_ok=1 suites_ok=1
	"$ROOT/tools/vm/run-vm" --suite multi --logdir "$logdir" \
		--env "VM_SUITES=$(echo "$list" | tr -s ' ' ,)" "$@" || run_ok=0
	for s in $list; do
		r=$logdir/results/$s
		st=$(awk -v s="$s" '$1 == s { print $2 }' "$ran" 2>/dev/null)
		if [ -z "$st" ]; then
			suites_ok=0
			record_failure "$name-$s" "$name@$s@boot" \
				"$s did not run $what; logs in $logdir"
		elif [ "$st" != 0 ]; then
			suites_ok=0
			record_failure "$name-$s" "$name@$s@run" \
				"$s exited with status $st $what; logs in $logdir"
		fi
		[ -f "$r/results.json" ] &&
			cp "$r/results.json" "$RESULTS/$pfx-$s.results.json"
		for f in "$r"/*.results.json; do
			[ -f "$f" ] && cp "$f" "$RESULTS/$pfx-$s.$(basename "$f")"
		done
	done
	[ $run_ok = 1 ] || [ $suites_ok = 0 ] ||
		record_failure "$name-multi" "$name@multi@run" \
			"run-vm $what failed; logs in $logdir"
	return 0
}

rm -rf "$RESULTS"
mkdir -p "$RESULTS"

# The kernels the VM stages need are built (once; cached outside the tree)
# in the background from the start, at the lowest CPU priority: the unit
# tests leave a core idle, and on a fresh machine that is where the
# nested guests' kernel and the iommufd host kernel get built. A stage
# that needs one waits for it (the scripts hold a lock while building).
if [ $run_vm -eq 1 ]; then
	nice -n 19 "$ROOT/tools/vm/guest-kernel.sh" \
		>/dev/null 2>"$RESULTS/guest-kernel-bg.log" &
fi
hk_pid=
if [ $run_vm -eq 1 ] && [ -n "$suites_iommufd" ]; then
	nice -n 19 "$ROOT/tools/vm/host-kernel.sh" --root \
		>"$RESULTS/host-kernel.root" 2>"$RESULTS/host-kernel.log" &
	hk_pid=$!
fi

if [ $run_unit -eq 1 ]; then
	echo "== unit tests (this machine)"
	# The VM runner's own self-test proves it fails bad suites.
	host_tests="$(ls "$ROOT"/tools/tests/*.sh 2>/dev/null) $ROOT/tools/vm/selftest.sh"
	# shellcheck disable=SC2086
	"$ROOT/build/bin/igt-run" --name unit --no-dmesg --timeout 300 \
		--results "$RESULTS/unit" $UNIT_TESTS $host_tests
fi

if [ $run_vm -eq 1 ]; then
	# The nested guests' kernel (cached outside the tree; minutes when its
	# inputs changed) and the guest driver built against it.
	echo "== guest kernel and modules"
	if ! make -s -C "$ROOT" guest-modules >"$RESULTS/guest-build.log" 2>&1; then
		tail -n 30 "$RESULTS/guest-build.log"
		record_failure guest-build "build@guest-modules" \
			"make guest-modules failed; see $RESULTS/guest-build.log"
	fi
	# vgpu-migrate needs QEMU 10 (VFIO migration v2): 612 stage only;
	# multi runs other suites.
	if [ -z "$suites" ]; then
		suites=$(ls "$ROOT"/tools/vm/suites/ | sed -n 's/^\([a-z0-9][a-z0-9-]*\)\.sh$/\1/p' |
			grep -v -e '^selftest-' -e '^demo$' -e '-bench$' -e '^manual-' \
				-e '^vgpu-migrate$' -e '^multi$')
	fi
	# Mesa, kmscube and weston for the vgpu-guest suite's guest (cached;
	# packed again only when a package or the packing script changed).
	if echo "$suites" | tr -s ' ' '\n' | grep -qx vgpu-guest &&
		! make -s -C "$ROOT" guest-mesa >"$RESULTS/guest-mesa.log" 2>&1; then
		tail -n 30 "$RESULTS/guest-mesa.log"
		record_failure guest-mesa "build@guest-mesa" \
			"make guest-mesa failed; see $RESULTS/guest-mesa.log"
	fi
	for s in $suites; do
		echo "== VM suite: $s"
		run_suite "" "$s" "on Debian's kernel"
	done
fi

if [ $run_vm -eq 1 ] && [ -n "$suites_612" ]; then
	# Linux 6.12: its image and modules, its headers and samples
	# (downloaded once, cached outside the tree), our modules built for it
	# in a copy of the tree.
	echo "== Linux 6.12, QEMU 10: kernel, modules, VMM"
	log=$RESULTS/k612-build.log
	if kroot=$("$ROOT/tools/kernel-612.sh" --image 2>"$log") &&
	   kotree=$("$ROOT/tools/modules-612.sh" 2>>"$log") &&
	   qemu10=$("$ROOT/tools/qemu-10.sh" 2>>"$log"); then
		for s in $suites_612; do
			echo "== VM suite on Linux 6.12, QEMU 10: $s"
			run_suite 612 "$s" "on Linux 6.12, QEMU 10" \
				--kroot "$kroot" --koroot "$kotree" \
				--qemu "$qemu10" --l2-qemu "$qemu10"
		done
	else
		tail -n 30 "$log"
		record_failure k612 "build@linux-612" \
			"Linux 6.12, the modules for it or QEMU 10 failed; see $log"
	fi
fi

if [ -n "$hk_pid" ]; then
	echo "== debug host kernel (Linux 6.12: IOMMUFD, KASAN, lockdep, kmemleak), QEMU 10"
	log=$RESULTS/host-kernel.log
	# The soak runs on this kernel in make soak, alone: in this stage,
	# on a loaded machine, its seven processes under KASAN made innocent
	# workloads overrun the engine watchdog's 500 ms.
	if wait "$hk_pid" && kroot=$(cat "$RESULTS/host-kernel.root") &&
	   kotree=$("$ROOT/tools/modules-612.sh" --iommufd 2>>"$log") &&
	   qemu10=$("$ROOT/tools/qemu-10.sh" 2>>"$log"); then
		# One boot for all of them: a boot of this kernel and its
		# kmemleak scans cost about a minute.
		echo "== VM suites on the debug host kernel, QEMU 10, iommufd, one boot: $suites_iommufd"
		run_suites_one_boot iommufd "$suites_iommufd" \
			"on the debug host kernel" \
			--kroot "$kroot" --koroot "$kotree" \
			--qemu "$qemu10" --l2-qemu "$qemu10" \
			--env VFIO_HARNESS_BACKEND=iommufd \
			--env VGPU_SOAK_SECONDS=0
	else
		tail -n 30 "$log"
		record_failure host-kernel "build@host-kernel" \
			"the debug host kernel, the modules for it or QEMU 10 failed; see $log"
	fi
fi

end=$(date +%s)
echo "== summary ($((end - start)) s)"
exec "$ROOT/build/bin/igt-run" --summarize $(find "$RESULTS" -name '*results.json' | sort)
