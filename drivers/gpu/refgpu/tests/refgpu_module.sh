#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# refgpu_module - the life cycle of refgpu.ko in the test VM, after
# refgpu_native has exercised it: nothing held once every client is gone,
# a clean unload, repeated load/use/unload cycles, and no complaint from
# the driver in the kernel log, unbinding and binding a PCI function (its
# GPU and render node go and come back), an open render node pinning the
# module. Run by tools/vm/suites/refgpu.sh with the module loaded and two
# functions (run-vm --refgpus 2); leaves it unloaded (drm.ko, which it
# needs, stays loaded).

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

KO=${VGPU_KO_ROOT:-$VGPU_ROOT}/drivers/gpu/refgpu/refgpu.ko
NATIVE=$VGPU_ROOT/build/bin/tests/refgpu_native
DBG=/sys/kernel/debug/refgpu
DRV=/sys/bus/pci/drivers/refgpu
AUX=/sys/bus/auxiliary/devices
AUX_NATIVE=/sys/bus/auxiliary/drivers/refgpu.native

loaded() { grep -q '^refgpu ' /proc/modules; }

# The reference GPU's PCI functions, in BDF order: vm_refgpu_functions.
. "$VGPU_ROOT/tools/vm/lib.sh"

# Every function is bound to the driver, and there are two.
assert_bound() {
	n=0
	for f in $(vm_refgpu_functions); do
		igt_assert test -e "$DRV/$f"
		n=$((n + 1))
	done
	igt_assert test "$n" -eq 2
}

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

# GPU N's auxiliary devices are children of PCI function $2, and its
# native one is bound to the native path's driver.
assert_clients() {
	for kind in native vgpu; do
		igt_assert test "$(readlink -f "$AUX/refgpu.$kind.$1/..")" = \
			"$(readlink -f "/sys/bus/pci/devices/$2")"
	done
	igt_assert test "$(basename "$(readlink -f "$AUX/refgpu.native.$1/driver")")" = \
		refgpu.native
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
	# Each GPU has its clients' devices, on its own function.
	n=0
	for f in $(vm_refgpu_functions); do
		assert_clients $n "$f"
		n=$((n + 1))
	done
}

# The render node of PCI function $1, e.g. renderD128, or nothing.
render_node() {
	for n in "/sys/bus/pci/devices/$1/drm"/renderD*; do
		[ -e "$n" ] && basename "$n"
	done
	return 0
}

subtest_unload_clean() {
	require_loaded
	# A client that is gone must not pin the module.
	igt_assert rmmod refgpu
	for f in $(vm_refgpu_functions); do
		igt_assert test ! -e "/sys/bus/pci/devices/$f/driver"
		igt_assert test ! -e "/sys/bus/pci/devices/$f/drm"
	done
	igt_assert test ! -e "$DRV"
	igt_assert test ! -e "$DBG"
	igt_assert test ! -e "$AUX/refgpu.native.0"
	igt_assert test ! -e /sys/bus/auxiliary/drivers/refgpu.native
	loaded && igt_fail "refgpu still loaded"
	return 0
}

subtest_reload_cycles() {
	i=0
	while [ $i -lt 3 ]; do
		loaded || igt_assert insmod "$KO"
		assert_bound
		igt_assert "$NATIVE" --run-subtest \
			'store-both-engines,color-blt-depths,second-gpu,close-while-running'
		assert_idle
		igt_assert rmmod refgpu
		i=$((i + 1))
	done
}

subtest_unbind_rebind() {
	loaded || igt_assert insmod "$KO"
	assert_bound
	first=$(vm_refgpu_functions | head -n1)
	second=$(vm_refgpu_functions | sed -n 2p)
	node=$(render_node "$first")
	igt_assert test -n "$node"
	igt_assert test -c "/dev/dri/$node"
	# Unbinding a function removes its GPU (and render node) only.
	igt_assert sh -c "echo $first > $DRV/unbind"
	igt_assert test ! -e "$DRV/$first"
	igt_assert test ! -e "$DBG/refgpu.0"
	igt_assert test ! -e "/dev/dri/$node"
	igt_assert test -n "$(render_node "$second")"
	igt_assert test ! -e "$AUX/refgpu.native.0"
	igt_assert test ! -e "$AUX/refgpu.vgpu.0"
	assert_clients 1 "$second"
	# Binding it again brings it back under its old name, with its client.
	igt_assert sh -c "echo $first > $DRV/bind"
	assert_bound
	assert_clients 0 "$first"
	igt_assert test -n "$(render_node "$first")"
	igt_assert "$NATIVE" --run-subtest 'store-both-engines,second-gpu'
	assert_idle
}

subtest_native_unbind_alone() {
	loaded || igt_assert insmod "$KO"
	assert_bound
	first=$(vm_refgpu_functions | head -n1)
	node=$(render_node "$first")
	igt_assert test -n "$node"
	# Taking the native path off one GPU removes its render node only:
	# the GPU and its other client stay.
	igt_assert sh -c "echo refgpu.native.0 > $AUX_NATIVE/unbind"
	igt_assert test ! -e "/dev/dri/$node"
	igt_assert test ! -e "/sys/bus/pci/devices/$first/drm"
	igt_assert test -e "$DRV/$first"
	igt_assert test -e "$AUX/refgpu.vgpu.0"
	igt_assert test -n "$(render_node "$(vm_refgpu_functions | sed -n 2p)")"
	igt_assert sh -c "echo refgpu.native.0 > $AUX_NATIVE/bind"
	assert_clients 0 "$first"
	igt_assert test -n "$(render_node "$first")"
	igt_assert "$NATIVE" --run-subtest 'store-both-engines'
	assert_idle
}

subtest_open_file_pins_module() {
	loaded || igt_assert insmod "$KO"
	node=$(render_node "$(vm_refgpu_functions | head -n1)")
	igt_assert test -n "$node"
	exec 9<> "/dev/dri/$node"
	if rmmod refgpu 2>/dev/null; then
		exec 9>&-
		igt_fail "refgpu unloaded with a render node open"
	fi
	exec 9>&-
	igt_assert rmmod refgpu
}

subtest_kernel_log_clean() {
	# dev_err() of the driver: leftovers at teardown, failed probes.
	if dmesg | grep -E 'refgpu.*(left behind|still reserved|probe failed|unexpected identification)|probe of .* failed'; then
		igt_fail "refgpu complained in the kernel log"
	fi
	return 0
}

igt_subtest nothing-held subtest_nothing_held \
	"After the native tests no range, entry, context or page is held"
igt_subtest unload-clean subtest_unload_clean \
	"rmmod unbinds the functions, removes the driver and the debugfs files"
igt_subtest reload-cycles subtest_reload_cycles \
	"Three load, use, check and unload cycles"
igt_subtest unbind-rebind subtest_unbind_rebind \
	"Unbinding a PCI function removes its GPU and node only; binding brings them back"
igt_subtest native-unbind-alone subtest_native_unbind_alone \
	"Unbinding the native path from one GPU removes its render node only; binding brings it back"
igt_subtest open-file-pins-module subtest_open_file_pins_module \
	"An open render node keeps the module loaded"
igt_subtest kernel-log-clean subtest_kernel_log_clean \
	"The driver logged no error"
igt_main "$@"
