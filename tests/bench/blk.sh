#!/bin/bash
# Block split-driver throughput (tests/pvguest/blkloop in dom0): reading a
# 16 MiB RAM disk sequentially and in random 4 KiB blocks, directly and
# through blkfront/blkback, under -icount (1 ns = 1 instruction: stable
# on a loaded machine).  Ratios are direct time / frontend time, in
# percent; the direct path is a plain memcpy, the worst case for the
# split driver (a real disk's own latency hides most of its overhead).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-blk.log
tests/run/qemu-run.sh --direct --icount --mem 256 --timeout 300 \
	--cmdline "console=com1 selftest=guest dom0_mem=128M" \
	--module "$BUILD/guests/blkloop blkloop" --log "$log"
tr -d '\r' <"$log" | sed -n 's/^(d0) \(bench .*\)$/\1/p'
