#!/bin/bash
# Block split-driver throughput (tests/pvguest/blkloop in dom0): reading a
# 16 MiB RAM disk sequentially and in random 4 KiB blocks, directly and
# through blkfront/blkback, in wall-clock time (no -icount: the copies
# dominate).  Ratios are direct time / frontend time, in percent.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-blk.log
tests/run/qemu-run.sh --direct --mem 256 --timeout 240 \
	--cmdline "console=com1 selftest=guest dom0_mem=128M" \
	--module "$BUILD/guests/blkloop blkloop" --log "$log"
tr -d '\r' <"$log" | sed -n 's/^(d0) \(bench .*\)$/\1/p'
