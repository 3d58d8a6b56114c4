#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 600 --ignore hrtimer:.interrupt.took --append slub_debug=FZPU --append page_poison=1
#
# The vGPU display in the test VM (docs/display.md): loads our mdev.ko,
# refgpu.ko and vgpu.ko, then runs vgpu_display, where the VFIO harness
# plays guest and VMM at once: framebuffers drawn by the copy engine and
# read back through the plane regions and exported dma-bufs, flips, the
# cursor, vblank rates, EDID and hotplug, refused planes, dma_unmap,
# reset, close and removal under an open dma-buf, two heads. SLUB and page
# poisoning are on: a dma-buf released after its vGPU went away must not
# touch the freed vGPU. run-vm fails the run on any warning in the kernel
# log.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests

vm_need "make all" "$TESTS/vgpu_display"

# Loaded before the runner starts: the out-of-tree taint message is a
# warning the runner would otherwise charge to the first subtest.
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
vm_log "parents: $(ls /sys/class/mdev_bus | tr '\n' ' ')"
vm_log "types: $(ls "$(vm_refgpu_types 0)" | tr '\n' ' ')"

# run-vm --append vgpudisplay.subtests=GLOB[,GLOB] picks subtests.
target=$TESTS/vgpu_display
sel=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^vgpudisplay\.subtests=//p')
[ -z "$sel" ] || target="$target@$sel"
# "hrtimer: interrupt took N ns": TCG descheduled inside the timer
# interrupt (the vblank timers make it likelier); not the code under test.
vm_run_igt --timeout 120 --dmesg-ignore 'hrtimer: interrupt took' \
	"$target" || vm_bad "igt-run reported failures"

# After an oops the module's locks may be held for good: unloading would
# hang until the deadline. The kernel log fails the run anyway.
if dmesg | grep -qE 'kernel BUG|Oops|BUG: |general protection fault'; then
	vm_bad "the kernel oopsed; not unloading the modules"
	vm_exit
fi

# Nothing of the display may outlive the tests: no vGPU left open, and
# every vGPU the tests left behind (a failed subtest skips its cleanup)
# goes away with the module.
n=$(ls /sys/bus/mdev/devices | wc -l)
vm_log "unloading vgpu.ko with $n vGPUs alive (vgpu refcnt $(cat /sys/module/vgpu/refcnt))"
for d in /sys/bus/mdev/devices/*/vgpu; do
	[ -d "$d" ] || continue
	vm_log "$(basename "$(dirname "$d")"): dmabufs $(cat "$d/dmabufs"), display_pinned_pages $(cat "$d/display_pinned_pages"), pinned_pages $(cat "$d/pinned_pages")"
done
rmmod vgpu || vm_bad "rmmod vgpu failed"
[ "$(ls /sys/bus/mdev/devices | wc -l)" = 0 ] || vm_bad "vGPUs left behind"
rmmod refgpu || vm_bad "rmmod refgpu failed"
rmmod mdev || vm_bad "rmmod mdev failed"
vm_exit
