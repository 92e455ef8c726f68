#!/bin/bash
# In-guest conformance tests: each test guest (build/guests/tg-*) boots as
# dom0 through QEMU's direct multiboot loader with selftest=guest, prints
# TAP lines through console_io, and shuts down with poweroff (all passed) or
# crash; dom0's shutdown reason is the QEMU verdict.  The guest's own lines
# (prefixed "(d0) " by the hypervisor) are forwarded, so every in-guest
# check counts in `make test`, plus one line for the verdict of each boot.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/guest
mkdir -p "$logdir"
status=0
. tests/run/expect.sh
for img in "$BUILD"/guests/tg-*; do
	name=$(basename "$img")
	case $name in tg-idle | tg-crash | tg-bench | tg-fpu | tg-cpuid | tg-smp | tg-fuzz | tg-nmi | tg-evrace) continue ;; esac # domains.sh, cpu.sh (fpu, cpuid), make bench, fuzz.sh, nmi.sh, evrace.sh
	for smp in 1 4; do
		log=$logdir/$name-smp$smp.log
		tests/run/qemu-run.sh --direct --smp "$smp" --mem 128 --timeout 60 \
			--cmdline "console=com1 selftest=guest" --module "$img" --log "$log"
		rc=$?
		guest_tap "$log" 0 "@V - @W (smp $smp)"
		if [ "$rc" = 0 ] && grep -q '^(d0) # verdict: SUCCESS' "$log"; then
			echo "ok - $name smp$smp: dom0 powered off with the pass verdict"
		else
			echo "not ok - $name smp$smp: verdict (qemu-run status $rc, log $log)"
			tail -n 5 "$log" | sed 's/^/#   /'
			status=1
		fi
	done
done
exit $status
