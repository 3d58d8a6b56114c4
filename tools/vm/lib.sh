# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for VM suites (tools/vm/suites/*.sh), which run as root inside
# the test VM with VGPU_ROOT, RESULTS_DIR and KVER set (tools/vm/run-vm).
# Source it:  . "$VGPU_ROOT/tools/vm/lib.sh"
#
#   vm_log MSG...             "vm: MSG" on stdout
#   vm_fail MSG...            message on stderr, then exit 1
#   vm_load_vfio              VFIO core and type1 IOMMU backend (+ virqfd)
#   vm_load_mdev [KO]         our mdev.ko in place of the distribution's;
#                             fails unless exactly it is loaded
#   vm_mdev_is_ours [KO]      loaded mdev is KO (build id compared)
#   vm_insmod KO [PARAM=V]... load one of our modules, once, after the
#                             kernel's modules it needs (drm)
#   vm_load_vgpu [PARAM=V]... our mdev.ko, refgpu.ko (with the params),
#                             vgpu.ko: the vGPU stack
#   vm_run_igt [OPT] LIST...  build/bin/igt-run --results $RESULTS_DIR ...
#   vm_mdev_create TYPE_DIR [UUID]
#                             create an mdev of a supported type (the
#                             mdev_supported_types/<type> directory); prints
#                             its UUID
#   vm_mdev_remove UUID       remove it
#   vm_nested_guest ARGS...   tools/vm/nested-guest (an L2 guest)
#
# Nothing here changes shell options; a suite picks its own (set -e etc.).

: "${VGPU_ROOT:?VGPU_ROOT is not set: run suites with tools/vm/run-vm}"
: "${RESULTS_DIR:?RESULTS_DIR is not set: run suites with tools/vm/run-vm}"
KVER=${KVER:-$(uname -r)}

# The tree whose modules are loaded: this one, or one built for the VM's
# kernel (run-vm --koroot).
VGPU_KO_ROOT=${VGPU_KO_ROOT:-$VGPU_ROOT}
VM_MDEV_KO=$VGPU_KO_ROOT/drivers/vfio/mdev/mdev.ko

vm_log() { printf 'vm: %s\n' "$*"; }
vm_fail() { printf 'vm: FAIL: %s\n' "$*" >&2; exit 1; }

# A failure the suite goes on after: vm_bad records it, vm_exit ends the
# suite with status 1 if there was any (in the suite's own shell: a
# subshell's vm_bad is lost, as any variable it sets).
VM_RC=0
vm_bad() { printf 'vm: FAIL: %s\n' "$*" >&2; VM_RC=1; }
vm_exit() { exit "$VM_RC"; }

# vm_need HINT PATH...: end the suite unless every PATH exists; HINT says
# what builds or installs them.
# shellcheck disable=SC2034 # used by the suites
VM_BUILD_HINT="make modules userspace; tools/build-samples.sh"
vm_need() {
	_vm_hint=$1
	shift
	for _vm_path in "$@"; do
		[ -e "$_vm_path" ] || vm_fail "$_vm_path missing ($_vm_hint)"
	done
}

# vm_load_vfio: the VFIO pieces a mediated device needs on 6.1: the core
# (vfio, which creates /dev/vfio/vfio), the type1 IOMMU backend (mdev
# groups are "emulated IOMMU" groups; type1 tracks their pinned pages) and
# vfio_virqfd (irqfd support some parents use; a part of vfio.ko since
# Linux 6.2, so only loaded where it is a module). vfio-pci is not needed.
# allow_unsafe_interrupts only matters for physical devices without
# interrupt remapping; set VM_VFIO_UNSAFE_INTERRUPTS=1 to turn it on.
vm_load_vfio() {
	local unsafe=
	[ "${VM_VFIO_UNSAFE_INTERRUPTS:-0}" = 0 ] ||
		unsafe=allow_unsafe_interrupts=1
	modprobe vfio || return 1
	# shellcheck disable=SC2086
	modprobe vfio_iommu_type1 $unsafe || return 1
	if modinfo vfio_virqfd >/dev/null 2>&1; then
		modprobe vfio_virqfd || return 1
	fi
	[ -c /dev/vfio/vfio ] || {
		echo "vm: /dev/vfio/vfio missing after loading vfio" >&2
		return 1
	}
}

