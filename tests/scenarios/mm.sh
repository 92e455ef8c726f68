#!/bin/bash
# Memory virtualization on the real (emulated) MMU: selftest=shadow builds a
# small domain, fills its shadows through the fault handler, runs on the
# shadow root and checks every read, the write, the dirty bit and the m2p
# view (kernel/arch/x86_64/mm_selftest.c).  Run once plainly, once with 4
# CPUs (domain-wide flushes then go to every CPU by IPI) and once under
# -icount, where the figures it prints are instruction counts.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUN=tests/run/qemu-run.sh
LOGS=$BUILD/test-logs/mm
mkdir -p "$LOGS"

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; [ -n "${2:-}" ] && tail -n 5 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

for mode in plain smp4 icount; do
	log=$LOGS/selftest-shadow-$mode.log
	extra=()
	[ $mode = icount ] && extra=(--icount)
	[ $mode = smp4 ] && extra=(--smp 4)
	$RUN --direct "${extra[@]}" --cmdline "selftest=shadow" --mem 128 --timeout 60 --log "$log"
	rc=$?
	check "selftest shadow ($mode): verdict pass" "[ $rc = 0 ]" "$log"
	check "selftest shadow ($mode): PASS line" "grep -q 'selftest shadow: PASS' '$log'" "$log"
	grep 'selftest shadow: per operation' "$log" | sed 's/^/# /'
done
