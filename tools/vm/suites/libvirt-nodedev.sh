#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1800 --refgpus 2
#
# libvirt's node-device driver (Debian 12's libvirt 9.0, which runs
# mdevctl) on the reference GPUs, as an operator uses it: the suite loads
# the vGPU stack on the two PCI functions run-vm provides, starts udevd
# (libvirt learns of new devices from its events) and libvirtd with only
# its node-device driver, then runs tools/vm/tests/libvirt_nodedev.sh:
# parents listed, types as sysfs has them, define/start/destroy/undefine,
# transient create, refusals. See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

CHECKS=$VGPU_ROOT/tools/vm/tests/libvirt_nodedev.sh
LIBVIRTD=/usr/sbin/libvirtd
UDEVD=/lib/systemd/systemd-udevd
DRIVERS=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
rc=0
bad() { printf 'vm: FAIL: %s\n' "$*" >&2; rc=1; }

for f in "$LIBVIRTD" "$UDEVD" /usr/bin/virsh /usr/bin/mdevctl \
	 "$DRIVERS/libvirt_driver_nodedev.so"; do
	[ -x "$f" ] || [ -f "$f" ] || vm_fail "$f missing (make deps)"
done

# mdevctl keeps its definitions in /etc/mdevctl.d (read-only here).
mount -t tmpfs -o mode=755 tmpfs /etc/mdevctl.d ||
	vm_fail "cannot mount a tmpfs on /etc/mdevctl.d"
mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers

# shellcheck disable=SC2119 # no argument: refgpu.ko without parameters
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
for i in 0 1; do
	t=$(vm_refgpu_types $i) || vm_fail "no reference GPU $i"
	[ -d "$t" ] || vm_fail "no vGPU types on GPU $i"
	vm_log "GPU $i: $t"
done

# In the foreground, so that it can be stopped by its pid ("udevadm
# control --exit" ignores requests in a chroot).
"$UDEVD" &
udevd_pid=$!

# Only the node-device driver: the others keep state under /var/lib,
# which the read-only root does not have. LIBVIRT_DRIVER_DIR is where
# libvirtd looks for its driver modules; a missing one is skipped.
mkdir -p /tmp/libvirt-drivers /run/libvirt
ln -s "$DRIVERS/libvirt_driver_nodedev.so" /tmp/libvirt-drivers/
# Root's clients only, without polkit (no D-Bus in the VM).
printf 'auth_unix_ro = "none"\nauth_unix_rw = "none"\n' > /tmp/libvirtd.conf
LIBVIRT_DRIVER_DIR=/tmp/libvirt-drivers \
LIBVIRT_LOG_OUTPUTS="3:file:$RESULTS_DIR/libvirtd.log" \
	"$LIBVIRTD" --config /tmp/libvirtd.conf --pid-file /run/libvirtd.pid &
libvirtd_pid=$!
i=0
until virsh -q -c nodedev:///system nodedev-list >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -lt 120 ] || vm_fail "libvirtd does not answer (see libvirtd.log)"
	kill -0 $libvirtd_pid 2>/dev/null || vm_fail "libvirtd exited (see libvirtd.log)"
	sleep 0.5
done
vm_log "$(virsh -c nodedev:///system version 2>&1 | head -n 2 | tr '\n' ' ')"

vm_run_igt --timeout 600 "$CHECKS" || bad "igt-run reported failures"

kill $libvirtd_pid && wait $libvirtd_pid
kill $udevd_pid && wait $udevd_pid
# The checks leave nothing behind; whatever a failed one left goes now.
for d in /sys/bus/mdev/devices/*; do
	[ -e "$d" ] || continue
	bad "vGPU $(basename "$d") left behind"
	vm_mdev_remove "$(basename "$d")"
done
rmmod vgpu || bad "rmmod vgpu failed"
rmmod refgpu || bad "rmmod refgpu failed"
rmmod mdev || bad "rmmod mdev failed"
umount /etc/mdevctl.d || bad "umount /etc/mdevctl.d failed"
exit "$rc"
