#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The nested guest's half of the vgpu-guest suite (/script of an L2 guest
# booted by tools/vm/nested-guest with the purpose-built guest kernel). It
# loads vgem and the guest driver, runs the guest test list with igt-run,
# prints results.json between markers for the host, then proves that the
# driver unloads once its clients are gone and asks the host to check that
# nothing of the vGPU stays pinned.
#
# Files the host puts in the initramfs: /bin/igt-run, /bin/guest/<tests>
# with /bin/guest/guest.testlist (entries relative to it) and every other
# executable of build/bin/guest (vgpu-work), /lib/vgpu_drm.ko,
# /lib/vgem.ko. COM3 (/dev/ttyS2) is the host channel: line requests to
# the host's host-channel.py, answer lines back.
# KEY=value lines on stdout are facts the host's checks read.

CHANNEL=/dev/ttyS2
mount -t debugfs debugfs /sys/kernel/debug
# The channel stays open on fd 3: a serial port that nobody holds open
# drops what arrives, and the host may answer before a reader opens it.
exec 3<> "$CHANNEL"
stty -F "$CHANNEL" raw -echo 2>/dev/null

# host_request LINE: send a request, wait (60 s) for the host's answer.
host_request() {
	echo "$1" >&3
	read -r -t 60 _ <&3
}

echo "L2_KERNEL=$(uname -r)"
insmod /lib/vgem.ko || echo "VGEM_LOAD=failed"
t0=$(cut -d' ' -f1 /proc/uptime)
if ! insmod /lib/vgpu_drm.ko; then
	echo "DRIVER_LOAD=failed"
	dmesg | tail -n 20
	exit 1
fi
echo "DRIVER_LOAD=ok"
echo "DRIVER_LOAD_UPTIME=$t0"
# Cards appear as the PCI devices probe.
for _ in $(seq 1 30); do
	n=$(ls /sys/bus/pci/drivers/vgpu_drm 2>/dev/null | grep -c '^0000:')
	[ "$n" -ge "${VGPU_DEVICES:-2}" ] && break
	sleep 1
done
echo "BOUND_DEVICES=$n"
for c in /sys/class/drm/card[0-9]; do
	echo "CARD $(basename "$c") $(basename "$(readlink "$c/device/driver")")"
done

# fbdev emulation puts the console on head 0: write to it and let the
# host look at what QEMU's display of head 0 shows.
printf '\n vgpu_drm console on head 0\n' > /dev/tty0
sleep 2
host_request "SCREENDUMP console" && echo "CONSOLE_SCREENDUMP=answered" ||
	echo "CONSOLE_SCREENDUMP=no-answer"

# The emulator's one-time "hrtimer: interrupt took N ns" is no test's
# doing.
mkdir -p /tmp/results
VGPU_HOST_CHANNEL=$CHANNEL VGPU_HOTPLUG_MODE=${VGPU_HOTPLUG_MODE:-1280x800} \
	PATH=/bin/guest:/bin igt-run --name vgpu-guest --results /tmp/results \
	--timeout 180 --dmesg-ignore 'hrtimer: interrupt took' \
	/bin/guest/guest.testlist 3>&-
echo "IGT_RUN_EXIT=$?"
echo "@@RESULTS-JSON-BEGIN@@"
cat /tmp/results/results.json
echo
echo "@@RESULTS-JSON-END@@"

# Guest workloads through the render uAPI (vgpu-work, docs/guest-render.md)
# on each vGPU: "VGPU_WORK <node> <run> <key>: <value>", checked by the
# host (vgpu_guest_host@vgpu-work-runs).
work() {
	node=$1 run=$2
	shift 2
	timeout 300 /bin/guest/vgpu-work -d "$node" "$@" 2>&1 |
		sed "s|^|VGPU_WORK ${node#/dev/dri/} $run |"
}
for n in /dev/dri/renderD*; do
	/bin/guest/vgpu-work -d "$n" info > /dev/null 2>&1 || continue
	work "$n" info info
	work "$n" fill fill
	work "$n" throughput -n 100 throughput
	work "$n" timed -t 3 -s 256K -r 4 throughput
	work "$n" hostile --hostile
done

# Mesa, kmscube and weston on the vGPU, when the host packed them.
[ ! -f /bin/mesa-l2.sh ] || sh /bin/mesa-l2.sh

# Every client is gone: the module must unload, and with it every GGTT
# entry it wrote must be cleared (the host counts the pages it pins).
if rmmod vgpu_drm; then
	echo "DRIVER_UNLOAD=ok"
else
	echo "DRIVER_UNLOAD=failed"
fi
host_request "IDLE-CHECK" && echo "IDLE_CHECK=answered" ||
	echo "IDLE_CHECK=no-answer"
dmesg | grep -i -E 'vgpu_drm' | tail -n 40
exit 0
