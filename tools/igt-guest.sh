#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# igt-guest.sh [options] IGT_DIR
#
# Run an upstream igt-gpu-tools build's vendor-neutral KMS/core tests
# (docs/igt-guest.testlist, see docs/igt-guest.md) with upstream igt_runner
# inside a guest, and save its results.json. IGT_DIR is a meson build
# directory of upstream IGT (runner/igt_runner, tests/<binary>); nothing of
# it enters the tree.
#
#   --driver vgpu   (default) the test VM (tools/vm/run-vm, suite
#                   manual-igt-guest) creates a two-head (medium) vGPU and
#                   boots a nested guest on it with the guest kernel,
#                   vgpu_drm.ko and vgem.ko: build/igt-guest/results-vgpu.json
#   --driver vkms   the same payload on the same guest kernel with vkms.ko
#                   instead, booted directly on this machine (no test VM, no
#                   nesting): the baseline, build/igt-guest/results-vkms.json
#   --list FILE     another test list (default docs/igt-guest.testlist)
#   --per-test-timeout SECS   igt_runner's limit per subtest (default 120
#                   for vkms, 600 for vgpu: TCG inside TCG)
#   --timeout SECS  limit of the whole run (default 7200 for vkms, 28800
#                   for vgpu); igt_runner stops starting tests one
#                   per-test limit and 15 minutes before it
#   --multiple      igt_runner --multiple-mode (several subtests per
#                   process: fewer program starts, less isolation)
#   --name NAME     results-NAME.json instead of results-DRIVER.json
#
# Steps: the payload (igt_runner, the listed binaries, their shared-library
# closure from ldd and ld.so by tools/payload-closure.sh, fontconfig and
# DejaVu for cairo's text) is packed as build/igt-guest/payload-NAME.tar.gz;
# the guest's half is tools/vm/guest/igt-guest-l2.sh. At the end the
# pass/fail/skip counts are printed (tools/igtguest/summary.py). Exit status:
# 0 when results.json came back (whatever the test results), 1 otherwise.
set -u
{

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/igt-guest
L2_SCRIPT=$ROOT/tools/vm/guest/igt-guest-l2.sh
SUITE=manual-igt-guest
SUMMARY=$ROOT/tools/igtguest/summary.py
VGPU_KO=$ROOT/build/guest-modules/vgpu_drm/vgpu_drm.ko

die() { echo "igt-guest: $*" >&2; exit 1; }
log() { echo "igt-guest: $*" >&2; }
usage() { sed -n '3,34s/^# \{0,1\}//p' "$0"; }

DRIVER=vgpu LIST=$ROOT/docs/igt-guest.testlist PTT='' TIMEOUT='' MULTIPLE=0
NAME=''
while [ $# -gt 0 ]; do
	case $1 in
	--driver|--list|--per-test-timeout|--timeout|--name)
		[ $# -ge 2 ] || die "$1 needs a value"
		case $1 in
		--driver) DRIVER=$2 ;;
		--list) LIST=$2 ;;
		--per-test-timeout) PTT=$2 ;;
		--timeout) TIMEOUT=$2 ;;
		--name) NAME=$2 ;;
		esac
		shift 2
		;;
	--multiple) MULTIPLE=1; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) die "unknown option '$1' (see --help)" ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { usage >&2; exit 1; }
IGT=$(cd "$1" 2>/dev/null && pwd) || die "no directory '$1'"
case $DRIVER in
vkms) : "${PTT:=120}" "${TIMEOUT:=7200}" ;;
vgpu) : "${PTT:=600}" "${TIMEOUT:=28800}" ;;
*) die "--driver wants vgpu or vkms" ;;
esac
NAME=${NAME:-$DRIVER}
for v in PTT TIMEOUT; do
	case ${!v} in
	''|*[!0-9]*|0) die "timeouts want positive integers" ;;
	esac
