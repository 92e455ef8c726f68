#!/bin/bash
# Guest-process benchmarks (pvguest/user/bin/bench.c): inside a domU
# kernel booted as dom0, a process measures its syscall round trip (user ->
# hypervisor -> guest kernel -> iret -> user) and a process switch (two
# processes yielding to each other) with rdtsc under -icount, so the
# figures are instructions per operation.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-guestos.log
tests/run/qemu-run.sh --direct --icount --mem 128 --timeout 120 \
	--cmdline "console=com1 selftest=guest" --module "$BUILD/guests/pvguest-domU /bin/bench" \
	--log "$log"
sed -n 's/^(d0) \(bench .*\)$/\1/p' "$log" | tr -d '\r'
