#!/bin/sh
# Fetch the headers of Debian 12 backports' Linux 6.12 (amd64 flavour) and
# print the KDIR to build the modules against:
#
#	make KDIR=$(tools/kernel-612.sh) modules	(or: make modules-612)
#
# With --image, fetch the same release's kernel image package instead
# (linux-image-<abi>-amd64: the bzImage and its modules) and print the
# root it is unpacked in: <root>/boot/vmlinuz-<abi>-amd64 and
# <root>/lib/modules/<abi>-amd64 with a modules.dep, for the test VM
# (tools/vm/run-vm --kroot).
#
# With --source, fetch the release's linux-source package and print the
# directory its samples/vfio-mdev (the kernel's mdev sample drivers,
# tools/build-samples.sh) are extracted in; nothing else is kept. With
# --source-deb, print the path of that package itself (it holds the whole
# tree as usr/src/linux-source-6.12.tar.xz; tools/vm/host-kernel.sh builds
# a kernel from it).
#
# The packages (linux-headers-6.12.*-amd64, its -common and the matching
# linux-kbuild-6.12.*) are downloaded with "apt-get download" through a
# private apt configuration (its own sources file, lists and caches) and
# unpacked with "dpkg -x" under $VGPU_CACHE_DIR (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/vgpu-stack)/linux-6.12/<package version>/.
# Nothing is installed: the machine's apt sources, its package state and its
# 6.1 kernel stay as they are.
#
# Idempotent: a version already unpacked is only printed. The package lists
# are refreshed when older than a day (--refresh forces it); without the
# network the newest version unpacked before is used.
#
# Environment: VGPU_CACHE_DIR, VGPU_DEBIAN_MIRROR (tools/backports.sh).
set -eu

# shellcheck source=tools/backports.sh
. "$(dirname "$0")/backports.sh"

SERIES=6.12
FLAVOUR=amd64
KERNELS=$CACHE/linux-$SERIES

refresh=0 image=0 source=0 source_deb=0
for arg in "$@"; do
	case $arg in
	--refresh)	refresh=1 ;;
	--image)	image=1 ;;
	--source)	source=1 ;;
	--source-deb)	source=1 source_deb=1 ;;
	*)		echo "usage: kernel-612.sh [--refresh] [--image|--source|--source-deb]" >&2
			exit 2 ;;
	esac
done

die() {
	echo "kernel-612.sh: $*" >&2
	exit 1
}

# The newest unpacked version's KDIR (or image root), if any.
newest_unpacked() {
	if [ "$source_deb" -eq 1 ]; then
		ls -1 "$DEBS"/linux-source-"$SERIES"/*/*.deb 2>/dev/null |
			sort -V | tail -n 1
	elif [ "$source" -eq 1 ]; then
		ls -1d "$KERNELS"/source-*/samples/vfio-mdev 2>/dev/null |
			sort -V | tail -n 1 | sed 's,/samples/.*,,'
	elif [ "$image" -eq 1 ]; then
		ls -1d "$KERNELS"/image-*/lib/modules/*-"$FLAVOUR" \
			2>/dev/null | sort -V | tail -n 1 | sed 's,/lib/modules/.*,,'
	else
		ls -1d "$KERNELS"/*/usr/src/linux-headers-*-"$FLAVOUR" \
			2>/dev/null | sort -V | tail -n 1
	fi
}

if ! update_lists; then
	kdir=$(newest_unpacked)
	[ -n "$kdir" ] || die "apt-get update failed and nothing is unpacked yet"
	echo "kernel-612.sh: offline, using $kdir" >&2
	echo "$kdir"
	exit 0
fi

# The newest ABI of the series, e.g. 6.12.95+deb12, and its package version.
headers=$(papt apt-cache pkgnames "linux-headers-$SERIES." |
	  grep -E "^linux-headers-$SERIES\.[0-9]+\+[a-z0-9.]+-$FLAVOUR\$" |
	  sort -V | tail -n 1)
