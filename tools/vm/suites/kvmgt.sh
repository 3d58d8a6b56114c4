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
TRACING=/sys/kernel/tracing
MODULE_LOAD=$TRACING/events/module/module_load
rc=0
bad() { printf 'vm: FAIL: %s\n' "$*" >&2; rc=1; }

for f in "$SAMPLES/mtty.ko" "$TESTS/mdev_kvmgt" \
	 "/lib/modules/$KVER/kernel/drivers/gpu/drm/i915/kvmgt.ko"; do
	[ -e "$f" ] || vm_fail "$f missing"
done

trace_loads=
if [ -w "$MODULE_LOAD/enable" ]; then
	echo 0 > "$TRACING/tracing_on"
	: > "$TRACING/trace"
	echo 1 > "$MODULE_LOAD/enable"
	echo 1 > "$TRACING/tracing_on"
	trace_loads=1
fi

vm_load_mdev || vm_fail "cannot set up and load our mdev.ko"
vm_log "modprobe rule: $(cat /run/modprobe.d/vgpu-mdev.conf)"

vm_run_igt --timeout 300 "$TESTS/mdev_kvmgt" || bad "igt-run reported failures"

# Unload the whole stack: kvmgt, then what modprobe loaded for it.
for m in mtty kvmgt; do
	[ ! -d "/sys/module/$m" ] || rmmod "$m" || bad "rmmod $m failed"
done
modprobe -r i915 kvm || bad "modprobe -r i915 kvm failed"
[ ! -d /sys/module/mdev ] || vm_mdev_is_ours || bad "the loaded mdev is not ours"
[ ! -d /sys/module/mdev ] || rmmod mdev || bad "rmmod mdev failed"
for m in kvmgt i915 kvm mdev; do
	[ ! -d "/sys/module/$m" ] || bad "$m is still loaded"
done

if [ -n "$trace_loads" ]; then
	echo 0 > "$TRACING/tracing_on"
	loads=$(grep -o 'module_load: [a-z0-9_]*\( [A-Z]*\)\?$' "$TRACING/trace")
	echo 0 > "$MODULE_LOAD/enable"
	: > "$TRACING/trace"
	vm_log "modules loaded: $(printf '%s' "$loads" | sed 's/module_load: //' | tr '\n' ';')"
	mdev_loads=$(printf '%s\n' "$loads" | grep -c 'module_load: mdev\b')
	[ "$mdev_loads" -ge 1 ] || bad "no mdev load was seen"
	printf '%s\n' "$loads" | grep 'module_load: mdev\b' |
		grep -v -q 'module_load: mdev [A-Z]*O' &&
		bad "an mdev module that is not out of tree was loaded"
	printf '%s\n' "$loads" | grep -q 'module_load: kvmgt' ||
		bad "kvmgt was never loaded"
fi
exit "$rc"
