#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The build rules every change is held to, as an IGT-protocol test that
# runs on the development machine: the modules build without a warning at
# W=1 (against 6.1 and 6.12) and under sparse, checkpatch --strict finds nothing, and every module
# (ours and the kernel's samples) is compiled against our <linux/mdev.h>.
#
# The builds run in a scratch copy of the tree under build/hygiene/ so they
# always compile every file (a warning is only printed when a file is
# compiled) and never disturb the developer's objects.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=SCRIPTDIR/../../igt-tests/lib/igt_core.sh
. "$ROOT/igt-tests/lib/igt_core.sh"

SCRATCH="$ROOT/build/hygiene"

# copy_tree DIR: the project's source files (tracked and new, not ignored).
copy_tree() {
	rm -rf "$1"
	mkdir -p "$1"
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - 2>/dev/null) | tar -xf - -C "$1"
}

# build_modules DIR LOG [make args...]: build the copy's modules, all output
# in LOG; fails if make fails.
build_modules() {
	_dir=$1
	_log=$2
	shift 2
	copy_tree "$_dir"
	make -C "$_dir" --no-print-directory -j"$(nproc)" modules "$@" \
		>"$_log" 2>&1
}

# no_diagnostics LOG WHAT: fail listing the warnings/errors in LOG.
no_diagnostics() {
	if grep -E '(warning|error):' "$1" >/dev/null; then
		grep -E '(warning|error):' "$1" | head -20 >&2
		igt_fail "$2 reported the lines above (full log: $1)"
	fi
}

modules_w1_clean() {
	log="$SCRATCH/w1.log"
	build_modules "$SCRATCH/w1" "$log" ||
		igt_fail "make modules failed (log: $log)"
	grep -q -- '-Wmissing-prototypes' "$SCRATCH"/w1/drivers/vfio/mdev/.mdev_core.o.cmd ||
		igt_fail "the build did not use W=1 flags"
	no_diagnostics "$log" "gcc at W=1"
}

modules_sparse_clean() {
	igt_require command -v sparse
	log="$SCRATCH/sparse.log"
	build_modules "$SCRATCH/sparse" "$log" C=2 ||
		igt_fail "make modules C=2 failed (log: $log)"
	grep -q 'CHECK' "$log" || grep -q . "$SCRATCH"/sparse/drivers/vfio/mdev/mdev.ko ||
		igt_fail "sparse did not run"
	no_diagnostics "$log" "sparse"
}

# The same against Debian 12 backports' Linux 6.12 (docs/kernels.md),
# fetched into the cache by tools/kernel-612.sh; and our mdev exports keep
# that kernel's CRCs.
modules_612_w1_clean() {
	igt_require command -v pahole
	mkdir -p "$SCRATCH"
	klog="$SCRATCH/kernel-612.log"
	kdir=$("$ROOT/tools/kernel-612.sh" 2>"$klog") ||
		igt_skip "no Linux 6.12 headers (log: $klog)"
	log="$SCRATCH/w1-612.log"
	build_modules "$SCRATCH/w1-612" "$log" KDIR="$kdir" ||
		igt_fail "make KDIR=$kdir modules failed (log: $log)"
	no_diagnostics "$log" "gcc at W=1 against $kdir"
	OUR_SYMVERS="$SCRATCH/w1-612/Module.symvers" KDIR="$kdir" \
		"$ROOT/tools/tests/mdev-abi.sh" --run-subtest crc-match ||
		igt_fail "our mdev exports differ from Linux 6.12's"
}

checkpatch_clean() {
	log="$SCRATCH/checkpatch.log"
	mkdir -p "$SCRATCH"
	if ! "$ROOT/tools/checkpatch.sh" >"$log" 2>&1; then
		grep -E '(ERROR|WARNING|CHECK):' "$log" | head -20 >&2
		igt_fail "checkpatch --strict is not clean (log: $log)"
	fi
}

# Every object that includes <linux/mdev.h> must have picked ours: the
# kernel's copy is first in its own include path unless ours is prepended.
modules_use_our_mdev_header() {
	found=0
	for cmd in $(find "$ROOT/drivers" -name '.*.o.cmd'); do
		grep -q 'include/linux/mdev\.h' "$cmd" || continue
		found=$((found + 1))
		grep -q "$ROOT/include/linux/mdev.h" "$cmd" ||
			igt_fail "$cmd was compiled against another mdev.h"
	done
	[ "$found" -gt 0 ] || igt_fail "no object includes <linux/mdev.h> (run make modules)"
	igt_info "$found objects use $ROOT/include/linux/mdev.h"
}

samples_use_our_mdev_header() {
	out=$("$ROOT/tools/build-samples.sh" 2>"$SCRATCH.samples.log") ||
		igt_fail "tools/build-samples.sh failed: $(tail -5 "$SCRATCH.samples.log")"
	for m in mtty mdpy mbochs; do
		grep -q "$ROOT/include/linux/mdev.h" "$out/.$m.o.cmd" ||
			igt_fail "$m was compiled against another mdev.h"
	done
	# modpost versioned the samples' mdev imports with our CRCs.
	crc=$(awk '$2 == "mdev_register_parent" { print $1 }' "$ROOT/Module.symvers")
	[ -n "$crc" ] || igt_fail "our Module.symvers lacks mdev_register_parent"
	grep -q "$crc, \"mdev_register_parent\"" "$out/mtty.mod.c" ||
		igt_fail "mtty does not import mdev_register_parent with CRC $crc"
}

igt_subtest modules-w1-clean modules_w1_clean \
	"every module builds with no warning at W=1"
igt_subtest modules-sparse-clean modules_sparse_clean \
	"sparse (C=2) reports nothing on the modules"
igt_subtest modules-612-w1-clean modules_612_w1_clean \
	"every module builds with no warning at W=1 against Linux 6.12"
igt_subtest checkpatch-clean checkpatch_clean \
	"checkpatch.pl --strict is clean on every C source and header"
igt_subtest modules-use-our-mdev-header modules_use_our_mdev_header \
	"our include/linux/mdev.h wins over the kernel's in every module"
igt_subtest samples-use-our-mdev-header samples_use_our_mdev_header \
	"the kernel's mdev samples build against our header and symbols"
igt_main "$@"
