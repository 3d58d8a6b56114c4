#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1200 --refgpus 2
#
# The reference GPU in the test VM: loads refgpu.ko (after drm.ko, which it
# needs), which binds the two PCI functions run-vm provides (two GPUs,
# each with a DRM render node), runs every command kind, preemption, reset
# and the watchdog through the native uAPI and checks that uAPI's refusals,
# discovery and unbinding (build/bin/tests/refgpu_native), then the
# module's life cycle (drivers/gpu/refgpu/tests/refgpu_module.sh: nothing
# held, clean unload, reload cycles). run-vm fails the run on any warning
# in the kernel log.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

KO=$VGPU_KO_ROOT/drivers/gpu/refgpu/refgpu.ko
NATIVE=$VGPU_ROOT/build/bin/tests/refgpu_native
MODULE_CHECKS=$VGPU_ROOT/drivers/gpu/refgpu/tests/refgpu_module.sh

[ -f "$KO" ] || vm_fail "$KO not built (make modules)"
[ -x "$NATIVE" ] || vm_fail "$NATIVE not built (make userspace)"
mountpoint -q /sys/kernel/debug ||
	mount -t debugfs debugfs /sys/kernel/debug ||
	vm_fail "cannot mount debugfs"

# Loaded before the runner starts: the out-of-tree taint message is a
# warning the runner would otherwise charge to the first subtest.
vm_insmod "$KO" || vm_fail "cannot load $KO"
vm_log "refgpu: $(cd /sys/bus/pci/drivers/refgpu && echo 0000:*)"

vm_run_igt --timeout 300 "$NATIVE" "$MODULE_CHECKS"
