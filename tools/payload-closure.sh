#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# payload-closure.sh [--flat DIR] STAGE FILE...
#
# Copy the shared-library closure of the programs and libraries FILE...,
# as ldd resolves it on this machine, into the directory tree STAGE that a
# guest's payload is packed from, with the dynamic loader at
# STAGE/lib64/<its name> (the path every x86-64 program names). The FILEs
# themselves are not copied. Used by tools/igt-guest.sh (upstream IGT) and
# tools/vm/guest/mesa-payload.sh (Mesa, kmscube, weston).
#
#   --flat DIR  put every library in STAGE/DIR (the guest then points
#               LD_LIBRARY_PATH there); without it each library keeps the
#               name ldd gave it, in its directory with symbolic links
#               resolved (/lib/x86_64-linux-gnu -> /usr/lib/x86_64-linux-gnu
#               on a merged-/usr system), which the loader searches by
#               default
#
# Libraries are copied dereferenced (one file per soname), without debug
# information (a guest's memory is its root file system). The loader is
# not stripped. Prints the number of libraries copied; exits 1, naming
# them, if ldd cannot resolve a library or fails on a FILE.
set -u
{

die() { echo "payload-closure: $*" >&2; exit 1; }

FLAT=''
if [ "${1:-}" = --flat ]; then
	[ $# -ge 2 ] || die "--flat needs a directory"
	FLAT=$2
	shift 2
fi
[ $# -ge 2 ] || die "usage: payload-closure.sh [--flat DIR] STAGE FILE..."
STAGE=$1
shift
[ -d "$STAGE" ] || die "no directory $STAGE"

deps=$(for f in "$@"; do
	ldd "$f" 2>&1 || echo "ldd failed on $f"
done)
bad=$(echo "$deps" | grep -e 'not found' -e 'ldd failed' -e 'not a dynamic')
[ -z "$bad" ] || die "unresolved libraries:
$bad"
libs=$(echo "$deps" |
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	sort -u)
interp='' n=0
for l in $libs; do
	case $l in
	*/ld-linux*) interp=$l; continue ;;
	esac
	if [ -n "$FLAT" ]; then
		dir=$STAGE/$FLAT
	else
		dir=$STAGE$(readlink -f "$(dirname "$l")")
	fi
	mkdir -p "$dir"
	[ -e "$dir/$(basename "$l")" ] && continue
	cp -L "$l" "$dir/" || die "cannot copy $l"
	strip --strip-debug "$dir/$(basename "$l")" 2>/dev/null
	n=$((n + 1))
done
[ -n "$interp" ] || die "no dynamic loader found by ldd"
mkdir -p "$STAGE/lib64"
cp -L "$interp" "$STAGE/lib64/$(basename "$interp")" ||
	die "cannot copy $interp"
echo "$n"
}
