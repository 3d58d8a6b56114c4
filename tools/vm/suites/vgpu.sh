#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800 --refgpus 2 --ignore hrtimer:.interrupt.took
#
# The vGPU parent driver in the test VM: loads our mdev.ko, refgpu.ko with
# two reference GPUs and vgpu.ko, runs the vgpu_* IGT tests (the VFIO
# harness plays the guest), then unloads the parent with vGPUs still
# alive and checks that everything went away. run-vm fails the run on any
# warning in the kernel log.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests

vm_need "make all" "$TESTS/vgpu_bringup"

# Loaded before the runner starts: the out-of-tree taint message is a
# warning the runner would otherwise charge to the first subtest.
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
types=$(vm_refgpu_types 0) || vm_fail "no reference GPU"
vm_log "parents: $(ls /sys/class/mdev_bus | tr '\n' ' ')"
vm_log "types: $(ls "$types" | tr '\n' ' ')"

# VGPU_TESTS: names separated by spaces or commas (run-vm --env values
# have no spaces).
tests=${VGPU_TESTS:-bringup exec isolation hostile sched lifecycle trace iommufd faultinject fuzz migration soak}
list=()
for t in ${tests//,/ }; do
	[ -x "$TESTS/vgpu_$t" ] && list+=("$TESTS/vgpu_$t")
done
# "hrtimer: interrupt took N ns" is the hrtimer core noticing that a TCG
# vCPU was descheduled by the host inside the timer interrupt (it shows in
# suites without vgpu.ko too); it says nothing about the code under test.
# vgpu_fuzz runs VGPU_FUZZ_SECONDS (default 60 with KCOV, 20 without).
vm_run_igt --timeout $((600 + ${VGPU_SOAK_SECONDS:-0} + ${VGPU_FUZZ_SECONDS:-60})) \
	--dmesg-ignore 'hrtimer: interrupt took' \
	"${list[@]}" || vm_bad "igt-run reported failures"

# Taking the parent driver off one GPU (its auxiliary device) removes that
# GPU's vGPUs and types and leaves the other GPU's; binding brings them back.
parent=/sys/bus/auxiliary/drivers/vgpu.parent
types1=$(vm_refgpu_types 1) || vm_fail "no second reference GPU"
uuid0=$(vm_mdev_create "$types/refgpu-small") || vm_bad "cannot create on GPU 0"
uuid1=$(vm_mdev_create "$types1/refgpu-small") || vm_bad "cannot create on GPU 1"
echo refgpu.vgpu.0 > "$parent/unbind" || vm_bad "cannot unbind refgpu.vgpu.0"
[ ! -e "/sys/bus/mdev/devices/$uuid0" ] || vm_bad "GPU 0's vGPU left behind"
[ ! -e "$types" ] || vm_bad "GPU 0's types left behind"
[ -e "/sys/bus/mdev/devices/$uuid1" ] || vm_bad "GPU 1's vGPU went away"
echo refgpu.vgpu.0 > "$parent/bind" || vm_bad "cannot bind refgpu.vgpu.0"
[ -e "$types/refgpu-small" ] || vm_bad "GPU 0's types not back"
vm_log "auxiliary unbind/bind of refgpu.vgpu.0: GPU 0 parent removed and restored"

# Parent unload with live (closed) vGPUs: remove() runs for each.
for i in 1 2 3; do
	vm_mdev_create "$types/refgpu-small" >/dev/null ||
		vm_bad "cannot create a vGPU before unload"
done
n=$(ls /sys/bus/mdev/devices | wc -l)
vm_log "unloading vgpu.ko with $n vGPUs alive"
rmmod vgpu || vm_bad "rmmod vgpu failed"
[ "$(ls /sys/bus/mdev/devices | wc -l)" = 0 ] || vm_bad "vGPUs left behind"

# A watchdog budget outside 1 ms..1 h is refused at load; 1 h is taken.
ko=$VGPU_KO_ROOT/drivers/gpu/vgpu/vgpu.ko
for bad in 0 3600001 -1 x; do
	insmod "$ko" watchdog_ms=$bad 2>/dev/null &&
		vm_bad "vgpu.ko loaded with watchdog_ms=$bad"
	[ ! -d /sys/module/vgpu ] || rmmod vgpu
done
insmod "$ko" watchdog_ms=3600000 || vm_bad "vgpu.ko refused watchdog_ms=3600000"
[ "$(cat /sys/module/vgpu/parameters/watchdog_ms 2>/dev/null)" = 3600000 ] ||
	vm_bad "watchdog_ms does not read back 3600000"
rmmod vgpu || vm_bad "rmmod vgpu failed"
vm_log "watchdog_ms: 0, 3600001, -1 and x refused; 3600000 taken"
rmmod refgpu || vm_bad "rmmod refgpu failed"
rmmod mdev || vm_bad "rmmod mdev failed"
vm_exit
