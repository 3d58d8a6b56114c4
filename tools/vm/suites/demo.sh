#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800 --mem 3072
#
# The demo (make demo): the whole stack loaded in a fresh VM, shown the way
# an operator sees it. Our mdev core replaces the distribution's; every
# parent that is built registers (the reference GPU with the vGPU parent
# driver, and the kernel's sample drivers); mdevctl lists the types, then
# creates, lists and removes a device of each parent; last, two guests
# boot on two vGPUs, draw on their displays and run GPU work while the
# host watches (below). Not part of make check: the suites it borrows
# from test all of this.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

show() { printf '\n$ %s\n' "$*"; "$@"; }

vm_mdevctl_state || vm_fail "no state for mdevctl"

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

# Two guests at work, each on its own vGPU of its own type, created with
# mdevctl as an operator would and given to QEMU as a vfio-pci device
# with its display on. Each guest loads the guest driver, shows a picture
# the vGPU draws (vgpu-show) and runs GPU work (vgpu-work); guest B also
# submits a batch the host must refuse. Progress lines as the guests
# boot, their displays saved as PNGs, then a table per vGPU.
types=$(vm_refgpu_types 0) || vm_fail "no reference GPU"
parent=$(basename "$(dirname "$types")")
GUEST_KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
GUEST_KDIR=$(cat "$VGPU_ROOT/build/guest-modules/kernel-dir" 2>/dev/null) ||
	vm_fail "no guest kernel (make guest-modules)"
GUEST_BIN=$VGPU_ROOT/build/bin/guest
OUT=$RESULTS_DIR/demo
SHOW_SECONDS=120
mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
# Sockets cannot live on the 9p results share.
SOCKS=$(mktemp -d /tmp/demo.XXXXXX) || vm_fail "no temporary directory"

declare -A TYPE UUID PID HOSTILE SEEN SHOT PINNED FAIL
TYPE[A]=refgpu-medium
TYPE[B]=refgpu-small
HOSTILE[A]=0
HOSTILE[B]=1
for g in A B; do
	UUID[$g]=$(cat /proc/sys/kernel/random/uuid)
	show mdevctl start -u "${UUID[$g]}" -p "$parent" --type "${TYPE[$g]}" ||
		vm_fail "mdevctl start of ${TYPE[$g]} failed"
done
show mdevctl list

sysfs() { cat "/sys/bus/mdev/devices/${UUID[$1]}/vgpu/$2"; }
declare -A BUSY0
for g in A B; do
	read -r r c < <(sysfs "$g" busy_ns)
	BUSY0[$g]=$((r + c))
done

t0=$(date +%s)
for g in A B; do
	vm_nested_guest --timeout 1200 --mem 384 -q \
		--kernel "$GUEST_KDIR/vmlinux" \
		--append "console=ttyS0 vgpudemo.seconds=$SHOW_SECONDS vgpudemo.hostile=${HOSTILE[$g]}" \
		--logdir "$OUT/guest-$g" \
		--file "$GUEST_KO:/lib/vgpu_drm.ko" \
		--file "$GUEST_BIN/vgpu-work:/bin/vgpu-work" \
		--file "$GUEST_BIN/vgpu-show:/bin/vgpu-show" \
		"$VGPU_ROOT/tools/vm/guest/demo-l2.sh" -- \
		-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/${UUID[$g]},display=on" \
		-vnc "unix:$SOCKS/vnc-$g" \
		-qmp "unix:$SOCKS/qmp-$g,server=on,wait=off" > /dev/null &
	PID[$g]=$!
	SEEN[$g]=0
	SHOT[$g]=
done
printf '\nTwo guests booting (nested QEMU, TCG): guest A on %s, guest B on %s\n' \
	"${TYPE[A]}" "${TYPE[B]}"

