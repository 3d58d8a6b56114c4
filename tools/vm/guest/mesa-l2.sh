#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mesa-l2.sh: Debian's Mesa, kmscube and weston on the guest's KMS device,
# in a nested guest whose initramfs carries the archive of
# tools/vm/guest/mesa-payload.sh. vgpu-guest-l2.sh runs it after the guest
# tests, with the driver loaded and the host channel open on fd 3; it also
# runs on vkms (MESA_DRIVER=vkms, no host channel: no screendumps).
#
# 1. kmscube (legacy KMS, GBM/EGL; Mesa picks kms_swrast, i.e. llvmpipe,
#    as no hardware driver matches the device) runs on the first card of
#    the driver that has connectors; once it reported frames the host is
#    asked for two screendumps (SCREENDUMP kmscube1, kmscube2), then it
#    runs until it reported MESA_KMSCUBE_FRAMES frames or a limit.
# 2. weston 10 (DRM backend, pixman renderer, desktop shell with a solid
#    0x002244 background and no panel) on tty2, with weston-simple-shm as
#    its client; once the shell said desktop_ready and the client got
#    frame callbacks the host takes SCREENDUMP weston1 and weston2.
#
# KEY=value lines on stdout are the facts the host's checks read
# (tools/vm/tests/vgpu_guest_mesa.sh); times are L2 uptime seconds. The
# programs' logs follow between @@MESA-LOG <name>@@ and @@MESA-LOG-END@@.

DRIVER=${MESA_DRIVER:-vgpu_drm}
KMSCUBE_LIMIT=${MESA_KMSCUBE_LIMIT:-900}	# s until kmscube's first report
KMSCUBE_FRAMES=${MESA_KMSCUBE_FRAMES:-8}
KMSCUBE_RUN=${MESA_KMSCUBE_RUN:-120}	# s after the first report
WESTON_LIMIT=${MESA_WESTON_LIMIT:-600}	# s until desktop and client
W=/tmp/mesa
mkdir -p "$W"

up() { cut -d' ' -f1 /proc/uptime; }
since() { awk -v a="$1" -v b="$(up)" 'BEGIN { printf "%.1f", b - a }'; }

# host_request LINE: the host channel (fd 3, opened by the caller), if any.
if [ "${MESA_HOST_CHANNEL:-1}" = 1 ] && { true >&3; } 2>/dev/null; then
	host_request() {
		echo "$1" >&3
		# busybox's read has -t.
		# shellcheck disable=SC3045
		read -r -t 120 _ <&3
	}
else
	host_request() { return 1; }
fi
screendump() {
	if host_request "SCREENDUMP $1"; then
		echo "MESA_SCREENDUMP_$1=$(up)"
	else
		echo "MESA_SCREENDUMP_$1=no-answer"
	fi
}
show_log() {
	echo "@@MESA-LOG $1@@"
	tail -n "${3:-40}" "$2"
	echo "@@MESA-LOG-END@@"
}

# The card: the first of DRIVER with a connector.
card=''
for c in /sys/class/drm/card[0-9]; do
	# vkms is a platform device without a driver link.
	drv=$(basename "$(readlink "$c/device/driver" ||
		readlink -f "$c/device")")
	[ "$drv" = "$DRIVER" ] || continue
	ls -d "$c"-* >/dev/null 2>&1 || continue
	card=$(basename "$c")
	break
done
if [ -z "$card" ]; then
	echo "MESA_CARD=none"
	exit 1
fi
echo "MESA_CARD=$card"
export HOME=$W XDG_RUNTIME_DIR=$W/run PATH=/usr/bin:"$PATH"
mkdir -p "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"

