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
rc=0
bad() { printf 'vm: FAIL: %s\n' "$*" >&2; rc=1; }

for f in "$SAMPLES/mtty.ko" "$TESTS/mdev_mdevctl"; do
	[ -e "$f" ] || vm_fail "$f missing (make modules userspace; tools/build-samples.sh)"
done
command -v mdevctl >/dev/null || vm_fail "mdevctl is not installed (make deps)"

vm_mdevctl_state || vm_fail "no state for mdevctl"

vm_load_mdev || vm_fail "cannot load our mdev.ko"
insmod "$SAMPLES/mtty.ko" || vm_fail "insmod mtty.ko failed"
vm_log "mdevctl $(mdevctl --version 2>&1)"

vm_run_igt --timeout 300 "$TESTS/mdev_mdevctl" || bad "igt-run reported failures"

rmmod mtty || bad "rmmod mtty failed"
[ -z "$(ls -A /sys/bus/mdev/devices 2>/dev/null)" ] ||
	bad "mdevs left: $(ls /sys/bus/mdev/devices)"
vm_mdev_is_ours || bad "the loaded mdev is not ours"
rmmod mdev || bad "rmmod mdev failed"
umount /etc/mdevctl.d || bad "umount /etc/mdevctl.d failed"
exit "$rc"
