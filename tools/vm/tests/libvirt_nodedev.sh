#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# libvirt_nodedev - libvirt's node-device driver on the reference GPUs:
# the PCI functions are listed as mdev parents, their types carry what
# sysfs says, a vGPU is defined, started, shown with its PCI parent,
# destroyed and undefined, a transient one created and destroyed, and
# unknown types and parents are refused without creating anything. Run by
# tools/vm/suites/libvirt-nodedev.sh with libvirtd, udevd and the vGPU
# stack running on two functions.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"
. "$VGPU_ROOT/tools/vm/lib.sh"

# Subtests run in subshells: what the persistent vGPU's steps hand on to
# each other lives in files.
STATE=/tmp/libvirt-nodedev
MDEVS=/sys/bus/mdev/devices

virsh_() { virsh -q -c nodedev:///system "$@"; }

# pci_0000_00_10_0 for 0000:00:10.0: libvirt's name of a PCI device.
nodedev_name() { echo "pci_$1" | tr ':.' '__'; }

# What XPATH $2 selects in the XML of device $1, one node a line (an
# attribute as name="value").
xpath() {
	virsh_ nodedev-dumpxml "$1" --xpath "$2" 2>/dev/null | sed 's/^ *//'
}

# mdevctl's list (an empty line when there is none) as a number of lines.
mdevctl_count() { mdevctl list "$@" | grep -c .; }

type_field() {
	xpath "$1" "//capability[@type='mdev_types']/type[@id='$2']/$3/text()"
}

# "id<TAB>name<TAB>deviceAPI<TAB>availableInstances" for each type in the
# XML of device $1: one virsh call (each takes seconds under TCG).
type_table() {
	virsh_ nodedev-dumpxml "$1" | python3 -c '
import sys, xml.etree.ElementTree as ET
for t in ET.parse(sys.stdin).findall(".//capability[@type=\"mdev_types\"]/type"):
    print("\t".join([t.get("id")] + [t.findtext(f) or "" for f in
          ("name", "deviceAPI", "availableInstances")]))
'
}

# The libvirt name of the mdev with UUID $1 (defined or active), or nothing.
mdev_name() {
	u=$(echo "$1" | tr - _)
	virsh_ nodedev-list --cap mdev --all | grep "^mdev_$u" | head -n 1
}

# Wait up to 10 s for "$@" to succeed (udev events reach libvirt async).
eventually() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ "$n" -lt 50 ] || return 1
		sleep 0.2
	done
}

# XML of a vGPU of type $2 with UUID $3 on the parent named $1.
mdev_xml() {
	cat <<XML
<device>
  <parent>$1</parent>
  <capability type='mdev'>
    <type id='$2'/>
    <uuid>$3</uuid>
  </capability>
</device>
XML
}

# Nothing exists: no mdev in sysfs, none defined or active in mdevctl.
assert_nothing_created() {
	igt_assert_eq "$(find "$MDEVS" -mindepth 1 | wc -l)" 0
	igt_assert_eq "$(mdevctl_count --defined)" 0
	igt_assert_eq "$(mdevctl_count)" 0
	igt_assert_eq "$(virsh_ nodedev-list --cap mdev --all | wc -l)" 0
}

setup() {
	mkdir -p "$STATE"
	F0=$(vm_refgpu_functions | sed -n 1p)
	F1=$(vm_refgpu_functions | sed -n 2p)
	igt_require test -n "$F1"
	igt_require test -d "/sys/bus/pci/devices/$F0/mdev_supported_types"
	P0=$(nodedev_name "$F0")
	P1=$(nodedev_name "$F1")
}

subtest_parents_listed() {
	virsh_ nodedev-list --cap mdev_types > "$STATE/parents"
	igt_info "mdev parents: $(tr '\n' ' ' < "$STATE/parents")"
	igt_assert grep -qx "$P0" "$STATE/parents"
	igt_assert grep -qx "$P1" "$STATE/parents"
	igt_assert_eq "$(wc -l < "$STATE/parents")" 2
}

