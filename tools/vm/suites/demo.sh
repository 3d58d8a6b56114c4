#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 600
#
# The demo (make demo): the whole stack loaded in a fresh VM, shown the way
# an operator sees it. Our mdev core replaces the distribution's; every
# parent that is built registers (the reference GPU with the vGPU parent
# driver, and the kernel's sample drivers); mdevctl lists the types, then
# creates, lists and removes a device of each parent; last, a vGPU draws
# and shows a picture that is read back through its display. Not part of
# make check: the suites it borrows from test all of this.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

show() { printf '\n$ %s\n' "$*"; "$@"; }

mount -t tmpfs -o mode=755 tmpfs /etc/mdevctl.d || vm_fail "cannot mount /etc/mdevctl.d"
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers

vm_load_mdev || vm_fail "cannot load our mdev.ko"
vm_log "mdev core: $(readlink -f "$VM_MDEV_KO") (the distribution's is blocked)"
for ko in drivers/gpu/refgpu/refgpu.ko drivers/gpu/vgpu/vgpu.ko \
	  build/samples/mtty.ko build/samples/mdpy.ko build/samples/mbochs.ko; do
	if [ -f "$VGPU_ROOT/$ko" ]; then
		vm_insmod "$VGPU_ROOT/$ko" || vm_fail "insmod $ko failed"
		vm_log "loaded $ko"
	fi
done

show ls /sys/class/mdev_bus
show mdevctl types

# One device of the first type of every parent, through mdevctl.
for parent in /sys/class/mdev_bus/*; do
	p=$(basename "$parent")
	type=$(ls "$parent/mdev_supported_types" | head -n 1)
	[ -n "$type" ] || continue
	uuid=$(cat /proc/sys/kernel/random/uuid)
	show mdevctl start -u "$uuid" -p "$p" --type "$type" ||
		vm_fail "mdevctl start on $p failed"
done
show mdevctl list
for dev in /sys/bus/mdev/devices/*; do
	[ -e "$dev" ] || continue
	show mdevctl stop -u "$(basename "$dev")" || vm_fail "mdevctl stop failed"
done
show mdevctl list

# A vGPU at work: the guest's side played by the test harness. It draws
# with the copy engine, shows the picture on head 0, and the VMM's side
# reads it back through the plane region and as dma-bufs while it flips.
if types=$(vm_refgpu_types 0 2>/dev/null) && [ -d "$types" ]; then
	show "$VGPU_ROOT/build/bin/tests/vgpu_display" \
		--run-subtest plane-region-pixels,flip ||
		vm_fail "the display demo failed"
fi
exit 0
