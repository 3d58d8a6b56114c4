#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A demo guest (make demo, tools/vm/suites/demo.sh): an ordinary Linux
# guest on its vGPU. It loads the guest driver, shows a picture drawn by
# the vGPU on its display (vgpu-show) and meanwhile runs GPU work
# (vgpu-work: fills and copies checked pixel by pixel, a throughput run).
# With vgpudemo.hostile=1 on its kernel command line it also submits a
# batch the host must refuse, then shows that its own work still runs.
#
# "@@DEMO <step>" lines tell the host where the guest is; KEY: value lines
# are figures the host puts in its table.
#
# Files: /lib/vgpu_drm.ko, /bin/vgpu-work, /bin/vgpu-show.

step() { echo "@@DEMO $*"; }
arg() { sed -n "s/.*vgpudemo\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }

SECONDS_SHOWN=$(arg seconds)
HOSTILE=$(arg hostile)

step booted "$(cut -d' ' -f1 /proc/uptime)"
if ! insmod /lib/vgpu_drm.ko; then
	step failed insmod
	exit 1
fi
for _ in $(seq 1 30); do
	[ -e /dev/dri/card0 ] && [ -e /dev/dri/renderD128 ] && break
	sleep 1
done
step driver-loaded "$(dmesg | grep -o 'vGPU [0-9]*: PV.*' | tail -n 1)"

vgpu-show -s "${SECONDS_SHOWN:-60}" > /tmp/show.log 2>&1 &
show=$!
for _ in $(seq 1 60); do
	grep -q '^show:' /tmp/show.log && break
	kill -0 "$show" 2>/dev/null || break
	sleep 1
done
step showing "$(head -n 1 /tmp/show.log)"

rc=0
vgpu-work info | sed 's/^/info: /'
vgpu-work -e render -W 64 -H 64 fill || rc=1
vgpu-work -e copy -W 256 -H 128 fill || rc=1
vgpu-work -e copy copy || rc=1
step work-checked "$rc"
if [ "$HOSTILE" = 1 ]; then
	# Exit status 0: the host refused it and the driver recovered.
	vgpu-work --hostile=lri > /tmp/hostile.log 2>&1 || rc=1
	sed 's/^/hostile: /' /tmp/hostile.log
	step hostile-refused
	# The refusal cost this guest nothing but the bad batch.
	vgpu-work -e copy -W 256 -H 128 fill || rc=1
	step work-after-hostile "$rc"
fi
vgpu-work -e copy -n 400 -s 256K throughput > /tmp/throughput.log 2>&1 ||
	rc=1
sed 's/^/throughput: /' /tmp/throughput.log
step throughput-done "$rc"

wait "$show" || rc=1
sed 's/^/show: /' /tmp/show.log
# What the driver said about the host's refusals and engine resets.
dmesg | grep 'vgpu_drm' | grep -v 'taints kernel' | sed 's/^/dmesg: /'
step "done" "$rc"
rmmod vgpu_drm || rc=1
exit "$rc"
