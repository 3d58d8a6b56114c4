#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 2700 --mem 3072
#
# A Linux guest drives vGPUs with the guest DRM/KMS driver. The test VM
# creates a two-head vGPU (medium) and a headless one (copy) and boots ONE
# nested guest with the purpose-built guest kernel (make guest-kernel), the
# guest driver built against it (make guest-modules), vgem and the guest
# test binaries (igt-tests/guest, list in guest.testlist). In the guest,
# tools/vm/guest/vgpu-guest-l2.sh runs the whole list with igt-run and
# prints its results.json, which lands here as l2.results.json and counts
# in make check. The medium vGPU's head 0 is QEMU's vfio display (region
# protocol, VNC): the hotplug test asks through COM3 for an EDID change,
# which tools/vm/guest/host-channel.py makes as an operator would, through
# the vGPU's sysfs display_edid_mode; a QMP screendump shows the fbdev
# console on head 0.
# The archive of make guest-mesa (Debian's Mesa, kmscube, weston) is
# appended to its initramfs and tools/vm/guest/mesa-l2.sh runs kmscube and
# weston there after the tests (docs/guest-mesa.md); screendumps of head 0
# show what they drew. "--append vgpuguest.mesa=0" leaves Mesa out (its
# four checks then skip), saving about ten minutes.
# Afterwards tools/vm/tests/vgpu_guest_host.sh checks the
# host's side: the guest's results arrived, the driver unloaded, no page
# stayed pinned, the guest kernel log is clean; vgpu_guest_mesa.sh checks
# kmscube's frames and weston's desktop in the screendumps.
#
# Results in $RESULTS_DIR: results.json (host checks), l2.results.json
# (guest tests), vgpu-guest/ (host.log facts, nested-guest's output.log,
# console.log, qemu.log, run.txt with the L2 boot time).
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

OUT=$RESULTS_DIR/vgpu-guest
GUEST_BIN=$VGPU_ROOT/build/bin/guest
TESTLIST=$VGPU_ROOT/igt-tests/guest/guest.testlist
KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
L2_SCRIPT=$VGPU_ROOT/tools/vm/guest/vgpu-guest-l2.sh
HELPER=$VGPU_ROOT/tools/vm/guest/host-channel.py
HOTPLUG_MODE=1280x800
MESA_REF=$VGPU_ROOT/build/guest-mesa/payload-path

# The kernel the module was built for (make guest-modules records it; its
# cache lives under the host's HOME, which is not the VM's).
[ -f "$KO" ] || vm_fail "$KO not built (make guest-modules)"
GUEST_KDIR=$(cat "$VGPU_ROOT/build/guest-modules/kernel-dir") ||
	vm_fail "no build/guest-modules/kernel-dir (make guest-modules)"
