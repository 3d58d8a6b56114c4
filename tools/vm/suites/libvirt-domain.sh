#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 2400 --mem 3072
#
# vGPUs in libvirt domains, the path OpenStack Nova and KubeVirt use:
# Debian's libvirt 9.0 (QEMU driver, TCG domains) in the test VM. The
# vGPUs are made with "virsh nodedev-create"; each domain names its vGPUs
# in <hostdev mode='subsystem' type='mdev' model='vfio-pci'> elements, as
# docs/libvirt.md shows operators, and boots the guest kernel with the
# guest driver (tools/vm/guest/libvirt-l2.sh runs a fill on every vGPU):
#   one   a small vGPU with its display on; destroyed while the guest
#         holds the vGPU, then the vGPU is destroyed;
#   two   a medium and a copy vGPU (two types); the guest uses both and
#         powers off.
# What the host saw goes to host.log; tools/vm/tests/libvirt_domain.sh
# checks it.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

GUEST_KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
GUEST_KDIR=$(cat "$VGPU_ROOT/build/guest-modules/kernel-dir" 2>/dev/null) ||
	vm_fail "no guest kernel (make guest-modules)"
L2_SCRIPT=$VGPU_ROOT/tools/vm/guest/libvirt-l2.sh
OUT=$RESULTS_DIR/libvirt-domain
HOSTLOG=$OUT/host.log
MDEVS=/sys/bus/mdev/devices
fact() { echo "$1=$2" >> "$HOSTLOG"; }
virsh_() { virsh -q -c qemu:///system "$@"; }

mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
: > "$HOSTLOG"
[ -f "$GUEST_KO" ] || vm_fail "no guest driver (make guest-modules)"
vm_mdevctl_state || vm_fail "no state for mdevctl"

# shellcheck disable=SC2119 # no argument: refgpu.ko without parameters
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
bdf=$(vm_refgpu_functions | head -n 1)
[ -n "$bdf" ] || vm_fail "no reference GPU"
# libvirt's name of the parent: pci_DDDD_BB_SS_F.
PARENT=pci_$(echo "$bdf" | tr ':.' '__')
vm_libvirtd_start nodedev qemu || vm_fail "cannot start libvirtd"
vm_log "$(virsh_ version 2>&1 | head -n 3 | tr '\n' ' ')"

# new_vgpu TYPE: a transient vGPU of refgpu-TYPE through libvirt; prints
# its UUID.
new_vgpu() {
	local uuid xml=$OUT/nodedev-$1.xml

	uuid=$(cat /proc/sys/kernel/random/uuid)
	cat > "$xml" <<-EOF
	<device>
	  <parent>$PARENT</parent>
	  <capability type='mdev'>
	    <type id='refgpu-$1'/>
	    <uuid>$uuid</uuid>
	  </capability>
	</device>
	EOF
	if ! virsh_ nodedev-create "$xml" >&2; then
		# Tells a refused create from libvirt giving up on the new
		# device's udev event (seen once, with "the cause is unknown",
		# on a machine running three VMs).
		if [ -d "$MDEVS/$uuid" ]; then
			echo "vm: nodedev-create failed, but $uuid exists" >&2
		else
			echo "vm: nodedev-create failed, no $uuid" >&2
		fi
		tail -n 5 "$RESULTS_DIR/libvirtd.log" >&2 2>/dev/null
		return 1
	fi
	[ -d "$MDEVS/$uuid" ] || return 1
	echo "$uuid"
}

# domain_xml NAME ARGS HOSTDEV...: the domain NAME booting the guest kernel
# with the L2 initramfs (kernel command line + ARGS), its console and
# script output in $OUT/NAME, a VNC display on a socket; each HOSTDEV is
# UUID:on or UUID:off (the vGPU's display).
domain_xml() {
	local name=$1 args=$2 dir=$OUT/$1 h
	shift 2

	cat <<-EOF
	<domain type='qemu'>
	  <name>$name</name>
	  <memory unit='MiB'>256</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='pc'>hvm</type>
	    <kernel>$(cat "$PREP/kernel")</kernel>
	    <initrd>$PREP/initrd</initrd>
	    <cmdline>$(cat "$PREP/cmdline") $args</cmdline>
	  </os>
	  <features><acpi/></features>
	  <cpu mode='maximum'/>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>/usr/bin/qemu-system-x86_64</emulator>
	    <serial type='file'><source path='$dir/console.log'/><target port='0'/></serial>
	    <serial type='file'><source path='$dir/output.log'/><target port='1'/></serial>
	    <graphics type='vnc' socket='/run/libvirt/$name.vnc'/>
	    <video><model type='none'/></video>
	    <controller type='usb' model='none'/>
	    <memballoon model='none'/>
	EOF
	for h in "$@"; do
		cat <<-EOF
		    <hostdev mode='subsystem' type='mdev' model='vfio-pci' display='${h#*:}'>
		      <source><address uuid='${h%%:*}'/></source>
		    </hostdev>
		EOF
	done
	cat <<-EOF
	  </devices>
	</domain>
	EOF
}

# wait_for NAME PATTERN SECS: until the guest's output has PATTERN.
wait_for() {
	for _ in $(seq 1 "$3"); do
		grep -q "$2" "$OUT/$1/output.log" 2>/dev/null && return 0
		virsh_ domstate "$1" 2>/dev/null | grep -q running || return 1
		sleep 1
	done
	return 1
}

# mdev_destroy UUID: virsh nodedev-destroy of the vGPU, by libvirt's name.
mdev_destroy() {
	local name

	name=$(virsh_ nodedev-list --cap mdev --all |
		grep "^mdev_$(echo "$1" | tr - _)" | head -n 1)
	[ -n "$name" ] || {
		echo "libvirt does not list vGPU $1" >&2
		return 1
	}
	virsh_ nodedev-destroy "$name"
}

# picture FILE: "WxH lit" or "WxH dark" for the PNG or PPM screenshot
# FILE (lit: some pixel is not black).
picture() {
	/usr/bin/python3 - "$1" <<-'EOF'
	import struct, sys, zlib
	d = open(sys.argv[1], 'rb').read()
	if d.startswith(b'\x89PNG'):
	    w, h, depth, color = struct.unpack('>IIBB', d[16:26])
	    pos, idat = 8, b''
	    while pos < len(d):
	        n, kind = struct.unpack('>I4s', d[pos:pos + 8])
	        if kind == b'IDAT':
	            idat += d[pos + 8:pos + 8 + n]
	        pos += 12 + n
	    raw = zlib.decompress(idat)
	    row = len(raw) // h
	    # Filtered rows: a black picture is all zero bytes after each
	    # row's filter type byte, whatever the filter.
	    lit = any(any(raw[r * row + 1:(r + 1) * row]) for r in range(h))
	else:
	    f = d.split(b'\n', 3)
	    w, h = map(int, f[1].split())
	    lit = any(f[3])
	print('%dx%d %s' % (w, h, 'lit' if lit else 'dark'))
	EOF
}

# pins UUID...: "UUID pinned display-pinned" for each vGPU, on one line.
pins() {
	local u out=

	for u in "$@"; do
		out="$out $u $(cat "$MDEVS/$u/vgpu/pinned_pages")"
		out="$out $(cat "$MDEVS/$u/vgpu/display_pinned_pages")"
	done
	echo "${out# }"
}

# The guest: the L2 initramfs with the driver and vgpu-work.
PREP=/tmp/libvirt-domain-guest
vm_nested_guest --prepare "$PREP" --kernel "$GUEST_KDIR/vmlinux" \
	--logdir "$PREP" \
	--file "$GUEST_KO:/lib/vgpu_drm.ko" \
	--file "$VGPU_ROOT/build/bin/guest/vgpu-work:/bin/vgpu-work" \
	"$L2_SCRIPT" || vm_fail "cannot prepare the guest"

# Domain one: a small vGPU with its display, destroyed while in use.
one=$(new_vgpu small) || vm_fail "nodedev-create of a small vGPU failed"
fact ONE_VGPU "$one"
fact ONE_MDEVCTL "$(mdevctl list --uuid "$one" | head -n 1)"
mkdir -p "$OUT/one"
domain_xml one "vgpulibvirt.devices=1 vgpulibvirt.hold=1" "$one:on" \
	> "$OUT/one.xml"
t0=$(date +%s)
if virsh_ create "$OUT/one.xml" > "$OUT/one/create.log" 2>&1; then
	fact ONE_STARTED yes
	fact ONE_QEMU_ARGS "$(tr '\0' ' ' < "/proc/$(pgrep -f 'guest=one' |
		head -n 1)/cmdline" 2>/dev/null | grep -o 'vfio-pci[^ ]*')"
	wait_for one '^HOLDING=yes' 900 || vm_bad "domain one: the guest never got to its hold"
	vm_log "domain one: guest ready after $(($(date +%s) - t0)) s"
	fact ONE_PINNED_RUNNING "$(pins "$one")"
	virsh_ screenshot one "$OUT/one/screen.png" > /dev/null 2>&1 &&
		fact ONE_SCREENSHOT "$(picture "$OUT/one/screen.png")"
	virsh_ destroy one > "$OUT/one/destroy.log" 2>&1 &&
		fact ONE_DESTROYED yes
	fact ONE_PINNED_AFTER_DESTROY "$(pins "$one")"
else
	vm_bad "domain one did not start: $(cat "$OUT/one/create.log")"
fi
cp "/var/log/libvirt/qemu/one.log" "$OUT/one/qemu.log" 2>/dev/null
mdev_destroy "$one" > "$OUT/one/nodedev-destroy.log" 2>&1 &&
	fact ONE_NODEDEV_DESTROYED yes
fact ONE_GONE "$([ -e "$MDEVS/$one" ] && echo no || echo yes)"

# Domain two: two vGPUs of two types; the guest ends by itself.
med=$(new_vgpu medium) || vm_fail "nodedev-create of a medium vGPU failed"
cpy=$(new_vgpu copy) || vm_fail "nodedev-create of a copy vGPU failed"
fact TWO_VGPUS "$med $cpy"
mkdir -p "$OUT/two"
domain_xml two "vgpulibvirt.devices=2" "$med:off" "$cpy:off" > "$OUT/two.xml"
t0=$(date +%s)
if virsh_ create "$OUT/two.xml" > "$OUT/two/create.log" 2>&1; then
	fact TWO_STARTED yes
	for _ in $(seq 1 900); do
		virsh_ domstate two > /dev/null 2>&1 || break
		sleep 1
	done
	vm_log "domain two: ended after $(($(date +%s) - t0)) s"
	virsh_ domstate two > /dev/null 2>&1 && virsh_ destroy two
	fact TWO_PINNED_AFTER_END "$(pins "$med" "$cpy")"
else
	vm_bad "domain two did not start: $(cat "$OUT/two/create.log")"
fi
cp "/var/log/libvirt/qemu/two.log" "$OUT/two/qemu.log" 2>/dev/null
for u in "$med" "$cpy"; do
	mdev_destroy "$u" >> "$OUT/two/nodedev-destroy.log" 2>&1 || continue
	[ -e "$MDEVS/$u" ] || fact "TWO_GONE_$u" yes
done

vm_log "host.log:"
sed 's/^/  /' "$HOSTLOG"
VGPU_LIBVIRT_OUT=$OUT vm_run_igt --timeout 120 \
	"$VGPU_ROOT/tools/vm/tests/libvirt_domain.sh" || VM_RC=1

vm_libvirtd_stop
for d in "$MDEVS"/*; do
	[ -e "$d" ] || continue
	vm_bad "vGPU $(basename "$d") left behind"
	vm_mdev_remove "$(basename "$d")"
done
umount /etc/mdevctl.d
rmmod vgpu refgpu mdev || vm_bad "cannot unload the vGPU stack"
vm_exit
