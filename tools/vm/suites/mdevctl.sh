#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 600
#
# mdevctl (Debian's 1.2.0) drives our mdev core with the mtty sample as the
# parent: igt-tests/tests/mdev_mdevctl.c. mdevctl writes its definitions
# to /etc/mdevctl.d/<parent>/<uuid> and reads callouts and notifiers from
# /etc/mdevctl.d/scripts.d/; the root is a read-only share here, so a tmpfs
# goes over /etc/mdevctl.d with the two script directories it insists on.
# See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
SAMPLES=$VGPU_ROOT/build/samples

vm_need "$VM_BUILD_HINT" "$SAMPLES/mtty.ko" "$TESTS/mdev_mdevctl"
command -v mdevctl >/dev/null || vm_fail "mdevctl is not installed (make deps)"

vm_mdevctl_state || vm_fail "no state for mdevctl"

vm_load_mdev || vm_fail "cannot load our mdev.ko"
insmod "$SAMPLES/mtty.ko" || vm_fail "insmod mtty.ko failed"
vm_log "mdevctl $(mdevctl --version 2>&1)"

vm_run_igt --timeout 300 "$TESTS/mdev_mdevctl" || vm_bad "igt-run reported failures"

rmmod mtty || vm_bad "rmmod mtty failed"
[ -z "$(ls -A /sys/bus/mdev/devices 2>/dev/null)" ] ||
	vm_bad "mdevs left: $(ls /sys/bus/mdev/devices)"
vm_mdev_is_ours || vm_bad "the loaded mdev is not ours"
rmmod mdev || vm_bad "rmmod mdev failed"
umount /etc/mdevctl.d || vm_bad "umount /etc/mdevctl.d failed"
vm_exit
