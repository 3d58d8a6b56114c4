#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1200
#
# The compatibility suite: the kernel's own sample mdev drivers (mtty,
# mdpy, mbochs, built by tools/build-samples.sh from Debian's linux-source
# against our include/linux/mdev.h and Module.symvers) run on our mdev.ko.
# Loads vfio, our mdev and the samples, runs
#   igt-tests/tests/mdev_sysfs.c          sysfs ABI, lifecycle, uevents,
#                                         module unload
#   igt-tests/tests/mdev_vfio_samples.c   each sample device through VFIO
#                                         (vgem imports mbochs dma-bufs)
# then unloads everything and checks that the only mdev module this VM
# ever loaded is ours. See docs/compat.md.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
SAMPLES=$VGPU_KO_ROOT/build/samples

vm_need "$VM_BUILD_HINT" "$SAMPLES/mtty.ko" "$SAMPLES/mdpy.ko" \
	"$SAMPLES/mbochs.ko" "$SAMPLES/mdpy-fb.ko" "$TESTS/mdev_sysfs" \
	"$TESTS/mdev_vfio_samples"

# Every module load from now on is recorded with its taint flags: ours is
# out of tree and unsigned ("OE"), Debian's mdev.ko is neither.
trace_loads=1
vm_trace_module_loads || {
	trace_loads=
	vm_log "no module_load tracepoint: checking the loaded mdev only"
}

vm_load_mdev || vm_fail "cannot load our mdev.ko"
vm_log "mdev: $(modinfo -F filename mdev 2>/dev/null) (ours)"
for m in mtty mdpy mbochs; do
	insmod "$SAMPLES/$m.ko" || vm_fail "insmod $m.ko failed"
done
vm_log "parents: $(ls /sys/class/mdev_bus | tr '\n' ' ')"
# A DRM importer for mbochs's dma-bufs (mdev_vfio_samples).
modprobe vgem || vm_bad "modprobe vgem failed"

# The subtests that make a sample's probe refuse a create declare the
# driver core's warning about it as expected (igt_dmesg_expect()).
t0=$(date +%s)
vm_run_igt --timeout 300 "$TESTS/mdev_sysfs" "$TESTS/mdev_vfio_samples" ||
	vm_bad "igt-run reported failures"
vm_log "tests took $(($(date +%s) - t0)) s"

# Unload everything; the samples remove their own devices.
modprobe -r vgem || vm_bad "modprobe -r vgem failed"
for m in mbochs mdpy mtty; do
	[ ! -d "/sys/module/$m" ] || rmmod "$m" || vm_bad "rmmod $m failed"
done
[ -z "$(ls -A /sys/bus/mdev/devices 2>/dev/null)" ] ||
	vm_bad "mdevs left after unloading the samples: $(ls /sys/bus/mdev/devices)"
vm_mdev_is_ours || vm_bad "the mdev module loaded at the end is not ours"
rmmod mdev || vm_bad "rmmod mdev failed"
[ ! -d /sys/module/mdev ] || vm_bad "mdev still loaded"

# Exactly one mdev module was ever loaded, and it was ours.
if [ -n "$trace_loads" ]; then
	loads=$(vm_module_loads | grep '^mdev\b')
	n=$(printf '%s\n' "$loads" | grep -c '^mdev')
	vm_log "mdev loads seen: $n ($(printf '%s' "$loads" | tr '\n' ';'))"
	[ "$n" = 1 ] || vm_bad "mdev was loaded $n times, expected once"
	printf '%s\n' "$loads" | grep -q '^mdev [A-Z]*O' ||
		vm_bad "the mdev module loaded was not the out-of-tree one"
fi

[ "$VM_RC" = 0 ] && vm_log "mdev-compat: all passed"
vm_exit
