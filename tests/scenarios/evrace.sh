#!/bin/bash
# EVTCHNOP_send without a lock, on real parallel vCPUs: tg-evrace as dom0
# with 4 vCPUs, three sending while vCPU 0 closes and re-binds the ports
# they send on (tests/guest/evrace/main.c), at -smp 4 and -smp 2.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/evrace
mkdir -p "$logdir"
status=0
. tests/run/expect.sh
for smp in 4 2; do
	log=$logdir/smp$smp.log
	tests/run/qemu-run.sh --direct --smp "$smp" --mem 128 --timeout 120 \
		--cmdline "console=com1 selftest=guest dom0_max_vcpus=4" \
		--module "$BUILD/guests/tg-evrace" --log "$log"
	rc=$?
	guest_tap "$log" 0 "@V - @W (smp $smp)"
	sed -n 's/^(d0) \(# vCPU .*\)$/\1 (smp '"$smp"')/p' "$log"
	if [ "$rc" = 0 ] && grep -q '^(d0) # verdict: SUCCESS' "$log"; then
		echo "ok - evrace smp$smp: dom0 powered off with the pass verdict"
	else
		echo "not ok - evrace smp$smp: verdict (qemu-run status $rc, log $log)"
		tail -n 5 "$log" | sed 's/^/#   /'
		status=1
	fi
done
exit $status
