#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 600
#
# Slab leak check of the mdev core: igt-tests/tests/mdev_leak.c creates and
# removes 1050 mdevs of the kernel's mtty sample on our mdev.ko and fails if
# any slab cache grows in proportion to the cycles (objects counted after
# drop_caches and a per-cache shrink, see the test). About 30 s (10 s of test).
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
MTTY=$VGPU_ROOT/build/samples/mtty.ko
rc=0

vm_need "$VM_BUILD_HINT" "$MTTY" "$TESTS/mdev_leak"

# shellcheck disable=SC2119 # no argument: our mdev.ko
vm_load_mdev || vm_fail "cannot load our mdev.ko"
insmod "$MTTY" || vm_fail "insmod mtty.ko failed"

t0=$(date +%s)
vm_run_igt --timeout 300 "$TESTS/mdev_leak" || rc=1
vm_log "mdev_leak took $(($(date +%s) - t0)) s"

rmmod mtty || { vm_log "FAIL: rmmod mtty failed"; rc=1; }
[ -z "$(ls -A /sys/bus/mdev/devices 2>/dev/null)" ] || {
	vm_log "FAIL: mdevs left: $(ls /sys/bus/mdev/devices)"
	rc=1
}
exit "$rc"
