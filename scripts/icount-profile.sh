#!/bin/bash
# Where the instructions of each guest benchmark go, function by function.
#
#   scripts/icount-profile.sh [PHASE...]
#
# Boots tests/guest/bench like tests/bench/guest.sh, but with QEMU single-
# stepping and logging every executed instruction's address (-singlestep
# -d exec,nochain); boot-time loops that would only flood the log (timer
# calibration, memset, the clock) are left out with -dfilter.  The log
# goes through a pipe into scripts/icount-count.c, which splits it into
# phases at every rdtsc of the benchmark guest: the timed loop of the k-th
# benchmark is phase 2k+1.  For each PHASE asked (default: every odd one)
# it prints instructions per operation (2000 rounds; batch and two-loop
# benchmarks count differently, see tests/guest/bench) by function, and
# calls per operation (executions of each function's first instruction).
# Slow: some minutes of host CPU; run it on a built tree (make all).
set -u
cd "$(dirname "$0")/.."
. scripts/icount-filter.sh
BUILD=${BUILD:-build}
out=$BUILD/icount-profile
mkdir -p "$out"
gcc -O2 -o "$out/count" scripts/icount-count.c || exit 1
cp "$BUILD/hospes.elf" "$BUILD/guests/tg-bench" "$out/"
filter=$(icount_filter "$out/hospes.elf" 0x1fffff)
markers=$(objdump -d "$out/tg-bench" | awk '/\trdtsc/ { sub(":", "", $1); print $1 }')
rm -f "$out/fifo" && mkfifo "$out/fifo"
"$out/count" $markers <"$out/fifo" >"$out/counts" &
tests/run/qemu-run.sh --direct --icount --mem 64 --timeout 1800 \
	--cmdline "console=com1 selftest=guest" --module "$out/tg-bench" --log "$out/serial.log" \
	-- -singlestep -d exec,nochain -dfilter "$filter" -D "$out/fifo"
rc=$?
wait
[ $rc = 0 ] || echo "icount-profile: qemu-run status $rc (log $out/serial.log)" >&2
nm "$out/hospes.elf" >"$out/hv.syms"
nm "$out/tg-bench" >"$out/guest.syms"
python3 - "$out" "$@" <<'PY'
import bisect, collections, sys
out, want = sys.argv[1], [int(p) for p in sys.argv[2:]]
def syms(f):
    t = sorted((int(a, 16), n) for a, k, n in (l.split() for l in open(f) if len(l.split()) == 3)
               if k in "tTwW")
    return [a for a, _ in t], [n for _, n in t], {a: n for a, n in t}
hv, gu = syms(out + "/hv.syms"), syms(out + "/guest.syms")
def name(pc):
    addrs, names, _ = hv if pc >> 63 else gu
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else hex(pc)
per = collections.defaultdict(collections.Counter)
calls = collections.defaultdict(collections.Counter)
for line in open(out + "/counts"):
    p, pc, n = line.split()
    p, pc, n = int(p), int(pc, 16), int(n)
    per[p][name(pc)] += n
    entry = (hv if pc >> 63 else gu)[2].get(pc)
    if entry:
        calls[p][entry] += n
for p in want or [p for p in sorted(per) if p % 2]:
    total = sum(per[p].values())
    print("phase %d: %.1f instructions per round (2000 rounds)" % (p, total / 2000))
    for f, n in per[p].most_common(25):
        print("  %8.1f  %5.2f calls  %s" % (n / 2000, calls[p][f] / 2000, f))
PY
