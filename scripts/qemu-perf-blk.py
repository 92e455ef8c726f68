#!/usr/bin/env python3
"""Where QEMU's host time goes in a block read, dom0's own against blkfront's.

    scripts/qemu-perf-blk.py [counts|profile] [PHASE] [pinned]

Boots tests/bench/blk.sh's page-cache boot (-smp 1: a 64 MiB image with
16 MiB of data at sector 2048, dom0 times its own reads, then the domU
the same reads through blkfront) with "blkmarks" on dom0's command line,
so blkbench prints every phase edge ("blkbench: mark own|front N"), and
stamps each serial line with CLOCK_MONOTONIC as it arrives (the console
is a UNIX socket, qemu-run.sh --serial-socket).  QEMU runs under `perf
record -k CLOCK_MONOTONIC`, so its events fall into the passes of one
phase on each side: PHASE as numbered in pvguest/core/blktime.c (0 in
order, 1 random 4 KiB (default), 3 in order 4 x 256 KiB, 4 and 5 random
8 and 32 in flight), three passes each.  Figures are per read (per MiB
for the in-order phases).  "pinned" boots blk.sh's blk_ahci_smp2 layout
instead: two CPUs, dom0 pinned to CPU 0, the domU to CPU 1.

counts (default): uprobes on QEMU, one event per call, so the figures do
not follow the host's load: full TLB flushes (tlb_flush: a CR3 write),
TLB fills (x86_cpu_tlb_fill) by access (load, store, code fetch) and
MMU index (6 = the page walk's own physical accesses), and TB hash-table
lookups (tb_htable_lookup: a jump-cache miss), each for the hypervisor
(addresses in the upper half) and the guests.  tb_htable_lookup is a
static function of a stripped binary: it is found as the one function
that calls both qht_lookup_custom and get_page_addr_code_hostp.

profile: cpu-clock samples at 9,999 Hz with call chains: host CPU time
per read of QEMU's vCPU thread, its main loop and the rest, and the vCPU
thread's split by leaf function (names from QEMU's exported symbols;
static functions as "fde@ADDR" after the exported symbol before them).
These swing with the host's load (a preempted thread's steal time is
sampled too): compare boots run together, or use counts.

Needs root (uprobes, perf_event) and a built tree (make all).  Writes
its files under build/qemu-perf-blk/.  docs/performance.md, "Session 9:
where QEMU spends a split read", has the figures of session 9.
"""
import bisect
import collections
import os
import re
import shutil
import socket
import subprocess
import sys
import time

BUILD = os.environ.get("BUILD", "build")
OUT = os.path.join(BUILD, "qemu-perf-blk")
QEMU = shutil.which("qemu-system-x86_64") or "qemu-system-x86_64"
GROUP = "hospes_blk"
EDGES = 7  # BLKTIME_EDGES: six phases and the pass's end
PASSES = 3
RANDOM_READS = 500  # blktest.c BENCH_RANDOM
WINDOW_MIB = 16


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def exported():
    out = run(["nm", "-D", "--defined-only", QEMU]).stdout
    syms = sorted((int(a, 16), n) for a, k, n in (l.split()[:3] for l in out.splitlines()
                                                  if len(l.split()) >= 3) if k in "TtWw")
    return [a for a, _ in syms], [n for _, n in syms], {n: a for a, n in syms}


def functions():
    """Start and end of every function, from the binary's unwind tables."""
    out = run(["readelf", "--debug-dump=frames", QEMU]).stdout
    spans = sorted({(int(a, 16), int(b, 16))
                    for a, b in re.findall(r"pc=([0-9a-f]+)\.\.([0-9a-f]+)", out)})
    return [a for a, _ in spans], spans


def find_htable_lookup(by_name, starts, spans):
    """The static tb_htable_lookup: calls qht_lookup_custom and get_page_addr_code_hostp."""
    qht, gpa = by_name.get("qht_lookup_custom"), by_name.get("get_page_addr_code_hostp")
    here = by_name.get("cpu_exec")
    if not (qht and gpa and here):
        return None
    dis = run(["objdump", "-d", "--no-show-raw-insn", "--start-address=%#x" % (here - 0x8000),
               "--stop-address=%#x" % (here + 0x8000), QEMU]).stdout
    calls = collections.defaultdict(set)
    for m in re.finditer(r"^\s*([0-9a-f]+):\s+call\s+([0-9a-f]+)", dis, re.M):
        site, target = int(m.group(1), 16), int(m.group(2), 16)
        i = bisect.bisect_right(starts, site) - 1
        if i >= 0 and site < spans[i][1]:
            calls[spans[i][0]].add(target)
    hits = [f for f, t in calls.items() if qht in t and gpa in t]
    return hits[0] if len(hits) == 1 else None


