#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench entry for vgpu_fuzz: a fixed budget (FUZZ_BENCH_SECONDS,
# default 60) of the coverage-guided fuzzer on the debug host kernel, the
# only kernel here with KCOV (over vgpu.ko alone), vGPUs opened through
# iommufd, QEMU 10; run-vm the way make check's debug-kernel stage runs it.
# Prints the distinct vgpu.ko edges it reached (fuzz.kernel_edges), the
# programs it ran and their rate, and the corpus it ended with.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
LOGS=$ROOT/build/vm/logs/vgpu-fuzz-bench
SECS=${FUZZ_BENCH_SECONDS:-60}

kroot=$("$ROOT/tools/vm/host-kernel.sh" --root) || exit 1
kotree=$("$ROOT/tools/modules-612.sh" --iommufd) || exit 1
qemu10=$("$ROOT/tools/qemu-10.sh") || exit 1
"$ROOT/tools/vm/run-vm" --suite vgpu --quiet --logdir "$LOGS" \
	--kroot "$kroot" --koroot "$kotree" --qemu "$qemu10" \
	--l2-qemu "$qemu10" --env VFIO_HARNESS_BACKEND=iommufd \
	--env VGPU_TESTS=fuzz --env VGPU_FUZZ_SECONDS="$SECS" >&2
rc=$?
out=$LOGS/results/results.json
line=$(grep -o 'fuzz: execs=[0-9]* edges=[0-9]* corpus=[0-9]*' "$out" 2>/dev/null)
rate=$(grep -o '[0-9.]* execs/s, coverage [a-z]*' "$out" 2>/dev/null)
if [ -z "$line" ]; then
	echo "# vgpu_fuzz printed no figures (run-vm exit $rc); see $LOGS" >&2
	exit 1
fi
set -- $line $rate
echo "# fuzz: vgpu_fuzz for $SECS s on the debug host kernel (KCOV over vgpu.ko; TCG, iommufd)"
echo "# fuzz.kernel_edges: distinct (PC, next PC) pairs of vgpu.ko reached from the fuzzer's system calls"
echo "fuzz.kernel_edges: ${3#edges=}"
echo "fuzz.execs: ${2#execs=}"
echo "fuzz.execs_per_s: $5"
echo "fuzz.corpus: ${4#corpus=}"
echo "fuzz.coverage: $8"
exit "$rc"
