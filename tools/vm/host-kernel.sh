#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# host-kernel.sh [--root | --key | --dir | -h]
#
# Build the purpose-built host kernel and print its build directory (KDIR
# for the project's modules: make KDIR=DIR, tools/modules-612.sh
# --iommufd). Linux 6.12 from Debian 12 backports' linux-source-6.12
# (tools/kernel-612.sh --source-deb), "make tinyconfig" plus
# tools/vm/host-kernel/config: CONFIG_IOMMUFD and CONFIG_VFIO_DEVICE_CDEV,
# which Debian's own 6.12 lacks, the kernel's debugging tools (the debug
# profile, docs/testing.md), and all the test VM needs built in.
#
# The build is cached outside the tree, under $VGPU_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack), in a directory named by a
# hash of its inputs: the source package (name, size), the config
# fragment and these scripts. A changed input builds a new kernel (14 to 17
# minutes on two cores with a test VM beside it; make check starts it in
# the background at the lowest priority) and removes the stale ones; an
# unchanged one returns at once. Concurrent callers wait for one build
# (flock).
#
#   --root  print the package-shaped root the VM boots (tools/vm/run-vm
#           --kroot): ROOT/boot/vmlinuz-REL, ROOT/lib/modules/REL
#   --key   print the input hash and exit
#   --dir   print the build directory, and exit 0 if it is built, 1 if
#           not; builds nothing
set -eu
{

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SELF=$HERE/$(basename "$0")
FRAGMENT=$HERE/host-kernel/config
CACHE=${VGPU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack}
JOBS=${JOBS:-$(nproc)}
SERIES=6.12

die() { echo "host-kernel: $*" >&2; exit 1; }

# shellcheck source=tools/vm/kconfig-lib.sh
. "$HERE/kconfig-lib.sh"

what=src
case ${1:-} in
--root) what=root ;;
--key|--dir) what=${1#--} ;;
-h|--help) sed -n '3,27s/^# \{0,1\}//p' "$SELF"; exit 0 ;;
'') ;;
*) die "unknown option '$1' (see --help)" ;;
esac

deb=$("$ROOT/tools/kernel-612.sh" --source-deb) ||
	die "no linux-source-$SERIES package"
key=$({
	basename "$deb"
	stat -L -c '%s' "$deb"
	cat "$FRAGMENT" "$SELF" "$HERE/kconfig-lib.sh"
} | sha256sum | cut -c1-16)
dir=$CACHE/host-kernel-$key
src=$dir/linux
kroot=$dir/root

case $what in
key) echo "$key"; exit 0 ;;
dir) echo "$src"; [ -e "$dir/.built" ]; exit ;;
esac

mkdir -p "$CACHE"
exec 9> "$CACHE/host-kernel.lock"
flock 9
if [ ! -e "$dir/.built" ]; then
	t0=$(date +%s)
	echo "host-kernel: building $key in $dir (minutes)" >&2
	for old in "$CACHE"/host-kernel-*; do
		[ -d "$old" ] && [ "$old" != "$dir" ] && rm -rf "$old"
	done
	rm -rf "$dir"
	mkdir -p "$src" "$kroot/boot"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - "./usr/src/linux-source-$SERIES.tar.xz" |
		tar -xJf - -C "$src" --strip-components=1

	cd "$src"
	kconfig_tiny "$FRAGMENT"
	make -s -j"$JOBS" bzImage modules >&2
	rel=$(make -s kernelrelease)
	# No loadable module of its own: modules_install still writes the
	# modules.dep and modules.builtin the VM's modprobe reads.
	make -s INSTALL_MOD_PATH="$kroot" modules_install >&2
	# Like an image package, no build link: in the VM, tools/kver takes
	# the newest kernel with one for the machine's (the nested guests').
	rm -f "$kroot/lib/modules/$rel/build"
	cp arch/x86/boot/bzImage "$kroot/boot/vmlinuz-$rel"
	touch "$dir/.built"
	echo "host-kernel: built in $(($(date +%s) - t0)) s" >&2
fi

case $what in
root) echo "$kroot" ;;
*) echo "$src" ;;
esac
}
