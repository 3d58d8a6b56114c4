#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vgpu_migrate_host - what the vgpu-migrate suite (tools/vm/suites/
# vgpu-migrate.sh) recorded of a live migration by QEMU of a nested guest
# with a vGPU: host.log (facts of tools/vm/guest/migrate-host.py and the
# suite) and the guest script's output on each side. VGPU_MIGRATE_OUT
# names the directory.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

OUT=${VGPU_MIGRATE_OUT:-}

# fact FILE KEY: the last value of KEY=value in FILE.
fact() { sed -n "s/^$2=//p" "$OUT/$1" | tail -n 1; }

setup() {
	igt_require test -n "$OUT"
	igt_require test -f "$OUT/host.log"
}

subtest_guest_ready_on_source() {
	igt_assert_eq "$(fact output-src.log DRIVER_LOAD)" ok
	igt_assert_eq "$(fact output-src.log MIG_READY)" 1
	igt_assert_eq "$(fact host.log WAIT_ROUNDS_BEFORE)" ok
}

subtest_qemu_migration_completed() {
	igt_assert_eq "$(fact host.log MIGRATE_STATUS)" completed
	igt_assert_eq "$(fact host.log SRC_STATUS_AFTER)" postmigrate
	igt_assert_eq "$(fact host.log WAIT_DST_RUNNING)" ok
	igt_assert_eq "$(fact host.log MIGRATION_REFUSED_DST)" 0
	# QEMU's figures are there (make bench prints them).
	for k in mig.downtime_ms mig.total_ms mig.precopy_bytes \
		mig.stopcopy_bytes mig.vfio_transferred_bytes; do
		v=$(sed -n "s/^$k: //p" "$OUT/bench.txt")
		igt_assert test "${v:-0}" -gt 0
	done
}

subtest_workload_continues_on_destination() {
	# Rounds ran on the destination after the move, every round on
	# either side passed, and the loop ended at the host's STOP.
	igt_assert_eq "$(fact host.log WAIT_ROUNDS_AFTER)" ok
	igt_assert_eq "$(grep -c '^WORK_ITER [0-9]* fail' \
		"$OUT/output-src.log" "$OUT/output-dst.log" |
		awk -F: '{ n += $2 } END { print n }')" 0
	igt_assert test "$(grep -c '^WORK_ITER [0-9]* pass' \
		"$OUT/output-dst.log")" -ge 3
	igt_assert_eq "$(fact output-dst.log WORK_FAILED)" 0
	igt_assert_eq "$(fact output-dst.log WORK_RESULT)" pass
	# The guest's output is one stream, cut where QEMU switched over:
	# its rounds are 1, 2, ... with none lost or repeated.
	igt_assert_eq "$(cat "$OUT/output-src.log" "$OUT/output-dst.log" |
		sed -n 's/^WORK_ITER \([0-9]*\) pass .*/\1/p' |
		awk '$1 != NR { bad = 1 } END { print bad + 0, (NR > 3) }')" "0 1"
	igt_assert_eq "$(fact output-dst.log DRIVER_UNLOAD)" ok
	# The background writer (VGPU_MIG_PIN), when there was one.
	[ "$(fact host.log PIN)" = none ] && return 0
	igt_assert_eq "$(fact output-dst.log PIN_DONE)" 1
	igt_assert_eq "$(cat "$OUT/output-src.log" "$OUT/output-dst.log" |
		grep -c '^PIN_ITER [0-9]* fail')" 0
	igt_assert test "$(cat "$OUT/output-src.log" "$OUT/output-dst.log" |
		grep -c '^PIN_ITER [0-9]* pass')" -gt 0
}

subtest_display_continues_on_destination() {
	igt_assert_eq "$(fact host.log SCREEN_SRC)" 1024x768
	igt_assert_eq "$(fact host.log SCREEN_DST)" 1024x768
	lit=$(fact host.log SCREEN_SRC_LIT_SAMPLES)
	igt_assert test "${lit:-0}" -gt 0
	igt_assert_eq "$(fact host.log SCREEN_SAME)" 1
	igt_assert_eq "$(fact host.log DISPLAY_ERRORS_DST)" 0
}

subtest_no_pins_left_on_source() {
	igt_assert_eq "$(fact host.log QEMU_SRC_EXIT)" 0
	igt_assert_eq "$(fact host.log PINNED_SRC_AFTER_QUIT)" 0
	igt_assert_eq "$(fact host.log DISPLAY_PINNED_SRC_AFTER_QUIT)" 0
	igt_assert_eq "$(fact host.log PINNED_DST_END)" 0
	igt_assert_eq "$(fact host.log DISPLAY_PINNED_DST_END)" 0
}

subtest_guest_kernel_logs_clean() {
	igt_assert_eq "$(fact host.log QEMU_DST_EXIT)" 0
	igt_assert grep -q '^@@L2-EXIT 0@@' "$OUT/output-dst.log"
	igt_assert_eq "$(fact host.log L2_LOG_SRC)" 0
	igt_assert_eq "$(fact host.log L2_LOG_DST)" 0
}

subtest_vgpus_removable() {
	igt_assert_eq "$(fact host.log REMOVED_SRC)" 1
	igt_assert_eq "$(fact host.log REMOVED_DST)" 1
}

igt_fixture setup
igt_subtest guest-ready-on-source subtest_guest_ready_on_source \
	"The guest driver runs on the source vGPU, the work loop started"
igt_subtest qemu-migration-completed subtest_qemu_migration_completed \
	"QEMU migrated the running guest, the destination runs, QEMU's figures"
igt_subtest workload-continues-on-destination \
	subtest_workload_continues_on_destination \
	"The GPU work loop goes on where it was on the destination, every result right"
igt_subtest display-continues-on-destination \
	subtest_display_continues_on_destination \
	"Head 0 shows the same picture on the destination"
igt_subtest no-pins-left-on-source subtest_no_pins_left_on_source \
	"Once each QEMU quit, its vGPU pins no page"
igt_subtest guest-kernel-logs-clean subtest_guest_kernel_logs_clean \
	"The guest powered off on the destination, its kernel logs clean"
igt_subtest vgpus-removable subtest_vgpus_removable \
	"Both vGPUs are removed after the migration"
igt_main "$@"
