#!/bin/sh
# make demo: install what is missing, build the stack and the kernel's mdev
# samples, then boot the test VM with everything loaded and show it through
# mdevctl (tools/vm/suites/demo.sh). The suite's output is shown as it runs.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/tools/deps.sh"
make -s -C "$ROOT" all
"$ROOT/tools/build-samples.sh" >/dev/null
logdir="$ROOT/build/vm/logs/demo"
mkdir -p "$logdir"
: > "$logdir/suite.log"
tail -n +1 -F "$logdir/suite.log" &
tailpid=$!
rc=0
"$ROOT/tools/vm/run-vm" --suite demo --logdir "$logdir" || rc=$?
sleep 1
kill "$tailpid" 2>/dev/null || true
if [ "$rc" -ne 0 ]; then
	echo "demo: the VM run failed (status $rc); logs in $logdir" >&2
fi
exit "$rc"