subtest_parent_types_match_sysfs() {
	for f in $F0 $F1; do
		p=$(nodedev_name "$f")
		# libvirt lists the types in directory order.
		type_table "$p" | sort > "$STATE/libvirt-types"
		for t in /sys/bus/pci/devices/"$f"/mdev_supported_types/*; do
			printf '%s\t%s\t%s\t%s\n' "$(basename "$t")" \
				"$(cat "$t/name")" "$(cat "$t/device_api")" \
				"$(cat "$t/available_instances")"
		done | sort > "$STATE/sysfs-types"
		igt_info "$p:" "$(cat "$STATE/libvirt-types")"
		igt_assert test -s "$STATE/sysfs-types"
		igt_assert cmp "$STATE/sysfs-types" "$STATE/libvirt-types"
	done
}

subtest_define() {
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mdev_xml "$P0" refgpu-small "$uuid" > "$STATE/define.xml"
	avail=$(cat "/sys/bus/pci/devices/$F0/mdev_supported_types/refgpu-small/available_instances")
	igt_assert virsh_ nodedev-define "$STATE/define.xml"
	name=$(mdev_name "$uuid")
	igt_assert test -n "$name"
	igt_info "defined $name"
	# Defined, not started: mdevctl knows it, sysfs does not.
	igt_assert virsh_ nodedev-list --cap mdev --inactive | grep -qx "$name"
	igt_assert mdevctl list --defined --uuid "$uuid" | grep -q "$F0 refgpu-small"
	igt_assert test ! -e "$MDEVS/$uuid"
	echo "$uuid" > "$STATE/uuid"
	echo "$name" > "$STATE/name"
	echo "$avail" > "$STATE/avail"
}

# The persistent vGPU the earlier steps made.
require_defined() {
	igt_require test -s "$STATE/name"
	uuid=$(cat "$STATE/uuid")
	name=$(cat "$STATE/name")
	avail=$(cat "$STATE/avail")
}

subtest_start() {
	require_defined
	igt_assert virsh_ nodedev-start "$name"
	igt_assert test -d "$MDEVS/$uuid"
	igt_assert_eq "$(basename "$(dirname "$(readlink -f "$MDEVS/$uuid")")")" "$F0"
	igt_assert_eq "$(basename "$(readlink -f "$MDEVS/$uuid/mdev_type")")" \
		refgpu-small
	igt_assert eventually sh -c \
		"virsh -q -c nodedev:///system nodedev-list --cap mdev | grep -qx $name"
	igt_assert_eq "$(type_field "$P0" refgpu-small availableInstances)" \
		$((avail - 1))
	touch "$STATE/started"
}

subtest_vgpu_dumpxml() {
	require_defined
	igt_require test -e "$STATE/started"
	igt_assert virsh_ nodedev-dumpxml "$name" > "$STATE/vgpu.xml"
	igt_info "$(cat "$STATE/vgpu.xml")"
	# One virsh call (seconds each under TCG) and libvirt's fixed layout.
	driver=$(basename "$(readlink -f "$MDEVS/$uuid/driver")")
	for line in "  <parent>$P0</parent>" "    <name>$driver</name>" \
		    "    <type id='refgpu-small'/>" "    <uuid>$uuid</uuid>" \
		    "    <parent_addr>$F0</parent_addr>"; do
		grep -qxF "$line" "$STATE/vgpu.xml" ||
			igt_fail "no '$line' in the vGPU's XML"
	done
}

subtest_destroy() {
	require_defined
	igt_require test -e "$STATE/started"
	igt_assert virsh_ nodedev-destroy "$name"
	igt_assert test ! -e "$MDEVS/$uuid"
	# Still defined: inactive in libvirt and in mdevctl.
	igt_assert eventually sh -c \
		"virsh -q -c nodedev:///system nodedev-list --cap mdev --inactive | grep -qx $name"
	igt_assert mdevctl list --defined --uuid "$uuid" | grep -q "$F0"
	igt_assert_eq "$(type_field "$P0" refgpu-small availableInstances)" "$avail"
}

subtest_undefine() {
	require_defined
	igt_assert virsh_ nodedev-undefine "$name"
	igt_assert eventually sh -c \
		"! virsh -q -c nodedev:///system nodedev-list --cap mdev --all | grep -q ."
	rm -f "$STATE/name"
	assert_nothing_created
}

subtest_create_transient() {
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mdev_xml "$P1" refgpu-medium "$uuid" > "$STATE/create.xml"
	igt_assert virsh_ nodedev-create "$STATE/create.xml"
	igt_assert test -d "$MDEVS/$uuid"
	igt_assert_eq "$(basename "$(dirname "$(readlink -f "$MDEVS/$uuid")")")" "$F1"
	name=$(mdev_name "$uuid")
	igt_assert test -n "$name"
	igt_assert virsh_ nodedev-dumpxml "$name" > "$STATE/vgpu.xml"
	igt_assert grep -qxF "  <parent>$P1</parent>" "$STATE/vgpu.xml"
	# Active, never defined.
	igt_assert mdevctl list --uuid "$uuid" | grep -q "$F1 refgpu-medium"
	igt_assert_eq "$(mdevctl_count --defined)" 0
	igt_assert virsh_ nodedev-destroy "$name"
	igt_assert test ! -e "$MDEVS/$uuid"
	igt_assert eventually sh -c \
		"! virsh -q -c nodedev:///system nodedev-list --cap mdev --all | grep -q ."
	assert_nothing_created
}

# virsh $1 (a command taking a file or a name, $2) fails and says $3.
refused() {
	if virsh_ "$1" "$2" > "$STATE/bad.out" 2>&1; then
		cat "$STATE/bad.out"
		igt_fail "$1 $2 succeeded"
	fi
	igt_info "$1: $(cat "$STATE/bad.out")"
	igt_assert grep -q "$3" "$STATE/bad.out"
}

subtest_unknown_type_refused() {
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mdev_xml "$P0" refgpu-nonexistent "$uuid" > "$STATE/bad.xml"
	refused nodedev-create "$STATE/bad.xml" \
		'does not support mdev type refgpu-nonexistent'
	assert_nothing_created
	# A definition may name a type the parent does not offer (yet):
	# mdevctl accepts it, and starting it is what is refused.
	igt_assert virsh_ nodedev-define "$STATE/bad.xml"
	name=$(mdev_name "$uuid")
	igt_assert test -n "$name"
	refused nodedev-start "$name" \
		'does not support mdev type refgpu-nonexistent'
	igt_assert test ! -e "$MDEVS/$uuid"
	igt_assert virsh_ nodedev-undefine "$name"
	igt_assert eventually sh -c \
		"! virsh -q -c nodedev:///system nodedev-list --cap mdev --all | grep -q ."
	assert_nothing_created
}

subtest_unknown_parent_refused() {
	uuid=$(cat /proc/sys/kernel/random/uuid)
	mdev_xml pci_0000_00_1f_7 refgpu-small "$uuid" > "$STATE/bad.xml"
	refused nodedev-create "$STATE/bad.xml" \
		"invalid parent device 'pci_0000_00_1f_7'"
	refused nodedev-define "$STATE/bad.xml" \
		"invalid parent device 'pci_0000_00_1f_7'"
	assert_nothing_created
}

igt_fixture setup
igt_subtest parents-listed subtest_parents_listed \
	"nodedev-list --cap mdev_types lists both reference GPU functions"
igt_subtest parent-types-match-sysfs subtest_parent_types_match_sysfs \
	"Each parent's types carry sysfs's name, deviceAPI, availableInstances"
igt_subtest define subtest_define \
	"nodedev-define makes an mdevctl definition on the PCI parent"
igt_subtest start subtest_start \
	"nodedev-start creates the vGPU under its PCI function"
igt_subtest vgpu-dumpxml subtest_vgpu_dumpxml \
	"nodedev-dumpxml of the vGPU names its PCI parent, type and UUID"
igt_subtest destroy subtest_destroy \
	"nodedev-destroy removes the vGPU and keeps its definition"
igt_subtest undefine subtest_undefine \
	"nodedev-undefine drops the definition; nothing is left"
igt_subtest create-transient subtest_create_transient \
	"nodedev-create starts a transient vGPU that nodedev-destroy removes"
igt_subtest unknown-type-refused subtest_unknown_type_refused \
	"Creating or starting an unknown type fails naming it; nothing is made"
igt_subtest unknown-parent-refused subtest_unknown_parent_refused \
	"An unknown parent is refused with an error naming it; nothing is made"
igt_main "$@"
