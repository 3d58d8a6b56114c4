#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mesa-payload.sh [--key | --path | -h]
#
# Pack Debian's Mesa (GBM, EGL through glvnd, the kms_swrast/swrast DRI
# driver with llvmpipe), kmscube and weston 10 (DRM backend, pixman
# renderer, desktop shell, weston-simple-shm) for a nested guest: the
# programs, their shared-library closure as ldd resolves it here
# (tools/payload-closure.sh), the loader, the modules they dlopen, the XKB
# data, libinput's quirks, fontconfig and one DejaVu font, each at the path
# it has on this machine. The result is an uncompressed newc cpio archive
# that tools/vm/nested-guest --cpio appends to the L2 initramfs: the L2
# kernel unpacks it into its root file system (gzip would cost minutes of
# inflating in a nested guest). tools/vm/guest/mesa-l2.sh runs it there.
#
# The archive is cached outside the tree, under $VGPU_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack), in a directory named by a
# hash of its inputs: every file that goes in (path, size, time), this
# script and payload-closure.sh. A changed input packs a new archive and
# removes the stale ones; an unchanged one returns at once. The archive's
# path is printed on stdout.
#
#   --key   print the input hash and exit
#   --path  print the path the archive is (or would be) at, and exit 0 if
#           it is there, 1 if not; packs nothing
#
# Needs the Debian packages kmscube, weston, libgl1-mesa-dri, libegl1,
# libegl-mesa0, libgbm1, libgles2, xkb-data, fonts-dejavu-core, coreutils
# (make deps).
set -eu
{

HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
CLOSURE=$(cd "$HERE/../.." && pwd)/payload-closure.sh
CACHE=${VGPU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack}
MA=/usr/lib/x86_64-linux-gnu

die() { echo "mesa-payload: $*" >&2; exit 1; }

# Programs and the libraries they load by name at run time (glvnd's
# vendor library, Mesa's DRI driver, weston's backend, renderer-less
# shell and helper programs; coreutils' stdbuf preload, which makes
# kmscube's reports line-buffered). ldd follows the ones they link.
PROGS="/usr/bin/kmscube /usr/bin/weston /usr/bin/weston-simple-shm
$MA/weston-desktop-shell
$MA/libEGL_mesa.so.0
$MA/dri/kms_swrast_dri.so
$MA/libweston-10/drm-backend.so
$MA/weston/desktop-shell.so
/usr/libexec/coreutils/libstdbuf.so"
# Data: glvnd's vendor file, XKB (weston builds a keymap even without
# input devices), libinput's quirks, fontconfig and a font (the desktop
# shell's text).
DATA="/usr/share/glvnd/egl_vendor.d/50_mesa.json
/usr/share/X11/xkb
/usr/share/libinput
/etc/fonts
/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

for p in $PROGS $DATA; do
	[ -e "$p" ] || die "no $p (make deps installs kmscube, weston and Mesa)"
done

# The key: every file that would go in, by path, size and time.
inputs() {
	# shellcheck disable=SC2086
	ldd $PROGS | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u | xargs stat -L -c '%n %s %Y'
	# shellcheck disable=SC2086
	find $PROGS $DATA -type f -printf '%p %s %T@\n' | sort
	cat "$SELF" "$CLOSURE"
}
key=$(inputs | sha256sum | cut -c1-16)
dir=$CACHE/mesa-payload-$key
out=$dir/mesa-payload.cpio

case ${1:-} in
--key) echo "$key"; exit 0 ;;
--path) echo "$out"; [ -f "$out" ]; exit ;;
-h|--help) sed -n '3,30s/^# \{0,1\}//p' "$SELF"; exit 0 ;;
'') ;;
*) die "unknown option '$1' (see --help)" ;;
esac

mkdir -p "$CACHE"
exec 9> "$CACHE/mesa-payload.lock"
flock 9
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

t0=$(date +%s)
for old in "$CACHE"/mesa-payload-*; do
	[ -d "$old" ] && [ "$old" != "$dir" ] && rm -rf "$old"
done
rm -rf "$dir"
stage=$dir/stage
mkdir -p "$stage"
# shellcheck disable=SC2086
nlibs=$("$CLOSURE" "$stage" $PROGS) || die "cannot collect the libraries"
for p in $PROGS; do
	mkdir -p "$stage$(dirname "$p")"
	[ -e "$stage$p" ] || cp -L "$p" "$stage$p"
done
# Mesa opens swrast_dri.so as well (one driver file under several names
# in Debian's package): a link, not a second 25 MB copy.
ln -sf kms_swrast_dri.so "$stage$MA/dri/swrast_dri.so"
for d in $DATA; do
	mkdir -p "$stage$(dirname "$d")"
	cp -rL "$d" "$stage$(dirname "$d")/"
done
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$stage"
echo "mesa-payload: $nlibs libraries, $(du -m "$out" | cut -f1) MB," \
	"packed in $(($(date +%s) - t0)) s ($out)" >&2
echo "$out"
}