# Follow the guests' "@@DEMO" steps; screendump each display once it shows.
running=2
while [ "$running" -gt 0 ]; do
	running=0
	for g in A B; do
		log=$OUT/guest-$g/output.log
		if [ -f "$log" ]; then
			n=0
			while read -r _ step rest; do
				n=$((n + 1))
				[ "$n" -le "${SEEN[$g]}" ] && continue
				SEEN[$g]=$n
				printf '[%4ds] guest %s: %s %s\n' \
					$(($(date +%s) - t0)) "$g" "$step" "$rest"
				[ "$step" = showing ] && SHOT[$g]=$(($(date +%s) + 3))
			done < <(grep '^@@DEMO ' "$log")
		fi
		if [ -n "${SHOT[$g]}" ] && [ "$(date +%s)" -ge "${SHOT[$g]}" ]; then
			SHOT[$g]=
			PINNED[$g]=$(sysfs "$g" pinned_pages)
			if res=$(python3 "$VGPU_ROOT/tools/vm/guest/qmp.py" \
					"$SOCKS/qmp-$g" screendump "$OUT/guest-$g.png"); then
				printf '[%4ds] guest %s: display saved: guest-%s.png (%s)\n' \
					$(($(date +%s) - t0)) "$g" "$g" "$res"
				# Eight bars, a square, a band: a blank or
				# text console has far fewer colours.
				case $res in
				*" colours="[0-5]) FAIL[$g]="its display showed too few colours ($res)" ;;
				esac
			else
				FAIL[$g]="no screendump of its display"
			fi
		fi
		kill -0 "${PID[$g]}" 2>/dev/null && running=$((running + 1))
	done
	sleep 2
done
for g in A B; do
	wait "${PID[$g]}" || FAIL[$g]=${FAIL[$g]:-"the guest failed (nested-guest status $?)"}
	grep -q '^@@DEMO done 0' "$OUT/guest-$g/output.log" ||
		FAIL[$g]=${FAIL[$g]:-"its work did not complete"}
done
rm -rf "$SOCKS"

# What each guest printed about its work.
for g in A B; do
	printf '\nguest %s (%s):\n' "$g" "${TYPE[$g]}"
	grep -E '^(hostile: (error_class|audit_reason|result|recovered)|throughput: (submissions_per_s|mb_per_s|result)|show: (show|frames|frames_failed|fps)|dmesg): ' \
		"$OUT/guest-$g/output.log" |
		sed 's/^/  /'
done

# The operator's view of the two vGPUs, from their sysfs counters.
declare -A BUSY
total=0
for g in A B; do
	read -r r c < <(sysfs "$g" busy_ns)
	BUSY[$g]=$((r + c - BUSY0[$g]))
	total=$((total + BUSY[$g]))
done
printf '\n%-5s %-14s %6s %10s %10s %9s %9s %8s %7s\n' vGPU type weight \
	"busy ms" "busy share" workloads rejected pinned fps
for g in A B; do
	done_=$(sysfs "$g" workloads | sed -n 's/^completed //p')
	fps=$(sed -n 's/^show: fps: //p' "$OUT/guest-$g/output.log")
	printf '%-5s %-14s %6s %10s %9s%% %9s %9s %8s %7s\n' "$g" "${TYPE[$g]}" \
		"$(sysfs "$g" weight)" $((BUSY[$g] / 1000000)) \
		$((total ? 100 * BUSY[$g] / total : 0)) "$done_" \
		"$(sysfs "$g" audit_rejections)" "${PINNED[$g]:-?}" "${fps:-?}"
done
printf '(busy: engine time over the run, both engines; pinned: guest pages pinned while its display showed)\n'
printf '\nDisplays: %s/guest-A.png and guest-B.png\n' "$OUT"

rc=0
[ "$(sysfs B audit_rejections)" -ge 1 ] ||
	FAIL[B]=${FAIL[B]:-"its hostile batch was not refused"}
for g in A B; do
	if [ -n "${FAIL[$g]:-}" ]; then
		echo "demo: guest $g: ${FAIL[$g]}" >&2
		rc=1
	fi
	show mdevctl stop -u "${UUID[$g]}" || rc=1
done
exit "$rc"