# Build id of a module file (as the kernel ships it: plain, xz or zstd,
# Linux 6.12 packages them compressed) / of the loaded module NAME, as hex.
_vm_ko_build_id() {
	local f=$1 tmp=''
	case $1 in
	*.ko.xz) tmp=$(mktemp) && xz -dc "$1" > "$tmp" 2>/dev/null && f=$tmp ;;
	*.ko.zst) tmp=$(mktemp) && zstd -dcq "$1" > "$tmp" 2>/dev/null && f=$tmp ;;
	esac
	readelf -n "$f" 2>/dev/null | sed -n 's/^ *Build ID: *//p' | head -n1
	[ -z "$tmp" ] || rm -f "$tmp"
}

# vm_distro_mdev_ko: the path of the distribution's mdev module file
# (mdev.ko, or compressed on Linux 6.12), or nothing.
vm_distro_mdev_ko() {
	local f
	for f in /lib/modules/"$KVER"/kernel/drivers/vfio/mdev/mdev.ko \
		 /lib/modules/"$KVER"/kernel/drivers/vfio/mdev/mdev.ko.xz \
		 /lib/modules/"$KVER"/kernel/drivers/vfio/mdev/mdev.ko.zst; do
		[ -f "$f" ] && { echo "$f"; return 0; }
	done
	return 0
}

_vm_mod_build_id() {
	local note=/sys/module/$1/notes/.note.gnu.build-id
	[ -r "$note" ] || return 0
	# Note header: namesz, descsz, type (4 bytes each), "GNU\0"; then
	# the id itself.
	od -An -v -tx1 -j 16 "$note" | tr -d ' \n'
}

# vm_mdev_is_ours [KO]: the loaded "mdev" module is KO (default ours):
# equal GNU build ids, which the linker derives from the module's whole
# content, so the distribution's mdev.ko cannot pass.
vm_mdev_is_ours() {
	local ko=${1:-$VM_MDEV_KO} want have
	[ -d /sys/module/mdev ] || return 1
	want=$(_vm_ko_build_id "$ko")
	have=$(_vm_mod_build_id mdev)
	if [ -n "$want" ] && [ -n "$have" ]; then
		[ "$want" = "$have" ]
		return
	fi
	# No build id: an out-of-tree module (taint O) with the same
	# srcversion, when it has one.
	grep -q O /sys/module/mdev/taint 2>/dev/null || return 1
	want=$(modinfo -F srcversion "$ko" 2>/dev/null)
	have=$(cat /sys/module/mdev/srcversion 2>/dev/null)
	[ "$want" = "$have" ]
}

