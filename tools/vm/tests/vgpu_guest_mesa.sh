#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# vgpu_guest_mesa - Debian's Mesa, kmscube and weston on a vGPU in the
# vgpu-guest suite's nested guest (tools/vm/guest/mesa-l2.sh,
# docs/guest-mesa.md): the facts the guest reported (output.log), what the
# host recorded (host.log) and the screendumps of head 0 that the guest
# asked for (kmscube1/2.ppm, weston1/2.ppm), all in VGPU_GUEST_OUT.
#
# The subtest functions are called through igt_main:
# shellcheck disable=SC2317

. "$VGPU_ROOT/igt-tests/lib/igt_core.sh"

OUT=${VGPU_GUEST_OUT:-}

# fact FILE KEY: the last value of KEY=value in FILE.
fact() { sed -n "s/^$2=//p" "$OUT/$1" | tail -n 1; }

# ppm_check KIND A.ppm B.ppm: what two screendumps of head 0 must show;
# explains a failure on stderr.
ppm_check() {
	/usr/bin/python3 - "$@" <<'EOF'
import sys

def load(path):
    data = open(path, 'rb').read()
    magic, w, h, _, pix = data.split(maxsplit=4)
    assert magic == b'P6', path + ': not a binary PPM'
    w, h = int(w), int(h)
    return w, h, pix[:w * h * 3]

def fail(msg):
    print(msg, file=sys.stderr)
    sys.exit(1)

kind, a, b = sys.argv[1:4]
wa, ha, pa = load(a)
wb, hb, pb = load(b)
if (wa, ha) != (wb, hb):
    fail('sizes differ: %dx%d, %dx%d' % (wa, ha, wb, hb))
w, h = wa, ha

def rows(pix, x0, x1, y0, y1):
    for y in range(y0, y1):
        yield pix[(y * w + x0) * 3:(y * w + x1) * 3]

if kind == 'kmscube':
    # kmscube's smooth-shaded cube: faces in saturated vertex colours,
    # in the middle of the mode, on a uniform grey clear colour; it turns
    # from frame to frame.
    # Every other pixel of every other line: Python runs under TCG here.
    x0, x1, y0, y1 = w // 4, 3 * w // 4, h // 4, 3 * h // 4
    for name, pix in ((a, pa), (b, pb)):
        coloured = seen = 0
        for row in list(rows(pix, x0, x1, y0, y1))[::2]:
            for i in range(0, len(row), 6):
                r, g, bl = row[i], row[i + 1], row[i + 2]
                seen += 1
                if max(r, g, bl) - min(r, g, bl) > 64:
                    coloured += 1
        share = coloured / seen
        print('%s: %.1f %% of the centre saturated' % (name, share * 100))
        if share < 0.02:
            fail('%s: no cube in the centre' % name)
        corners = {pix[0:3], pix[(w - 1) * 3:w * 3],
                   pix[(h - 1) * w * 3:((h - 1) * w + 1) * 3],
                   pix[(h * w - 1) * 3:h * w * 3]}
        if len(corners) != 1:
            fail('%s: corners differ: %s' % (name, corners))
        c = corners.pop()
        if max(c) - min(c) > 16:
            fail('%s: the background is coloured: %s' % (name, tuple(c)))
    if list(rows(pa, x0, x1, y0, y1)) == list(rows(pb, x0, x1, y0, y1)):
        fail('the cube did not move between the two screendumps')
elif kind == 'weston':
    # weston's desktop shell: the configured solid background 0x002244
    # (no panel), and weston-simple-shm's 250x250 window, animated.
    bg = bytes((0x00, 0x22, 0x44))
    box = None
    for name, pix in ((a, pa), (b, pb)):
        n, xs, ys = 0, [], []
        full = bg * w
        for y, row in enumerate(rows(pix, 0, w, 0, h)):
            if row == full:
                n += w
                continue
            n += row.count(bg)
            first, last = 0, w - 1
            while row[first * 3:first * 3 + 3] == bg:
                first += 1
            while row[last * 3:last * 3 + 3] == bg:
                last -= 1
            xs += [first, last]
            ys.append(y)
        print('%s: %.1f %% background' % (name, n * 100 / (w * h)))
        if n < w * h // 2:
            fail('%s: the background is not weston\'s 0x002244' % name)
        if not ys:
            fail('%s: no window on the desktop' % name)
        bw, bh = max(xs) - min(xs) + 1, max(ys) - min(ys) + 1
        print('%s: window %dx%d at %d,%d' % (name, bw, bh, min(xs), min(ys)))
        if not (200 <= bw <= 300 and 200 <= bh <= 300):
            fail('%s: %dx%d is not the 250x250 client window' %
                 (name, bw, bh))
        box = (min(xs), max(xs) + 1, min(ys), max(ys) + 1)
    if list(rows(pa, *box)) == list(rows(pb, *box)):
        fail('the client window did not change between the screendumps')
else:
    fail('unknown kind ' + kind)
EOF
}

