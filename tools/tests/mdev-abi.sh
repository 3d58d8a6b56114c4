#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Binary compatibility of our mdev.ko with the distribution's: each symbol
# the kernel's drivers/vfio/mdev/mdev exports must be in our Module.symvers
# (after "make modules") with the same CRC and the same kind of export, or
# modules built against the distribution's headers (kvmgt, the kernel's
# samples) would not load against ours. One line per symbol.
#
# An IGT-protocol test (igt-tests/lib/igt_core.sh): --list-subtests,
# --run-subtest NAME, no argument runs everything.
#
# Environment: OUR_SYMVERS (default <root>/Module.symvers), DISTRO_SYMVERS
# (default $KDIR/Module.symvers: the kernel the modules were built against,
# as "make KDIR=... modules" takes it), KDIR (default /lib/modules/$KVER/build),
# KVER (default: the newest installed headers, tools/kver). For Linux 6.12:
#	KDIR=$(tools/kernel-612.sh) tools/tests/mdev-abi.sh
#
# The subtest functions are called through igt_main, which shellcheck
# cannot see:
# shellcheck disable=SC2317

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../igt-tests/lib/igt_core.sh
. "$ROOT/igt-tests/lib/igt_core.sh"

SYMBOLS="mdev_register_parent mdev_unregister_parent mdev_register_driver
mdev_unregister_driver"
DISTRO_MODULE=drivers/vfio/mdev/mdev

# symvers_entry SYMBOL FILE: "CRC KIND" of SYMBOL as exported by a module
# whose path ends in $DISTRO_MODULE; nothing if there is no such entry.
symvers_entry() {
	awk -F '\t' -v sym="$1" -v mod="$DISTRO_MODULE" '
		$2 == sym && ($3 == mod ||
			      substr($3, length($3) - length(mod)) == "/" mod) {
			print $1, $4
			exit
		}' "$2"
}

subtest_crc_match() {
	ours=${OUR_SYMVERS:-$ROOT/Module.symvers}
	distro=${DISTRO_SYMVERS:-}
	if [ -z "$distro" ]; then
		kdir=${KDIR:-}
		if [ -z "$kdir" ]; then
			kver=${KVER:-$("$ROOT/tools/kver" 2>/dev/null)}
			kdir=/lib/modules/$kver/build
		fi
		distro=$kdir/Module.symvers
	fi

	igt_require test -r "$distro"
	[ -r "$ours" ] || igt_fail "no $ours: run make modules first"

	bad=0
	for sym in $SYMBOLS; do
		want=$(symvers_entry "$sym" "$distro")
		have=$(symvers_entry "$sym" "$ours")
		if [ -z "$want" ]; then
			echo "$sym: not in $distro for $DISTRO_MODULE"
			bad=$((bad + 1))
		elif [ -z "$have" ]; then
			echo "$sym: MISSING from $ours (distribution: $want)"
			bad=$((bad + 1))
		elif [ "$have" != "$want" ]; then
			echo "$sym: MISMATCH ours $have, distribution $want"
			bad=$((bad + 1))
		else
			echo "$sym: ok $have"
		fi
	done
	[ "$bad" -eq 0 ] || igt_fail "$bad of the mdev exports differ from $distro"
}

igt_subtest crc-match subtest_crc_match \
	"The mdev exports have the CRCs and export kinds of the distribution's mdev.ko"
igt_main "$@"