def probes(mode):
    if mode == "profile":
        return ["-F", "9999", "-g", "-e", "cpu-clock"]
    run(["perf", "probe", "-q", "-d", GROUP + ":*"])
    defs = ["%s:fill=x86_cpu_tlb_fill addr=%%si:u64 acc=%%cx:s32 mmu=%%r8:s32" % GROUP,
            "%s:flush=tlb_flush" % GROUP]
    _, _, by_name = exported()
    starts, spans = functions()
    lookup = find_htable_lookup(by_name, starts, spans)
    if lookup:
        defs.append("%s:lookup=%#x pc=%%si:u64" % (GROUP, lookup))
    else:
        print("qemu-perf-blk: tb_htable_lookup not found in this QEMU: no lookup counts",
              file=sys.stderr)
    for d in defs:
        r = run(["perf", "probe", "-q", "-x", QEMU, "-a", d])
        if r.returncode:
            sys.exit("qemu-perf-blk: perf probe %s: %s" % (d, r.stderr.strip()))
    return ["-e", GROUP + ":*"]


def boot(mode, pinned):
    os.makedirs(OUT, exist_ok=True)
    img, sock = os.path.join(OUT, "disk.img"), os.path.join(OUT, "serial.sock")
    with open(img, "wb") as f:
        f.truncate(64 << 20)
        f.seek(1 << 20)
        f.write(os.urandom(WINDOW_MIB << 20))
    if os.path.exists(sock):
        os.unlink(sock)
    cmd = ["perf", "record", "-q", "-k", "CLOCK_MONOTONIC", "-o", os.path.join(OUT, "perf.data")]
    cmd += probes(mode) + [
        "--", "tests/run/qemu-run.sh", "--direct", "--mem", "256", "--timeout", "300",
        "--serial-socket", sock, "--disk", img, "--smp", "2" if pinned else "1",
        "--cmdline", "console=com1 selftest=guest dom0_mem=96M" + (" dom0_vcpus_pin" if pinned else ""),
        "--module", "%s/guests/pvguest-dom0 blktest=sata0@2048+32768 blkbench blkmarks%s"
        % (BUILD, " frontcpus=1" if pinned else ""),
        "--module", "%s/guests/pvguest-domU domU blk bench" % BUILD]
    qemu = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(os.path.join(OUT, "perf.err"), "w"))
    for _ in range(400):
        if os.path.exists(sock) or qemu.poll() is not None:
            break
        time.sleep(0.05)
    if not os.path.exists(sock):
        qemu.kill()
        sys.exit("qemu-perf-blk: QEMU did not start (%s/perf.err)" % OUT)
    conn = socket.socket(socket.AF_UNIX)
    conn.connect(sock)
    lines = []
    with open(os.path.join(OUT, "serial.log"), "w") as log:
        for raw in conn.makefile("rb"):
            t = time.clock_gettime(time.CLOCK_MONOTONIC)
            text = raw.decode(errors="replace").rstrip("\r\n")
            log.write("%.6f %s\n" % (t, text))
            lines.append((t, text))
    rc = qemu.wait()
    os.unlink(img)
    if mode == "counts":
        run(["perf", "probe", "-q", "-d", GROUP + ":*"])
    if rc:
        sys.exit("qemu-perf-blk: the boot failed (status %d, %s/serial.log)" % (rc, OUT))
    return lines


def windows(lines, phase):
    marks = {}
    for t, text in lines:
        m = re.search(r"blkbench: mark (own|front) (\d+)$", text)
        if m:
            marks[(m.group(1), int(m.group(2)))] = t
    wins = {}
    for side in ("own", "front"):
        keys = [((side, EDGES * p + phase), (side, EDGES * p + phase + 1)) for p in range(PASSES)]
        if not all(a in marks and b in marks for a, b in keys):
            sys.exit("qemu-perf-blk: no phase marks for %s (is blkmarks in the tree?)" % side)
        wins[side] = [(marks[a], marks[b]) for a, b in keys]
    return wins


def side_of(t, wins):
    for side, spans in wins.items():
        if any(a <= t < b for a, b in spans):
            return side
    return None


