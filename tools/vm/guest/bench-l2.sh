#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest of the guest-bench suite (make bench): loads the guest driver,
# saturates its vGPU's copy engine for vgpubench.seconds (4 MiB fills,
# 8 in flight) so the host can compare the two guests' busy time with
# their weights, then times tiny submissions one at a time (4 KiB fills,
# the same work the host's VFIO harness times for the ratio).
# "@@BENCH <step>" lines tell the host where the guest is; vgpu-work's
# "key: value" lines follow with a prefix.
#
# Files: /lib/vgpu_drm.ko, /bin/vgpu-work.

arg() { sed -n "s/.*vgpubench\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
step() { echo "@@BENCH $*"; }

SECS=$(arg seconds)
insmod /lib/vgpu_drm.ko || { step failed insmod; exit 1; }
for _ in $(seq 1 30); do
	[ -e /dev/dri/renderD128 ] && break
	sleep 1
done
step ready
# Fills until the host's measuring window is surely over. A run that
# fails (a fill the host's watchdog killed on a starved machine) is
# counted and the load goes on: the host checks the engines were busy.
step saturating
end=$(($(cut -d. -f1 /proc/uptime) + ${SECS:-60}))
failed=0
while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
	vgpu-work -e copy -n 32 -s 4M -q 8 throughput > /tmp/sat.log 2>&1 ||
		{ failed=$((failed + 1)); grep 'vgpu-work:' /tmp/sat.log; }
done
echo "saturation_runs_failed: $failed"
rc=0
step saturated "$rc"
# Time for the host to pause the other guest before this one measures.
sleep 5
vgpu-work -e copy -n 300 -s 4K -q 1 throughput | sed 's/^/tiny: /'
step "done" "$rc"
exit "$rc"
