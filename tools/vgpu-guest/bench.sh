#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make bench entry for guest GPU work: runs the guest-bench VM suite
# (tools/vm/suites/guest-bench.sh: two guests on two vGPUs) and prints the
# "# how" and "guest.<key>: <value>" lines it collected.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOGS=$ROOT/build/vm/logs/guest-bench

make -s -C "$ROOT" guest-modules >/dev/null || exit 1
"$ROOT/tools/vm/run-vm" --suite guest-bench --quiet --logdir "$LOGS" >&2
rc=$?
[ -f "$LOGS/results/bench.txt" ] && cat "$LOGS/results/bench.txt"
exit "$rc"
