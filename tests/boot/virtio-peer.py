#!/usr/bin/env python3
"""virtio-peer.py: runs QEMU with virtio devices and plays the host's part.

    virtio-peer.py --serial FILE --timeout S [--console-sock PATH
        --console-log FILE] [--qmp-sock PATH --memory MB] [--events FILE]
        -- QEMU-COMMAND...

QEMU's serial console goes to --serial (QEMU writes it); the virtconsole
chardev is a Unix socket server that QEMU opens with wait=on, so nothing
the guest sends over virtio is lost: this script connects before the
guest starts and copies every byte to --console-log.  The QMP socket
(--qmp-sock) lets it set the balloon target.

The guest asks for the host's part with lines on either console:
  "balloon: waiting for a target (inflate by N MiB)"  -> QMP balloon to
                                                        MEMORY - N MiB
  "balloon: waiting for a target (deflate to 0)"      -> QMP balloon to
                                                        MEMORY
  "console: waiting for input"                        -> "ping from the
                                                        host\\n" to port 0
Before each balloon command it records query-balloon's answer.  What it
did goes to --events, one line each ("balloon value=... -> {...}").

Exit status: QEMU's, or 124 when --timeout S passed (QEMU is killed).
"""
import argparse
import json
import os
import select
import socket
import subprocess
import sys
import time

INPUT_LINE = b"ping from the host\n"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--serial", required=True)
    p.add_argument("--timeout", type=float, required=True)
    p.add_argument("--console-sock")
    p.add_argument("--console-log")
    p.add_argument("--qmp-sock")
    p.add_argument("--memory", type=int, default=64, help="guest MiB")
    p.add_argument("--events", default=os.devnull)
    p.add_argument("--errlog", default=os.devnull)
    p.add_argument("qemu", nargs=argparse.REMAINDER)
    a = p.parse_args()
    if a.qemu and a.qemu[0] == "--":
        a.qemu = a.qemu[1:]
    if not a.qemu:
        p.error("no QEMU command after --")
    if bool(a.console_sock) != bool(a.console_log):
        p.error("--console-sock and --console-log go together")
    return a


def connect(path, deadline, qemu):
    """Connects to QEMU's Unix socket server at path, waiting for it."""
    while time.monotonic() < deadline:
        if qemu.poll() is not None:
            raise RuntimeError(f"QEMU exited ({qemu.returncode}) before {path} existed")
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            time.sleep(0.02)
    raise RuntimeError(f"{path}: QEMU did not open it in time")


class Qmp:
    """A minimal QMP client: one command at a time, events skipped."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""
        self.recv()                       # greeting
        self.cmd("qmp_capabilities")

    def recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise RuntimeError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            r = self.recv()
            if "return" in r or "error" in r:
                return r


class Peer:
    def __init__(self, a, qemu):
        self.a, self.qemu = a, qemu
        self.con = self.qmp = None
        self.conlog = open(a.console_log, "wb") if a.console_log else None
        self.events = open(a.events, "w")
        self.serial_pos = 0
        self.pending = {"serial": b"", "virtio": b""}

    def event(self, text):
        self.events.write(text + "\n")
        self.events.flush()

    def balloon(self, mib_out):
        value = (self.a.memory - mib_out) * 1024 * 1024
        q = self.qmp.cmd("query-balloon")
        self.event(f"query-balloon -> {json.dumps(q)}")
        r = self.qmp.cmd("balloon", value=value)
        self.event(f"balloon value={value} -> {json.dumps(r)}")

    def on_line(self, line):
        text = line.decode("utf-8", "replace")
        if "balloon: waiting for a target" in text and self.qmp:
            if "(inflate by " in text:
                mib = int(text.split("(inflate by ", 1)[1].split(" ", 1)[0])
                self.balloon(mib)
            elif "(deflate to 0)" in text:
                self.balloon(0)
        elif "console: waiting for input" in text and self.con:
            self.con.sendall(INPUT_LINE)
            self.event("console input " + json.dumps(INPUT_LINE.decode()))

    def feed(self, stream, data):
        buf = self.pending[stream] + data
        *lines, self.pending[stream] = buf.split(b"\n")
        for line in lines:
            self.on_line(line)

    def poll_serial(self):
        try:
            with open(self.a.serial, "rb") as f:
                f.seek(self.serial_pos)
                data = f.read()
        except OSError:
            return
        self.serial_pos += len(data)
        if data:
            self.feed("serial", data)

    def poll_console(self, timeout):
        if not self.con:
            time.sleep(timeout)
            return
        r, _, _ = select.select([self.con], [], [], timeout)
        if r:
            data = self.con.recv(65536)
            if not data:
                self.con.close()
                self.con = None
                return
            self.conlog.write(data)
            self.conlog.flush()
            self.feed("virtio", data)

    def run(self, deadline):
        if self.a.console_sock:
            self.con = connect(self.a.console_sock, deadline, self.qemu)
        if self.a.qmp_sock:
            self.qmp = Qmp(connect(self.a.qmp_sock, deadline, self.qemu))
        while self.qemu.poll() is None:
            if time.monotonic() >= deadline:
                return None
            self.poll_console(0.02)
            self.poll_serial()
        while self.con:                   # what QEMU sent before it exited
            self.poll_console(0)
            if not select.select([self.con], [], [], 0)[0]:
                break
        self.poll_serial()
        return self.qemu.returncode


def main():
    a = parse_args()
    for path in (a.console_sock, a.qmp_sock):
        if path and os.path.exists(path):
            os.unlink(path)
    deadline = time.monotonic() + a.timeout
    with open(a.errlog, "wb") as err:
        qemu = subprocess.Popen(a.qemu, stdin=subprocess.DEVNULL, stdout=err,
                                stderr=subprocess.STDOUT)
    peer = Peer(a, qemu)
    try:
        status = peer.run(deadline)
    except (RuntimeError, OSError, ValueError) as e:
        print(f"virtio-peer.py: {e}", file=sys.stderr)
        peer.event(f"error: {e}")
        status = None if qemu.poll() is None else qemu.returncode
        if status is None:
            qemu.kill()
            qemu.wait()
            status = 125
    if status is None:
        qemu.kill()
        qemu.wait()
        status = 124
    return status


if __name__ == "__main__":
    sys.exit(main())
