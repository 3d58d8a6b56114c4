#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench entry for live migration: runs the vgpu-migrate VM suite
# (tools/vm/suites/vgpu-migrate.sh: QEMU 10 migrates a nested guest with a
# vGPU, on Linux 6.12 as check.sh's 612 stage runs it) and prints the
# "# how" and "mig.<key>: <value>" lines of QEMU's own figures.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
LOGS=$ROOT/build/vm/logs-612/vgpu-migrate

make -s -C "$ROOT" guest-modules >/dev/null || exit 1
if ! kroot=$("$ROOT/tools/kernel-612.sh" --image) ||
	! kotree=$("$ROOT/tools/modules-612.sh") ||
	! qemu10=$("$ROOT/tools/qemu-10.sh"); then
	echo "mig-bench: Linux 6.12, its modules or QEMU 10 unavailable" >&2
	exit 1
fi
"$ROOT/tools/vm/run-vm" --suite vgpu-migrate --quiet --logdir "$LOGS" \
	--kroot "$kroot" --koroot "$kotree" --qemu "$qemu10" \
	--l2-qemu "$qemu10" >&2
rc=$?
[ -f "$LOGS/results/bench.txt" ] && cat "$LOGS/results/bench.txt"
exit "$rc"
