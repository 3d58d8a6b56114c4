#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vgpu_guest_host - the host's view of a nested guest run of the vgpu-guest
# suite (tools/vm/suites/vgpu-guest.sh): what the guest reported on its
# channel (output.log), what the host recorded (host.log), and nested-guest's
# verdict on the guest kernel log. VGPU_GUEST_OUT names the directory.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

OUT=${VGPU_GUEST_OUT:-}

# fact FILE KEY: the last value of KEY=value in FILE.
fact() { sed -n "s/^$2=//p" "$OUT/$1" | tail -n 1; }

setup() {
	igt_require test -n "$OUT"
	igt_require test -f "$OUT/host.log"
	medium=$(fact host.log VGPU_MEDIUM)
	copy=$(fact host.log VGPU_COPY)
}

subtest_guest_booted_and_bound() {
	igt_assert test -f "$OUT/output.log"
	igt_assert_eq "$(fact output.log DRIVER_LOAD)" ok
	# Both vGPUs, the two-head one and the headless one.
	igt_assert_eq "$(fact output.log BOUND_DEVICES)" 2
}

subtest_guest_results_returned() {
	f=$RESULTS_DIR/l2.results.json
	igt_assert test -s "$f"
	igt_assert /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["__type__"] == "TestrunResult"
assert len(r["tests"]) > 0' "$f"
}

subtest_guest_kernel_log_clean() {
	# nested-guest: 126 = clean exit but the L2 kernel log shows a
	# problem; anything but 0 means the guest did not finish cleanly.
	igt_assert_eq "$(fact host.log NESTED_GUEST_EXIT)" 0
}

subtest_driver_unload_with_clients_gone() {
	igt_assert_eq "$(fact output.log DRIVER_UNLOAD)" ok
}

subtest_no_pins_after_driver_unload() {
	igt_assert_eq "$(fact output.log IDLE_CHECK)" answered
	for u in $medium $copy; do
		igt_assert_eq "$(fact host.log "PINNED_AT_IDLE_CHECK_$u")" \
			"$(fact host.log "PINNED_BEFORE_$u")"
	done
}

subtest_no_pins_after_close() {
	for u in $medium $copy; do
		igt_assert_eq "$(fact host.log "PINNED_AFTER_CLOSE_$u")" 0
	done
	igt_assert_eq "$(fact host.log DISPLAY_PINNED_AFTER_CLOSE)" 0
	igt_assert_eq "$(fact host.log DMABUFS_AFTER_CLOSE)" 0
}

subtest_fbdev_console_on_head0() {
	igt_assert_eq "$(fact output.log CONSOLE_SCREENDUMP)" answered
	# QEMU shows head 0 at the mode fbdev set up: the EDID's preferred.
	igt_assert_eq "$(fact host.log SCREENDUMP_CONSOLE_SIZE)" 1024x768
	lit=$(fact host.log SCREENDUMP_CONSOLE_NONBLACK)
	igt_assert test "${lit:-0}" -gt 0
}

subtest_hotplug_request_served() {
	v=$(fact host.log HOTPLUG_EDID_MODE)
	igt_require test -n "$(fact host.log HOTPLUG_REQUEST)"
	# display_edid_mode reads back "HEAD WxH" of the EDID the guest sees.
	igt_assert_eq "$v" "$(fact host.log HOTPLUG_REQUEST) $(fact host.log HOTPLUG_MODE)"
}

# work NODE RUN KEY: the value vgpu-work printed for KEY in that run.
work() {
	sed -n "s/^VGPU_WORK $1 $2 $3: //p" "$OUT/output.log" | tail -n 1
}

subtest_vgpu_work_runs() {
	nodes=$(sed -n 's/^VGPU_WORK \([^ ]*\) info device: .*/\1/p' \
		"$OUT/output.log" | sort -u)
	# Both vGPUs have a render node.
	igt_assert_eq "$(echo "$nodes" | grep -c .)" 2
	for n in $nodes; do
		igt_assert_eq "$(work "$n" fill result)" pass
		igt_assert_eq "$(work "$n" fill pixels_wrong)" 0
		igt_assert_eq "$(work "$n" throughput result)" pass
		igt_assert_eq "$(work "$n" throughput submissions)" 100
		# A timed run stops on time, not on a count.
		igt_assert_eq "$(work "$n" timed result)" pass
		igt_assert test "$(work "$n" timed submissions)" -gt 0
		igt_assert_eq "$(work "$n" timed writes_per_submission)" 4
		igt_assert_eq "$(work "$n" timed dwords_wrong)" 0
		secs=$(work "$n" timed seconds)
		igt_assert test "${secs%%.*}" -ge 3
		igt_assert test "${secs%%.*}" -lt 60
		igt_assert_eq "$(work "$n" hostile result)" refused
		igt_assert_eq "$(work "$n" hostile recovered)" yes
	done
}

igt_fixture setup
igt_subtest guest-booted-and-bound subtest_guest_booted_and_bound \
	"The guest driver loads and binds the two-head and the headless vGPU"
igt_subtest guest-results-returned subtest_guest_results_returned \
	"The guest test run's results.json reached the host"
igt_subtest guest-kernel-log-clean subtest_guest_kernel_log_clean \
	"The nested guest ended its script with a clean kernel log"
igt_subtest driver-unload-with-clients-gone \
	subtest_driver_unload_with_clients_gone \
	"rmmod vgpu_drm succeeds once the tests closed their devices"
igt_subtest no-pins-after-driver-unload subtest_no_pins_after_driver_unload \
	"After the driver unloads, the host pins no more pages than before the guest"
igt_subtest no-pins-after-close subtest_no_pins_after_close \
	"After QEMU closed the vGPUs nothing is pinned or exported"
igt_subtest fbdev-console-on-head0 subtest_fbdev_console_on_head0 \
	"The kernel console drawn by fbdev emulation is what head 0 shows"
igt_subtest hotplug-request-served subtest_hotplug_request_served \
	"The guest's hotplug request became an EDID change on the host"
igt_subtest vgpu-work-runs subtest_vgpu_work_runs \
	"vgpu-work's fill, counted and timed throughput and hostile runs on each vGPU"
igt_main "$@"
