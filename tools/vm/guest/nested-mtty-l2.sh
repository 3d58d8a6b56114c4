#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The L2 side of tools/vm/suites/nested-mtty.sh: runs as /script in a
# nested guest (tools/vm/nested-guest, busybox + /bin/pio) that QEMU
# started with an mtty-2 mdev and an mdpy mdev passed through
# (-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/<uuid>). Prints one
#   l2-check NAME pass|fail DETAIL
# line per check, then "l2-done"; exits with the number of failed checks.
# igt-tests/tests/mdev_nested_mtty.c turns the lines into IGT subtests.
#
# Register facts (16550): THR/RBR +0, IER +1, FCR +2, LCR +3, LSR +5;
# LSR 0x01 data ready, 0x20|0x40 transmitter empty.

fails=0
check() {
	c_name=$1
	c_result=$2
	shift 2
	echo "l2-check $c_name $c_result $*"
	[ "$c_result" = pass ] || fails=$((fails + 1))
}

finish() {
	echo "l2-done fails=$fails"
	exit "$fails"
}

echo "l2: kernel $(uname -r)"
mtty=
mdpy=
for d in /sys/bus/pci/devices/*; do
	id="$(cat "$d/vendor"):$(cat "$d/device")"
	echo "l2: pci ${d##*/} $id class $(cat "$d/class")"
	case $id in
	0x4348:0x3253) mtty=$d ;;
	0x1b36:0x000f) mdpy=$d ;;
	esac
done

if [ -z "$mtty" ]; then
	check pci-ids fail "no PCI device 4348:3253"
	finish
fi
check pci-ids pass "${mtty##*/} is 4348:3253"

class=$(cat "$mtty/class")
if [ "$class" = 0x070002 ]; then
	check pci-class pass "$class (16550 serial)"
else
	check pci-class fail "$class"
fi

# BAR0 and BAR1: 8 bytes of I/O space each (IORESOURCE_IO is 0x100).
bases=
n=0
io_ok=1
while read -r start end flags; do
	[ "$n" -lt 2 ] || break
	size=$((end - start + 1))
	if [ $((flags & 0x100)) = 0 ] || [ "$size" != 8 ]; then
		io_ok=
	fi
	bases="$bases $((start))"
	n=$((n + 1))
done < "$mtty/resource"
if [ -n "$io_ok" ] && [ "$n" = 2 ]; then
	check io-bars pass "I/O ports at$bases, 8 bytes each"
else
	check io-bars fail "$(head -n 2 "$mtty/resource" | tr '\n' ';')"
fi

# Raw port I/O on each port, while no tty has it open: 8N1 without the
# divisor latch, FIFOs on and cleared, "mtty" out, "mtty" back in order.
port=0
for b in $bases; do
	got=$(pio wb $((b + 3)) 0x03 wb $((b + 1)) 0x00 wb $((b + 2)) 0x07 \
		rb $((b + 5)) wb "$b" 0x6d wb "$b" 0x74 wb "$b" 0x74 \
		wb "$b" 0x79 rb $((b + 5)) rb "$b" rb "$b" rb "$b" rb "$b" \
		rb $((b + 5)) | tr '\n' ' ')
	want="0x60 0x01 0x6d 0x74 0x74 0x79 0x60 "
	if [ "$got" = "$want" ]; then
		check "pio-loopback-port$port" pass "LSR, data, LSR: $got"
	else
		check "pio-loopback-port$port" fail "got '$got', want '$want'"
	fi
	port=$((port + 1))
done

# The kernel's own 8250_pci driver claims the card (WCH CH352 2S).
drv=$(readlink "$mtty/driver" 2>/dev/null)
tty=$(ls "$mtty/tty" 2>/dev/null | head -n 1)
if [ -n "$tty" ]; then
	check serial-driver-bound pass "driver ${drv##*/}, ports $(ls "$mtty/tty" | tr '\n' ' ')"
else
	check serial-driver-bound fail "driver '${drv##*/}', no tty"