done
# Boot, unpacking and the results' way back.
RESULT_MARGIN=900
[ "$TIMEOUT" -gt $((PTT + RESULT_MARGIN + 600)) ] ||
	die "--timeout must exceed $((PTT + RESULT_MARGIN + 600)) s (the per-test limit and margins)"
[ -f "$LIST" ] || die "no test list $LIST"
LIST=$(cd "$(dirname "$LIST")" && pwd)/$(basename "$LIST")
[ -x "$IGT/runner/igt_runner" ] ||
	die "$IGT/runner/igt_runner missing (ninja -C $IGT runner/igt_runner)"

GUEST_KDIR=$("$ROOT/tools/vm/guest-kernel.sh" --dir) ||
	die "the guest kernel is not built (make guest-kernel)"
VKMS_KO=$GUEST_KDIR/drivers/gpu/drm/vkms/vkms.ko
VGEM_KO=$GUEST_KDIR/drivers/gpu/drm/vgem/vgem.ko
[ -f "$VGEM_KO" ] || die "no $VGEM_KO"
if [ "$DRIVER" = vkms ]; then
	[ -f "$VKMS_KO" ] || die "no $VKMS_KO"
else
	[ -f "$VGPU_KO" ] || die "no $VGPU_KO (make guest-modules)"
fi

# The binaries the list names, each once, in list order.
mapfile -t BINS < <(sed -e 's/#.*//' "$LIST" |
	sed -n 's/^[[:space:]]*igt@\([A-Za-z0-9_-]*\).*/\1/p' | awk '!seen[$0]++')