# vm_load_mdev [KO]: load our mdev.ko (default
# $VGPU_ROOT/drivers/vfio/mdev/mdev.ko) and make sure the distribution's can
# never be loaded in this VM:
#  - /run/modprobe.d/vgpu-mdev.conf turns "modprobe mdev" (and so the
#    dependency resolution of "modprobe kvmgt" or of a sample driver) into
#    an insmod of ours; the kernel's own request_module goes through the
#    same modprobe (tools/vm/init/l1-init points kernel.modprobe at it);
#  - our file is bind-mounted over the distribution's, so an insmod of that
#    path or a modprobe that ignores the configuration loads ours too.
# Then checks that exactly one mdev module is loaded and that it is ours.
vm_load_mdev() {
	local ko=${1:-$VM_MDEV_KO}
	local distro
	distro=$(vm_distro_mdev_ko)
	[ -f "$ko" ] || {
		echo "vm: $ko not built (make modules)" >&2
		return 1
	}
	ko=$(readlink -f "$ko")
	if [ -d /sys/module/mdev ] && ! vm_mdev_is_ours "$ko"; then
		echo "vm: another mdev module is already loaded" >&2
		return 1
	fi
	# The check below compares build ids: it needs ours to differ from
	# the distribution's (kept for the smoke test, before it is hidden).
	# (kmod reads a module's compression from its content, so ours
	# stands in for a compressed one too.)
	if [ -n "$distro" ] && ! mountpoint -q "$distro"; then
		mkdir -p /run/vgpu
		_vm_ko_build_id "$distro" > /run/vgpu/distro-mdev.build-id
		[ "$(cat /run/vgpu/distro-mdev.build-id)" != \
		  "$(_vm_ko_build_id "$ko")" ] || {
			echo "vm: $ko is the distribution's mdev.ko" >&2
			return 1
		}
		mount --bind "$ko" "$distro" || return 1
	fi
	mkdir -p /run/modprobe.d
	printf 'install mdev /sbin/insmod %s $CMDLINE_OPTS\n' "$ko" \
		> /run/modprobe.d/vgpu-mdev.conf
	vm_load_vfio || return 1
	[ -d /sys/module/mdev ] || modprobe mdev || return 1
	local n
	n=$(grep -c '^mdev ' /proc/modules)
	[ "$n" = 1 ] || {
		echo "vm: $n mdev modules loaded" >&2
		return 1
	}
	vm_mdev_is_ours "$ko" || {
		echo "vm: the loaded mdev is not $ko" >&2
		return 1
	}
}

# vm_trace_module_loads: record every module load from now on through the
# module_load tracepoint, whatever loads it (insmod, modprobe, the kernel's
# own requests). Returns 1 if the tracepoint is not available.
vm_trace_module_loads() {
	local t=/sys/kernel/tracing
	[ -w "$t/events/module/module_load/enable" ] || return 1
	echo 0 > "$t/tracing_on"
	: > "$t/trace"
	echo 1 > "$t/events/module/module_load/enable"
	echo 1 > "$t/tracing_on"
}

# vm_module_loads: stop recording and print one "NAME [TAINTS]" line per
# load recorded since vm_trace_module_loads (taint "O" marks out-of-tree
# modules such as ours).
vm_module_loads() {
	local t=/sys/kernel/tracing
	echo 0 > "$t/tracing_on"
	grep -o 'module_load: [a-z0-9_]*\( [A-Z]*\)\?$' "$t/trace" |
		sed 's/^module_load: //'
	echo 0 > "$t/events/module/module_load/enable"
	: > "$t/trace"
}

# Our modules: a module that depends on one of them finds it loaded by
# the caller (vm_load_mdev, vm_load_vgpu), never by modprobe, which could
# load the distribution's mdev instead.
VM_OUR_MODULES="mdev refgpu vgpu vgpu_drm"

# vm_insmod KO [PARAM=VALUE]...: insmod one of our modules unless a module
# of that name is loaded already. The kernel's modules it depends on
# (modinfo's "depends", e.g. drm for refgpu.ko) are loaded first with
# modprobe, from the module tree of the kernel under test (the machine's,
# or run-vm --kroot's .ko.xz); a dependency built into that kernel is not
# listed at all.
vm_insmod() {
	local ko=$1 name dep
	shift
	[ -f "$ko" ] || { echo "vm: $ko not built" >&2; return 1; }
	name=$(modinfo -F name "$ko" 2>/dev/null)
	[ -n "$name" ] || name=$(basename "$ko" .ko)
	[ -d "/sys/module/${name//-/_}" ] && return 0
	for dep in $(modinfo -F depends "$ko" 2>/dev/null | tr , ' '); do
		[ -d "/sys/module/${dep//-/_}" ] && continue
		case " $VM_OUR_MODULES " in
		*" $dep "*)
			echo "vm: $ko needs our $dep.ko loaded first" >&2
			return 1 ;;
		esac
		modprobe "$dep" || {
			echo "vm: cannot load $dep, which $ko needs" >&2
			return 1
		}
	done
	insmod "$ko" "$@"
}

