#!/bin/bash
# Guest-side benchmarks (tests/guest/bench), under -icount shift=0 so the
# figures are emulated instructions per operation.  Boot 1: dom0 alone runs
# the hypercall, memory and event benchmarks.  Boot 2: dom0 ("switch") and
# a domU partner that only yields, for the vCPU switch between domains.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
status=0
run() { # log, qemu-run arguments...
	local log=$1
	shift
	tests/run/qemu-run.sh --direct --icount --mem 128 --timeout 120 \
		--cmdline "console=com1 selftest=guest" --log "$log" "$@" || status=1
	sed -n 's/^(d0) \(bench .*\)$/\1/p' "$log"
	grep -q '^(d0) # verdict: SUCCESS' "$log" || { echo "bench: $log: no SUCCESS" >&2; status=1; }
}
run "$BUILD/bench-guest.log" --module "$BUILD/guests/tg-bench"
run "$BUILD/bench-switch.log" --module "$BUILD/guests/tg-bench switch" \
	--module "$BUILD/guests/tg-bench domU partner"
exit $status
