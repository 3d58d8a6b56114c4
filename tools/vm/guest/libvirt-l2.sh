#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest libvirt started (tools/vm/suites/libvirt-domain.sh): loads the
# guest driver, waits for the vGPUs libvirt gave it (vgpulibvirt.devices
# on the kernel command line), runs a fill on each with vgpu-work and
# prints what it saw as KEY=value lines and "WORK <node> <key>: <value>".
# With vgpulibvirt.hold=1 it then waits for the host to destroy the
# domain (virsh destroy with the vGPU in use); else it ends.
#
# Files: /lib/vgpu_drm.ko, /bin/vgpu-work.

# count PATH...: how many of the (globbed) paths exist.
count() {
	c=0
	for f in "$@"; do
		[ -e "$f" ] && c=$((c + 1))
	done
	echo "$c"
}
arg() { sed -n "s/.*vgpulibvirt\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }

WANT=$(arg devices)
if insmod /lib/vgpu_drm.ko; then
	echo "DRIVER_LOAD=ok"
else
	echo "DRIVER_LOAD=failed"
	exit 1
fi
n=0
for _ in $(seq 1 60); do
	n=$(count /dev/dri/renderD*)
	[ "$n" -ge "${WANT:-1}" ] && break
	sleep 1
done
echo "RENDER_NODES=$n"
# Text on the console, which fbdev shows on head 0: the host's screenshot
# must not depend on catching the cursor's blink.
for i in 1 2 3 4 5 6; do
	echo "vgpu-stack: a vGPU in a libvirt domain ($i)" > /dev/tty1
done
echo "VGPU_DEVICES=$(count /sys/bus/pci/drivers/vgpu_drm/0000:*)"

rc=0
for node in /dev/dri/renderD*; do
	[ -e "$node" ] || continue
	name=${node#/dev/dri/}
	vgpu-work -d "$node" info 2>&1 | sed "s|^|WORK $name |"
	vgpu-work -d "$node" fill > /tmp/fill.log 2>&1 || rc=1
	sed "s|^|WORK $name |" /tmp/fill.log
done
echo "WORK_EXIT=$rc"
if [ "$(arg hold)" = 1 ]; then
	echo "HOLDING=yes"
	# The host destroys the domain while the vGPU is bound and mapped.
	while :; do
		sleep 60
	done
fi
exit "$rc"
