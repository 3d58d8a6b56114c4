#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-args: --timeout 1500
#
# A nested (L2) guest sees a vGPU and its picture reaches QEMU's display.
# First the device as L2 finds it (IDs, class, 16 MiB 64-bit BAR0, MSI,
# the PV magic read through BAR0: vgpu_nested). Then QEMU gets a small
# vGPU with -device vfio-pci,...,display=on (the default region protocol,
# no OpenGL) and a VNC server. In L2, /bin/vgpu-fbtest (tools/vm/guest)
# maps a framebuffer of its own memory through the GGTT, draws the picture
# of tools/vm/guest/fbtest-pattern.h and shows it on head 0 by writing the
# registers through BAR0 (there is no guest driver yet). When it prints
# FB_READY=1, a helper here takes a QMP screendump as PNG and then tells
# L2 to go on; vgpu_display_nested compares every pixel with the pattern
# and checks L2's report, QEMU's log and the vGPU's sysfs counters.
#
# The go signal: a third serial port of L2 (COM3, I/O 0x3e8) is a socket
# here; the helper writes 'G' into it and vgpu-fbtest polls the UART by
# port I/O (no driver, no interrupt). The helper repeats the 'G' every 2 s
# until L2 reports GO=, so a byte lost while L2 programs the UART cannot
# stall the run; vgpu-fbtest gives up after 180 s of its clock (GO=timeout,
# which fails the test). Measured: see GO_WAIT_MS in output.log and the
# SCREENDUMP_MS / GO_SENT_AFTER_MS lines of host.log.
#
# Results in $RESULTS_DIR/vgpu-display-nested: screen.png, host.log,
# qemu-cmdline.txt, and nested-guest's output.log, console.log, qemu.log,
# run.txt.
. "$VGPU_ROOT/tools/vm/lib.sh"
set -u

TESTS=$VGPU_ROOT/build/bin/tests
FBTEST=$VGPU_ROOT/build/bin/vgpu-fbtest
OUT=$RESULTS_DIR/vgpu-display-nested
L2=$OUT/l2.sh
HOSTLOG=$OUT/host.log
PYTHON=/usr/bin/python3
rc=0

[ -x "$TESTS/vgpu_display_nested" ] ||
	vm_fail "$TESTS/vgpu_display_nested not built"
[ -x "$FBTEST" ] || vm_fail "$FBTEST not built (make userspace)"
[ -x "$TESTS/vgpu_nested" ] || vm_fail "$TESTS/vgpu_nested not built"
[ -x "$PYTHON" ] || vm_fail "no $PYTHON"
mkdir -p "$OUT"
rm -f "$OUT/screen.png" "$OUT/output.log" "$HOSTLOG"
# Sockets cannot live on the 9p results share: private tmpfs directory.
SOCKS=$(mktemp -d /tmp/vgpu-display.XXXXXX) || vm_fail "no temporary directory"

vm_load_vgpu || vm_fail "cannot load the vGPU stack"
uuid=$(vm_mdev_create "$(vm_refgpu_types 0)/refgpu-small") ||
	vm_fail "cannot create a vGPU"
SYSFS=/sys/bus/mdev/devices/$uuid/vgpu
proto=$(cat "$SYSFS/display_protocol" 2>/dev/null) ||
	vm_fail "$SYSFS/display_protocol missing"
echo "DISPLAY_PROTOCOL=$proto" >> "$HOSTLOG"
[ "$proto" = region ] || { vm_log "protocol is '$proto', not region"; rc=1; }

