#!/bin/sh
# Install the Debian packages that building and testing the stack need.
# Idempotent: when everything is present it only asks dpkg and returns.
#
#   tools/deps.sh [--profile 61|612|iommufd|all]   (make deps PROFILE=...)
#
# Profiles beyond the default 61 (Debian 12's own Linux 6.1 and QEMU 7.2)
# also fetch into the cache what the newer stacks need (docs/kernels.md):
# 612 Debian 12 backports' Linux 6.12 (headers, image, source) and QEMU
# 10; iommufd that and the iommufd host kernel, built from 6.12's source
# (minutes, once); all both. Each piece is fetched or built once.
set -eu

profile=61
case ${1:-} in
'') ;;
--profile) profile=${2:-} ;;
*) echo "usage: deps.sh [--profile 61|612|iommufd|all]" >&2; exit 2 ;;
esac
case $profile in
61|612|iommufd|all) ;;
*) echo "deps: unknown profile '$profile' (61, 612, iommufd, all)" >&2
   exit 2 ;;
esac

# The kernel is Debian's 6.1 (image and headers from the same metapackage
# version, so they always match); QEMU, busybox and cpio make the test VMs;
# linux-source gives the sample mdev drivers, checkpatch and the nested guests'
# kernel; clang builds the libFuzzer targets; libdrm-dev gives the guest
# tests the DRM uAPI headers and a static libdrm; libvirt's daemon, its
# QEMU driver and virsh drive the node-device and domain suites
# (libvirt-daemon without -system: no services are started on this
# machine).
PKGS="linux-image-amd64 linux-headers-amd64 linux-source
qemu-system-x86 seabios busybox-static cpio kmod mdevctl pciutils
build-essential libc6-dev bc flex bison libelf-dev xz-utils sparse
clang libclang-rt-14-dev llvm python3 libdrm-dev
libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"
# pahole: Linux 6.12's headers (tools/kernel-612.sh, docs/kernels.md) ship
# vmlinux, so module builds against them generate BTF; zstd: its bzImage
# payload is zstd (tools/vm/mkinitramfs unpacks it for a PVH boot).
PKGS="$PKGS dwarves zstd"
# Debian's Mesa (llvmpipe), kmscube and weston, packed for the nested
# guests by tools/vm/guest/mesa-payload.sh (docs/guest-mesa.md).
PKGS="$PKGS kmscube weston libgl1-mesa-dri libegl1 libegl-mesa0 libgbm1
libgles2 xkb-data fonts-dejavu-core"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "deps: installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing

	# The headers of the kernel we boot in the VMs must be present; the
	# metapackages guarantee the image and headers are of one version.
	"$(dirname "$0")/kver" >/dev/null
fi

TOOLS=$(dirname "$0")
case $profile in
612|iommufd|all)
	"$TOOLS/kernel-612.sh" >/dev/null
	"$TOOLS/kernel-612.sh" --image >/dev/null
	"$TOOLS/kernel-612.sh" --source >/dev/null
	"$TOOLS/qemu-10.sh" >/dev/null
	;;
esac
case $profile in
iommufd|all) "$TOOLS/vm/host-kernel.sh" --root >/dev/null ;;
esac