# vm_refgpu_functions: the PCI addresses of the reference GPU's functions
# (QEMU "edu" devices, 1234:11e8; run-vm --refgpus N), one a line, in the
# order the driver names them refgpu.0, refgpu.1, ...
vm_refgpu_functions() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ] &&
			basename "$d"
	done
	return 0
}

# vm_refgpu_types [N]: the mdev type directory of the N-th (default 0)
# reference GPU, /sys/bus/pci/devices/<BDF>/mdev_supported_types.
vm_refgpu_types() {
	local n=${1:-0} bdf
	bdf=$(vm_refgpu_functions | sed -n "$((n + 1))p")
	[ -n "$bdf" ] || {
		echo "vm: no reference GPU function $n (run-vm --refgpus)" >&2
		return 1
	}
	echo "/sys/bus/pci/devices/$bdf/mdev_supported_types"
}

# vm_load_vgpu [REFGPU PARAM=VALUE]...: the vGPU stack: our mdev.ko, the
# reference GPU (refgpu.ko with the given parameters) and the parent
# driver (vgpu.ko; VGPU_WATCHDOG_MS, when set, is its watchdog_ms). Says
# what failed on stderr.
vm_load_vgpu() {
	vm_load_mdev || { echo "vm: cannot load our mdev.ko" >&2; return 1; }
	vm_insmod "$VGPU_KO_ROOT/drivers/gpu/refgpu/refgpu.ko" "$@" || {
		echo "vm: cannot load refgpu.ko" >&2
		return 1
	}
	vm_insmod "$VGPU_KO_ROOT/drivers/gpu/vgpu/vgpu.ko" \
		${VGPU_WATCHDOG_MS:+watchdog_ms=$VGPU_WATCHDOG_MS} || {
		echo "vm: cannot load vgpu.ko" >&2
		return 1
	}
}

# vm_run_igt [IGT-RUN OPTIONS] TESTLIST_OR_BINARY...: run tests with the
# project's IGT runner; results land in $RESULTS_DIR/results.json, named
# after the suite. Returns the runner's status.
vm_run_igt() {
	local runner=$VGPU_ROOT/build/bin/igt-run
	[ -x "$runner" ] || {
		echo "vm: $runner not built (make userspace)" >&2
		return 1
	}
	# Under TCG the host can stall the guest for long enough that the
	# kernel reports a slow timer interrupt once, or (since Linux 6.12's
	# clocksource watchdog) a clock read that took too long; that says
	# nothing about the code under test.
	"$runner" --name "$(basename "$0" .sh)" --results "$RESULTS_DIR" \
		--dmesg-ignore '^hrtimer: interrupt took [0-9]+ ns$' \
		--dmesg-ignore '^clocksource: Long readout interval, skipping watchdog check: ' \
		"$@"
}

# vm_mdev_create TYPE_DIR [UUID]: create a mediated device of the type whose
# sysfs directory is TYPE_DIR (.../mdev_supported_types/<type>); prints the
# UUID. The device is /sys/bus/mdev/devices/<UUID>.
vm_mdev_create() {
	local type=$1 uuid=${2:-$(cat /proc/sys/kernel/random/uuid)}
	[ -w "$type/create" ] || {
		echo "vm: $type is not an mdev type directory" >&2
		return 1
	}
	echo "$uuid" > "$type/create" || return 1
	[ -d "/sys/bus/mdev/devices/$uuid" ] || {
		echo "vm: mdev $uuid did not appear" >&2
		return 1
	}
	echo "$uuid"
}

vm_mdev_remove() {
	echo 1 > "/sys/bus/mdev/devices/$1/remove"
}

