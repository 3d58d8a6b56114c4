#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian 12 backports' QEMU 10 (qemu-system-x86 with its -common and
# -data packages, and the suite's seabios) into the project cache without
# installing it, and print the path of a qemu-system-x86_64 wrapper that
# runs it:
#
#	tools/vm/run-vm --qemu $(tools/qemu-10.sh) ...
#	VGPU_QEMU=$(tools/qemu-10.sh) tools/vm/nested-guest ...
#
# The wrapper gives QEMU 10 its own firmware (-L) and module directory
# (QEMU_MODULE_DIR) and runs it in a private mount namespace in which the
# machine's QEMU 7.2 module directory shows QEMU 10's modules: QEMU 10
# also looks in the configured directory, and loading a 7.2 module there
# aborts it (docs/kernels.md). Idempotent; packages and tree live under
# $VGPU_CACHE_DIR/qemu-10/<version>/.
set -eu

# shellcheck source=tools/backports.sh
. "$(dirname "$0")/backports.sh"

die() {
	echo "qemu-10.sh: $*" >&2
	exit 1
}

refresh=0
case ${1:-} in
--refresh)	refresh=1 ;;
"")		;;
*)		echo "usage: qemu-10.sh [--refresh]" >&2; exit 2 ;;
esac

TREES=$CACHE/qemu-10
# The machine's (QEMU 7.2's) module directory.
MODDIR=/usr/lib/x86_64-linux-gnu/qemu

if ! update_lists; then
	w=$(ls -1d "$TREES"/*/qemu-system-x86_64 2>/dev/null | sort -V |
		tail -n 1)
	[ -n "$w" ] || die "apt-get update failed and nothing is unpacked yet"
	echo "qemu-10.sh: offline, using $w" >&2
	echo "$w"
	exit 0
fi

version=$(bp_version qemu-system-x86)
case $version in
*:10.*) ;;
*) die "bookworm-backports offers qemu-system-x86 $version, not 10.x" ;;
esac
dest=$TREES/${version#*:}
if [ ! -e "$dest/.unpacked" ]; then
	bp_unpack "$dest.tmp" "qemu-system-x86=$version" \
		"qemu-system-common=$version" "qemu-system-data=$version" \
		"seabios=$(bp_version seabios)" ||
		die "cannot fetch QEMU $version"
	cat > "$dest.tmp/qemu-system-x86_64" <<WRAP
#!/bin/sh
# QEMU $version from bookworm-backports, unpacked by tools/qemu-10.sh.
R=$dest
export QEMU_MODULE_DIR=\$R$MODDIR
exec unshare -m sh -c 'mount --bind "\$0" $MODDIR 2>/dev/null;
	exec "\$@"' "\$R$MODDIR" \\
	"\$R/usr/bin/qemu-system-x86_64" -L "\$R/usr/share/qemu" \\
	-L "\$R/usr/share/seabios" "\$@"
WRAP
	chmod 755 "$dest.tmp/qemu-system-x86_64"
	touch "$dest.tmp/.unpacked"
	rm -rf "$dest"
	mv "$dest.tmp" "$dest"
fi
echo "$dest/qemu-system-x86_64"
