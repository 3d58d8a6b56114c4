#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 2400 --mem 2048 --refgpus 2 --ignore hrtimer:.interrupt.took
#
# Live migration of a running nested guest with a vGPU, by QEMU itself
# (VFIO migration v2: QEMU 10 on Linux 6.12; check.sh's 612 stage runs
# it with run-vm --qemu/--l2-qemu tools/qemu-10.sh). Two small vGPUs, the
# source on reference GPU 0 and the destination on GPU 1 (a second host's
# GPU, as far as the vGPU can tell). The source QEMU boots the guest
# kernel with the guest driver (tools/vm/guest/vgpu-migrate-l2.sh): a
# still picture on head 0 (fbdev console), then a loop of GPU fills and
# copies checked pixel by pixel. The destination QEMU waits with
# -incoming defer on the second vGPU; tools/vm/guest/migrate-host.py
# migrates the running guest over a unix socket (QMP migrate, downtime
# limit 100 ms), keeps query-migrate's figures, quits the source, lets the
# loop go on on the destination, compares screendumps of head 0 taken on
# both sides and stops the guest through COM3. Then
# tools/vm/tests/vgpu_migrate_host.sh checks it all: the migration
# completed, the work passed on both sides, the same picture, nothing
# pinned by the source vGPU after QEMU quit, both guest kernel logs clean,
# and both vGPUs are removable.
#
# The vfio-pci option: enable-migration=on. QEMU 10 migrates a VFIO
# device by default only if the device or the IOMMU tracks dirty pages;
# the vGPU has no DMA logging (Debian's 6.12 has no IOMMUFD driver) and
# the type1 container is no dirty-tracking IOMMU, so QEMU warns and uses
# the container's dirty log, which reports every page the vGPU pinned.
# x-device-dirty-page-tracking=off (the mtty sample's measured options)
# changes nothing for the vGPU, which offers no DMA logging to turn off.
#
# Results in $RESULTS_DIR/vgpu-migrate: host.log (facts), bench.txt (the
# mig.* figures of make bench), src.args and dst.args (the QEMU command
# lines), output-{src,dst}.log (the guest script's output on each side),
# console-{src,dst}.log, qemu-{src,dst}.log, {src,dst}-screen.ppm.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

OUT=$RESULTS_DIR/vgpu-migrate
WORK_BIN=$VGPU_ROOT/build/bin/guest/vgpu-work
KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
L2_SCRIPT=$VGPU_ROOT/tools/vm/guest/vgpu-migrate-l2.sh
HELPER=$VGPU_ROOT/tools/vm/guest/migrate-host.py
QEMU=${VGPU_QEMU:-qemu-system-x86_64}
# run-vm --env VGPU_MIG_VFIO_OPTS=... tries other vfio-pci options;
# --env VGPU_MIG_PIN=16M has the guest keep an object of that size pinned
# and written by the GPU in the background (vgpu-migrate-l2.sh).
PIN=${VGPU_MIG_PIN:-}
VFIO_MIG_OPTS=${VGPU_MIG_VFIO_OPTS:-enable-migration=on}
L2_MEM=256

[ -f "$KO" ] || vm_fail "$KO not built (make guest-modules)"
GUEST_KDIR=$(cat "$VGPU_ROOT/build/guest-modules/kernel-dir") ||
	vm_fail "no build/guest-modules/kernel-dir (make guest-modules)"
[ -f "$GUEST_KDIR/vmlinux" ] || vm_fail "no guest kernel in $GUEST_KDIR"
[ -x "$WORK_BIN" ] || vm_fail "$WORK_BIN not built (make userspace)"
# QEMU 7.2 speaks only VFIO migration v1, which no kernel has any more.
qver=$("$QEMU" --version | sed -n 's/^QEMU emulator version \([0-9]*\)\..*/\1/p')
[ "${qver:-0}" -ge 8 ] ||
	vm_fail "QEMU ${qver:-?} cannot migrate a VFIO device (run-vm --l2-qemu \$(tools/qemu-10.sh))"
