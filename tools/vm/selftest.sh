#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# selftest - negative and positive tests of the VM test world itself, run on
# the development machine (each VM subtest boots one VM, about 10-30 s; the
# nested-guest ones boot the L2 setup directly under QEMU here, about 10 s):
#
#   logscan-*                 the kernel log scanner, on sample lines
#   clean-suite-passes        run-vm passes a good suite; its RESULTS_DIR
#                             file, dmesg and timing line reach the host
#   bad-suite-fails           run-vm fails a suite that logs a WARNING and
#                             exits 1, and names both reasons
#   hang-times-out            run-vm stops a suite that never ends at
#                             --timeout, fails it and keeps the logs
#   crash-fails-run           run-vm fails a run whose kernel panics,
#                             from the serial log alone
#   mdev-replacement          vm_load_mdev refuses to work over the
#                             distribution's mdev; modprobe, insmod of the
#                             distribution's path and the kernel's
#                             request_module all load ours (needs
#                             drivers/vfio/mdev/mdev.ko)
#   nested-guest-*            nested-guest returns the L2 script's output
#                             and status, fails on an L2 kernel warning,
#                             and stops at its timeout
#
# Logs go to build/vm/selftest/. IGT runner protocol (igt_core.sh).

VGPU_ROOT=${VGPU_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

VM=$VGPU_ROOT/tools/vm
WORK=$VGPU_ROOT/build/vm/selftest

# run_vm NAME SUITE [ARGS...]: run a suite with logs in $WORK/NAME; the
# runner's output is in $WORK/NAME.out, its exit status in $rc.
run_vm() {
	name=$1
	suite=$2
	shift 2
	mkdir -p "$WORK"
	"$VM/run-vm" --quiet --suite "$suite" --logdir "$WORK/$name" "$@" \
		> "$WORK/$name.out" 2>&1
	rc=$?
	igt_info "run-vm $suite: status $rc"
	sed 's/^/  | /' "$WORK/$name.out"
}

# out_has NAME ERE: the runner's output for NAME matches ERE.
out_has() { grep -q -E -e "$2" "$WORK/$1.out"; }

subtest_logscan_detects() {
	f=$WORK/logscan-detects.log
	mkdir -p "$WORK"
	for line in \
		'[    5.1] WARNING: CPU: 0 PID: 1 at drivers/x.c:1 f+0x0/0x1' \
		'[    5.1] BUG: kernel NULL pointer dereference, address: 0' \
		'[    5.1] Oops: 0000 [#1] PREEMPT SMP NOPTI' \
		'[    5.1] Call Trace:' \
		'[    5.1] watchdog: BUG: soft lockup - CPU#0 stuck for 22s!' \
		'[    5.1] INFO: task x:1 blocked for more than 120 seconds.' \
		'[    5.1] Kernel panic - not syncing: Fatal exception' \
		'[    5.1] general protection fault, probably for non-canonical address 0xdead: 0000 [#1]' \
		'[    5.1] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:' \
		'[    5.1] BUG kmalloc-64 (Tainted: G O): Poison overwritten'
	do
		printf '%s\n' "$line" > "$f"
		if "$VM/logscan" "$f" >/dev/null; then
			igt_fail "logscan missed: $line"
		fi
	done
	printf '[    5.1] all fine\n' > "$f"
	igt_assert "$VM/logscan" "$f"
}

subtest_logscan_ignores() {
	f=$WORK/logscan-ignores.log
	mkdir -p "$WORK"
	cat > "$f" <<'EOF'
[    0.000000] Command line: console=ttyS0 panic=-1 hung_task_panic=0
[    0.100000] Kernel command line: console=ttyS0 panic=-1 hung_task_panic=0
[    9.000000] traps: crasher[77] general protection fault ip:4011d6 sp:7ffc error:0 in crasher[401000+1000]
vm-init: suite-exit status=0 uptime=9.31
EOF
	igt_assert "$VM/logscan" "$f"
	echo '[    9.5] WARNING: CPU: 0 PID: 9 at expected_warn+0x0/0x1' >> "$f"
	if "$VM/logscan" "$f" >/dev/null; then
		igt_fail "logscan missed the WARNING"
	fi
	igt_assert "$VM/logscan" --ignore 'at expected_warn' "$f"
}

subtest_clean_suite_passes() {
	run_vm pass selftest-pass --timeout 120
	igt_assert_eq "$rc" 0
	igt_assert out_has pass '^run-vm: selftest-pass: PASS'
	igt_assert out_has pass '^boot-to-suite: [0-9.]+ s \(host wall\), [0-9.]+ s'
	igt_assert grep -q "^selftest-pass $(tools_kver)\$" \
		"$WORK/pass/results/selftest-pass.txt"
	igt_assert grep -q 'Linux version' "$WORK/pass/dmesg.txt"
	igt_assert grep -q 'selftest-pass: done' "$WORK/pass/suite.log"
	igt_assert grep -q 'vm-init: suite-exit status=0' "$WORK/pass/serial.log"
}

tools_kver() { "$VGPU_ROOT/tools/kver"; }

subtest_bad_suite_fails() {
	run_vm bad selftest-bad --timeout 120
	igt_assert test "$rc" -ne 0
	# Both reasons must be found, each on its own.
	igt_assert out_has bad 'the suite exited with status 1'
	igt_assert out_has bad 'the kernel log is not clean'
	igt_assert out_has bad 'dmesg.txt:.*WARNING: CPU: 0 PID: [0-9]+ at selftest_bad'
	igt_assert out_has bad 'serial.log:.*WARNING: CPU: 0 PID: [0-9]+ at selftest_bad'
	igt_assert out_has bad '^run-vm: selftest-bad: FAIL'
	# The same run with the warning ignored fails for the status alone.
	igt_assert test -s "$WORK/bad/dmesg.txt"
	igt_assert "$VM/logscan" --ignore 'at selftest_bad' \
		"$WORK/bad/serial.log" "$WORK/bad/dmesg.txt"
}

subtest_hang_times_out() {
	start=$(date +%s)
	run_vm hang selftest-hang --timeout 30
	took=$(($(date +%s) - start))
	igt_assert_eq "$rc" 3
	igt_assert out_has hang '^run-vm:   timeout'
	igt_assert test "$took" -lt 60
	igt_assert grep -q 'selftest-hang: sleeping forever' \
		"$WORK/hang/suite.log"
	igt_assert test -s "$WORK/hang/serial.log"
}

subtest_crash_fails_run() {
	run_vm crash selftest-crash --timeout 120
	igt_assert_eq "$rc" 4
	igt_assert out_has crash 'the VM stopped before the suite ended'
	igt_assert out_has crash 'serial.log:.*Kernel panic'
	igt_assert test ! -e "$WORK/crash/results/suite-status"
}

subtest_mdev_replacement() {
	igt_require test -f "$VGPU_ROOT/drivers/vfio/mdev/mdev.ko"
	run_vm mdev selftest-mdev --timeout 200
	igt_assert_eq "$rc" 0
	# Every check ran and passed (the suite prints one line per check).
	igt_assert_eq "$(grep -c "^check: .* ok$" "$WORK/mdev/suite.log")" 12
	igt_assert test "$(grep -c FAILED "$WORK/mdev/suite.log")" = 0
}

# nested NAME SCRIPT-TEXT [ARGS...]: nested-guest on this machine, output
# in $WORK/NAME.out, status in $rc.
nested() {
	name=$1
	mkdir -p "$WORK/$name"
	printf '%s\n' "$2" > "$WORK/$name/script.sh"
	shift 2
	"$VM/nested-guest" --logdir "$WORK/$name" "$@" \
		"$WORK/$name/script.sh" > "$WORK/$name.out" 2> "$WORK/$name.err"
	rc=$?
	igt_info "nested-guest $name: status $rc"
	sed 's/^/  | /' "$WORK/$name.out" "$WORK/$name.err"
}

subtest_nested_guest_status() {
	nested l2-status 'echo "l2 says $(pio rb 0x3fd)"; exit 7'
	igt_assert_eq "$rc" 7
	igt_assert grep -q -E '^l2 says 0x[0-9a-f]{2}$' "$WORK/l2-status.out"
	igt_assert grep -q 'l2-boot: [0-9.]* s' "$WORK/l2-status.err"
}

subtest_nested_guest_kernel_warning() {
	nested l2-warn \
		'echo "WARNING: CPU: 0 PID: 1 at l2_selftest+0x0/0x1" > /dev/kmsg'
	igt_assert_eq "$rc" 126
	igt_assert grep -q 'at l2_selftest' "$WORK/l2-warn.err"
}

subtest_nested_guest_timeout() {
	nested l2-timeout 'sleep 1000' --timeout 3
	igt_assert_eq "$rc" 124
}

igt_subtest logscan-detects subtest_logscan_detects \
	"The log scanner finds each kind of kernel problem"
igt_subtest logscan-ignores subtest_logscan_ignores \
	"The scanner skips the command line, userspace faults and --ignore"
igt_subtest clean-suite-passes subtest_clean_suite_passes \
	"run-vm passes a good suite and brings its results back"
igt_subtest bad-suite-fails subtest_bad_suite_fails \
	"run-vm fails a suite that logs a WARNING and exits 1, naming both"
igt_subtest hang-times-out subtest_hang_times_out \
	"run-vm stops a hanging suite at --timeout and fails it"
igt_subtest crash-fails-run subtest_crash_fails_run \
	"run-vm fails a run whose kernel panics, from the serial log alone"
igt_subtest mdev-replacement subtest_mdev_replacement \
	"vm_load_mdev refuses a foreign mdev; every load path gives ours"
igt_subtest nested-guest-status subtest_nested_guest_status \
	"nested-guest returns the L2 script's output and exit status"
igt_subtest nested-guest-kernel-warning subtest_nested_guest_kernel_warning \
	"nested-guest fails a run whose L2 kernel log has a WARNING"
igt_subtest nested-guest-timeout subtest_nested_guest_timeout \
	"nested-guest stops the L2 guest at --timeout"
igt_main "$@"
