#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The nested guest's half of make igt-guest (tools/igt-guest.sh): /script of
# a guest booted by tools/vm/nested-guest with the purpose-built guest
# kernel. It unpacks the upstream IGT payload (igt_runner, the listed test
# binaries, their shared libraries and ld.so), loads the KMS driver under
# test (vgpu_drm on a vGPU, or vkms for the baseline) and vgem (kms_prime's
# partner), runs upstream igt_runner over docs/igt-guest.testlist and
# prints the gzipped, base64-encoded results.json between the markers
# @@IGT-RESULTS-BEGIN@@ and @@IGT-RESULTS-END@@ for the host.
#
# Files the host puts in the initramfs:
#   /igt-payload.tar.gz   made by tools/igt-guest.sh (unpacked at /)
#   /igt-guest.conf       DRIVER=vgpu|vkms, PER_TEST_TIMEOUT, OVERALL_TIMEOUT,
#                         MULTIPLE (0|1) as shell assignments
#   /lib/<driver>.ko, /lib/vgem.ko
# KEY=value lines on stdout are facts the host reports.

DRIVER=vkms
PER_TEST_TIMEOUT=300
OVERALL_TIMEOUT=0
MULTIPLE=0
# shellcheck disable=SC1091
. /igt-guest.conf

case $DRIVER in
vgpu) KO=/lib/vgpu_drm.ko DRM_NAME=vgpu_drm ;;
vkms) KO=/lib/vkms.ko DRM_NAME=vkms ;;
*) echo "IGT_GUEST_ERROR=unknown driver $DRIVER"; exit 1 ;;
esac

mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /dev/shm
echo "L2_KERNEL=$(uname -r)"

t0=$(cut -d' ' -f1 /proc/uptime)
(cd / && tar -xzf /igt-payload.tar.gz) || {
	echo "IGT_GUEST_ERROR=cannot unpack the payload"
	exit 1
}
rm -f /igt-payload.tar.gz
echo "PAYLOAD_UNPACKED=$t0..$(cut -d' ' -f1 /proc/uptime)"

# The driver under test first, so that it is card0; vgem after it.
if ! insmod "$KO"; then
	echo "DRIVER_LOAD=failed"
	dmesg | tail -n 20
	exit 1
fi
echo "DRIVER_LOAD=ok"
insmod /lib/vgem.ko || echo "VGEM_LOAD=failed"
for _ in $(seq 1 30); do
	[ -e /dev/dri/card0 ] && break
	sleep 1
done
for c in /sys/kernel/debug/dri/[0-9] /sys/kernel/debug/dri/[0-9][0-9]; do
	[ -e "$c/name" ] && echo "CARD $(basename "$c") $(cat "$c/name")"
done
for c in /sys/class/drm/card[0-9]-*; do
	[ -e "$c/status" ] && echo "CONNECTOR $(basename "$c") $(cat "$c/status")"
done

opts="--per-test-timeout $PER_TEST_TIMEOUT"
[ "$OVERALL_TIMEOUT" = 0 ] || opts="$opts --overall-timeout $OVERALL_TIMEOUT"
[ "$MULTIPLE" = 0 ] || opts="$opts --multiple-mode"
mkdir -p /tmp/results
t1=$(cut -d' ' -f1 /proc/uptime)
# shellcheck disable=SC2086
HOME=/tmp LD_LIBRARY_PATH=/igt/lib IGT_FORCE_DRIVER=$DRM_NAME \
	/igt/tests/igt_runner $opts --test-list /igt/igt-guest.testlist \
	--name "igt-guest-$DRIVER" --overwrite /igt/tests /tmp/results 2>&1
echo "IGT_RUNNER_EXIT=$?"
echo "IGT_RUNNER_TIME=$t1..$(cut -d' ' -f1 /proc/uptime)"
if [ -f /tmp/results/results.json ]; then
	echo "@@IGT-RESULTS-BEGIN@@"
	gzip -9 -c /tmp/results/results.json | base64
	echo "@@IGT-RESULTS-END@@"
else
	echo "IGT_GUEST_ERROR=no results.json"
	exit 1
fi
exit 0
