#!/usr/bin/env python3
"""Per-batch timing of a block bench boot, from QEMU's own trace.

    scripts/blk-trace-batches.py TRACE [DEPTH...]

TRACE is the log of a boot of tests/bench/blk.sh's kind run with
`-- -msg timestamp=on -trace events=FILE -D TRACE`, FILE naming at least
dma_blk_io (the AHCI hands a command to the block layer), dma_complete
(the disk's completion) and apic_deliver_irq (interrupts delivered; the
AHCI's MSI is vector 144).  Commands are paired by their dbs pointer.

A batch starts at a command issued while none is in flight and ends when
the last of its commands completes.  Batches of DEPTH commands (default 8
and 32; 20-32 count as 32, for the short last batch of a pass) are split
into halves: the benchmark runs dom0's own passes first, then the front's
same number, so the first half is "own" and the second "front".  Per
side, medians (and p10/p90) of: the issue spread (first to last command
handed to the disk), first issue to first and to last completion, the
gap from a batch's last completion to the next batch's first issue (the
CPU work between batches: for the front its completion, the next build,
the crossings and blkback's decode) and the batch period (gap +
issue-to-last-completion).  Microseconds of host time.
"""
import re
import statistics
import sys


def batches(path):
    out, result, cur, last_done = set(), [], None, None
    pat = re.compile(r"\d+@(\d+\.\d+):(\w+) (.*)")
    for line in open(path, errors="replace"):
        m = pat.match(line)
        if not m or m.group(2) not in ("dma_blk_io", "dma_complete"):
            continue
        t, dbs = float(m.group(1)) * 1e6, re.search(r"dbs=(\S+)", m.group(3)).group(1)
        if m.group(2) == "dma_blk_io":
            if not out:
                gap = t - last_done if last_done is not None else None
                cur = {"iss": [], "cmp": [], "gap": gap}
                result.append(cur)
            out.add(dbs)
            cur["iss"].append(t)
        elif dbs in out:
            out.discard(dbs)
            cur["cmp"].append(t)
            if not out:
                last_done = t
    return [b for b in result if b["cmp"]]


def pct(v, p):
    v = sorted(v)
    return v[int(p * (len(v) - 1))]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    depths = [int(d) for d in sys.argv[2:]] or [8, 32]
    all_b = batches(sys.argv[1])
    figures = [
        ("issue spread", lambda b: b["iss"][-1] - b["iss"][0]),
        ("issue to first completion", lambda b: b["cmp"][0] - b["iss"][0]),
        ("issue to last completion", lambda b: b["cmp"][-1] - b["iss"][0]),
        ("gap before the batch", lambda b: b["gap"]),
        ("batch period", lambda b: None if b["gap"] is None else
         b["gap"] + b["cmp"][-1] - b["iss"][0]),
    ]
    for d in depths:
        lo = 20 if d == 32 else d
        sel = [b for b in all_b if lo <= len(b["iss"]) <= d]
        half = len(sel) // 2
        for side, grp in (("own", sel[:half]), ("front", sel[half:])):
            print("depth %d %s: %d batches" % (d, side, len(grp)))
            for name, f in figures:
                v = [x for x in map(f, grp) if x is not None]
                if v:
                    print("  %-26s median %6.0f  p10 %6.0f  p90 %6.0f us" %
                          (name, statistics.median(v), pct(v, 0.1), pct(v, 0.9)))


main()
