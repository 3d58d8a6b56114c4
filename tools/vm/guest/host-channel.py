#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Host side of a nested guest's request channel (vgpu-guest suite).

The guest writes one request per line into its COM3, which QEMU connects
to a Unix socket here; answers are lines ("K") back. Requests:

  HOTPLUG-REQUEST <connector>
      The host changes the monitor of head <connector> of the first vGPU as
      an operator does: it writes "<connector> WIDTHxHEIGHT" into the vGPU's
      sysfs display_edid_mode, the device replugs the head with an EDID
      whose preferred mode is that size and raises the guest's hotplug
      interrupt. (QEMU only writes EDIDs through the vGPU's EDID region
      with its DMABUF display protocol, which needs OpenGL; with the region
      protocol used here it never does.) No answer: the guest waits for its
      hotplug uevent, and says HOTPLUG-DONE when it saw the new mode.
  SCREENDUMP <name>
      Takes a QMP screendump of the vGPU's head 0 (QEMU's vfio display) as
      <name>.ppm next to FACTS, records its size and how many pixels are
      not black, then answers.
  IDLE-CHECK
      Records every vGPU's pinned-page counter (sysfs) in the facts file,
      then answers.

usage: host-channel.py SOCKET QMP_SOCKET WIDTHxHEIGHT FACTS SYSFS_DIR...
Facts are KEY=value lines appended to FACTS.
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qmp  # noqa: E402  (tools/vm/guest/qmp.py)

def connect(path, deadline):
    while True:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(path)
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def qmp_screendump(path, ppm):
    """screendump over QMP; returns (width, height, non-black pixels)."""
    qmp.qmp(path, 'screendump', timeout=30, filename=ppm)
    width, height, pixels = qmp.read_ppm(ppm)
    lit = sum(1 for i in range(0, len(pixels), 3)
              if pixels[i] or pixels[i + 1] or pixels[i + 2])
    return width, height, lit


def main():
    chan_path, qmp_path, mode, facts_path = sys.argv[1:5]
    sysfs_dirs = sys.argv[5:]
    facts = open(facts_path, 'a', buffering=1)

    def fact(key, val):
        facts.write('%s=%s\n' % (key, val))

    # QEMU creates the socket as it starts; the L2 boot takes minutes.
    chan = connect(chan_path, time.monotonic() + 600)
    fact('CHANNEL', 'connected')
    buf = b''
    while True:
        data = chan.recv(4096)
        if not data:
            break
        buf += data
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            words = line.decode('ascii', 'replace').strip().split()
            if not words:
                continue
            if words[0] == 'HOTPLUG-REQUEST' and len(words) == 2 and \
                    words[1].isdigit():
                fact('HOTPLUG_REQUEST', words[1])
                knob = os.path.join(sysfs_dirs[0], 'display_edid_mode')
                try:
                    with open(knob, 'w') as f:
                        f.write('%s %s\n' % (words[1], mode))
                    with open(knob) as f:
                        now = f.read().split('\n')[int(words[1])]
                    fact('HOTPLUG_EDID_MODE', now)
                except (OSError, IndexError) as err:
                    fact('HOTPLUG_EDID_MODE', 'error:%s' % err)
            elif words[0] == 'SCREENDUMP' and len(words) == 2 and \
                    words[1].isalnum():
                key = 'SCREENDUMP_' + words[1].upper()
                ppm = os.path.join(os.path.dirname(facts_path),
                                   words[1] + '.ppm')
                try:
                    w, h, lit = qmp_screendump(qmp_path, ppm)
                    fact(key + '_SIZE', '%dx%d' % (w, h))
                    fact(key + '_NONBLACK', lit)
                except (OSError, EOFError, ValueError) as err:
                    fact(key + '_SIZE', 'error:%s' % err)
                chan.sendall(b'K\n')
            elif words[0] == 'IDLE-CHECK':
                for d in sysfs_dirs:
                    try:
                        with open(os.path.join(d, 'pinned_pages')) as f:
                            val = f.read().strip()
                    except OSError as err:
                        val = 'unreadable:%s' % err.strerror
                    fact('PINNED_AT_IDLE_CHECK_%s' %
                         os.path.basename(os.path.dirname(d)), val)
                chan.sendall(b'K\n')
            elif words[0] == 'HOTPLUG-DONE':
                fact('HOTPLUG_DONE', 1)
            else:
                fact('UNKNOWN_REQUEST', words[0])
    fact('CHANNEL', 'closed')


if __name__ == '__main__':
    main()
