#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Drive a live migration of a nested guest between two QEMUs.

usage: migrate-host.py WORKDIR OUTDIR SRC_SYSFS DST_SYSFS

The host half of the vgpu-migrate suite (tools/vm/suites/vgpu-migrate.sh).
WORKDIR holds src.args and dst.args (the two QEMU command lines, one
argument a line; the destination's has "-incoming defer") and is where the
sockets are: qmp-src, qmp-dst, chan-src, chan-dst, mig. OUTDIR receives
output-{src,dst}.log (the guest script's output: the QEMU command lines
name them), qemu-{src,dst}.log, {src,dst}-screen.ppm, host.log
(KEY=value facts) and bench.txt ("# how" and "mig.<key>: <value>").

Steps: start the source; wait until the guest shows its picture and has
done a few rounds of GPU work; screendump; start the destination;
migrate over a unix socket with QEMU's own figures (query-migrate); quit
the source and read what the source vGPU still pins; wait for more rounds
on the destination; screendump there; tell the guest to stop; wait for it
to power off. Exit status 0 when every step happened (the checks of what
happened are tools/vm/tests/vgpu_migrate_host.sh's).
"""

import json
import os
import re
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmp  # noqa: E402  (tools/vm/guest/qmp.py)

WORK, OUT, SRC_SYSFS, DST_SYSFS = sys.argv[1:5]
# The QEMUs started, killed on the way out if still there.
PROCS = {}
T0 = time.monotonic()
LOG = open(os.path.join(OUT, 'host.log'), 'a', buffering=1)
# Rounds of work before the migration, and after it on the destination.
ROUNDS_BEFORE = 3
ROUNDS_AFTER = 3
# QEMU's switch-over target; raised step by step if the guest dirties its
# memory faster than the link drains it (each raise is a fact).
DOWNTIME_LIMITS_MS = (100, 300, 1000, 5000)
DOWNTIME_RAISE_S = 60
# What the guest pins besides its own work (the suite's VGPU_MIG_PIN).
PIN_NOTE = ''
# The index of the limit in force when the migration ended.
LIMIT = 0


def fact(key, val):
    LOG.write('%s=%s\n' % (key, val))


def elapsed():
    return time.monotonic() - T0


def sysfs(path, name):
    try:
        with open(os.path.join(path, name)) as f:
            return f.read().strip()
    except OSError as e:
        return 'unreadable:%s' % e.strerror


def text(name):
    try:
        with open(os.path.join(OUT, name), 'rb') as f:
            return f.read().decode('ascii', 'replace')
    except OSError:
        return ''


def rounds(name):
    return [int(m.group(1)) for m in
            re.finditer(r'^WORK_ITER ([0-9]+) ', text(name), re.M)]


def start(which):
    with open(os.path.join(WORK, which + '.args')) as f:
        args = f.read().split('\n')[:-1]
    log = open(os.path.join(OUT, 'qemu-%s.log' % which), 'wb')
    fact('QEMU_%s_START_S' % which.upper(), '%.1f' % elapsed())
    return subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)


def wait_for(what, cond, timeout, procs=()):
    deadline = time.monotonic() + timeout
    while not cond():
        for p in procs:
            if p.poll() is not None:
                fact('WAIT_' + what, 'qemu-exited-%d' % p.returncode)
                return False
        if time.monotonic() > deadline:
            fact('WAIT_' + what, 'timeout')
            return False
        time.sleep(0.5)
    fact('WAIT_' + what, 'ok')
    fact('WAIT_%s_AT_S' % what, '%.1f' % elapsed())
    return True


def screendump(q, name):
    path = os.path.join(OUT, name)
    q.cmd('screendump', filename=path)
    return path


def ppm(path):
    """(width, height, pixel bytes) of a binary PPM (QEMU's screendump)."""
    with open(path, 'rb') as f:
        data = f.read()
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+(\d+)\s', data)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)), data[m.end():]


def picture(which, q):
    """A screendump of head 0 until it has the mode's size (the first
    refresh after the plane appeared may still show the old surface)."""
    for attempt in range(10):
        p = screendump(q, '%s-screen.ppm' % which)
        img = ppm(p)
        if img and img[0] >= 640:
            break
        time.sleep(1)
    if not img:
        fact('SCREEN_%s' % which.upper(), 'not-ppm')
        return None
    w, h, px = img
    lit = sum(1 for i in range(0, len(px), 3 * 7) if px[i:i + 3] != b'\0\0\0')
    fact('SCREEN_%s' % which.upper(), '%dx%d' % (w, h))
    fact('SCREEN_%s_LIT_SAMPLES' % which.upper(), lit)
    return img


def channel_stop(path):
    """STOP to the guest's COM3 until it reports its result."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    sent = 0
    deadline = time.monotonic() + 300
    while '\nWORK_RESULT=' not in text('output-dst.log'):
        if time.monotonic() > deadline:
            break
        s.sendall(b'STOP\n')
        sent += 1
        time.sleep(2)
    s.close()
    fact('STOP_SENT', sent)


def migrate(src, dst):
    dst.cmd('migrate-incoming', uri='unix:' + os.path.join(WORK, 'mig'))
    # Unthrottled: the default 128 MiB/s would make the RAM copy the
    # figure. The vGPU's state goes in the main stream (no multifd).
    src.cmd('migrate-set-parameters', **{'max-bandwidth': 8 << 30,
            'downtime-limit': DOWNTIME_LIMITS_MS[0]})
    fact('MIGRATE_DOWNTIME_LIMIT_MS', DOWNTIME_LIMITS_MS[0])
    fact('PINNED_SRC_AT_MIGRATE', sysfs(SRC_SYSFS, 'pinned_pages'))
    t = time.monotonic()
    src.cmd('migrate', uri='unix:' + os.path.join(WORK, 'mig'))
    fact('MIGRATE_ISSUED_S', '%.1f' % elapsed())
    global LIMIT
    limit, raised = 0, t
    info = {}
    while time.monotonic() < t + 600:
        info = src.cmd('query-migrate')
        status = info.get('status')
        if status in ('completed', 'failed', 'cancelled'):
            break
        if (time.monotonic() > raised + DOWNTIME_RAISE_S and
                limit + 1 < len(DOWNTIME_LIMITS_MS)):
            limit += 1
            raised = time.monotonic()
            src.cmd('migrate-set-parameters',
                    **{'downtime-limit': DOWNTIME_LIMITS_MS[limit]})
            fact('MIGRATE_DOWNTIME_LIMIT_MS', DOWNTIME_LIMITS_MS[limit])
        time.sleep(0.2)
    LIMIT = limit
    fact('MIGRATE_WALL_MS', '%.0f' % ((time.monotonic() - t) * 1000))
    fact('MIGRATE_STATUS', info.get('status'))
    fact('MIGRATE_INFO', json.dumps(info, sort_keys=True))
    if info.get('error-desc'):
        fact('MIGRATE_ERROR', info['error-desc'])
    return info


def main():
    global PIN_NOTE
    fact('HELPER_START', 1)
    if os.environ.get('VGPU_MIG_PIN'):
        PIN_NOTE = (', %s more kept pinned and written by the GPU' %
                    os.environ['VGPU_MIG_PIN'])
    procs = PROCS
    procs['src'] = start('src')
    ok = wait_for('READY', lambda: '\nMIG_READY=1' in text('output-src.log'),
                  1200, [procs['src']])
    ok = ok and wait_for('ROUNDS_BEFORE',
                         lambda: len(rounds('output-src.log')) >=
                         ROUNDS_BEFORE, 600, [procs['src']])
    if not ok:
        return 1
    src = qmp.Session(os.path.join(WORK, 'qmp-src'), 120, 300)
    fact('SRC_STATUS_BEFORE', src.cmd('query-status')['status'])
    img_src = picture('src', src)

    procs['dst'] = start('dst')
    dst = qmp.Session(os.path.join(WORK, 'qmp-dst'), 120, 300)
    fact('DST_STATUS_BEFORE', dst.cmd('query-status')['status'])
    fact('PINNED_DST_BEFORE', sysfs(DST_SYSFS, 'pinned_pages'))
    src_rounds = len(rounds('output-src.log'))
    info = migrate(src, dst)
    if info.get('status') != 'completed':
        for p in procs.values():
            p.kill()
        return 1
    fact('ROUNDS_ON_SRC', len(rounds('output-src.log')) - src_rounds)
    fact('SRC_STATUS_AFTER', src.cmd('query-status')['status'])
    ok = wait_for('DST_RUNNING',
                  lambda: dst.cmd('query-status')['status'] == 'running',
                  120, [procs['dst']])
    fact('PINNED_DST_AFTER_MIGRATE', sysfs(DST_SYSFS, 'pinned_pages'))
    fact('PINNED_SRC_BEFORE_QUIT', sysfs(SRC_SYSFS, 'pinned_pages'))
    # The vGPU's own split of what it sent: pre-copy (the preamble, the
    # GGTT and display early, then their changes) and STOP_COPY.
    precopy = sysfs(SRC_SYSFS, 'migration_precopy_bytes')
    stopcopy = sysfs(SRC_SYSFS, 'migration_stopcopy_bytes')
    fact('MIG_PRECOPY_BYTES_SRC', precopy)
    fact('MIG_STOPCOPY_BYTES_SRC', stopcopy)
    src.cmd('quit')
    try:
        fact('QEMU_SRC_EXIT', procs['src'].wait(60))
    except subprocess.TimeoutExpired:
        procs['src'].kill()
        fact('QEMU_SRC_EXIT', 'killed')
    fact('PINNED_SRC_AFTER_QUIT', sysfs(SRC_SYSFS, 'pinned_pages'))
    fact('DISPLAY_PINNED_SRC_AFTER_QUIT',
         sysfs(SRC_SYSFS, 'display_pinned_pages'))

    # The workload goes on on the destination.
    first = rounds('output-dst.log')
    ok = ok and wait_for('ROUNDS_AFTER',
                         lambda: len(rounds('output-dst.log')) >=
                         ROUNDS_AFTER + 1, 900, [procs['dst']])
    r = rounds('output-dst.log')
    fact('FIRST_ROUND_ON_DST', r[0] if r else 'none')
    fact('FIRST_ROUND_ON_DST_AT_QUIT', first[0] if first else 'none')
    img_dst = picture('dst', dst)
    if img_src and img_dst:
        same = img_src[:2] == img_dst[:2] and img_src[2] == img_dst[2]
        diff = 0
        if img_src[:2] == img_dst[:2] and not same:
            a, b = img_src[2], img_dst[2]
            diff = sum(1 for i in range(0, len(a), 3) if a[i:i + 3] !=
                       b[i:i + 3])
        fact('SCREEN_SAME', 1 if same else 0)
        fact('SCREEN_PIXELS_DIFFERENT', diff)
    fact('DISPLAY_ERRORS_DST', sysfs(DST_SYSFS, 'display_errors'))

    channel_stop(os.path.join(WORK, 'chan-dst'))
    try:
        fact('QEMU_DST_EXIT', procs['dst'].wait(300))
    except subprocess.TimeoutExpired:
        procs['dst'].kill()
        fact('QEMU_DST_EXIT', 'killed')
    fact('PINNED_DST_AFTER_QUIT', sysfs(DST_SYSFS, 'pinned_pages'))
    fact('HELPER_DONE_S', '%.1f' % elapsed())

    # QEMU's own figures: make bench's mig.* lines.
    vfio = info.get('vfio', {})
    ram = info.get('ram', {})
    with open(os.path.join(OUT, 'bench.txt'), 'w') as f:
        f.write('# QEMU 10 query-migrate "downtime" on the source: a nested '
                'L2 guest (TCG in the TCG test VM, 256 MiB) looping GPU '
                'fills and copies on a small vGPU, migrated over a unix '
                'socket, bandwidth unthrottled%s\n' % PIN_NOTE)
        f.write('mig.downtime_ms: %s\n' % info.get('downtime'))
        f.write('# the same migration: QEMU\'s downtime-limit when it '
                'switched over (%s ms first, raised after each %d s '
                'without converging)\n'
                % (DOWNTIME_LIMITS_MS[0], DOWNTIME_RAISE_S))
        f.write('mig.downtime_limit_ms: %s\n' % DOWNTIME_LIMITS_MS[LIMIT])
        f.write('# the same migration: query-migrate "total-time"\n')
        f.write('mig.total_ms: %s\n' % info.get('total-time'))
        f.write('# the same migration: the source vGPU\'s sysfs '
                'migration_precopy_bytes, what it sent while the guest ran '
                '(preamble, GGTT and display, then their changes)\n')
        f.write('mig.precopy_bytes: %s\n' % precopy)
        f.write('# the same migration: the source vGPU\'s sysfs '
                'migration_stopcopy_bytes, its STOP_COPY chunk (in the '
                'downtime)\n')
        f.write('mig.stopcopy_bytes: %s\n' % stopcopy)
        f.write('# the same migration: query-migrate "vfio" "transferred", '
                'all the vGPU data QEMU sent (both of the above)\n')
        f.write('mig.vfio_transferred_bytes: %s\n' % vfio.get('transferred'))
        f.write('# the same migration: query-migrate "ram" "transferred" '
                'bytes (the guest RAM copy), for scale\n')
        f.write('mig.ram_transferred_bytes: %s\n' % ram.get('transferred'))
    return 0 if ok else 1


if __name__ == '__main__':
    try:
        rc = main()
    except (OSError, EOFError, ValueError) as e:
        fact('HELPER_ERROR', repr(e))
        rc = 1
    for p in PROCS.values():
        if p.poll() is None:
            p.kill()
            p.wait()
    fact('HELPER_EXIT', rc)
    sys.exit(rc)
