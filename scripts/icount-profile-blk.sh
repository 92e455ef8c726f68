#!/bin/bash
# Where the instructions of a block read go, function by function, on
# both sides of the split driver.
#
#   scripts/icount-profile-blk.sh [PHASE...]
#
# Boots tests/bench/blk.sh's -icount DMA boot (dom0's own reads of a
# 16 MiB window of its AHCI disk, then a domU's through blkfront) with
# QEMU single-stepping and logging every executed instruction's address
# (-singlestep -d exec,nochain), counted by scripts/icount-count.c.  A
# phase ends at every call of dom0's hx_idle_ns (the bench samples idle
# time at each edge of its passes' phases, pvguest/dom0/blkbench.c), so
# with the six phases k of core/blktime.h (0 sequential, 1 random 4 KiB,
# 2 the filling phase, 3 sequential 4 in flight, 4 and 5 random 8 and 32
# in flight):
#   phase 7p+k+1       dom0's own pass p, phase k
#   phase 21+7p+k+1    the domU's pass p, phase k
# (p = 0..2; the default shows pass 1's measured phases: 8, 9, 11-13 and
# 29, 30, 32-34).  Sequential figures are per MiB (16 per pass; the
# filling phase's 32), random ones per read (500).
#
# dom0 and the domU are the same kernel linked at the same address, so
# their functions would share addresses.  The domU is linked again here
# with 512 KiB of padding at the start of its text (a .text.pad object
# first on the line): every domU function then sits above dom0's text,
# and each address names one function of one image.  Rows are prefixed
# hv: (hypervisor), 0: (dom0) and U: (domU).  Slow: several minutes of
# host CPU; run it on a built tree (make all).  (First written with
# every guest address on one row; the relinked domU splits that row.)
set -u
cd "$(dirname "$0")/.."
. scripts/icount-filter.sh
BUILD=${BUILD:-build}
out=$BUILD/icount-profile-blk
pad=0x80000
mkdir -p "$out"
gcc -O2 -o "$out/count" scripts/icount-count.c || exit 1
vars=$(make -s -f - print-vars <<'MK'
include Makefile
print-vars: ; @echo "$(PVG_OBJS) $(PVG_DOMU_OBJS)"; echo "$(PVG_LIBS)"; echo "$(PVG_LDS)"
MK
) || exit 1
objs=$(echo "$vars" | sed -n 1p) libs=$(echo "$vars" | sed -n 2p) lds=$(echo "$vars" | sed -n 3p)
printf '\t.section .text.pad,"ax"\n\t.skip %s, 0xcc\n' $pad >"$out/pad.S"
gcc -c "$out/pad.S" -o "$out/pad.o" || exit 1
# shellcheck disable=SC2086 # word lists
ld -nostdlib -static -no-pie -z max-page-size=0x1000 -z noexecstack -T "$lds" \
	-o "$out/domU" "$out/pad.o" $objs $libs || exit 1
cp "$BUILD/hospes.elf" "$BUILD/guests/pvguest-dom0" "$out/"
filter=$(icount_filter "$out/hospes.elf" 0x7fffffffffff)
marker=$(nm "$out/pvguest-dom0" | awk '$3 == "hx_idle_ns" { print $1 }')
img=$out/disk.img
rm -f "$img" && truncate -s 64M "$img"
head -c 16M /dev/urandom | dd of="$img" bs=1M seek=1 conv=notrunc status=none
rm -f "$out/fifo" && mkfifo "$out/fifo"
"$out/count" "$marker" <"$out/fifo" >"$out/counts" &
tests/run/qemu-run.sh --direct --icount --mem 256 --timeout 3000 --disk "$img" \
	--cmdline "console=com1 selftest=guest dom0_mem=96M" \
	--module "$out/pvguest-dom0 blktest=sata0@2048+32768 blkbench" \
	--module "$out/domU domU blk bench" --log "$out/serial.log" \
	-- -singlestep -d exec,nochain -dfilter "$filter" -D "$out/fifo"
rc=$?
wait
rm -f "$img"
[ $rc = 0 ] || echo "icount-profile-blk: qemu-run status $rc (log $out/serial.log)" >&2
tr -d '\r' <"$out/serial.log" | grep 'busy' >&2
for f in hospes.elf pvguest-dom0 domU; do nm "$out/$f" >"$out/$f.syms"; done
python3 - "$out" $((pad + 0x2000)) "$@" <<'PY'
import bisect, collections, sys
out, domu_lo = sys.argv[1], int(sys.argv[2])
want = [int(p) for p in sys.argv[3:]] or [8, 9, 11, 12, 13, 29, 30, 32, 33, 34]
def syms(f):
    t = sorted((int(a, 16), n) for a, k, n in (l.split() for l in open(out + "/" + f + ".syms")
               if len(l.split()) == 3) if k in "tTwW")
    return [a for a, _ in t], [n for _, n in t], {a: n for a, n in t}
tabs = {"hv": syms("hospes.elf"), "0": syms("pvguest-dom0"), "U": syms("domU")}
def side(pc):  # user programs (none in this boot) would count as "U"
    return "hv" if pc >> 63 else "0" if pc < domu_lo else "U"
def name(pc):
    addrs, names, _ = tabs[side(pc)]
    i = bisect.bisect_right(addrs, pc) - 1
    return side(pc) + ":" + (names[i] if i >= 0 else hex(pc))
per = collections.defaultdict(collections.Counter)
calls = collections.defaultdict(collections.Counter)
for line in open(out + "/counts"):
    p, pc, n = line.split()
    p, pc, n = int(p), int(pc, 16), int(n)
    per[p][name(pc)] += n
    if pc in tabs[side(pc)][2]:
        calls[p][name(pc)] += n
for p in want:
    k = (p - 1) % 7
    ops, unit = (32 if k == 2 else 16, "MiB") if k in (0, 2, 3) else (500, "read")
    by = collections.Counter()
    for f, n in per[p].items():
        by[f.split(":")[0]] += n
    print("phase %d: %.0f instructions per %s (hv %.0f, dom0 %.0f, domU %.0f)" % (
        p, sum(by.values()) / ops, unit, by["hv"] / ops, by["0"] / ops, by["U"] / ops))
    for f, n in per[p].most_common(30):
        print("  %9.1f  %6.2f calls  %s" % (n / ops, calls[p][f] / ops, f))
PY
