#!/usr/bin/env python3
"""Type at a guest's serial console and check what comes back.

Usage: console-drive.py SOCKET STEP...

QEMU must listen on the UNIX socket SOCKET (qemu-run.sh --serial-socket).
Each STEP is one of
    expect:TEXT      wait (at most --step-timeout s) until TEXT appears in
                     the output after the previous match
    send:TEXT        type TEXT, one byte at a time with a short pause;
                     \\r \\n \\b \\x03 (and any \\xNN) are escapes
Prints one TAP line per expect step and exits 0 only if all matched.
Everything read is written to stdout's log file with --transcript FILE.
"""
import argparse
import os
import socket
import sys
import time


def unescape(text):
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


def connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("steps", nargs="+")
    ap.add_argument("--step-timeout", type=float, default=30.0)
    ap.add_argument("--transcript")
    args = ap.parse_args()

    sock = connect(args.socket, time.time() + 30)
    sock.settimeout(0.2)
    seen = b""
    pos = 0
    failures = 0

    def pump():
        nonlocal seen
        try:
            data = sock.recv(4096)
        except socket.timeout:
            return True
        if not data:
            return False
        seen += data
        return True

    for step in args.steps:
        kind, _, text = step.partition(":")
        if kind == "send":
            for b in unescape(text):
                sock.sendall(bytes([b]))
                time.sleep(0.02)
                pump()
        elif kind == "expect":
            want = unescape(text)
            deadline = time.time() + args.step_timeout
            alive = True
            while seen.find(want, pos) < 0 and time.time() < deadline and alive:
                alive = pump()
            at = seen.find(want, pos)
            if at >= 0:
                pos = at + len(want)
                print("ok - console shows %r" % text)
            else:
                failures += 1
                print("not ok - console shows %r" % text)
                tail = seen[-300:].decode("latin-1").replace("\r", "")
                for line in tail.splitlines():
                    print("#   " + line)
                break
        else:
            print("not ok - bad step %r" % step)
            failures += 1
    if args.transcript:
        with open(args.transcript, "wb") as f:
            f.write(seen)
    sock.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
