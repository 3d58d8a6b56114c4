#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800 --refgpus 2
#
# libvirt's node-device driver (Debian 12's libvirt 9.0, which runs
# mdevctl) on the reference GPUs, as an operator uses it: the suite loads
# the vGPU stack on the two PCI functions run-vm provides, starts udevd
# (libvirt learns of new devices from its events) and libvirtd with only
# its node-device driver, then runs tools/vm/tests/libvirt_nodedev.sh:
# parents listed, types as sysfs has them, define/start/destroy/undefine,
# transient create, refusals. See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

CHECKS=$VGPU_ROOT/tools/vm/tests/libvirt_nodedev.sh

vm_need "make deps" /usr/bin/virsh /usr/bin/mdevctl

vm_mdevctl_state || vm_fail "no state for mdevctl"

# shellcheck disable=SC2119 # no argument: refgpu.ko without parameters
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
for i in 0 1; do
	t=$(vm_refgpu_types $i) || vm_fail "no reference GPU $i"
	[ -d "$t" ] || vm_fail "no vGPU types on GPU $i"
	vm_log "GPU $i: $t"
done

vm_libvirtd_start nodedev || vm_fail "cannot start libvirtd"
vm_log "virsh $(virsh --version)"

vm_run_igt --timeout 600 "$CHECKS" || vm_bad "igt-run reported failures"

vm_libvirtd_stop
# The checks leave nothing behind; whatever a failed one left goes now.
for d in /sys/bus/mdev/devices/*; do
	[ -e "$d" ] || continue
	vm_bad "vGPU $(basename "$d") left behind"
	vm_mdev_remove "$(basename "$d")"
done
rmmod vgpu || vm_bad "rmmod vgpu failed"
rmmod refgpu || vm_bad "rmmod refgpu failed"
rmmod mdev || vm_bad "rmmod mdev failed"
umount /etc/mdevctl.d || vm_bad "umount /etc/mdevctl.d failed"
vm_exit
