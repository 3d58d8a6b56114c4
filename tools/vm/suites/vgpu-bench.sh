#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1500 --ignore hrtimer:.interrupt.took
#
# The vGPU figures of "make bench" (build/bin/tests/vgpu_bench): loads our
# mdev.ko, refgpu.ko, vgpu.ko and the mtty sample (for the trapped-write
# baseline), runs each figure's subtest and collects its "# how" and
# "vm.<key>: <value>" lines in $RESULTS_DIR/bench.txt, which
# drivers/gpu/vgpu/vm-bench.sh prints on the host.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

BENCH=$VGPU_ROOT/build/bin/tests/vgpu_bench
MTTY=$VGPU_ROOT/build/samples/mtty.ko
rc=0

[ -x "$BENCH" ] || vm_fail "$BENCH not built (make userspace)"
vm_load_vgpu || vm_fail "cannot load the vGPU stack"
if [ -f "$MTTY" ]; then
	vm_insmod "$MTTY" || vm_log "cannot load $MTTY"
else
	vm_log "$MTTY not built (tools/build-samples.sh): no trap-write baseline"
fi
mountpoint -q /sys/kernel/debug ||
	mount -t debugfs debugfs /sys/kernel/debug ||
	vm_fail "cannot mount debugfs"

out=$RESULTS_DIR/bench.txt
: > "$out"
# VGPU_BENCH: subtests to run, separated by commas (default: every figure).
figures="share-error slice-1ms light-wait switch concurrent-vgpus
mediation-efficiency mediation-efficiency-noisy scan-share trap-write-ratio
create"
list=${VGPU_BENCH:-$figures}
for t in ${list//,/ }; do
	"$BENCH" --run-subtest "$t" > "$RESULTS_DIR/$t.log" 2>&1
	s=$?
	cat "$RESULTS_DIR/$t.log"
	grep -E '^(# |vm\.)' "$RESULTS_DIR/$t.log" >> "$out"
	[ "$s" = 0 ] || [ "$s" = 77 ] || rc=1
done
exit "$rc"
