#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Ask a QEMU for something over its QMP socket.

usage: qmp.py QMP-SOCKET screendump OUT.png
       qmp.py QMP-SOCKET stop|cont

screendump asks QEMU (QMP `screendump`, a binary PPM) for the console's picture,
writes it as OUT.png (RGB, 8 bits, no filter) and prints one line
"WxH lit=P% colours=M": the share of pixels that are not black and the
distinct colours among them (a sample of every 7th pixel, at most 4096
colours), so callers can tell a picture from a blank screen. stop and cont pause and resume the guest's CPUs (its
devices' work already queued goes on). Exit status 1 when QEMU cannot be
asked or answers badly.
"""

import json
import os
import socket
import struct
import sys
import time
import zlib


class QmpError(ValueError):
    """A command QEMU answered with an error."""


class Session:
    """One QMP connection in command mode.

    Connects to the unix socket at path, retrying until timeout seconds
    have passed (QEMU may not listen yet), keeps the greeting, negotiates
    capabilities. cmd() sends a command and returns its 'return' value or
    raises QmpError; the events that arrive meanwhile are kept in events.
    A reply waits at most reply_timeout seconds (socket.timeout, an
    OSError, after that).
    """

    def __init__(self, path, timeout=30, reply_timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.sock.settimeout(reply_timeout)
        self.file = self.sock.makefile('rw', encoding='utf-8')
        self.events = []
        try:
            self.greeting = json.loads(self._line())
            self.cmd('qmp_capabilities')
        except BaseException:
            self.close()
            raise

    def _line(self):
        line = self.file.readline()
        if not line:
            raise EOFError('QMP connection closed')
        return line

    def cmd(self, name, **args):
        msg = {'execute': name}
        if args:
            msg['arguments'] = args
        self.file.write(json.dumps(msg) + '\n')
        self.file.flush()
        while True:
            reply = json.loads(self._line())
            if 'event' in reply:
                self.events.append(reply)
            elif 'error' in reply:
                raise QmpError('%s: %s' % (name, json.dumps(reply['error'])))
            else:
                return reply.get('return')

    def close(self):
        self.sock.close()


def qmp(path, name, timeout=30, **args):
    """Run one QMP command on a connection of its own; returns its
    'return' value."""
    session = Session(path, timeout)
    try:
        return session.cmd(name, **args)
    finally:
        session.close()


def read_ppm(ppm):
    with open(ppm, 'rb') as img:
        data = img.read()
    fields = data.split(maxsplit=4)
    if len(fields) < 5 or fields[0] != b'P6' or fields[3] != b'255':
        raise ValueError('not an 8-bit binary PPM')
    width, height = int(fields[1]), int(fields[2])
    return width, height, fields[4][:width * height * 3]


def png_chunk(kind, payload):
    crc = zlib.crc32(kind + payload) & 0xffffffff
    return struct.pack('>I', len(payload)) + kind + payload + \
        struct.pack('>I', crc)


def write_png(path, width, height, rgb):
    stride = width * 3
    # Filter type 0 (none) before every row.
    raw = b''.join(b'\0' + rgb[y * stride:(y + 1) * stride]
                   for y in range(height))
    header = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    with open(path, 'wb') as out:
        out.write(b'\x89PNG\r\n\x1a\n')
        out.write(png_chunk(b'IHDR', header))
        out.write(png_chunk(b'IDAT', zlib.compress(raw, 6)))
        out.write(png_chunk(b'IEND', b''))


def screendump(sock_path, png):
    ppm = png + '.ppm'
    try:
        qmp(sock_path, 'screendump', filename=ppm)
        width, height, rgb = read_ppm(ppm)
    except (OSError, ValueError, EOFError) as err:
        print('screendump: %s' % err, file=sys.stderr)
        return 1
    finally:
        if os.path.exists(ppm):
            os.unlink(ppm)
    write_png(png, width, height, rgb)
    # Every 7th pixel is enough to tell a picture from a blank screen,
    # and a test VM's Python is slow.
    lit = seen = 0
    colours = set()
    for i in range(0, len(rgb), 3 * 7):
        px = rgb[i:i + 3]
        seen += 1
        if px != b'\0\0\0':
            lit += 1
            if len(colours) < 4096:
                colours.add(px)
    print('%dx%d lit=%d%% colours=%d' % (width, height,
                                          100 * lit // max(seen, 1),
                                          len(colours)))
    return 0


def main():
    args = sys.argv[1:]
    if len(args) == 3 and args[1] == 'screendump':
        return screendump(args[0], args[2])
    if len(args) == 2 and args[1] in ('stop', 'cont'):
        try:
            qmp(args[0], args[1])
        except (OSError, ValueError, EOFError) as err:
            print('qmp: %s' % err, file=sys.stderr)
            return 1
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
