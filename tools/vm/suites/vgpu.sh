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

list=()
for t in ${VGPU_TESTS:-bringup exec isolation hostile sched lifecycle trace iommufd faultinject migration}; do
	[ -x "$TESTS/vgpu_$t" ] && list+=("$TESTS/vgpu_$t")
done
# "hrtimer: interrupt took N ns" is the hrtimer core noticing that a TCG
# vCPU was descheduled by the host inside the timer interrupt (it shows in
# suites without vgpu.ko too); it says nothing about the code under test.
vm_run_igt --timeout 600 --dmesg-ignore 'hrtimer: interrupt took' \
	"${list[@]}" || vm_bad "igt-run reported failures"

# Parent unload with live (closed) vGPUs: remove() runs for each.
for i in 1 2 3; do
	vm_mdev_create "$types/refgpu-small" >/dev/null ||
		vm_bad "cannot create a vGPU before unload"
done
n=$(ls /sys/bus/mdev/devices | wc -l)
vm_log "unloading vgpu.ko with $n vGPUs alive"
rmmod vgpu || vm_bad "rmmod vgpu failed"
[ "$(ls /sys/bus/mdev/devices | wc -l)" = 0 ] || vm_bad "vGPUs left behind"
rmmod refgpu || vm_bad "rmmod refgpu failed"
rmmod mdev || vm_bad "rmmod mdev failed"
vm_exit
