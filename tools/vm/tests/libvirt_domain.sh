#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libvirt_domain - the checks of the libvirt-domain suite
# (tools/vm/suites/libvirt-domain.sh): vGPUs made with virsh nodedev-create,
# handed to libvirt domains as <hostdev type='mdev'>, used by the guest
# driver, and released by virsh destroy and nodedev-destroy. Reads what
# the suite recorded (host.log) and what each guest printed (output.log,
# console.log) under VGPU_LIBVIRT_OUT.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

OUT=${VGPU_LIBVIRT_OUT:-}

# fact FILE KEY: the last value of KEY=value in FILE.
fact() { sed -n "s/^$2=//p" "$OUT/$1" | tail -n 1; }
contains() {
	case $1 in
	*"$2"*) return 0 ;;
	esac
	return 1
}
# work DOMAIN NODE KEY: what vgpu-work printed for KEY in that guest.
work() { sed -n "s/^WORK $2 $3: //p" "$OUT/$1/output.log" | tail -n 1; }

setup() {
	igt_require test -n "$OUT"
	igt_require test -f "$OUT/host.log"
	one=$(fact host.log ONE_VGPU)
}

subtest_nodedev_create_makes_vgpu() {
	igt_assert test -n "$one"
	# mdevctl (which libvirt runs) lists it: parent, type, transient.
	igt_assert_eq "$(fact host.log ONE_MDEVCTL | cut -d' ' -f3)" \
		refgpu-small
}

subtest_domain_gets_mdev_hostdev() {
	igt_assert_eq "$(fact host.log ONE_STARTED)" yes
	args=$(fact host.log ONE_QEMU_ARGS)
	# libvirt 9.0 passes -device as JSON.
	igt_assert contains "$args" "\"sysfsdev\":\"/sys/bus/mdev/devices/$one\""
	igt_assert contains "$args" '"display":"on"'
}

# bound DOMAIN N: the guest driver bound N vGPUs and ran a fill on each.
bound() {
	igt_assert_eq "$(fact "$1/output.log" DRIVER_LOAD)" ok
	igt_assert_eq "$(fact "$1/output.log" VGPU_DEVICES)" "$2"
	igt_assert_eq "$(fact "$1/output.log" RENDER_NODES)" "$2"
	nodes=$(sed -n 's/^WORK \([^ ]*\) device: .*/\1/p' \
		"$OUT/$1/output.log" | sort -u)
	igt_assert_eq "$(echo "$nodes" | grep -c .)" "$2"
	for n in $nodes; do
		igt_assert_eq "$(work "$1" "$n" result)" pass
		igt_assert_eq "$(work "$1" "$n" pixels_wrong)" 0
	done
	igt_assert_eq "$(fact "$1/output.log" WORK_EXIT)" 0
}

subtest_guest_driver_binds_and_works() {
	bound one 1
}

subtest_display_shows_guest() {
	# virsh screenshot reads the vGPU's display (QEMU's vfio display,
	# region protocol): fbdev's console at the EDID's preferred mode,
	# with text on it.
	igt_assert_eq "$(fact host.log ONE_SCREENSHOT)" "1024x768 lit"
}

subtest_destroy_releases_pins() {
	# shellcheck disable=SC2046 # a UUID and counts: words
	set -- $(fact host.log ONE_PINNED_RUNNING)
	# The running guest pinned its GGTT's pages: the check can fail.
	igt_assert_eq "$1" "$one"
	igt_assert test "$2" -gt 0
	igt_assert_eq "$(fact host.log ONE_DESTROYED)" yes
	igt_assert_eq "$(fact host.log ONE_PINNED_AFTER_DESTROY)" "$one 0 0"
}

subtest_nodedev_destroy_removes_vgpu() {
	igt_assert_eq "$(fact host.log ONE_NODEDEV_DESTROYED)" yes
	igt_assert_eq "$(fact host.log ONE_GONE)" yes
}

subtest_two_types_in_one_domain() {
	# shellcheck disable=SC2046 # a UUID and counts: words
	set -- $(fact host.log TWO_VGPUS)
	igt_assert_eq "$#" 2
	igt_assert_eq "$(fact host.log TWO_STARTED)" yes
	bound two 2
	# One vGPU of each type: the copy type has only the copy engine.
	igt_assert_eq "$(sed -n 's/^WORK [^ ]* engines: //p' \
		"$OUT/two/output.log" | sort -u | tr '\n' ,)" "copy,render copy,"
	igt_assert grep -q '^@@L2-EXIT 0@@' "$OUT/two/output.log"
}

subtest_two_released_at_end() {
	# shellcheck disable=SC2046 # a UUID and counts: words
	set -- $(fact host.log TWO_VGPUS)
	igt_assert_eq "$(fact host.log TWO_PINNED_AFTER_END)" \
		"$1 0 0 $2 0 0"
	igt_assert_eq "$(fact host.log "TWO_GONE_$1")" yes
	igt_assert_eq "$(fact host.log "TWO_GONE_$2")" yes
}

subtest_guest_kernel_logs_clean() {
	for d in one two; do
		igt_assert test -s "$OUT/$d/console.log"
		bad=$("$VGPU_ROOT/tools/vm/logscan" "$OUT/$d/console.log")
		igt_assert_eq "$bad" ""
	done
}

igt_fixture setup
igt_subtest nodedev-create-makes-vgpu subtest_nodedev_create_makes_vgpu \
	"virsh nodedev-create makes a transient vGPU of the named type"
igt_subtest domain-gets-mdev-hostdev subtest_domain_gets_mdev_hostdev \
	"A domain with <hostdev type='mdev' display='on'> starts QEMU with the vGPU"
igt_subtest guest-driver-binds-and-works subtest_guest_driver_binds_and_works \
	"In the domain the guest driver binds the vGPU and a fill passes"
igt_subtest display-shows-guest subtest_display_shows_guest \
	"virsh screenshot shows the guest's display at its mode"
igt_subtest destroy-releases-pins subtest_destroy_releases_pins \
	"virsh destroy of a guest using its vGPU leaves no page pinned"
igt_subtest nodedev-destroy-removes-vgpu subtest_nodedev_destroy_removes_vgpu \
	"virsh nodedev-destroy removes the released vGPU"
igt_subtest two-types-in-one-domain subtest_two_types_in_one_domain \
	"A domain with a medium and a copy vGPU sees and uses both"
igt_subtest two-released-at-end subtest_two_released_at_end \
	"After that guest powers off nothing is pinned and both vGPUs go"
igt_subtest guest-kernel-logs-clean subtest_guest_kernel_logs_clean \
	"Both guests' kernel logs show no oops, warning or lockup"
igt_main "$@"
