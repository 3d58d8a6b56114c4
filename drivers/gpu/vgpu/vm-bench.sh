#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench entry for the vGPU parent driver: runs the vgpu-bench VM suite
# (tools/vm/suites/vgpu-bench.sh) and prints the "# how" and
# "vm.<key>: <value>" lines it collected.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
LOGS=$ROOT/build/vm/logs/vgpu-bench

"$ROOT/tools/vm/run-vm" --suite vgpu-bench --quiet --logdir "$LOGS" >&2
rc=$?
[ -f "$LOGS/results/bench.txt" ] && cat "$LOGS/results/bench.txt"
exit "$rc"