# vm_qemu_vfio UUID [PROPS]: print, one per line, the QEMU options that
# give a nested guest the mdev UUID as a vfio-pci device (PROPS: more of
# its properties, e.g. display=on), the way VFIO_HARNESS_BACKEND says
# (igt-tests/lib/vfio_harness.h): type1 (the default: QEMU opens the IOMMU
# group) or iommufd (an iommufd object per device; QEMU 9 and later open
# the device's VFIO cdev). In bash: mapfile -t ARGS < <(vm_qemu_vfio ...).
vm_qemu_vfio() {
	_vm_dev="vfio-pci,sysfsdev=/sys/bus/mdev/devices/$1${2:+,$2}"
	case ${VFIO_HARNESS_BACKEND:-type1} in
	type1)	printf '%s\n' -device "$_vm_dev" ;;
	iommufd)
		printf '%s\n' -object "iommufd,id=iommufd-$1" \
			-device "$_vm_dev,iommufd=iommufd-$1" ;;
	*)	echo "vm: unknown VFIO_HARNESS_BACKEND" \
			"'$VFIO_HARNESS_BACKEND'" >&2
		return 1 ;;
	esac
}

# vm_nested_guest ARGS...: boot an L2 guest (see tools/vm/nested-guest).
vm_nested_guest() {
	"$VGPU_ROOT/tools/vm/nested-guest" "$@"
}

# vm_mdevctl_state: a tmpfs for mdevctl's definitions in /etc/mdevctl.d
# (read-only here); umount /etc/mdevctl.d drops it.
vm_mdevctl_state() {
	mount -t tmpfs -o mode=755 tmpfs /etc/mdevctl.d || {
		echo "vm: cannot mount a tmpfs on /etc/mdevctl.d" >&2
		return 1
	}
	mkdir -p /etc/mdevctl.d/scripts.d/callouts \
		/etc/mdevctl.d/scripts.d/notifiers
}

# vm_libvirtd_start DRIVER...: udevd (libvirt's node-device driver learns
# of devices from its events) and libvirtd with only the named connection
# drivers (nodedev, qemu): a missing module is skipped, and the others keep
# state this read-only root cannot hold. Root's clients only, without
# polkit (no D-Bus here); its log is $RESULTS_DIR/libvirtd.log. The qemu
# driver gets its state directories on writable overlays of /var/lib,
# /var/cache and /var/log and a qemu.conf for a VM without cgroups,
# namespaces or unprivileged users. Says what failed on stderr;
# vm_libvirtd_stop ends both daemons (and the domains).
vm_libvirtd_start() {
	local drivers=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver
	local dir=/tmp/libvirt-drivers d i=0 uri=nodedev:///system probe=nodedev-list

	for d in /lib/systemd/systemd-udevd /usr/sbin/libvirtd /usr/bin/virsh; do
		[ -x "$d" ] || {
			echo "vm: $d missing (make deps)" >&2
			return 1
		}
	done
	rm -rf "$dir"
	mkdir -p "$dir" /run/libvirt
	VM_LIBVIRT_URI=$uri
	for d in "$@"; do
		[ -f "$drivers/libvirt_driver_$d.so" ] || {
			echo "vm: no libvirt $d driver (make deps)" >&2
			return 1
		}
		ln -sf "$drivers/libvirt_driver_$d.so" "$dir/"
		if [ "$d" = qemu ]; then
			_vm_libvirt_qemu_state || return 1
			uri=qemu:///system probe=list
			VM_LIBVIRT_URI=$uri
		fi
	done
	# In the foreground, so that it can be stopped by its pid ("udevadm
	# control --exit" ignores requests in a chroot).
	/lib/systemd/systemd-udevd &
	VM_UDEVD_PID=$!
	printf 'auth_unix_ro = "none"\nauth_unix_rw = "none"\n' \
		> /tmp/libvirtd.conf
	LIBVIRT_DRIVER_DIR=$dir \
	LIBVIRT_LOG_OUTPUTS="3:file:$RESULTS_DIR/libvirtd.log" \
		/usr/sbin/libvirtd --config /tmp/libvirtd.conf \
		--pid-file /run/libvirtd.pid &
	VM_LIBVIRTD_PID=$!
	# A command of every driver asked for: the node-device driver has no
	# "version".
	until virsh -q -c "$uri" "$probe" > /dev/null 2>&1; do
		i=$((i + 1))
		kill -0 "$VM_LIBVIRTD_PID" 2>/dev/null || {
			echo "vm: libvirtd exited (see libvirtd.log)" >&2
			return 1
		}
		[ $i -lt 240 ] || {
			echo "vm: libvirtd does not answer (see libvirtd.log)" >&2
			return 1
		}
		sleep 0.5
	done
}