def counts(wins, units, unit, pinned):
    data = os.path.join(OUT, "perf.data")
    out = run(["perf", "script", "-i", data, "-F", "time,event,trace"]).stdout
    n = {s: collections.Counter() for s in wins}
    kinds = {"0": "load", "1": "store", "2": "fetch"}
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+):\s+%s:(\w+):.*?\)\s*(.*)$" % GROUP, line)
        if not m:
            continue
        side = side_of(float(m.group(1)), wins)
        if not side:
            continue
        args = dict(kv.split("=") for kv in m.group(3).split())
        ev = m.group(2)
        if ev == "fill":
            where = "walk" if args["mmu"] == "6" else ("hv" if int(args["addr"]) >> 63 else "guest")
            n[side]["TLB fills, %s, %s" % (where, kinds.get(args["acc"], args["acc"]))] += 1
            n[side]["TLB fills in all"] += 1
        elif ev == "lookup":
            n[side]["TB lookups, %s" % ("hv" if int(args["pc"]) >> 63 else "guest")] += 1
            n[side]["TB lookups in all"] += 1
        else:
            n[side]["full TLB flushes"] += 1
    print("%-34s %10s %10s" % ("per %s" % unit, "own", "front"))
    for k in sorted(set(n["own"]) | set(n["front"])):
        print("%-34s %10.1f %10.1f" % (k, n["own"][k] / units, n["front"][k] / units))


def profile(wins, units, unit, pinned):
    addrs, names, _ = exported()
    starts, spans = functions()

    def name(ip):
        i = bisect.bisect_right(starts, ip) - 1
        if i >= 0 and ip < spans[i][1]:
            j = bisect.bisect_right(addrs, spans[i][0]) - 1
            if j >= 0 and addrs[j] == spans[i][0]:
                return names[j]
            return "fde@%x(%s)" % (spans[i][0], names[j] if j >= 0 else "?")
        return "%x" % ip

    data = os.path.join(OUT, "perf.data")
    out = run(["perf", "script", "-i", data, "-F", "tid,time,ip,sym,dso"]).stdout
    period = 1e6 / 9999
    threads = {s: collections.Counter() for s in wins}
    leaves = {s: collections.Counter() for s in wins}
    samples, jit, poll = [], collections.Counter(), collections.Counter()
    for block in out.split("\n\n"):
        rows = [r for r in block.strip("\n").split("\n") if r.strip()]
        head = rows[0].split() if rows else []
        if len(head) < 2 or not head[0].isdigit():
            continue
        frames = [re.match(r"\s*([0-9a-f]+) (.*) \((.*)\)$", r) for r in rows[1:]]
        frames = [(int(f.group(1), 16), f.group(2), f.group(3)) for f in frames if f]
        if not frames:
            continue
        tid, t = int(head[0]), float(head[1].rstrip(":"))
        ip, sym, dso = frames[0]
        if dso.endswith("qemu-system-x86_64"):
            leaf = name(ip)
        elif "perf-" in dso or dso == "[unknown]":
            leaf, jit[tid] = "(translated code)", jit[tid] + 1
        else:
            leaf = re.sub(r"\+0x[0-9a-f]+$", "", sym) + " [" + os.path.basename(dso) + "]"
        if any("ppoll" in f[1] for f in frames):
            poll[tid] += 1
        samples.append((tid, t, leaf))
    vcpus = {tid for tid, _ in jit.most_common(2 if pinned else 1)}
    main = poll.most_common(1)[0][0] if poll else None
    for tid, t, leaf in samples:
        side = side_of(t, wins)
        if side:
            thread = "vCPU" if tid in vcpus else "main loop" if tid == main else "other threads"
            threads[side][thread] += 1
            if thread == "vCPU":
                leaves[side][leaf] += 1
    print("host CPU us per %s      own      front" % unit)
    for k in ("vCPU", "main loop", "other threads"):
        print("%-22s %10.1f %10.1f" % (k, threads["own"][k] * period / units,
                                       threads["front"][k] * period / units))
    print("vCPU thread%s by leaf function (top 30 of the front):" % ("s" if pinned else ""))
    for k, v in leaves["front"].most_common(30):
        print("%8.2f %8.2f  %s" % (leaves["own"][k] * period / units, v * period / units, k))


def main():
    args = sys.argv[1:]
    pinned = "pinned" in args
    args = [a for a in args if a != "pinned"]
    mode = args.pop(0) if args and args[0] in ("counts", "profile") else "counts"
    phase = int(args[0]) if args else 1
    if phase not in (0, 1, 3, 4, 5):
        sys.exit("qemu-perf-blk: PHASE is 0, 1, 3, 4 or 5")
    random = phase in (1, 4, 5)
    units = PASSES * (RANDOM_READS if random else WINDOW_MIB)
    unit = "read" if random else "MiB"
    wins = windows(boot(mode, pinned), phase)
    (counts if mode == "counts" else profile)(wins, units, unit, pinned)


if __name__ == "__main__":
    main()
