#!/usr/bin/env python3
"""Check what the screen console drew, through QEMU's monitor.

    screen-check.py bios|uefi ISO LOG

Boots ISO (build/hospes-screen.iso: no dom0 module, so the hypervisor halts
after its banner and QEMU keeps running) with a
monitor socket, waits for the banner on serial, then reads the display:
  bios  the VGA text buffer at 0xb8000 (monitor "xp"): the first row must
        hold exactly the first line Hospes printed to the screen;
  uefi  a screendump of the framebuffer: every pixel of the first text row
        must match the built-in font (kernel/console/font8x16.c) rendering
        of that line, cell by cell.
Prints TAP lines; QEMU always runs under a timeout.
"""
import os, re, socket, subprocess, sys, tempfile, time

fw, iso, log = sys.argv[1:4]
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
tmp = tempfile.mkdtemp(prefix="hospes-screen-")
sock = os.path.join(tmp, "mon.sock")
machine = "pc" if fw == "bios" else "q35"
if os.path.exists(log):
    os.remove(log)  # the banner must come from this run
qemu = subprocess.Popen([os.path.join(here, "qemu-run.sh"), "--firmware", fw, "--machine", machine,
                         "--mem", "128", "--timeout", "90", "--iso", iso, "--log", log, "--",
                         "-monitor", "unix:%s,server,nowait" % sock])

def finish(ok, name, why=""):
    print(("ok - " if ok else "not ok - ") + name)
    if why:
        print("#   " + why)

def monitor(cmd, reply=True):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.settimeout(10 if reply else 2)
    time.sleep(0.2)
    s.recv(65536)
    s.sendall((cmd + "\n").encode())
    out, end = b"", time.time() + (10 if reply else 2)
    while time.time() < end and not (reply and out.rstrip().endswith(b"(qemu)")):
        try:
            got = s.recv(65536)
        except socket.timeout:
            break
        if not got:
            break
        out += got
    s.close()
    return out.decode("latin-1").replace("\r", "")

def first_screen_line():
    text = open(log, "rb").read().decode("latin-1")
    m = re.search(r"^(screen: [^\r\n]*)", text, re.M)
    return m.group(1) if m else None

try:
    for _ in range(180):
        if os.path.exists(log) and b"Hospes 0" in open(log, "rb").read():
            break
        time.sleep(0.5)
    else:
        finish(False, "%s screen: banner reached" % fw, "no banner on serial")
        sys.exit(0)
    time.sleep(1)
    expect = first_screen_line()
    if fw == "bios":
        out = monitor("xp /80hx 0xb8000")
        words = [int(w, 16) for w in re.findall(r"0x([0-9a-f]{4})\b", out.split(":", 1)[-1])]
        row = "".join(chr(w & 0xff) for w in words[:80]).rstrip()
        finish(expect is not None and row == expect, "bios screen: VGA text row 0 holds '%s'" % expect,
               "found '%s'" % row)
    else:
        ppm = os.path.join(tmp, "shot.ppm")
        monitor("screendump " + ppm)
        data = open(ppm, "rb").read()
        hdr = data.split(b"\n", 3)
        w, h = map(int, hdr[1].split())
        px = hdr[3]
        font_src = open(os.path.join(root, "kernel/console/font8x16.c")).read()
        body = re.sub(r"/\*.*?\*/", "", font_src.split("= {", 1)[1], flags=re.S)
        nums = [int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body)]
        glyphs = [nums[i * 16:(i + 1) * 16] for i in range(95)]
        bad = None
        for cx, ch in enumerate(expect or "?"):
            g = glyphs[ord(ch) - 0x20]
            for y in range(16):
                for x in range(8):
                    off = ((y * w) + cx * 8 + x) * 3
                    lit = px[off:off + 3] != b"\x00\x00\x00"
                    if lit != bool(g[y] & (0x80 >> x)):
                        bad = bad or "cell %d ('%s') pixel %d,%d" % (cx, ch, x, y)
        finish(expect is not None and bad is None,
               "uefi screen: framebuffer row 0 draws '%s' in the built-in font" % expect,
               "mismatch at %s" % bad if bad else "")
finally:
    try:
        monitor("quit", reply=False)  # ends QEMU itself; qemu-run.sh then returns
    except OSError:
        pass
    try:
        qemu.wait(timeout=100)  # at worst qemu-run.sh's own timeout ends it
    except subprocess.TimeoutExpired:
        pass
