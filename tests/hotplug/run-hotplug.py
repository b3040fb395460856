#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hot-unplug test, host side.

Boots the guest (scripts/run-guest.sh) with one potnpu on pcie.0 and one
behind a pcie-root-port, runs tests/selftests/potnpu_hotplug_guest.c in
it, and serves its requests read from the results port:

  potnpu-hotplug: unplug  -> QMP device_del hp1, then DEVICE_DELETED awaited
  potnpu-hotplug: plug    -> QMP device_add potnpu,id=hp1,bus=rp1

The guest's TAP lines and the host's own (one per QMP step, one for the
guest's exit status) come out as one TAP stream on stdout. Exit status 0
only when every line is "ok".

  run-hotplug.py [--cycles N] [--native] [--timeout S] [--log FILE]
                 [--results FILE] [--guest-arg ARG]...

The guest kernel handles the slot through ACPI (acpiphp), or with
--native through the root port's PCIe hotplug (pciehp, which waits 5 s
after the attention button before it removes the device). --guest-arg
passes one more option to scripts/run-guest.sh (e.g. a debug kernel's).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEVICE_ID = 'hp1'
PORT_ID = 'rp1'
# pciehp waits 5 s after the attention button before it powers the slot off.
DELETE_TIMEOUT = 90


class QmpError(Exception):
    pass


class Qmp:
    """A minimal QMP client: one command at a time, events kept aside."""

    def __init__(self, path, alive, timeout=60):
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > end or not alive():
                    raise QmpError('no QMP socket at %s' % path)
                time.sleep(0.1)
        self.buf = b''
        self.events = []
        greeting = self._recv(timeout)
        if 'QMP' not in greeting:
            raise QmpError('not a QMP greeting: %r' % greeting)
        self.command('qmp_capabilities')

    def _recv(self, timeout):
        end = time.monotonic() + timeout
        while b'\n' not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise QmpError('QMP: nothing received in %d s' % timeout)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise QmpError('QMP: connection closed')
            self.buf += data
        line, self.buf = self.buf.split(b'\n', 1)
        return json.loads(line)

    def command(self, name, timeout=30, **arguments):
        msg = {'execute': name}
        if arguments:
            msg['arguments'] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b'\n')
        while True:
            reply = self._recv(timeout)
            if 'event' in reply:
                self.events.append(reply)
            elif 'error' in reply:
                raise QmpError('%s: %s' % (name, reply['error'].get('desc')))
            elif 'return' in reply:
                return reply['return']

    def wait_event(self, name, device, timeout):
        end = time.monotonic() + timeout
        while True:
            for ev in self.events:
                if ev['event'] == name and \
                   ev.get('data', {}).get('device') == device:
                    self.events.remove(ev)
                    return
            left = end - time.monotonic()
            if left <= 0:
                raise QmpError('no %s for %s in %d s' % (name, device, timeout))
            self.events.append(self._recv(left))


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def line(self, ok, text):
        self.n += 1
        self.failed += not ok
        print('%sok %d - %s' % ('' if ok else 'not ', self.n, text), flush=True)

    def comment(self, text):
        print('# ' + text, flush=True)


TAP_LINE = re.compile(r'^(not )?ok \d+ (?:- )?(.*)$')


def relay(tap, line):
    """A guest line into the host's stream: results renumbered."""
    m = TAP_LINE.match(line)
    if m:
        tap.line(m.group(1) is None, 'guest: ' + m.group(2))
    elif line.startswith('#'):
        print(line, flush=True)


def serve(tap, qmp, request):
    """Act on one guest request; False when it failed."""
    start = time.monotonic()
    try:
        if request == 'unplug':
            qmp.command('device_del', id=DEVICE_ID)
            qmp.wait_event('DEVICE_DELETED', DEVICE_ID, DELETE_TIMEOUT)
            tap.line(True, 'QMP device_del %s: DEVICE_DELETED after %.1f s'
                     % (DEVICE_ID, time.monotonic() - start))
        elif request == 'plug':
            qmp.command('device_add', driver='potnpu', id=DEVICE_ID,
                        bus=PORT_ID)
            tap.line(True, 'QMP device_add potnpu,id=%s,bus=%s'
                     % (DEVICE_ID, PORT_ID))
        else:
            tap.line(False, 'unknown guest request %r' % request)
            return False
    except QmpError as e:
        tap.line(False, 'QMP %s: %s' % (request, e))
        return False
    return True


def main():
    build = os.environ.get('POTNPU_BUILD', os.path.join(ROOT, 'build'))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--cycles', type=int, default=2)
    ap.add_argument('--native', action='store_true',
                    help='PCIe native hotplug (pciehp) instead of ACPI')
    ap.add_argument('--timeout', type=int, default=400)
    ap.add_argument('--guest-arg', action='append', default=[],
                    help='one more option for scripts/run-guest.sh')
    ap.add_argument('--log', default=os.path.join(build, 'guest',
                                                  'hotplug-console.log'))
    ap.add_argument('--results', default=os.path.join(build, 'guest',
                                                      'hotplug.raw'))
    args = ap.parse_args()
    if args.cycles < 1:
        ap.error('--cycles must be at least 1')

    tap = Tap()
    print('TAP version 13', flush=True)
    tmp = tempfile.mkdtemp(prefix='potnpu-hotplug-')
    sock = os.path.join(tmp, 'qmp.sock')
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    open(args.results, 'w').close()
    cmd = 'modprobe potnpu && /usr/lib/potnpu/tests/potnpu_hotplug_guest %d' \
        % args.cycles
    start = time.monotonic()
    argv = [os.path.join(ROOT, 'scripts', 'run-guest.sh'), '--quiet',
            '--devices', '1', '--hotplug-devices', '1', '--qmp', sock,
            '--timeout', str(args.timeout), '--log', args.log,
            '--results', args.results]
    if args.native:
        argv.append('--native-hotplug')
    argv += args.guest_arg
    mode = 'pciehp' if args.native else 'acpiphp'
    guest = subprocess.Popen(argv + ['--', cmd], stdin=subprocess.DEVNULL,
                             stdout=sys.stderr)
    ok = True
    try:
        qmp = Qmp(sock, lambda: guest.poll() is None)
        ok = watch(tap, qmp, guest, args.results)
    except QmpError as e:
        tap.line(False, str(e))
        ok = False
    if not ok and guest.poll() is None:
        # The guest waits for a device change that will not come.
        guest.terminate()
    rc = guest.wait()
    tap.line(rc == 0, 'hot-unplug guest run (%s) exited %d (%d cycles, %.0f s)'
             % (mode, rc, args.cycles, time.monotonic() - start))
    if rc != 0:
        tap.comment('console log: %s' % args.log)
    print('1..%d' % tap.n, flush=True)
    try:
        os.unlink(sock)
    except OSError:
        pass
    os.rmdir(tmp)
    return 1 if tap.failed else 0


def watch(tap, qmp, guest, results):
    """Relay the guest's lines and serve its requests until it exits."""
    offset = 0
    pending = b''
    while True:
        running = guest.poll() is None
        with open(results, 'rb') as f:
            f.seek(offset)
            data = f.read()
        offset += len(data)
        pending += data
        *lines, pending = pending.split(b'\n')
        for raw in lines:
            line = raw.decode(errors='replace').strip('\r')
            if line.startswith('potnpu-hotplug: '):
                if not serve(tap, qmp, line.split(': ', 1)[1].strip()):
                    return False
            else:
                relay(tap, line)
        if not running:
            return True
        time.sleep(0.2)


if __name__ == '__main__':
    sys.exit(main())