mkdir -p "$OUT"
rm -f "$OUT"/*
HOSTLOG=$OUT/host.log
# Sockets cannot live on the 9p results share.
WORK=$(mktemp -d /tmp/vgpu-migrate.XXXXXX) || vm_fail "no temporary directory"

vm_load_vgpu || vm_fail "cannot load the vGPU stack"
# A refused stream says why at debug level only (docs/migration.md).
echo 'file migration.c +p' > /sys/kernel/debug/dynamic_debug/control \
	2>/dev/null
uuid_s=$(vm_mdev_create "$(vm_refgpu_types 0)/refgpu-small") ||
	vm_fail "cannot create the source vGPU"
uuid_d=$(vm_mdev_create "$(vm_refgpu_types 1)/refgpu-small") ||
	vm_fail "cannot create the destination vGPU"
SYSFS_S=/sys/bus/mdev/devices/$uuid_s/vgpu
SYSFS_D=/sys/bus/mdev/devices/$uuid_d/vgpu
{
	echo "VGPU_SRC=$uuid_s"
	echo "VGPU_DST=$uuid_d"
	echo "QEMU_VERSION=$("$QEMU" --version | head -n 1)"
	echo "VFIO_MIG_OPTS=$VFIO_MIG_OPTS"
	echo "PIN=${PIN:-none}"
	echo "PINNED_SRC_BEFORE=$(cat "$SYSFS_S/pinned_pages")"
	echo "PINNED_DST_BEFORE_QEMU=$(cat "$SYSFS_D/pinned_pages")"
} > "$HOSTLOG"

# The guest as nested-guest builds it (initramfs, kernel command line),
# booted here by two QEMUs of the same configuration.
vm_nested_guest --prepare "$WORK/l2" --kernel "$GUEST_KDIR/vmlinux" \
	${PIN:+--append "vgpumig.pin=$PIN"} --file "$WORK_BIN:/bin/vgpu-work" --file "$KO:/lib/vgpu_drm.ko" \
	"$L2_SCRIPT" || vm_fail "cannot prepare the nested guest"

# qemu_args SIDE UUID: one argument a line. ttyS0 the kernel console,
# ttyS1 the script's output (tools/vm/init/l2-init), COM3 the channel.
qemu_args() {
	local side=$1 uuid=$2
	printf '%s\n' "$QEMU" -accel tcg -cpu max -m "$L2_MEM" -smp 1 \
		-nographic -no-reboot -monitor none -nic none -vga none \
		-kernel "$(cat "$WORK/l2/kernel")" -initrd "$WORK/l2/initrd" \
		-append "$(cat "$WORK/l2/cmdline")" \
		-serial "file:$OUT/console-$side.log" \
		-serial "file:$OUT/output-$side.log" \
		-serial "unix:$WORK/chan-$side,server=on,wait=off" \
		-vnc "unix:$WORK/vnc-$side" \
		-qmp "unix:$WORK/qmp-$side,server=on,wait=off"
	vm_qemu_vfio "$uuid" "display=on,$VFIO_MIG_OPTS"
}
qemu_args src "$uuid_s" > "$WORK/src.args" || vm_fail "no QEMU options"
{ qemu_args dst "$uuid_d" && printf '%s\n' -incoming defer; } \
	> "$WORK/dst.args" || vm_fail "no QEMU options"
cp "$WORK/src.args" "$WORK/dst.args" "$OUT/"

t0=$(date +%s)
VGPU_MIG_PIN=$PIN /usr/bin/python3 "$HELPER" "$WORK" "$OUT" "$SYSFS_S" \
	"$SYSFS_D"
echo "HELPER_STATUS=$?" >> "$HOSTLOG"
vm_log "migration run done after $(($(date +%s) - t0)) s"
{
	echo "PINNED_SRC_END=$(cat "$SYSFS_S/pinned_pages")"
	echo "PINNED_DST_END=$(cat "$SYSFS_D/pinned_pages")"
	echo "DISPLAY_PINNED_DST_END=$(cat "$SYSFS_D/display_pinned_pages")"
	echo "MIGRATION_REFUSED_DST=$(cat "$SYSFS_D/migration_refused")"
	echo "L2_LOG_SRC=$("$VGPU_ROOT/tools/vm/logscan" "$OUT/console-src.log" |
		wc -l)"
	echo "L2_LOG_DST=$("$VGPU_ROOT/tools/vm/logscan" "$OUT/console-dst.log" |
		wc -l)"
} >> "$HOSTLOG"
rc=0
vm_mdev_remove "$uuid_s" && echo "REMOVED_SRC=1" >> "$HOSTLOG" || rc=1
vm_mdev_remove "$uuid_d" && echo "REMOVED_DST=1" >> "$HOSTLOG" || rc=1
rm -rf "$WORK"
vm_log "host.log:"
sed 's/^/  /' "$HOSTLOG"
[ -f "$OUT/bench.txt" ] && cp "$OUT/bench.txt" "$RESULTS_DIR/bench.txt" &&
	sed 's/^/vm: /' "$RESULTS_DIR/bench.txt"

VGPU_MIGRATE_OUT=$OUT vm_run_igt --timeout 60 \
	"$VGPU_ROOT/tools/vm/tests/vgpu_migrate_host.sh" || rc=1
rmmod vgpu refgpu mdev || rc=1
exit "$rc"
