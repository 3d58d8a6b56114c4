#!/bin/sh
# make demo: install what is missing, build the stack and the kernel's mdev
# samples, then boot the test VM with everything loaded and show it through
# mdevctl (tools/vm/suites/demo.sh). The suite's output is shown as it runs.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/tools/deps.sh"
make -s -C "$ROOT" all
"$ROOT/tools/build-samples.sh" >/dev/null
# run-vm shows the suite's output as it runs and keeps it in the log dir.
exec "$ROOT/tools/vm/run-vm" --suite demo --logdir "$ROOT/build/vm/logs/demo"
