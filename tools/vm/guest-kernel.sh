#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# guest-kernel.sh [--key | --dir | -h]
#
# Build the nested test guests' kernel and print its build directory (the
# PVH-bootable vmlinux and the modules are in it, and out-of-tree modules
# build against it with make -C DIR M=...). Linux 6.1 from Debian's
# linux-source tarball, "make tinyconfig" plus tools/vm/guest-kernel/config.
#
# The build is cached outside the tree, under $VGPU_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack), in a directory named by a
# hash of its inputs: the tarball (name, size, time), the config fragment
# and this script. A changed input builds a new kernel (several minutes on
# two cores) and removes the stale ones; an unchanged one returns at once.
# Concurrent callers wait for one build (flock).
#
#   --key   print the input hash and exit
#   --dir   print the directory the kernel is (or would be) built in, and
#           exit 0 if it is built, 1 if not; builds nothing
set -eu
{

HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
FRAGMENT=$HERE/guest-kernel/config
CACHE=${VGPU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack}
JOBS=${JOBS:-$(nproc)}

die() { echo "guest-kernel: $*" >&2; exit 1; }

tarball=$(ls -1 /usr/src/linux-source-6.1.tar.xz 2>/dev/null | head -n1) ||
	true
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.xz (run make deps)"

key=$({
	stat -L -c '%n %s %Y' "$tarball"
	cat "$FRAGMENT" "$SELF"
} | sha256sum | cut -c1-16)
dir=$CACHE/guest-kernel-$key
src=$dir/linux

case ${1:-} in
--key) echo "$key"; exit 0 ;;
--dir) echo "$src"; [ -e "$dir/.built" ]; exit ;;
-h|--help) sed -n '3,20s/^# \{0,1\}//p' "$SELF"; exit 0 ;;
'') ;;
*) die "unknown option '$1' (see --help)" ;;
esac

mkdir -p "$CACHE"
exec 9> "$CACHE/guest-kernel.lock"
flock 9
if [ -e "$dir/.built" ]; then
	echo "$src"
	exit 0
fi

t0=$(date +%s)
echo "guest-kernel: building $key in $dir (several minutes)" >&2
for old in "$CACHE"/guest-kernel-*; do
	[ -d "$old" ] && [ "$old" != "$dir" ] && rm -rf "$old"
done
rm -rf "$dir"
mkdir -p "$dir"
tar -xJf "$tarball" -C "$dir"
mv "$dir"/linux-source-* "$src"

cd "$src"
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >/dev/null
make -s olddefconfig >/dev/null
# Every option of the fragment must have survived the dependency
# resolution: a silently dropped one would show up as a missing feature
# deep inside a nested guest run.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$FRAGMENT" | while read -r want; do
	grep -qx "$want" .config || echo "$want (got: $(grep -E "^(# )?${want%%=*}[= ]" .config || echo unset))"
done)
[ -z "$missing" ] || die "options dropped by olddefconfig:
$missing"

make -s -j"$JOBS" vmlinux modules >&2
touch "$dir/.built"
echo "guest-kernel: built in $(($(date +%s) - t0)) s" >&2
echo "$src"
}