# --- kmscube ---------------------------------------------------------------
# "Rendered N frames in S sec (F fps)": kmscube reports every 2 s, counting
# from its first frame.
reports() { grep -a '^Rendered [0-9]* frames in' "$W/kmscube.log"; }
t0=$(up)
echo "MESA_KMSCUBE_START=$t0"
# Its stdout is a file: without line buffering (coreutils' stdbuf preload)
# the reports would wait in stdio's buffer until it exits.
# Its stdin must never be readable: kmscube waits for each flip in a
# select() on the DRM fd and stdin, and stops ("user interrupted!") when
# stdin is readable, which /dev/null always is. A FIFO opened read-write
# by it alone never is.
# MESA_KMSCUBE_ARGS: more options, split at spaces.
# llvmpipe compiles the cube's shaders at the first draw, code that TCG
# inside TCG translates twice: without LLVM's optimisation passes and with
# 128-bit vectors (SSE rather than AVX2) that compile took 48-85 s instead
# of 135 s (docs/guest-mesa.md).
mkfifo "$W/kmscube.in" || { echo "MESA_KMSCUBE_STDIN=failed"; exit 1; }
# shellcheck disable=SC2086
GALLIVM_PERF=nopt LP_NATIVE_VECTOR_WIDTH=128 \
	LD_PRELOAD=/usr/libexec/coreutils/libstdbuf.so _STDBUF_O=L \
	kmscube -D "/dev/dri/$card" ${MESA_KMSCUBE_ARGS:-} \
	<> "$W/kmscube.in" > "$W/kmscube.log" 2>&1 &
kpid=$!
first=''
n=0
while kill -0 "$kpid" 2>/dev/null; do
	if reports > /dev/null; then
		first=$(up)
		break
	fi
	[ "$(since "$t0" | cut -d. -f1)" -ge "$KMSCUBE_LIMIT" ] && break
	# Every minute, whether it computes (state, utime, stime in ticks)
	# or waits, and where.
	n=$((n + 1))
	[ $((n % 60)) -ne 0 ] ||
		echo "MESA_KMSCUBE_WAIT $(since "$t0") s:" \
			"$(cut -d' ' -f3,14,15 "/proc/$kpid/stat")" \
			"$(cat "/proc/$kpid/wchan")"
	sleep 1
done
if [ -n "$first" ]; then
	# The first report comes S seconds after the first frame.
	secs=$(reports | head -n 1 | awk '{ print $5 }')
	echo "MESA_KMSCUBE_FIRST_FRAME_S=$(awk -v f="$first" -v t="$t0" \
		-v s="$secs" 'BEGIN { printf "%.1f", f - s - t }')"
	screendump kmscube1
	sleep 5
	screendump kmscube2
	t1=$(up)
	while kill -0 "$kpid" 2>/dev/null; do
		n=$(reports | tail -n 1 | awk '{ print $2 }')
		[ "${n:-0}" -ge "$KMSCUBE_FRAMES" ] && break
		[ "$(since "$t1" | cut -d. -f1)" -ge "$KMSCUBE_RUN" ] && break
		sleep 2
	done
fi
if kill -0 "$kpid" 2>/dev/null; then
	echo "MESA_KMSCUBE_RUNNING=1"
	# Rendering (R, CPU time growing) or waiting for a flip (S in poll)?
	echo "MESA_KMSCUBE_STAT=$(cut -d' ' -f3,14,15 "/proc/$kpid/stat")"
	echo "MESA_KMSCUBE_WCHAN=$(cat "/proc/$kpid/wchan")"
	grep -a -i -E 'pipe|plane|surf|frame' \
		"/sys/kernel/debug/dri/${card#card}/vgpu_info" 2>/dev/null |
		head -n 20 | sed 's/^/MESA_VGPU_INFO /'
	kill "$kpid"
else
	echo "MESA_KMSCUBE_RUNNING=0"
fi
wait "$kpid" 2>/dev/null
last=$(reports | tail -n 1)
echo "MESA_KMSCUBE_REPORTS=$(reports | wc -l)"
echo "MESA_KMSCUBE_FRAMES=$(echo "$last" | awk '{ print $2 }')"
echo "MESA_KMSCUBE_SECS=$(echo "$last" | awk '{ print $5 }')"
echo "MESA_KMSCUBE_FPS=$(echo "$last" | sed -n 's/.*(\([0-9.]*\) fps).*/\1/p')"
show_log kmscube "$W/kmscube.log"

