#!/bin/bash
# Where the instructions of a block read go, dom0's own against blkfront's.
#
#   scripts/icount-profile-blk.sh [PHASE...]
#
# Boots tests/bench/blk.sh's -icount DMA boot (dom0's own timed reads of
# an AHCI disk window, then a domU's through blkfront) with QEMU single-
# stepping and logging every executed instruction's address, counted by
# scripts/icount-count.c.  A phase ends at every call of dom0's
# hx_idle_ns (blkbench's samples at the edges of each pass), so phase
# 3p+2 is dom0's own random reads of timed pass p (0..2) and 3p+11 the
# domU's (500 reads each).  For each PHASE asked (default 5 and 14, the
# second timed random pass of each side) it prints instructions per read
# by function: hypervisor functions by name, every guest instruction on
# one row (dom0's and the domU's kernels share addresses).  Slow: about
# four minutes of host CPU on an idle machine; run it on a built tree.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$BUILD/icount-profile-blk
mkdir -p "$out"
gcc -O2 -o "$out/count" scripts/icount-count.c || exit 1
cp "$BUILD/hospes.elf" "$out/"
filter=$(nm -S "$out/hospes.elf" | python3 -c '
import sys
skip = {"memset", "now_ns", "time_scale_delta", "tsc_hz_by_pit", "tsc_hz_by_hpet", "tsc_init",
        "apic_timer_init_boot"}
ex = sorted((int(a, 16), int(a, 16) + int(n, 16)) for a, n, _, s in
            (l.split() for l in sys.stdin if len(l.split()) == 4) if s in skip)
r, lo = ["0x0..0x7fffffffffff"], 0xffff800000000000
for a, b in ex:
    if a > lo: r.append("0x%x..0x%x" % (lo, a - 1))
    lo = max(lo, b)
print(",".join(r + ["0x%x..0xffffffffffffffff" % lo]))')
marker=$(nm "$BUILD/guests/pvguest-dom0" | awk '$3 == "hx_idle_ns" { print $1 }')
img=$out/disk.img
rm -f "$img" && truncate -s 64M "$img"
head -c 16M /dev/urandom | dd of="$img" bs=1M seek=1 conv=notrunc status=none
rm -f "$out/fifo" && mkfifo "$out/fifo"
"$out/count" "$marker" <"$out/fifo" >"$out/counts" &
tests/run/qemu-run.sh --direct --icount --mem 256 --timeout 3000 --disk "$img" \
	--cmdline "console=com1 selftest=guest dom0_mem=96M" \
	--module "$BUILD/guests/pvguest-dom0 blktest=sata0@2048+32768 blkbench" \
	--module "$BUILD/guests/pvguest-domU domU blk bench" --log "$out/serial.log" \
	-- -singlestep -d exec,nochain -dfilter "$filter" -D "$out/fifo"
rc=$?
wait
rm -f "$img"
[ $rc = 0 ] || echo "icount-profile-blk: qemu-run status $rc (log $out/serial.log)" >&2
tr -d '\r' <"$out/serial.log" | grep 'busy' >&2
nm "$out/hospes.elf" >"$out/hv.syms"
python3 - "$out" "$@" <<'PY'
import bisect, collections, sys
out, want = sys.argv[1], [int(p) for p in sys.argv[2:]] or [5, 14]
t = sorted((int(a, 16), n) for a, k, n in (l.split() for l in open(out + "/hv.syms")
           if len(l.split()) == 3) if k in "tTwW")
addrs, names, entries = [a for a, _ in t], [n for _, n in t], {a: n for a, n in t}
def name(pc):
    if not pc >> 63:
        return "(guest)"
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else hex(pc)
per = collections.defaultdict(collections.Counter)
calls = collections.defaultdict(collections.Counter)
for line in open(out + "/counts"):
    p, pc, n = line.split()
    p, pc, n = int(p), int(pc, 16), int(n)
    per[p][name(pc)] += n
    if pc in entries:
        calls[p][entries[pc]] += n
print("instructions per phase: " + " ".join("%d:%d" % (p, sum(per[p].values())) for p in sorted(per)))
for p in want:
    total = sum(per[p].values())
    hv = total - per[p]["(guest)"]
    print("phase %d: %.0f instructions per read (500 reads), hypervisor %.0f" % (p, total / 500, hv / 500))
    for f, n in per[p].most_common(60):
        print("  %8.1f  %5.2f calls  %s" % (n / 500, calls[p][f] / 500, f))
PY
