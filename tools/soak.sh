#!/bin/sh
# make soak [DURATION=SECS]: vgpu_soak's mixed load (workers, knob
# changes, resets, flips with dma-buf exports, create/remove churn, a
# hostile vGPU) for DURATION seconds (default 1800) on the debug host
# kernel (KASAN, lockdep, kmemleak; docs/testing.md), vGPUs opened through
# iommufd. Passes when every role ended without an error, nothing stayed
# pinned or reserved on the GPU, and the kernel log holds no sanitizer
# report and kmemleak no object of ours (run-vm's log scan).
#
# FUZZ=SECS (make soak FUZZ=SECS) runs vgpu_fuzz after the soak for SECS
# seconds in the same VM (coverage-guided by KCOV on this kernel); FUZZ=0,
# the default, leaves it out.
#
# WATCHDOG_MS (default 5000) is vgpu.ko's watchdog_ms for the run: this
# kernel runs the software GPU several times slower than Debian's, and
# the TCG VM's vCPUs stall for a second at a time when the machine is
# busy; at the default 500 ms the watchdog killed innocent workers' tiny
# workloads (a 30-minute soak, 2026-12-07). The soak looks for leaks,
# races and sanitizer reports; vgpu_sched tests the watchdog itself.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${1:-1800}
case $DURATION in
'' | *[!0-9]*) echo "soak: DURATION must be seconds, not '$DURATION'" >&2; exit 2 ;;
esac
[ "$DURATION" -gt 0 ] || { echo "soak: DURATION must be positive" >&2; exit 2; }
FUZZ=${FUZZ:-0}
case $FUZZ in
'' | *[!0-9]*) echo "soak: FUZZ must be seconds, not '$FUZZ'" >&2; exit 2 ;;
esac
WATCHDOG_MS=${WATCHDOG_MS:-5000}
case $WATCHDOG_MS in
'' | *[!0-9]*) echo "soak: WATCHDOG_MS must be milliseconds, not '$WATCHDOG_MS'" >&2; exit 2 ;;
esac
tests=soak
[ "$FUZZ" -eq 0 ] || tests="soak,fuzz"

"$ROOT/tools/deps.sh" --profile iommufd
make -C "$ROOT" -s all
kroot=$("$ROOT/tools/vm/host-kernel.sh" --root)
kotree=$("$ROOT/tools/modules-612.sh" --iommufd)
qemu10=$("$ROOT/tools/qemu-10.sh")
logdir=$ROOT/build/vm/logs-soak
# The suite's own subtests and unload come on top of the soak.
exec "$ROOT/tools/vm/run-vm" --suite vgpu \
	--timeout $((DURATION + FUZZ + 1200)) \
	--kroot "$kroot" --koroot "$kotree" --qemu "$qemu10" \
	--logdir "$logdir" --env VFIO_HARNESS_BACKEND=iommufd \
	--env VGPU_TESTS="$tests" --env VGPU_SOAK_SECONDS="$DURATION" \
	--env VGPU_FUZZ_SECONDS="$FUZZ" --env VGPU_WATCHDOG_MS="$WATCHDOG_MS"