[ -f "$GUEST_KDIR/vmlinux" ] || vm_fail "no guest kernel in $GUEST_KDIR"
[ -f "$TESTLIST" ] || vm_fail "no $TESTLIST"
[ -x "$VGPU_ROOT/build/bin/igt-run" ] || vm_fail "igt-run not built"
mkdir -p "$OUT"
rm -f "$OUT"/* "$RESULTS_DIR/l2.results.json"
HOSTLOG=$OUT/host.log
# Sockets cannot live on the 9p results share.
SOCKS=$(mktemp -d /tmp/vgpu-guest.XXXXXX) || vm_fail "no temporary directory"

vm_load_vgpu || vm_fail "cannot load the vGPU stack"
TYPES=$(vm_refgpu_types 0) || vm_fail "no reference GPU"
uuid_m=$(vm_mdev_create "$TYPES/refgpu-medium") ||
	vm_fail "cannot create a medium vGPU"
uuid_c=$(vm_mdev_create "$TYPES/refgpu-copy") ||
	vm_fail "cannot create a copy vGPU"
SYSFS_M=/sys/bus/mdev/devices/$uuid_m/vgpu
SYSFS_C=/sys/bus/mdev/devices/$uuid_c/vgpu
{
	echo "VGPU_MEDIUM=$uuid_m"
	echo "VGPU_COPY=$uuid_c"
	echo "PINNED_BEFORE_$uuid_m=$(cat "$SYSFS_M/pinned_pages")"
	echo "PINNED_BEFORE_$uuid_c=$(cat "$SYSFS_C/pinned_pages")"
	echo "GUEST_KERNEL=$GUEST_KDIR"
	# vgpu-guest-l2.sh asks for the same mode (VGPU_HOTPLUG_MODE).
	echo "HOTPLUG_MODE=$HOTPLUG_MODE"
} > "$HOSTLOG"

# The guest's initramfs: the tests, their list, the runner, the modules.
FILES=(--file "$VGPU_ROOT/build/bin/igt-run:/bin/igt-run"
	--file "$TESTLIST:/bin/guest/guest.testlist"
	--file "$KO:/lib/vgpu_drm.ko"
	--file "$GUEST_KDIR/drivers/gpu/drm/vgem/vgem.ko:/lib/vgem.ko")
for t in "$GUEST_BIN"/*; do
	[ -x "$t" ] && FILES+=(--file "$t:/bin/guest/$(basename "$t")")
done
# Mesa, kmscube and weston: an uncompressed archive (make guest-mesa),
# unless left out. The L2 then needs more memory (the archive and the root
# file system hold it twice) and time.
L2_MEM=512 L2_TIMEOUT=2100
mesa=$(cat "$MESA_REF" 2>/dev/null)
if grep -qw 'vgpuguest.mesa=0' /proc/cmdline; then
	echo "MESA=off" >> "$HOSTLOG"
elif [ -f "$mesa" ]; then
	FILES+=(--cpio "$mesa"
		--file "$VGPU_ROOT/tools/vm/guest/mesa-l2.sh:/bin/mesa-l2.sh")
	{
		echo "MESA=on"
		echo "MESA_PAYLOAD=$mesa"
	} >> "$HOSTLOG"
	L2_MEM=1024 L2_TIMEOUT=2400
else
	vm_log "no Mesa archive (make guest-mesa): the Mesa checks will fail"
	echo "MESA=missing" >> "$HOSTLOG"
fi

/usr/bin/python3 "$HELPER" "$SOCKS/chan" "$SOCKS/qmp" "$HOTPLUG_MODE" \
	"$HOSTLOG" "$SYSFS_M" "$SYSFS_C" &
hpid=$!

mapfile -t VFIO_ARGS < <(vm_qemu_vfio "$uuid_m" display=on &&
	vm_qemu_vfio "$uuid_c")
[ ${#VFIO_ARGS[@]} -gt 0 ] || vm_fail "no vfio-pci options"
t0=$(date +%s)
# Kernel messages go to head 0 too (fbdev console); ttyS0 stays the last,
# so it remains /dev/console for the guest's init.
vm_nested_guest --timeout "$L2_TIMEOUT" --mem "$L2_MEM" \
	--kernel "$GUEST_KDIR/vmlinux" \
	--append "console=tty0 console=ttyS0" \
	--logdir "$OUT" "${FILES[@]}" "$L2_SCRIPT" -- "${VFIO_ARGS[@]}" \
	-vnc "unix:$SOCKS/vnc" -qmp "unix:$SOCKS/qmp,server=on,wait=off" \
	-serial "unix:$SOCKS/chan,server=on,wait=off" > /dev/null
echo "NESTED_GUEST_EXIT=$?" >> "$HOSTLOG"
vm_log "nested guest done after $(($(date +%s) - t0)) s"
for _ in $(seq 1 20); do
	kill -0 "$hpid" 2>/dev/null || break
	sleep 1
done
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null

# The guest tests' results, as the guest printed them.
sed -n '/^@@RESULTS-JSON-BEGIN@@/,/^@@RESULTS-JSON-END@@/p' "$OUT/output.log" |
	sed '1d;$d' > "$RESULTS_DIR/l2.results.json"
[ -s "$RESULTS_DIR/l2.results.json" ] || rm -f "$RESULTS_DIR/l2.results.json"
{
	echo "PINNED_AFTER_CLOSE_$uuid_m=$(cat "$SYSFS_M/pinned_pages")"
	echo "PINNED_AFTER_CLOSE_$uuid_c=$(cat "$SYSFS_C/pinned_pages")"
	echo "DISPLAY_PINNED_AFTER_CLOSE=$(cat "$SYSFS_M/display_pinned_pages")"
	echo "DMABUFS_AFTER_CLOSE=$(cat "$SYSFS_M/dmabufs")"
} >> "$HOSTLOG"
rm -rf "$SOCKS"
vm_log "host.log:"
sed 's/^/  /' "$HOSTLOG"
grep -E '^(l2-boot|wall):' "$OUT/run.txt" | sed 's/^/vm: /'

rc=0
VGPU_GUEST_OUT=$OUT vm_run_igt --timeout 120 \
	"$VGPU_ROOT/tools/vm/tests/vgpu_guest_host.sh" \
	"$VGPU_ROOT/tools/vm/tests/vgpu_guest_mesa.sh" || rc=1
vm_mdev_remove "$uuid_m" || rc=1
vm_mdev_remove "$uuid_c" || rc=1
rmmod vgpu refgpu mdev || rc=1
exit "$rc"