[ -n "$headers" ] || die "no linux-headers-$SERIES.*-$FLAVOUR in $SUITE"
abi=${headers#linux-headers-}
abi=${abi%-"$FLAVOUR"}
version=$(bp_version "$headers")

if [ "$image" -eq 1 ]; then
	# Debian's signed image, the one its users boot; its version is the
	# headers'.
	dest=$KERNELS/image-$version
	if [ ! -e "$dest/.unpacked" ]; then
		bp_unpack "$dest.tmp" "linux-image-$abi-$FLAVOUR=$version" ||
			die "cannot fetch linux-image-$abi-$FLAVOUR"
		# The package leaves modules.dep to its postinst.
		/sbin/depmod -b "$dest.tmp" "$abi-$FLAVOUR" ||
			die "depmod failed in $dest.tmp"
		touch "$dest.tmp/.unpacked"
		rm -rf "$dest"
		mv "$dest.tmp" "$dest"
	fi
	echo "$dest"
	exit 0
fi

if [ "$source" -eq 1 ]; then
	pkg=linux-source-$SERIES
	deb=$DEBS/$pkg/$version
	if ! ls "$deb"/*.deb >/dev/null 2>&1; then
		mkdir -p "$deb"
		(cd "$deb" && papt apt-get download "$pkg=$version" >&2) ||
			die "cannot fetch $pkg"
	fi
	if [ "$source_deb" -eq 1 ]; then
		ls "$deb"/*.deb
		exit 0
	fi
	# The package holds one tarball of the whole tree; only the samples
	# are taken out of it.
	dest=$KERNELS/source-$version
	if [ ! -e "$dest/.unpacked" ]; then
		rm -rf "$dest.tmp"
		mkdir -p "$dest.tmp"
		dpkg-deb --fsys-tarfile "$(ls "$deb"/*.deb)" |
			tar -xOf - "./usr/src/$pkg.tar.xz" |
			tar -xJf - -C "$dest.tmp" --strip-components=1 \
				"$pkg/samples/vfio-mdev"
		[ -f "$dest.tmp/samples/vfio-mdev/mtty.c" ] ||
			die "no samples/vfio-mdev in $pkg $version"
		touch "$dest.tmp/.unpacked"
		rm -rf "$dest"
		mv "$dest.tmp" "$dest"
	fi
	echo "$dest"
	exit 0
fi

dest=$KERNELS/$version
kdir=$dest/usr/src/$headers
if [ -e "$dest/.unpacked" ]; then
	echo "$kdir"
	exit 0
fi

# linux-kbuild is named by the ABI without the flavour; pin every package
# to the one version so that headers and kbuild always match.
bp_unpack "$dest.tmp" "$headers=$version" "linux-headers-$abi-common=$version" \
	"linux-kbuild-$abi=$version" || die "cannot fetch $headers"

# The flavour's Makefile is one line, "include /usr/src/linux-headers-
# <abi>-common/Makefile": an absolute path to where the package would be
# installed, which does not exist here. Every other cross-package reference
# is a relative symlink (scripts/ and tools/ point to ../../lib/linux-kbuild-
# <abi>/), and the common Makefile finds its source tree from its own
# location and the object tree from the directory make runs in. So rewriting
# that one line to name the common headers relative to the flavour's
# Makefile is the whole fix-up; KDIR then works wherever the cache lives.
mk=$dest.tmp/usr/src/$headers/Makefile
want="include /usr/src/linux-headers-$abi-common/Makefile"
grep -qxF "$want" "$mk" ||
	die "$mk does not read '$want'; the fix-up needs a look"
cat >"$mk" <<EOF
# Rewritten by tools/kernel-612.sh: the package's line was
# $want
include \$(dir \$(lastword \$(MAKEFILE_LIST)))../linux-headers-$abi-common/Makefile
EOF
touch "$dest.tmp/.unpacked"
rm -rf "$dest"
mv "$dest.tmp" "$dest"

command -v pahole >/dev/null ||
	echo "kernel-612.sh: no pahole; $SERIES's module builds need it (make deps)" >&2
echo "$kdir"