# Why region is the default: with the DMABUF protocol QEMU 7.2 accepts the
# dmabuf probe, then needs OpenGL, which this host has not, and refuses to
# start. -S: if it started anyway, it would wait here until the timeout.
echo dmabuf > "$SYSFS/display_protocol" || vm_fail "cannot select dmabuf"
mapfile -t DMABUF_ARGS < <(vm_qemu_vfio "$uuid" display=on)
[ ${#DMABUF_ARGS[@]} -gt 0 ] || vm_fail "no vfio-pci options"
timeout 120 "${VGPU_QEMU:-qemu-system-x86_64}" -accel tcg -m 64 -nodefaults -S \
	-display none -vga none -monitor none "${DMABUF_ARGS[@]}" \
	> "$OUT/qemu-dmabuf.log" 2>&1
st=$?
echo region > "$SYSFS/display_protocol" || vm_fail "cannot select region"
{
	echo "QEMU_DMABUF_EXIT=$st"
	grep -q 'opengl not available' "$OUT/qemu-dmabuf.log" &&
		echo "QEMU_DMABUF_NEEDS_OPENGL=1" ||
		echo "QEMU_DMABUF_NEEDS_OPENGL=0"
	echo "DMABUF_PINNED_AFTER=$(cat "$SYSFS/display_pinned_pages")"
} >> "$HOSTLOG"

cat > "$L2" <<'L2SCRIPT'
#!/bin/sh
# Runs as the L2 guest's script: describe the device (vgpu_nested checks
# it: IDs, class, BAR0, MSI capability, the PV magic read through BAR0),
# then show the picture and wait for the host.
echo "L2_SCRIPT_UPTIME=$(cut -d' ' -f1 /proc/uptime)"
for d in /sys/bus/pci/devices/*; do
	[ "$(cat "$d/vendor")" = 0x1234 ] || continue
	[ "$(cat "$d/device")" = 0x5647 ] || continue
	echo "VGPU_FOUND=1"
	echo "VGPU_CLASS=$(cat "$d/class")"
	echo "VGPU_SUBSYSTEM=$(cat "$d/subsystem_vendor"):$(cat "$d/subsystem_device")"
	set -- $(head -n 1 "$d/resource")
	echo "VGPU_BAR0_SIZE=$(( $2 - $1 + 1 ))"
	echo "VGPU_BAR0_FLAGS=$3"
	echo "VGPU_CAP_PTR=$(busybox od -An -tx1 -j 52 -N 1 "$d/config" | tr -d ' ')"
	echo "VGPU_CAP_ID=$(busybox od -An -tx1 -j 144 -N 1 "$d/config" | tr -d ' ')"
	echo 1 > "$d/enable" 2>/dev/null
	echo "VGPU_PV_MAGIC=$(busybox devmem $(( $1 + 0x78000 )) 32)"
done
echo "VGPU_SCRIPT_DONE=1"
/bin/vgpu-fbtest --go-port 0x3e8 --go-timeout 180
st=$?
echo "FBTEST_EXIT=$st"
echo "L2_SCRIPT_DONE=1"
exit $st
L2SCRIPT
chmod +x "$L2"

# The helper: wait for FB_READY=1 in L2's output, screendump over QMP,
# then send the go. KEY=value lines to host.log.
cat > "$SOCKS/helper.py" <<'HELPER'
import os, re, socket, struct, sys, time

sys.path.insert(0, os.path.join(os.environ['VGPU_ROOT'], 'tools/vm/guest'))
import qmp as qmplib  # tools/vm/guest/qmp.py

out_log, qmp_path, go_path, png, host_log, sysfs, want = sys.argv[1:8]
want_w, want_h = (int(v) for v in want.split('x'))
t0 = time.monotonic()
log = open(host_log, 'a', buffering=1)


def fact(key, val):
    log.write('%s=%s\n' % (key, val))


def ms(since):
    return '%.0f' % ((time.monotonic() - since) * 1000)


def sysfs_read(name):
    try:
        with open(os.path.join(sysfs, name)) as f:
            return f.read().strip()
    except OSError as e:
        return 'unreadable:%s' % e.strerror


def l2_output():
    try:
        with open(out_log, 'rb') as f:
            return f.read().decode('ascii', 'replace')
    except OSError:
        return ''


def png_size(path):
    with open(path, 'rb') as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b'\x89PNG\r\n\x1a\n':
        return None
    return struct.unpack('>II', head[16:24])


# 1. L2 is showing the picture (the L2 boot takes minutes under TCG).
fact('HELPER_START', 1)
deadline = t0 + 1150
while True:
    text = l2_output()
    if '\nFB_READY=1' in text:
        break
    if '\nFB_READY=0' in text or '@@L2-EXIT' in text:
        fact('FB_READY_SEEN', 0)
        sys.exit(1)
    if time.monotonic() > deadline:
        fact('FB_READY_SEEN', 'timeout')
        sys.exit(1)
    time.sleep(0.5)
fact('FB_READY_SEEN', 1)
fact('FB_READY_AFTER_S', '%.1f' % (time.monotonic() - t0))
fact('PINNED_PAGES_SHOWN', sysfs_read('display_pinned_pages'))


# How QEMU holds the vGPU: its open files name the VFIO path it took, the
# IOMMU group (/dev/vfio/<group>) or the device cdev with /dev/iommu. The
# files of every process naming the vGPU (QEMU, and nested-guest, which
# opens none of them).
def qemu_vfio_files():
    uuid = os.path.basename(os.path.dirname(sysfs)).encode()
    files, procs = [], 0
    for pid in filter(str.isdigit, os.listdir('/proc')):
        if pid == str(os.getpid()):
            continue
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                if uuid not in f.read():
                    continue
            fds = '/proc/%s/fd' % pid
            names = os.listdir(fds)
        except OSError:
            continue
        procs += 1
        for fd in names:
            try:
                f = os.readlink(os.path.join(fds, fd))
            except OSError:
                continue
            # QEMU 10's wrapper runs it in a mount namespace of its own,
            # where the chroot's /dev reads as /host/dev.
            files.append(f[f.find('/dev/'):] if '/dev/' in f else f)
    fact('QEMU_VFIO_PROCS', procs)
    fact('QEMU_VFIO_DEV_FILES', ' '.join(sorted(
        f for f in files if f.startswith('/dev/'))))
    return files


files = qemu_vfio_files()
cdev = any(f.startswith('/dev/vfio/devices/') for f in files)
group = any(re.fullmatch(r'/dev/vfio/[0-9]+', f) for f in files)
fact('QEMU_VFIO_PATH', 'cdev' if cdev and not group else
     'group' if group and not cdev else 'unknown')
fact('QEMU_IOMMUFD', 1 if '/dev/iommu' in files else 0)

# 2. Screendump until QEMU's console has the plane's size (the first
# update after the plane appeared may still show the old surface).
status = 1
t = time.monotonic()
try:
    qmp = qmplib.Session(qmp_path, 60)
    fact('QMP_GREETING', 'ok' if 'QMP' in qmp.greeting else 'bad')
    # The session left negotiation mode (qmp_capabilities) or raised.
    fact('QMP_CAPABILITIES', 'ok')
    for attempt in range(1, 11):
        tmp = png + '.try'
        try:
            qmp.cmd('screendump', filename=tmp, format='png')
        except qmplib.QmpError as e:
            fact('SCREENDUMP', 'error:%s' % e)
            break
        size = png_size(tmp)
        fact('SCREENDUMP_TRY_%d' % attempt,
             '%dx%d' % size if size else 'not-png')
        if size == (want_w, want_h):
            os.replace(tmp, png)
            fact('SCREENDUMP', 'ok')
            fact('SCREENDUMP_MS', ms(t))
            status = 0
            break
        time.sleep(1)
    else:
        os.replace(tmp, png)
        fact('SCREENDUMP', 'wrong-size')
    fact('VNC_ENABLED', qmp.cmd('query-vnc').get('enabled'))
except (OSError, EOFError, ValueError) as e:
    fact('SCREENDUMP', 'error:%s' % e)
fact('DISPLAY_ERRORS_SHOWN', sysfs_read('display_errors'))

# 3. Go on: 'G' into L2's COM3 until L2 reports that it got it.
t = time.monotonic()
try:
    go = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    go.connect(go_path)
    sent = 0
    while '\nGO=' not in l2_output() and time.monotonic() < t + 240:
        go.sendall(b'G')
        sent += 1
        if sent == 1:
            fact('GO_SENT_AFTER_MS', ms(t0))
        time.sleep(2)
    fact('GO_BYTES_SENT', sent)
    fact('GO_ACKED', 1 if '\nGO=' in l2_output() else 0)
    go.close()
except OSError as e:
    fact('GO_ACKED', 'error:%s' % e)
    status = 1
sys.exit(status)
HELPER

# The L2 guest: the vGPU with its display, VNC on a socket (nobody needs
# to connect for screendump to work), QMP, and COM3 as the go channel.
# nested-guest adds -nographic -vga none -monitor none; QEMU 7.2 accepts
# -vnc with them (the vGPU is the only graphic console).
mapfile -t QEMU_ARGS < <(vm_qemu_vfio "$uuid" display=on)
[ ${#QEMU_ARGS[@]} -gt 0 ] || vm_fail "no vfio-pci options"
QEMU_ARGS+=(
	-vnc "unix:$SOCKS/vnc"
	-qmp "unix:$SOCKS/qmp,server=on,wait=off"
	-serial "unix:$SOCKS/go,server=on,wait=off"
)

t0=$(date +%s)
"$PYTHON" "$SOCKS/helper.py" "$OUT/output.log" "$SOCKS/qmp" "$SOCKS/go" \
	"$OUT/screen.png" "$HOSTLOG" "$SYSFS" 1024x768 &
hpid=$!
vm_nested_guest --timeout 1200 --logdir "$OUT" \
	--file "$FBTEST:/bin/vgpu-fbtest" "$L2" -- "${QEMU_ARGS[@]}" || {
	vm_log "nested guest failed"
	rc=1
}
vm_log "nested guest done after $(($(date +%s) - t0)) s"
# The helper ends by itself once L2 acknowledged the go; if L2 died first
# it may still wait for FB_READY.
for _ in $(seq 1 20); do
	kill -0 "$hpid" 2>/dev/null || break
	sleep 1
done
kill "$hpid" 2>/dev/null
wait "$hpid" || { vm_log "screendump helper failed"; rc=1; }
sed -n 's/^command: //p' "$OUT/run.txt" > "$OUT/qemu-cmdline.txt"

# QEMU has closed the vGPU: nothing may stay pinned or exported.
{
	echo "PINNED_PAGES_END=$(cat "$SYSFS/display_pinned_pages")"
	echo "DISPLAY_ERRORS_END=$(cat "$SYSFS/display_errors")"
	echo "DMABUFS_END=$(cat "$SYSFS/dmabufs")"
} >> "$HOSTLOG"
vm_log "host.log:"
sed 's/^/  /' "$HOSTLOG"

VGPU_DISPLAY_NESTED_DIR=$OUT vm_run_igt --timeout 60 \
	"$TESTS/vgpu_display_nested" || rc=1
# The same L2 boot answers what the device looks like to a nested guest.
VGPU_NESTED_OUTPUT=$OUT/output.log vm_run_igt --timeout 60 \
	"$TESTS/vgpu_nested" || rc=1
rm -rf "$SOCKS"
vm_mdev_remove "$uuid" || rc=1
rmmod vgpu || rc=1
rmmod refgpu || rc=1
rmmod mdev || rc=1
exit "$rc"