setup() {
	igt_require test -n "$OUT"
	igt_require test -f "$OUT/host.log"
	# Skipped only when the run left Mesa out on purpose
	# (vgpuguest.mesa=0); a missing archive is a failure.
	igt_require test "$(fact host.log MESA)" != off
	igt_assert_eq "$(fact host.log MESA)" on
	igt_require test -f "$OUT/output.log"
}

subtest_kmscube_presents_frames() {
	card=$(fact output.log MESA_CARD)
	igt_assert test -n "$card"
	igt_assert test "$card" != none
	# kmscube reports every 2 s from its first frame on; the last report
	# counts the frames it presented (page flips on head 0).
	igt_assert test "$(fact output.log MESA_KMSCUBE_REPORTS)" -ge 1
	igt_assert test "$(fact output.log MESA_KMSCUBE_FRAMES)" -ge 3
	# It was still running when it was stopped: no failed flip.
	igt_assert_eq "$(fact output.log MESA_KMSCUBE_RUNNING)" 1
}

subtest_kmscube_on_head0() {
	for d in kmscube1 kmscube2; do
		igt_assert test "$(fact output.log "MESA_SCREENDUMP_$d")" != no-answer
		igt_assert test -f "$OUT/$d.ppm"
	done
	# Head 0's preferred mode, which the hotplug test changed (1280x800).
	igt_assert_eq "$(fact host.log SCREENDUMP_KMSCUBE1_SIZE)" \
		"$(fact host.log SCREENDUMP_KMSCUBE2_SIZE)"
	igt_assert ppm_check kmscube "$OUT/kmscube1.ppm" "$OUT/kmscube2.ppm"
}

subtest_weston_desktop_with_client() {
	igt_assert test -n "$(fact output.log MESA_WESTON_DESKTOP_READY_S)"
	igt_assert test -n "$(fact output.log MESA_WESTON_CLIENT_FRAMES_S)"
	igt_assert_eq "$(fact output.log MESA_WESTON_RUNNING)" 1
	igt_assert_eq "$(fact output.log MESA_CLIENT_RUNNING)" 1
	# weston exits 0 on SIGTERM, giving the VT and the CRTC back.
	igt_assert_eq "$(fact output.log MESA_WESTON_EXIT)" 0
}

subtest_weston_on_head0() {
	for d in weston1 weston2; do
		igt_assert test "$(fact output.log "MESA_SCREENDUMP_$d")" != no-answer
		igt_assert test -f "$OUT/$d.ppm"
	done
	igt_assert ppm_check weston "$OUT/weston1.ppm" "$OUT/weston2.ppm"
}

igt_fixture setup
igt_subtest kmscube-presents-frames subtest_kmscube_presents_frames \
	"Debian's kmscube on Mesa's kms_swrast (llvmpipe) presents frames on the vGPU"
igt_subtest kmscube-on-head0 subtest_kmscube_on_head0 \
	"Two screendumps of head 0 show kmscube's cube, turning"
igt_subtest weston-desktop-with-client subtest_weston_desktop_with_client \
	"weston (DRM backend, pixman) brings up its desktop and serves a client"
igt_subtest weston-on-head0 subtest_weston_on_head0 \
	"Screendumps of head 0 show weston's background and the client's window, animated"
igt_main "$@"
