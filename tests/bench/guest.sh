#!/bin/bash
# Guest-side benchmarks (tests/guest/bench): dom0 measures hypercall and
# bounce costs with rdtsc under -icount, so they are instructions per op.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-guest.log
tests/run/qemu-run.sh --direct --icount --mem 128 --timeout 120 \
	--cmdline "console=com1 selftest=guest" --module "$BUILD/guests/tg-bench" --log "$log"
sed -n 's/^(d0) \(bench .*\)$/\1/p' "$log"
