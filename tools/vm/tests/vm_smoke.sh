#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vm_smoke - checks that the test VM is what tools/vm/run-vm promises:
# the environment, the shares, VFIO and our mdev.ko in place of the
# distribution's. Run by tools/vm/suites/smoke.sh inside the VM, after the
# suite has loaded the modules (module loads log taint warnings that the
# IGT runner would charge to a subtest).

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"
. "$VGPU_ROOT/tools/vm/lib.sh"

# "/ 9p ro,..." for the root mount, from /proc/mounts.
root_mount() { awk '$2 == "/" { print $3, $4 }' /proc/mounts | tail -n 1; }

subtest_environment() {
	igt_assert test -f "$VGPU_ROOT/tools/vm/lib.sh"
	igt_assert_eq "$KVER" "$(uname -r)"
	igt_assert_eq "$(id -u)" 0
	igt_assert test -d "$RESULTS_DIR"
}

subtest_root_readonly_9p() {
	set -- $(root_mount)
	igt_assert_eq "$1" 9p
	case ,$2, in
	*,ro,*) ;;
	*) igt_fail "root mounted '$2', expected read-only" ;;
	esac
	igt_assert test ! -w "$VGPU_ROOT"
	if touch "$VGPU_ROOT/.vm-smoke-write" 2>/dev/null; then
		igt_fail "could write into $VGPU_ROOT"
	fi
}

subtest_results_writable() {
	f=$RESULTS_DIR/vm-smoke.$$
	igt_assert sh -c "echo written-in-vm > '$f'"
	igt_assert_eq "$(cat "$f")" written-in-vm
	igt_assert rm "$f"
}

subtest_tmp_is_tmpfs() {
	igt_assert_eq "$(awk '$2 == "/tmp" { print $3 }' /proc/mounts)" tmpfs
	igt_assert_eq "$(awk '$2 == "/run" { print $3 }' /proc/mounts)" tmpfs
	igt_assert test -w /tmp
}

subtest_dev_fd_links() {
	# What udev makes on a normal system; libvirt hands mdevctl its
	# settings through /dev/stdin.
	igt_assert_eq "$(readlink /dev/fd)" /proc/self/fd
	igt_assert_eq "$(echo through-stdin | cat /dev/stdin)" through-stdin
	igt_assert_eq "$(sh -c 'echo out > /dev/stdout')" out
	igt_assert_eq "$(sh -c 'echo err > /dev/stderr' 2>&1)" err
}

subtest_refgpu_functions() {
	# run-vm --refgpus 1 (the default): one QEMU edu function at 00:10.0.
	igt_assert_eq "$(vm_refgpu_functions)" 0000:00:10.0
}

subtest_kernel_modprobe_chroot() {
	# request_module() must reach the chroot's modprobe and its
	# /run/modprobe.d, not busybox's in the initramfs.
	igt_assert_eq "$(cat /proc/sys/kernel/modprobe)" /sbin/vm-modprobe
}

subtest_vfio_loaded() {
	igt_assert test -c /dev/vfio/vfio
	igt_assert test -d /sys/module/vfio_iommu_type1
	# A module on 6.1; part of vfio.ko since Linux 6.2.
	if modinfo vfio_virqfd >/dev/null 2>&1; then
		igt_assert test -d /sys/module/vfio_virqfd
	fi
}

subtest_mdev_is_ours() {
	igt_require test -f "$VM_MDEV_KO"
	igt_assert_eq "$(grep -c '^mdev ' /proc/modules)" 1
	igt_assert vm_mdev_is_ours
	# The distribution's build id must differ, or the check proves
	# nothing.
	distro=$(vm_distro_mdev_ko)
	igt_assert test -n "$distro"
	igt_assert mountpoint -q "$distro"
	# Dependency resolution of a distribution consumer uses ours.
	ko=$(readlink -f "$VM_MDEV_KO")
	igt_assert sh -c "modprobe --show-depends mdev | grep -qF '$ko'"
	if modinfo kvmgt >/dev/null 2>&1; then
		igt_assert sh -c \
			"modprobe --show-depends kvmgt | grep -qF '$ko'"
	fi
}

subtest_distro_mdev_differs() {
	igt_require test -f "$VM_MDEV_KO"
	# Recorded by vm_load_mdev before ours covered the file: the ids
	# must differ, or comparing them proves nothing.
	theirs=$(cat /run/vgpu/distro-mdev.build-id 2>/dev/null)
	ours=$(_vm_ko_build_id "$VM_MDEV_KO")
	igt_assert test -n "$theirs"
	igt_assert test -n "$ours"
	igt_assert test "$theirs" != "$ours"
	igt_assert test "$(_vm_mod_build_id mdev)" != "$theirs"
}

igt_subtest environment subtest_environment \
	"VGPU_ROOT, KVER, RESULTS_DIR are set and we are root"
igt_subtest root-readonly-9p subtest_root_readonly_9p \
	"/ is the machine's root over 9p, read-only"
igt_subtest results-writable subtest_results_writable \
	"RESULTS_DIR is writable"
igt_subtest tmp-is-tmpfs subtest_tmp_is_tmpfs "/tmp and /run are tmpfs"
igt_subtest dev-fd-links subtest_dev_fd_links \
	"/dev/fd, /dev/stdin, /dev/stdout and /dev/stderr work"
igt_subtest refgpu-functions subtest_refgpu_functions \
	"The reference GPU's PCI function is where run-vm puts it"
igt_subtest kernel-modprobe-chroot subtest_kernel_modprobe_chroot \
	"The kernel's module requests go through the chroot's modprobe"
igt_subtest vfio-loaded subtest_vfio_loaded \
	"vm_load_vfio loaded vfio, vfio_iommu_type1, vfio_virqfd"
igt_subtest mdev-is-ours subtest_mdev_is_ours \
	"Exactly one mdev is loaded, ours, and modprobe resolves to it"
igt_subtest distro-mdev-differs subtest_distro_mdev_differs \
	"The distribution's mdev.ko is a different module than ours"
igt_main "$@"
