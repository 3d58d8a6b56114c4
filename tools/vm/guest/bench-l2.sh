#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A guest of the guest-bench suite (make bench): loads the guest driver,
# saturates its vGPU's copy engine for vgpubench.seconds (16 fills of
# 4 MiB per submission, 16 in flight) so the host can compare the two
# guests' busy time with their weights, then times tiny submissions one at a time (4 KiB fills,
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
end=$(($(cut -d. -f1 /proc/uptime) + ${SECS:-60}))
failed=0
announced=0
# One timed run binds its object once (a bind is a trapped PTE write per
# page, time the engine would sit idle); only a failed run is restarted.
# The guest saturates once a first submission is done, not before.
while left=$((end - $(cut -d. -f1 /proc/uptime))) && [ "$left" -gt 0 ]; do
	vgpu-work -e copy -t "$left" -s 4M -r 16 -q 16 throughput > /tmp/sat.log 2>&1 &
	pid=$!
	while [ "$announced" = 0 ] && kill -0 "$pid" 2>/dev/null; do
		grep -q '^first_done_s:' /tmp/sat.log &&
			{ step saturating; announced=1; }
		sleep 1
	done
	if ! wait "$pid"; then
		failed=$((failed + 1))
		grep 'vgpu-work:' /tmp/sat.log
		sleep 1
	fi
	sed -n 's/^\(first_done_s\|submissions\|mb_per_s\): /saturation_&/p' \
		/tmp/sat.log
done
echo "saturation_runs_failed: $failed"
rc=0
step saturated "$rc"
# Time for the host to pause the other guest before this one measures.
sleep 5
vgpu-work -e copy -n 300 -s 4K -q 1 throughput | sed 's/^/tiny: /'
step "done" "$rc"
exit "$rc"
