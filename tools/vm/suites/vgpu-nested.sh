#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1500
#
# A nested (L2) guest sees a vGPU: QEMU -device vfio-pci,sysfsdev= on a
# small vGPU; in L2 the device must show the interface's IDs, class, a
# 16 MiB 64-bit BAR0 and the MSI capability, and a read of the PV info
# page through BAR0 (QEMU traps it into the VFIO region) must return the
# magic. The L2 script writes KEY=value lines; vgpu_nested checks them.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
OUT=$RESULTS_DIR/vgpu-nested
L2=$OUT/l2.sh
rc=0

[ -x "$TESTS/vgpu_nested" ] || vm_fail "$TESTS/vgpu_nested not built"
mkdir -p "$OUT"
vm_load_mdev || vm_fail "cannot load our mdev.ko"
vm_insmod "$VGPU_ROOT/drivers/gpu/refgpu/refgpu.ko" ||
	vm_fail "cannot load refgpu.ko"
vm_insmod "$VGPU_ROOT/drivers/gpu/vgpu/vgpu.ko" || vm_fail "cannot load vgpu.ko"
uuid=$(vm_mdev_create \
	/sys/class/mdev_bus/refgpu.0/mdev_supported_types/refgpu-small) ||
	vm_fail "cannot create a vGPU"

cat > "$L2" <<'L2SCRIPT'
#!/bin/sh
# Runs as the L2 guest's script: describe every 1234:5647 device.
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] || continue
	[ "$(cat "$d/device")" = 0x5647 ] || continue
	echo "VGPU_FOUND=1"
	echo "VGPU_CLASS=$(cat "$d/class")"
	echo "VGPU_SUBSYSTEM=$(cat "$d/subsystem_vendor"):$(cat "$d/subsystem_device")"
	set -- $(head -n 1 "$d/resource")
	echo "VGPU_BAR0_SIZE=$(( $2 - $1 + 1 ))"
	echo "VGPU_BAR0_FLAGS=$3"
	echo "VGPU_CAP_PTR=$(busybox od -An -tx1 -j 52 -N 1 "$d/config" | tr -d ' ')"
	echo "VGPU_CAP_ID=$(busybox od -An -tx1 -j 144 -N 1 "$d/config" | tr -d ' ')"
	echo 1 > "$d/enable" 2>/dev/null
	echo "VGPU_PV_MAGIC=$(busybox devmem $(( $1 + 0x78000 )) 32)"
done
echo "VGPU_SCRIPT_DONE=1"
L2SCRIPT
chmod +x "$L2"

t0=$(date +%s)
vm_nested_guest --timeout 1200 --logdir "$OUT" "$L2" -- \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" || rc=1
vm_log "nested guest done after $(($(date +%s) - t0)) s"

VGPU_NESTED_OUTPUT=$OUT/output.log vm_run_igt --timeout 60 \
	"$TESTS/vgpu_nested" || rc=1
vm_mdev_remove "$uuid" || rc=1
rmmod vgpu || rc=1
rmmod refgpu || rc=1
rmmod mdev || rc=1
exit "$rc"
