#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 2400 --mem 3072 --ignore hrtimer:.interrupt.took
#
# The guest figures of "make bench" (tools/vgpu-guest/bench.sh prints
# them): two guests, each on a small vGPU, weights 1:3, both saturating
# their copy engine with the guest driver (tools/vm/guest/bench-l2.sh);
# the host compares their busy time over a window with the weights
# (guest.two_vm_share_error_pp; the window must have the engine at
# least half busy). Then each guest times tiny submissions
# one at a time while the other is paused, and the host's VFIO harness
# times the same work (vgpu_bench --run-subtest tiny-submit):
# guest.submit_overhead_ratio is guest time over host time.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

GUEST_KO=$VGPU_ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko
GUEST_KDIR=$(cat "$VGPU_ROOT/build/guest-modules/kernel-dir" 2>/dev/null) ||
	vm_fail "no guest kernel (make guest-modules)"
QMP=$VGPU_ROOT/tools/vm/guest/qmp.py
OUT=$RESULTS_DIR/guest-bench
WINDOW=30
# Long enough for the later guest to boot and the window to pass.
SATURATE=400
mkdir -p "$OUT"
rm -rf "${OUT:?}"/*
out=$RESULTS_DIR/bench.txt
: > "$out"
SOCKS=$(mktemp -d /tmp/guest-bench.XXXXXX) || vm_fail "no temporary directory"

vm_load_vgpu || vm_fail "cannot load the vGPU stack"
types=$(vm_refgpu_types 0) || vm_fail "no reference GPU"

# The host baseline first, with no guest running.
"$VGPU_ROOT/build/bin/tests/vgpu_bench" --run-subtest tiny-submit \
	> "$OUT/host-tiny.log" 2>&1 || vm_fail "tiny-submit failed"
host_us=$(sed -n 's/^vm\.host_tiny_submit_us: //p' "$OUT/host-tiny.log")
vm_log "host: ${host_us} us per tiny submission"

declare -A UUID PID WEIGHT
WEIGHT[A]=100
WEIGHT[B]=300
sysfs() { cat "/sys/bus/mdev/devices/${UUID[$1]}/vgpu/$2"; }
busy() { local r c; read -r r c < <(sysfs "$1" busy_ns); echo $((r + c)); }
stepped() { grep -q "^@@BENCH $2" "$OUT/guest-$1/output.log" 2>/dev/null; }

for g in A B; do
	UUID[$g]=$(vm_mdev_create "$types/refgpu-small") ||
		vm_fail "cannot create a small vGPU"
	echo "${WEIGHT[$g]}" > "/sys/bus/mdev/devices/${UUID[$g]}/vgpu/weight" ||
		vm_fail "cannot set a weight"
	vm_nested_guest --timeout 1800 --mem 256 -q \
		--kernel "$GUEST_KDIR/vmlinux" \
		--append "console=ttyS0 vgpubench.seconds=$SATURATE" \
		--logdir "$OUT/guest-$g" \
		--file "$GUEST_KO:/lib/vgpu_drm.ko" \
		--file "$VGPU_ROOT/build/bin/guest/vgpu-work:/bin/vgpu-work" \
		"$VGPU_ROOT/tools/vm/guest/bench-l2.sh" -- \
		-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/${UUID[$g]}" \
		-qmp "unix:$SOCKS/qmp-$g,server=on,wait=off" > /dev/null &
	PID[$g]=$!
done

# The window opens once both saturate (and a few seconds have settled).
for _ in $(seq 1 900); do
	stepped A saturating && stepped B saturating && break
	sleep 2
done
stepped A saturating && stepped B saturating ||
	vm_fail "the guests never both saturated"
sleep 5
a0=$(busy A)
b0=$(busy B)
sleep "$WINDOW"
a1=$(busy A)
b1=$(busy B)
if stepped A saturated || stepped B saturated; then
	vm_fail "a guest stopped saturating within the window (raise SATURATE)"
fi
da=$((a1 - a0))
db=$((b1 - b0))
vm_log "window ${WINDOW} s: busy A $((da / 1000000)) ms, B $((db / 1000000)) ms"
# Shares follow the weights only while the engine is contended: demand
# at least half the window of engine time, or the figure means nothing.
[ $((da + db)) -ge $((WINDOW * 500000000)) ] ||
	vm_fail "engines busy only $(((da + db) / 1000000)) ms of the ${WINDOW} s window: not saturated"
share_err=$(awk -v a="$da" -v b="$db" -v wa="${WEIGHT[A]}" -v wb="${WEIGHT[B]}" \
	'BEGIN { s = 100 * a / (a + b); w = 100 * wa / (wa + wb);
		 e = s - w; if (e < 0) e = -e; printf "%.2f", e }')

# Tiny submissions: each guest alone, the other paused. A guest sleeps a
# few seconds after saturating, so the pause lands before it measures.
rc=0
for g in A B; do
	other=B
	[ "$g" = B ] && other=A
	for _ in $(seq 1 900); do
		stepped "$g" saturated && break
		kill -0 "${PID[$g]}" 2>/dev/null || break
		sleep 1
	done
	paused=0
	if ! stepped "$other" "done" && kill -0 "${PID[$other]}" 2>/dev/null; then
		python3 "$QMP" "$SOCKS/qmp-$other" stop && paused=1
	fi
	for _ in $(seq 1 600); do
		stepped "$g" "done" && break
		kill -0 "${PID[$g]}" 2>/dev/null || break
		sleep 1
	done
	[ "$paused" = 1 ] && python3 "$QMP" "$SOCKS/qmp-$other" cont
done
for g in A B; do
	wait "${PID[$g]}" || rc=1
	stepped "$g" "done 0" || rc=1
done
rm -rf "$SOCKS"

sps=$(sed -n 's/^tiny: submissions_per_s: //p' "$OUT"/guest-[AB]/output.log |
	sort -g | tail -n 1)
[ -n "$sps" ] && [ -n "$host_us" ] || vm_fail "no tiny submission figures"
ratio=$(awk -v s="$sps" -v h="$host_us" 'BEGIN { printf "%.2f", 1e6 / s / h }')
vm_log "guest: $(awk -v s="$sps" 'BEGIN { printf "%.1f", 1e6 / s }') us per tiny submission (best guest)"
{
	echo "# 2 guests, small vGPUs, weights 1:3, copy engines saturated by vgpu-work (16 fills of 4 MiB per submission, 16 in flight), ${WINDOW} s window, sysfs busy_ns"
	echo "guest.two_vm_share_error_pp: $share_err"
	echo "# 4 KiB fill one at a time: guest (vgpu-work -q 1, sync_file wait) over host VFIO harness (MSI wait), best guest of 2, other guest paused"
	echo "guest.submit_overhead_ratio: $ratio"
} >> "$out"
cat "$out"
for g in A B; do
	vm_mdev_remove "${UUID[$g]}" || rc=1
done
exit "$rc"
