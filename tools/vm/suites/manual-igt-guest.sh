#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 30600
#
# make igt-guest's test VM (tools/igt-guest.sh --driver vgpu; not part of
# make check: it needs an upstream IGT build). The test VM creates a
# two-head (medium) vGPU and boots ONE nested guest on it with the guest
# kernel (make guest-kernel), vgpu_drm.ko (make guest-modules), vgem.ko and
# the upstream IGT payload tools/igt-guest.sh packed under build/igt-guest/
# (with its igt-guest-NAME.conf: driver, timeouts). In the guest
# tools/vm/guest/igt-guest-l2.sh runs upstream igt_runner over the list and
# prints results.json (gzip, base64) between markers; it stays in
# $RESULTS_DIR/igt-guest/output.log, where tools/igt-guest.sh picks it up.
#
# tools/igt-guest.sh names the run with the kernel argument igtguest.run=NAME
# (files payload-NAME.tar.gz, igt-guest-NAME.conf). Started without it (by
# make check, say) the suite does nothing and exits 0.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

NAME=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^igtguest\.run=//p' | tail -n1)
if [ -z "$NAME" ]; then
	vm_log "manual suite: run it with make igt-guest IGT_DIR=... (docs/igt-guest.md)"
	exit 0
fi

OUT=$RESULTS_DIR/igt-guest
IN=$VGPU_ROOT/build/igt-guest
PAYLOAD=$IN/payload-$NAME.tar.gz
CONF=$IN/igt-guest-$NAME.conf
KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
L2_SCRIPT=$VGPU_ROOT/tools/vm/guest/igt-guest-l2.sh

for f in "$PAYLOAD" "$CONF" "$KO" "$L2_SCRIPT"; do
	[ -f "$f" ] || vm_fail "$f missing (make igt-guest prepares it)"
done
# The guest kernel tools/igt-guest.sh found (the cache is under the
# host's HOME, which is not the suite's).
GUEST_KDIR=$(sed -n 's/^GUEST_KDIR=//p' "$CONF")
[ -f "$GUEST_KDIR/vmlinux" ] || vm_fail "no guest kernel at '$GUEST_KDIR'"
# The whole run's limit: what igt_runner may use, plus boot and way back.
overall=$(sed -n 's/^OVERALL_TIMEOUT=//p' "$CONF")
mkdir -p "$OUT"
rm -f "$OUT"/*
# Sockets cannot live on the 9p results share.
SOCKS=$(mktemp -d /tmp/igt-guest.XXXXXX) || vm_fail "no temporary directory"

vm_load_vgpu || vm_fail "cannot load the vGPU stack"
TYPES=$(vm_refgpu_types 0) || vm_fail "no reference GPU"
uuid=$(vm_mdev_create "$TYPES/refgpu-medium") ||
	vm_fail "cannot create a medium vGPU"
vm_log "vGPU $uuid (refgpu-medium)"

t0=$(date +%s)
# As in the vgpu-guest suite: head 0 is QEMU's vfio display (region
# protocol) on a VNC socket nobody connects to.
vm_nested_guest --timeout $((${overall:-27000} + 540)) --mem 1024 \
	--kernel "$GUEST_KDIR/vmlinux" --logdir "$OUT" \
	--file "$PAYLOAD:/igt-payload.tar.gz" --file "$CONF:/igt-guest.conf" \
	--file "$KO:/lib/vgpu_drm.ko" \
	--file "$GUEST_KDIR/drivers/gpu/drm/vgem/vgem.ko:/lib/vgem.ko" \
	"$L2_SCRIPT" -- \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid,display=on" \
	-vnc "unix:$SOCKS/vnc"
rc=$?
vm_log "nested guest exited $rc after $(($(date +%s) - t0)) s"
grep -E '^(l2-boot|wall):' "$OUT/run.txt" | sed 's/^/vm: /'
rm -rf "$SOCKS"
vm_mdev_remove "$uuid" || vm_log "cannot remove the vGPU"
grep -q '^@@IGT-RESULTS-END@@' "$OUT/output.log" || vm_fail "no results from the guest"
exit 0