# --- weston ------------------------------------------------------------------
# No idle fade (the default blanks the screen after 300 s), no panel, no
# animations, no input method client: a solid background and the client.
# weston lights every head, head 0 at (0,0) and the next to its right; the
# shell puts new windows on the output holding (0,0), i.e. on head 0, which
# QEMU's display shows. (Connector names are not fixed: after the unbind
# tests the medium vGPU's heads are Virtual-3 and Virtual-4.)
cat > "$W/weston.ini" <<EOF
[core]
idle-time=0
[shell]
background-color=0xff002244
panel-position=none
locking=false
animation=none
startup-animation=none
close-animation=none
focus-animation=none
[input-method]
path=
EOF
# The server side of the Wayland protocol is logged: the desktop shell's
# desktop_ready and the frame callbacks sent to the client tell when the
# desktop and the client's window are on screen.
t0=$(up)
echo "MESA_WESTON_START=$t0"
WAYLAND_DEBUG=server weston --tty=2 --backend=drm-backend.so \
	--drm-device="$card" --use-pixman --continue-without-input \
	--config="$W/weston.ini" --log="$W/weston.log" \
	> "$W/weston.proto" 2>&1 &
wpid=$!
ready='' client='' cpid='' frames=''
while kill -0 "$wpid" 2>/dev/null; do
	if [ -z "$ready" ] && grep -aq 'desktop_ready()' "$W/weston.proto"; then
		ready=$(up)
		echo "MESA_WESTON_DESKTOP_READY_S=$(since "$t0")"
	fi
	# Its socket (wayland-1 here: libwayland's first free name).
	sock=''
	for s in "$XDG_RUNTIME_DIR"/wayland-[0-9]*; do
		[ -S "$s" ] && sock=$(basename "$s") && break
	done
	if [ -z "$cpid" ] && [ -n "$sock" ]; then
		echo "MESA_WESTON_SOCKET_S=$(since "$t0")"
		WAYLAND_DISPLAY=$sock weston-simple-shm > "$W/client.log" 2>&1 &
		cpid=$!
	fi
	# Frame callbacks are wl_callback.done events; the shell gets one too,
	# so count them after desktop_ready.
	if [ -n "$ready" ] && [ -z "$client" ]; then
		frames=$(sed -n '/desktop_ready()/,$p' "$W/weston.proto" |
			grep -ac -- '-> wl_callback@[0-9]*\.done')
		if [ "$frames" -ge 2 ]; then
			client=$(up)
			echo "MESA_WESTON_CLIENT_FRAMES_S=$(since "$t0")"
			break
		fi
	fi
	[ "$(since "$t0" | cut -d. -f1)" -ge "$WESTON_LIMIT" ] && break
	sleep 1
done
[ -n "$client" ] ||
	echo "MESA_WESTON_RUNTIME_DIR=$(cd "$XDG_RUNTIME_DIR" && echo *)"
if [ -n "$client" ]; then
	screendump weston1
	# The client's frame rate: callbacks during 8 s.
	a=$(grep -ac -- '-> wl_callback@[0-9]*\.done' "$W/weston.proto")
	sleep 8
	b=$(grep -ac -- '-> wl_callback@[0-9]*\.done' "$W/weston.proto")
	echo "MESA_WESTON_CLIENT_FPS=$(awk -v n=$((b - a)) \
		'BEGIN { printf "%.2f", n / 8 }')"
	screendump weston2
fi
if kill -0 "$wpid" 2>/dev/null; then
	echo "MESA_WESTON_RUNNING=1"
else
	echo "MESA_WESTON_RUNNING=0"
fi
if [ -n "$cpid" ]; then
	kill -0 "$cpid" 2>/dev/null && echo "MESA_CLIENT_RUNNING=1" ||
		echo "MESA_CLIENT_RUNNING=0"
	kill "$cpid" 2>/dev/null
	wait "$cpid" 2>/dev/null
fi
kill "$wpid" 2>/dev/null
# weston restores the VT and lets the CRTC go as it exits.
for _ in $(seq 1 60); do
	kill -0 "$wpid" 2>/dev/null || break
	sleep 1
done
kill -0 "$wpid" 2>/dev/null && kill -9 "$wpid"
wait "$wpid" 2>/dev/null
echo "MESA_WESTON_EXIT=$?"
# Less the list of modes.
grep -av '^  ' "$W/weston.log" > "$W/weston.short"
show_log weston "$W/weston.short" 60
show_log weston-client "$W/client.log" 10
exit 0