# _vm_etc_add FILE NAME LINE: LINE in /etc/FILE unless NAME is there, by a
# copy bind-mounted over it (the root is read-only).
_vm_etc_add() {
	grep -q "^$2:" "/etc/$1" && return 0
	cp "/etc/$1" "/tmp/etc-$1" && echo "$3" >> "/tmp/etc-$1" &&
		mount --bind "/tmp/etc-$1" "/etc/$1"
}

# The directories under /var the qemu driver writes to.
VM_LIBVIRT_VAR="/var/lib /var/cache /var/log"

# The qemu driver's state under /var and /etc/libvirt, on tmpfs.
_vm_libvirt_qemu_state() {
	local d p

	for d in $VM_LIBVIRT_VAR; do
		# An overlay shows only the lower file system: a share mounted
		# below it (this tree, the results) would vanish.
		for p in "$VGPU_ROOT" "$RESULTS_DIR"; do
			case $p/ in
			"$d"/*)
				echo "vm: $p is under $d, where libvirt's state goes" >&2
				return 1
				;;
			esac
		done
		mkdir -p "/tmp/overlay$d/upper" "/tmp/overlay$d/work"
		mount -t overlay overlay -o "lowerdir=$d,upperdir=/tmp/overlay$d/upper,workdir=/tmp/overlay$d/work" \
			"$d" || {
			echo "vm: cannot lay a writable overlay on $d" >&2
			return 1
		}
		mkdir -p "$d/libvirt"
	done
	# The driver looks up its compiled-in user before it reads qemu.conf;
	# Debian's libvirt-daemon-system would have made it.
	if ! _vm_etc_add passwd libvirt-qemu \
		'libvirt-qemu:x:64055:64055::/var/lib/libvirt:/usr/sbin/nologin' ||
	   ! _vm_etc_add group libvirt-qemu 'libvirt-qemu:x:64055:'; then
		echo "vm: cannot add the libvirt-qemu user" >&2
		return 1
	fi
	mount -t tmpfs -o mode=755 tmpfs /etc/libvirt || {
		echo "vm: cannot mount a tmpfs on /etc/libvirt" >&2
		return 1
	}
	# QEMU runs as root without the isolation a VM here cannot give it;
	# its stdio goes to a file (no virtlogd).
	cat > /etc/libvirt/qemu.conf <<-'CONF'
	user = "root"
	group = "root"
	dynamic_ownership = 0
	remember_owner = 0
	security_driver = "none"
	cgroup_controllers = [ ]
	namespaces = [ ]
	stdio_handler = "file"
	CONF
}

vm_libvirtd_stop() {
	local d

	# QEMU outlives libvirtd: end the domains first.
	if [ "$VM_LIBVIRT_URI" = qemu:///system ]; then
		for d in $(virsh -q -c "$VM_LIBVIRT_URI" list --name); do
			virsh -q -c "$VM_LIBVIRT_URI" destroy "$d"
		done
	fi
	kill "$VM_LIBVIRTD_PID" && wait "$VM_LIBVIRTD_PID"
	kill "$VM_UDEVD_PID" && wait "$VM_UDEVD_PID"
	for d in /etc/libvirt $VM_LIBVIRT_VAR /etc/passwd /etc/group; do
		! mountpoint -q "$d" || umount "$d"
	done
}
