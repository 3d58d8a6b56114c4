#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 600
#
# Debian's own mdev consumer, kvmgt.ko, on our mdev.ko:
# igt-tests/tests/mdev_kvmgt.c. vm_load_mdev (tools/vm/lib.sh) sets up the
# modprobe install rule and the bind mount that make "modprobe kvmgt" load
# our mdev; the test then unloads mdev and checks that modprobe pulls ours
# in again. i915 and kvm load without the hardware; kvm_intel is not
# needed. At the end everything is unloaded and every mdev load this VM
# saw must have been the out-of-tree one. See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
SAMPLES=$VGPU_ROOT/build/samples

vm_need "$VM_BUILD_HINT; kvmgt.ko is Debian's" "$SAMPLES/mtty.ko" \
	"$TESTS/mdev_kvmgt" \
	"/lib/modules/$KVER/kernel/drivers/gpu/drm/i915/kvmgt.ko"

trace_loads=1
vm_trace_module_loads || trace_loads=

vm_load_mdev || vm_fail "cannot set up and load our mdev.ko"
vm_log "modprobe rule: $(cat /run/modprobe.d/vgpu-mdev.conf)"

vm_run_igt --timeout 300 "$TESTS/mdev_kvmgt" || vm_bad "igt-run reported failures"

# Unload the whole stack: kvmgt, then what modprobe loaded for it.
for m in mtty kvmgt; do
	[ ! -d "/sys/module/$m" ] || rmmod "$m" || vm_bad "rmmod $m failed"
done
modprobe -r i915 kvm || vm_bad "modprobe -r i915 kvm failed"
[ ! -d /sys/module/mdev ] || vm_mdev_is_ours || vm_bad "the loaded mdev is not ours"
[ ! -d /sys/module/mdev ] || rmmod mdev || vm_bad "rmmod mdev failed"
for m in kvmgt i915 kvm mdev; do
	[ ! -d "/sys/module/$m" ] || vm_bad "$m is still loaded"
done

if [ -n "$trace_loads" ]; then
	loads=$(vm_module_loads)
	vm_log "modules loaded: $(printf '%s' "$loads" | tr '\n' ';')"
	mdev_loads=$(printf '%s\n' "$loads" | grep -c '^mdev\b')
	[ "$mdev_loads" -ge 1 ] || vm_bad "no mdev load was seen"
	printf '%s\n' "$loads" | grep '^mdev\b' |
		grep -v -q '^mdev [A-Z]*O' &&
		vm_bad "an mdev module that is not out of tree was loaded"
	printf '%s\n' "$loads" | grep -q '^kvmgt' ||
		vm_bad "kvmgt was never loaded"
fi
vm_exit
