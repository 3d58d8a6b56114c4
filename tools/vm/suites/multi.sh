#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 3000 --mem 3072 --refgpus 2 --ignore hrtimer:.interrupt.took
#
# Several suites in one boot of the test VM, one after another:
#   run-vm --suite multi --env VM_SUITES=vgpu,refgpu,...
# Each runs as it would alone (its own shell and exit status), with its
# results in $RESULTS_DIR/<suite>/ (results.json and its nested guests').
# The boot's costs are paid once: on the debug host kernel that is ~25 s
# of boot and ~30 s of kmemleak scans per suite (tools/vm/init/l1-init
# scans once, after the last). run-vm's kernel log scan covers them all.
#
# The suites' own vm-args do not apply: this one's cover what they ask
# (memory, two reference GPUs, the hrtimer line), but not vgpu-display's
# slub_debug=FZPU and page_poison=1, which are for kernels without KASAN
# (KASAN finds the use-after-free they poison for).
#
# $RESULTS_DIR/suites: "<suite> <status> <seconds>" per suite, in order.
# Exits 1 if any suite failed.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

[ -n "${VM_SUITES:-}" ] || vm_fail "VM_SUITES is not set (suite names, comma-separated)"
list=()
for s in ${VM_SUITES//,/ }; do
	case $s in
	multi|*[!a-z0-9-]*) vm_fail "VM_SUITES: '$s' is not a suite name" ;;
	esac
	[ -f "$VGPU_ROOT/tools/vm/suites/$s.sh" ] || vm_fail "VM_SUITES: no suite $s"
	list+=("$s")
done

: > "$RESULTS_DIR/suites"
for s in "${list[@]}"; do
	out=$RESULTS_DIR/$s
	rm -rf "$out"
	mkdir -p "$out"
	vm_log "== suite $s (uptime $(cut -d' ' -f1 /proc/uptime))"
	t0=$(date +%s)
	RESULTS_DIR=$out bash "$VGPU_ROOT/tools/vm/suites/$s.sh" </dev/null
	rc=$?
	echo "$s $rc $(($(date +%s) - t0))" >> "$RESULTS_DIR/suites"
	vm_log "== suite $s: status $rc after $(($(date +%s) - t0)) s"
	[ "$rc" = 0 ] || VM_RC=1
done
vm_exit
