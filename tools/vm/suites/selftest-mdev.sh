#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runner self-test (tools/vm/selftest.sh): vm_load_mdev's guarantees, with
# our drivers/vfio/mdev/mdev.ko built. With the distribution's mdev loaded
# first, vm_load_mdev must refuse and vm_mdev_is_ours must say no. After
# vm_load_mdev, every way of loading "mdev" (modprobe, insmod of the
# distribution's path) must load ours. Prints one "check: NAME ok|FAILED"
# line per check and exits 1 if one failed.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

DISTRO=/lib/modules/$KVER/kernel/drivers/vfio/mdev/mdev.ko
rc=0
check() {
	local name=$1
	shift
	if "$@"; then
		echo "check: $name ok"
	else
		echo "check: $name FAILED"
		rc=1
	fi
}
not() { ! "$@"; }
one_mdev() { [ "$(grep -c '^mdev ' /proc/modules)" = 1 ]; }

[ -f "$VM_MDEV_KO" ] || vm_fail "$VM_MDEV_KO not built"

insmod "$DISTRO" || vm_fail "cannot load the distribution's mdev.ko"
check distro-loaded one_mdev
check distro-is-not-ours not vm_mdev_is_ours
check load-refused-over-distro not vm_load_mdev
rmmod mdev || vm_fail "cannot unload the distribution's mdev"

check load-ours vm_load_mdev
check ours-loaded one_mdev
check ours-is-ours vm_mdev_is_ours
rmmod mdev || vm_fail "cannot unload our mdev"

check modprobe-gives-ours modprobe mdev
check modprobe-ours-is-ours vm_mdev_is_ours
rmmod mdev || vm_fail "cannot unload our mdev"

check insmod-distro-path-gives-ours insmod "$DISTRO"
check insmod-distro-path-is-ours vm_mdev_is_ours
rmmod mdev || vm_fail "cannot unload our mdev"

# The kernel's own request_module(): mounting an unknown filesystem type
# makes it ask for "fs-<type>", which an alias maps to mdev.
echo "alias fs-vgpumdevprobe mdev" > /run/modprobe.d/selftest-mdev.conf
mkdir -p /tmp/mnt
mount -t vgpumdevprobe none /tmp/mnt 2>/dev/null
check kernel-request-module-gives-ours one_mdev
check kernel-request-module-is-ours vm_mdev_is_ours
exit "$rc"
