#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The nested guest's half of the vgpu-migrate suite (/script of an L2 guest
# booted with the purpose-built guest kernel, first by the source QEMU and
# then, live, on the destination). It loads the guest driver, puts a fixed
# picture on head 0 (the fbdev console with a banner, no cursor: what the
# host's screendumps on both sides must agree on), then loops GPU work
# through vgpu-work on the vGPU's render node, every pixel checked, one
# "WORK_ITER N pass|fail UPTIME" line per round, until the host writes
# STOP to COM3 (/dev/ttyS2). The host migrates the guest somewhere in
# that loop. KEY=value lines on stdout are facts the host checks.
#
# Files the host puts in the initramfs: /bin/vgpu-work, /lib/vgpu_drm.ko.

CHANNEL=/dev/ttyS2
# Rounds at most (the host normally stops the loop long before).
MAX_ROUNDS=${VGPU_MIG_MAX_ROUNDS:-2000}

exec 3<> "$CHANNEL"
stty -F "$CHANNEL" raw -echo 2>/dev/null

echo "L2_KERNEL=$(uname -r)"
if ! insmod /lib/vgpu_drm.ko; then
	echo "DRIVER_LOAD=failed"
	dmesg | tail -n 20
	exit 1
fi
echo "DRIVER_LOAD=ok"
node=
for _ in $(seq 1 30); do
	for n in /dev/dri/renderD*; do
		[ -e "$n" ] && node=$n && break
	done
	[ -n "$node" ] && break
	sleep 1
done
[ -n "$node" ] || { echo "RENDER_NODE=none"; exit 1; }
echo "RENDER_NODE=$node"

# A still picture on head 0: fbcon's text, no blinking cursor, no kernel
# messages (the kernel console is ttyS0 only).
echo 0 > /sys/class/graphics/fbcon/cursor_blink 2>/dev/null
printf '\033[2J\033[H\033[?25l\n\n   vGPU live migration\n' > /dev/tty0
printf '   ===================\n\n   %s\n' "$(uname -r)" > /dev/tty0
printf '   this picture must survive the move\n' > /dev/tty0
/bin/vgpu-work -d "$node" info 2>&1 | sed 's/^/WORK_INFO /'

# Optional (kernel argument vgpumig.pin=BYTES, e.g. 16M): an object of
# that size the copy engine keeps filling in the background, pinned all
# along, in runs of 20 s each checked dword by dword ("PIN_ITER N pass").
pin=
for a in $(cat /proc/cmdline); do
	case $a in
	vgpumig.pin=*) pin=${a#vgpumig.pin=} ;;
	esac
done
pin_loop() {
	n=0
	while [ -e /tmp/pin.run ]; do
		n=$((n + 1))
		if /bin/vgpu-work -d "$node" -e copy -s "$pin" -t 20 \
			throughput > /tmp/pin.out 2>&1 &&
			grep -q '^result: pass' /tmp/pin.out; then
			echo "PIN_ITER $n pass"
		else
			echo "PIN_ITER $n fail"
			sed "s/^/PIN_ERR $n /" /tmp/pin.out
		fi
	done
}
pin_pid=
if [ -n "$pin" ]; then
	echo "PIN_BYTES=$pin"
	touch /tmp/pin.run
	pin_loop &
	pin_pid=$!
fi
echo "MIG_READY=1"

# One round: the copy engine's fill, the render engine's fill (another
# colour), a blit of a CPU-drawn pattern; each checked pixel by pixel by
# vgpu-work ("result: pass").
work() {
	if /bin/vgpu-work -d "$node" "$@" > /tmp/work.out 2>&1 &&
		grep -q '^result: pass' /tmp/work.out; then
		return 0
	fi
	sed "s/^/WORK_ERR $i $1 /" /tmp/work.out
	return 1
}

i=0 bad=0 stopped=0
while [ "$i" -lt "$MAX_ROUNDS" ]; do
	i=$((i + 1))
	c=$(printf '0xff%06x' $(((i * 40503 + 4099) & 0xffffff)))
	r=pass
	work -e copy -c "$c" -W 512 -H 256 fill || r=fail
	work -e render -c "$c" -W 256 -H 128 fill || r=fail
	work -W 256 -H 256 copy || r=fail
	[ "$r" = pass ] || bad=$((bad + 1))
	echo "WORK_ITER $i $r $(cut -d' ' -f1 /proc/uptime)"
	if read -r -t 1 line <&3; then
		case $line in
		*STOP*) stopped=1; break ;;
		esac
	fi
done
if [ -n "$pin_pid" ]; then
	rm -f /tmp/pin.run
	wait "$pin_pid"
	echo "PIN_DONE=1"
fi
echo "WORK_ROUNDS=$i"
echo "WORK_FAILED=$bad"
echo "WORK_STOPPED_BY_HOST=$stopped"
if [ "$bad" -eq 0 ] && [ "$stopped" -eq 1 ]; then
	echo "WORK_RESULT=pass"
else
	echo "WORK_RESULT=fail"
fi
# The driver lets go of the vGPU on the destination too.
rmmod vgpu_drm && echo "DRIVER_UNLOAD=ok" || echo "DRIVER_UNLOAD=failed"
dmesg | grep -i -E 'vgpu_drm' | tail -n 20
exit 0