[ ${#BINS[@]} -gt 0 ] || die "$LIST names no test"
missing=()
for b in "${BINS[@]}"; do
	[ -x "$IGT/tests/$b" ] || missing+=("tests/$b")
done
[ ${#missing[@]} -eq 0 ] || die "not built in $IGT: ${missing[*]}
  (nice -n 19 ninja -C $IGT -j1 ${missing[*]})"

# --- The payload --------------------------------------------------------
mkdir -p "$OUT"
case $NAME in
''|*[!A-Za-z0-9_-]*) die "--name wants letters, digits, '-' and '_'" ;;
esac
STAGE=$OUT/payload-$NAME
rm -rf "$STAGE"
mkdir -p "$STAGE/igt/tests" "$STAGE/igt/lib" "$STAGE/lib64" \
	"$STAGE/etc" "$STAGE/usr/share/fonts/truetype"
cp "$IGT/runner/igt_runner" "$STAGE/igt/tests/" || die "copy failed"
for b in "${BINS[@]}"; do
	cp "$IGT/tests/$b" "$STAGE/igt/tests/" || die "copy failed"
done
# igt_runner insists on a test-list.txt in the test directory, even when
# it is given --test-list (in IGT's own TESTLIST format).
{
	echo TESTLIST
	echo "${BINS[*]}"
	echo "END TESTLIST"
} > "$STAGE/igt/tests/test-list.txt"
grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$LIST" \
	> "$STAGE/igt/igt-guest.testlist"

# The shared-library closure, as ldd resolves it here (IGT's own libraries
# through the build's run path), in igt/lib, and the dynamic loader at the
# path the binaries name; no debug information (guest memory is RAM).
nlibs=$("$ROOT/tools/payload-closure.sh" --flat igt/lib "$STAGE" \
	"$IGT/runner/igt_runner" "${BINS[@]/#/$IGT/tests/}") ||
	die "cannot collect the shared libraries"
strip --strip-debug "$STAGE"/igt/tests/* 2>/dev/null
# cairo's text (test patterns, kms_setmode) needs fontconfig and a font.
cp -r /etc/fonts "$STAGE/etc/" 2>/dev/null
[ -d /usr/share/fonts/truetype/dejavu ] &&
	cp -r /usr/share/fonts/truetype/dejavu "$STAGE/usr/share/fonts/truetype/"
PAYLOAD=$OUT/payload-$NAME.tar.gz
tar -C "$STAGE" -czf "$PAYLOAD" --owner=0 --group=0 . ||
	die "cannot pack the payload"
rm -rf "$STAGE"
log "payload: ${#BINS[@]} binaries, $nlibs libraries," \
	"$(du -k "$PAYLOAD" | cut -f1) KiB ($PAYLOAD)"

# What the guest reads: the driver, the runner's limits. igt_runner stops
# starting tests one per-test limit and 15 minutes before the whole run's
# limit: the last test may run its whole limit, and boot, unpacking and
# sending results.json back (about 5 minutes for 1 MB) need the rest.
CONF=$OUT/igt-guest-$NAME.conf
{
	echo "DRIVER=$DRIVER"
	echo "PER_TEST_TIMEOUT=$PTT"
	echo "OVERALL_TIMEOUT=$((TIMEOUT - PTT - RESULT_MARGIN))"
	echo "MULTIPLE=$MULTIPLE"
	# For the test VM's suite: its HOME is not this one's, so it cannot
	# find the guest kernel's cache by itself.
	echo "GUEST_KDIR=$GUEST_KDIR"
} > "$CONF"

# The guest's output as it comes (igt_runner's progress lines), without the
# encoded results.
progress() {
	sed -u '/^@@IGT-RESULTS-BEGIN@@/,/^@@IGT-RESULTS-END@@/d'
}

RESULT=$OUT/results-$NAME.json
rm -f "$RESULT"
t0=$(date +%s)
if [ "$DRIVER" = vkms ]; then
	LOGDIR=$OUT/logs-$NAME
	rm -rf "$LOGDIR"
	mkdir -p "$LOGDIR"
	log "booting the guest kernel with vkms on this machine" \
		"(logs in $LOGDIR)"
	"$ROOT/tools/vm/nested-guest" --timeout "$TIMEOUT" --mem 1024 \
		--kernel "$GUEST_KDIR/vmlinux" --logdir "$LOGDIR" \
		--file "$PAYLOAD:/igt-payload.tar.gz" \
		--file "$CONF:/igt-guest.conf" \
		--file "$VKMS_KO:/lib/vkms.ko" --file "$VGEM_KO:/lib/vgem.ko" \
		"$L2_SCRIPT" | progress
	rc=${PIPESTATUS[0]}
	OUTPUT=$LOGDIR/output.log
else
	LOGDIR=$OUT/vm-$NAME
	log "running the test VM (suite $SUITE; logs in $LOGDIR)"
	# The suite finds the payload, the configuration and the guest
	# kernel through the read-only share; the kernel argument tells it
	# that it was started on purpose (make check would not pass it).
	"$ROOT/tools/vm/run-vm" --suite "$SUITE" --logdir "$LOGDIR" \
		--timeout $((TIMEOUT + 900)) \
		--append "igtguest.run=$NAME" | progress
	rc=${PIPESTATUS[0]}
	OUTPUT=$LOGDIR/results/igt-guest/output.log
fi
log "guest run ended with status $rc after $(($(date +%s) - t0)) s"

[ -f "$OUTPUT" ] || die "no guest output ($OUTPUT)"
grep -a -E '^[A-Z0-9_]+=|^(CARD|CONNECTOR) ' "$OUTPUT" | sed 's/^/  guest: /' >&2
sed -n '/^@@IGT-RESULTS-BEGIN@@/,/^@@IGT-RESULTS-END@@/p' "$OUTPUT" |
	sed '1d;$d' | tr -d '\r' | base64 -d 2>/dev/null | gunzip -c \
	> "$RESULT" 2>/dev/null
if [ ! -s "$RESULT" ]; then
	rm -f "$RESULT"
	die "no results.json came back (see $LOGDIR)"
fi
log "results: $RESULT"
python3 "$SUMMARY" "$RESULT" "$LIST"
exit 0
}
