#!/bin/sh
# make demo: install what is missing, build the stack, the kernel's mdev
# samples and the guest kernel and driver, then boot the test VM with
# everything loaded: mdevctl, then two guests on two vGPUs at work
# (tools/vm/suites/demo.sh). The suite's output is shown as it runs; the
# guests' displays are saved as PNGs under build/vm/logs/demo/results/demo.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
"$ROOT/tools/deps.sh"
make -s -C "$ROOT" all
# The demo's guests boot the purpose-built guest kernel (built once, about
# ten minutes, then cached) with the guest driver built against it.
make -s -C "$ROOT" guest-modules >/dev/null
"$ROOT/tools/build-samples.sh" >/dev/null
# run-vm shows the suite's output as it runs and keeps it in the log dir.
exec "$ROOT/tools/vm/run-vm" --suite demo --logdir "$ROOT/build/vm/logs/demo"
