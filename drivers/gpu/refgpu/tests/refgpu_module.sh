#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# refgpu_module - the life cycle of refgpu.ko in the test VM, after
# refgpu_native has exercised it: nothing held once every client is gone,
# a clean unload, repeated load/use/unload cycles, and no complaint from
# the driver in the kernel log. Run by tools/vm/suites/refgpu.sh with the
# module loaded (count=2); leaves it unloaded.

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

KO=$VGPU_ROOT/drivers/gpu/refgpu/refgpu.ko
NATIVE=$VGPU_ROOT/build/bin/tests/refgpu_native
DBG=/sys/kernel/debug/refgpu

loaded() { grep -q '^refgpu ' /proc/modules; }

# The GGTT, contexts and buffers of every GPU are back to nothing.
assert_idle() {
	for status in "$DBG"/refgpu.*/status; do
		igt_assert grep -q '^ggtt: ranges 0 reserved_pages 0 present 0 ' \
			"$status"
		igt_assert grep -qx 'contexts: 0' "$status"
		igt_assert grep -q '^engine render: idle ' "$status"
		igt_assert grep -q '^engine copy: idle ' "$status"
	done
	igt_assert grep -qx 'bo_pages 0' "$DBG/stats"
}

# The suite loads the module; the subtests below unload and reload it.
require_loaded() {
	igt_require loaded
	igt_require test -d "$DBG"
}

subtest_nothing_held() {
	require_loaded
	assert_idle
	igt_info "$(cat "$DBG"/refgpu.0/status)"
	# Clients were bound to both GPUs.
	igt_assert grep -qx 'gpu refgpu.0: refgpu-native' "$DBG/stats"
	igt_assert grep -qx 'gpu refgpu.1: refgpu-native' "$DBG/stats"
}

subtest_unload_clean() {
	require_loaded
	# A client that is gone must not pin the module.
	igt_assert rmmod refgpu
	igt_assert test ! -e /sys/devices/platform/refgpu.0
	igt_assert test ! -e /sys/bus/platform/drivers/refgpu
	igt_assert test ! -e "$DBG"
	loaded && igt_fail "refgpu still loaded"
	return 0
}

subtest_reload_cycles() {
	i=0
	while [ $i -lt 3 ]; do
		loaded || igt_assert insmod "$KO" count=2
		igt_assert test -d /sys/devices/platform/refgpu.1
		igt_assert "$NATIVE" --run-subtest \
			'store-both-engines,color-blt-depths,second-gpu,close-while-running'
		assert_idle
		igt_assert rmmod refgpu
		i=$((i + 1))
	done
}

subtest_open_file_pins_module() {
	loaded || igt_assert insmod "$KO" count=1
	exec 9<> "$DBG/refgpu.0/native"
	if rmmod refgpu 2>/dev/null; then
		exec 9>&-
		igt_fail "refgpu unloaded with a native file open"
	fi
	exec 9>&-
	igt_assert rmmod refgpu
}

subtest_kernel_log_clean() {
	# dev_err() of the driver: leftovers at teardown, failed probes.
	if dmesg | grep -E 'refgpu.*(left behind|still reserved|probe failed)'; then
		igt_fail "refgpu complained in the kernel log"
	fi
	return 0
}

igt_subtest nothing-held subtest_nothing_held \
	"After the native tests no range, entry, context or page is held"
igt_subtest unload-clean subtest_unload_clean \
	"rmmod removes the devices, the driver and the debugfs files"
igt_subtest reload-cycles subtest_reload_cycles \
	"Three load, use, check and unload cycles"
igt_subtest open-file-pins-module subtest_open_file_pins_module \
	"An open native file keeps the module loaded"
igt_subtest kernel-log-clean subtest_kernel_log_clean \
	"The driver logged no error"
igt_main "$@"