fi

# Through the tty: the driver transmits, mtty loops the bytes back and
# raises its receive interrupt (INTx through QEMU's vfio-pci), the driver
# reads them. mtty's FIFO ring holds 15 bytes (the 16th makes it look
# empty) and the 16550A driver writes up to 16 per transmit interrupt, so
# the data goes in chunks of 15, each after the previous one came back.
rx_len() { wc -c < /tmp/rx 2>/dev/null || echo 0; }

wait_rx() { # bytes seconds
	w=0
	while [ "$(rx_len)" -lt "$1" ] && [ "$w" -lt "$2" ]; do
		sleep 1
		w=$((w + 1))
	done
	t=$((t + w))
}

# Interrupts taken by the port, from its /proc/interrupts line (which
# exists while the port is open).
irqs() { grep -w "$tty" /proc/interrupts | tr -s ' ' | cut -d' ' -f3; }

if [ -n "$tty" ]; then
	c1=hello-from-l2-1
	c2=hello-from-l2-2
	exec 3<>"/dev/$tty"
	stty -F "/dev/$tty" raw -echo -echoe -echok -echoctl -echoke -ixon \
		-ixoff -crtscts clocal 115200 2>&1
	irq_before=$(irqs)
	: > /tmp/rx
	# One byte per read and write: progress shows in /tmp/rx at once.
	dd bs=1 count=$((${#c1} + ${#c2})) <&3 > /tmp/rx 2>/dev/null &
	reader=$!
	t=0
	printf '%s' "$c1" >&3
	wait_rx ${#c1} 60
	printf '%s' "$c2" >&3
	wait_rx $((${#c1} + ${#c2})) 60
	irq_after=$(irqs)
	kill "$reader" 2>/dev/null
	exec 3>&-
	got=$(cat /tmp/rx)
	if [ "$got" = "$c1$c2" ] &&
	   [ "${irq_after:-0}" -gt "${irq_before:-0}" ]; then
		check tty-loopback pass "/dev/$tty: '$got' after ${t}s, port interrupts ${irq_before:-?} -> ${irq_after:-?}"
	else
		check tty-loopback fail "/dev/$tty: got '$got' after ${t}s, port interrupts ${irq_before:-?} -> ${irq_after:-?}"
	fi
else
	check tty-loopback fail "no tty"
fi

# The guest-side sample, mdpy-fb, on the mdpy device.
if [ -n "$mdpy" ] && [ -f /lib/mdpy-fb.ko ]; then
	if insmod /lib/mdpy-fb.ko; then
		# The framebuffer console takes the new framebuffer and draws
		# text and a blinking cursor into it, racing the readback:
		# release it first.
		for v in /sys/class/vtconsole/vtcon*; do
			grep -q "frame buffer" "$v/name" 2>/dev/null &&
				echo 0 > "$v/bind"
		done
		fb=$(ls "$mdpy/graphics" 2>/dev/null | head -n 1)
		size=$(cat "/sys/class/graphics/$fb/virtual_size" 2>/dev/null)
		dd if=/dev/urandom of=/tmp/pattern bs=4096 count=16 2>/dev/null
		dd if=/tmp/pattern of="/dev/$fb" bs=4096 count=16 2>/dev/null
		dd if="/dev/$fb" of=/tmp/back bs=4096 count=16 2>/dev/null
		if [ -n "$fb" ] && [ "$size" = 640,480 ] &&
		   cmp -s /tmp/pattern /tmp/back; then
			check mdpy-fb pass "$fb $size, 64 KiB written and read back"
		else
			check mdpy-fb fail "fb '$fb' size '$size', pattern $(cmp /tmp/pattern /tmp/back 2>&1)"
		fi
	else
		check mdpy-fb fail "insmod mdpy-fb.ko failed"
	fi
elif [ -f /lib/mdpy-fb.ko ]; then
	check mdpy-fb fail "no PCI device 1b36:000f"
fi

finish
