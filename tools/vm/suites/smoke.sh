#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 300
#
# Smoke suite: proves the VM runner and the module setup every other suite
# relies on. Loads VFIO and, once it is built, our mdev.ko (in place of the
# distribution's), then runs the checks of tools/vm/tests/vm_smoke.sh under
# the IGT runner (results.json in RESULTS_DIR), or directly if the runner
# is not built.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

vm_log "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print $2 }' /proc/meminfo) kB"
vm_log "VGPU_ROOT=$VGPU_ROOT RESULTS_DIR=$RESULTS_DIR KVER=$KVER"

vm_load_vfio || vm_fail "cannot load the VFIO modules"
if [ -f "$VM_MDEV_KO" ]; then
	vm_load_mdev || vm_fail "cannot load our mdev.ko"
	vm_log "mdev: $(readlink -f "$VM_MDEV_KO") loaded"
else
	vm_log "mdev: $VM_MDEV_KO not built, not loaded"
fi

checks=$VGPU_ROOT/tools/vm/tests/vm_smoke.sh
if [ -x "$VGPU_ROOT/build/bin/igt-run" ]; then
	vm_run_igt "$checks"
else
	vm_log "build/bin/igt-run not built: running the checks directly"
	"$checks"
fi
