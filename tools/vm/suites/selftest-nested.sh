#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800
#
# Proves the nested-guest machinery inside the test VM: boots one L2 guest
# (Debian's kernel under TCG inside TCG) that lists its PCI devices, reads
# a port with the pio helper and exits 3; the suite checks that the output
# and the status come back. When our mdev.ko and the mtty sample are built
# (make modules; tools/build-samples.sh), an mtty-2 device is passed
# through with -device vfio-pci,sysfsdev=... and the L2 script loops a byte
# through its first port by raw port I/O. Slow (5-10 min): not part of
# make check; run it after changing nested-guest, l2-init or pio.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

MTTY=$VGPU_ROOT/build/samples/mtty.ko
extra=()
uuid=
if [ -f "$VM_MDEV_KO" ] && [ -f "$MTTY" ]; then
	vm_load_mdev || vm_fail "cannot load our mdev.ko"
	vm_insmod "$MTTY" || vm_fail "cannot load mtty.ko"
	uuid=$(vm_mdev_create \
		/sys/class/mdev_bus/mtty/mdev_supported_types/mtty-2) ||
		vm_fail "cannot create an mtty-2 device"
	extra=(-- -device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid")
	vm_log "passing mtty-2 $uuid through"
else
	vm_log "mdev.ko or mtty.ko not built: no device passed through"
fi

script=/tmp/l2-probe.sh
cat > "$script" <<'L2'
echo "l2: kernel $(uname -r)"
for d in /sys/bus/pci/devices/*; do
	id=$(cat "$d/vendor"):$(cat "$d/device")
	echo "l2: pci $id"
	[ "$id" = 0x4348:0x3253 ] || continue
	# mtty: BAR0 is the first port (8 I/O ports, a 16550 whose
	# transmitter feeds its own receiver).
	# EBUSY when a driver (8250_pci) has it: decoding is on then.
	echo 1 > "$d/enable" 2>/dev/null
	base=$(head -n1 "$d/resource" | cut -d' ' -f1)
	base=$((base))
	pio wb $base 0x5a
	echo "l2: mtty lsr $(pio rb $((base + 5))) rx $(pio rb $base)"
done
echo "l2: lsr $(pio rb 0x3fd)"
exit 3
L2

out=$(vm_nested_guest --timeout 1700 "$script" "${extra[@]}")
rc=$?
printf '%s\n' "$out"
[ -z "$uuid" ] || vm_mdev_remove "$uuid" || vm_fail "cannot remove $uuid"
[ "$rc" = 3 ] || vm_fail "nested guest returned $rc, expected 3"
printf '%s\n' "$out" | grep -q '^l2: pci 0x8086:0x1237$' ||
	vm_fail "the L2 guest did not list its host bridge"
printf '%s\n' "$out" | grep -q '^l2: lsr 0x[0-9a-f][0-9a-f]$' ||
	vm_fail "pio did not read the serial port"
if [ -n "$uuid" ]; then
	printf '%s\n' "$out" | grep -q '^l2: mtty lsr 0x.[13579bdf] rx 0x5a$' ||
		vm_fail "no byte looped through the mtty port"
fi
vm_log "nested guest OK"
