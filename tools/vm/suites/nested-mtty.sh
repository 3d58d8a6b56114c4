#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800
#
# The mdev documentation's workflow, on our mdev core: create an mtty-2
# device (and an mdpy device for the guest-side mdpy-fb sample), start a
# nested guest with QEMU -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/
# <uuid>, and in it (tools/vm/guest/nested-mtty-l2.sh) find PCI 4348:3253,
# loop data through its ports by raw port I/O and through the kernel's
# 8250_pci driver (interrupts included), and drive the mdpy device with
# mdpy-fb. One L2 boot (minutes under TCG inside TCG) for everything; the
# outcome becomes IGT subtests through igt-tests/tests/mdev_nested_mtty.c.
# See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
SAMPLES=$VGPU_ROOT/build/samples
L2_SCRIPT=$VGPU_ROOT/tools/vm/guest/nested-mtty-l2.sh
OUT=$RESULTS_DIR/nested-mtty
HOST=$OUT/host.txt

vm_need "$VM_BUILD_HINT" "$SAMPLES/mtty.ko" "$SAMPLES/mdpy.ko" \
	"$SAMPLES/mdpy-fb.ko" "$TESTS/mdev_nested_mtty" "$L2_SCRIPT"
mkdir -p "$OUT"
: > "$HOST"
host() { echo "$1=$2" >> "$HOST"; }

vm_load_mdev || vm_fail "cannot load our mdev.ko"
insmod "$SAMPLES/mtty.ko" || vm_fail "insmod mtty.ko failed"
insmod "$SAMPLES/mdpy.ko" || vm_fail "insmod mdpy.ko failed"

types=/sys/class/mdev_bus
mtty=$(vm_mdev_create "$types/mtty/mdev_supported_types/mtty-2") ||
	vm_fail "cannot create an mtty-2 device"
mdpy=$(vm_mdev_create "$types/mdpy/mdev_supported_types/mdpy-vga") ||
	vm_fail "cannot create an mdpy-vga device"
host mtty_uuid "$mtty"
host mdpy_uuid "$mdpy"
host mtty2_avail_during "$(cat "$types/mtty/mdev_supported_types/mtty-2/available_instances")"
vm_log "mtty-2 $mtty, mdpy-vga $mdpy"

t0=$(date +%s)
vm_nested_guest --timeout 1500 --logdir "$OUT" \
	--file "$SAMPLES/mdpy-fb.ko:/lib/mdpy-fb.ko" "$L2_SCRIPT" -- \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$mtty" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$mdpy,display=off"
nested_rc=$?
host nested_rc "$nested_rc"
host nested_wall "$(($(date +%s) - t0))"
vm_log "nested guest exited with $nested_rc after $(($(date +%s) - t0)) s"

# QEMU has let go: both devices can be removed and give their room back.
removed=ok
vm_mdev_remove "$mtty" || removed=fail
vm_mdev_remove "$mdpy" || removed=fail
[ ! -e "/sys/bus/mdev/devices/$mtty" ] && [ ! -e "/sys/bus/mdev/devices/$mdpy" ] ||
	removed=fail
host removed "$removed"
host mtty2_avail_after "$(cat "$types/mtty/mdev_supported_types/mtty-2/available_instances")"
host mdpy_avail_after "$(cat "$types/mdpy/mdev_supported_types/mdpy-vga/available_instances")"

rc=0
NESTED_MTTY_DIR=$OUT vm_run_igt --timeout 60 "$TESTS/mdev_nested_mtty" || rc=1

rmmod mdpy || rc=1
rmmod mtty || rc=1
vm_mdev_is_ours || rc=1
rmmod mdev || rc=1
exit "$rc"
