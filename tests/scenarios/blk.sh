#!/bin/bash
# Block split drivers on the real hypervisor: dom0 runs blkfront and
# blkback together (tests/pvguest/blkloop), serving a 16 MiB RAM disk to
# itself over a grant-mapped ring, grant copies and a loopback event
# channel.  The guest's own "ok - blkloop: ..." lines are the checks (64
# MiB of random writes verified through the frontend and on the disk,
# unaligned buffers, flush, discard, disconnect with every grant back,
# reconnect); dom0 powering off is the verdict.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/blk
mkdir -p "$logdir"
log=$logdir/blkloop.log
start=$(date +%s)
tests/run/qemu-run.sh --direct --mem 256 --timeout 240 \
	--cmdline "console=com1 selftest=guest dom0_mem=128M" \
	--module "$BUILD/guests/blkloop blkloop" --log "$log"
rc=$?
status=0
. tests/run/expect.sh
guest_tap "$log" 0 '@V - @W'
n=$(tr -d '\r' <"$log" | grep -c '^(d0) ok - blkloop')
if [ "$rc" = 0 ] && [ "$n" -ge 15 ] && tr -d '\r' <"$log" | grep -qx '(d0) PASS: 0 failure(s)'; then
	echo "ok - blkloop: dom0 powered off with the pass verdict ($n checks, $(($(date +%s) - start)) s)"
else
	echo "not ok - blkloop: verdict (qemu-run status $rc, $n checks, log $log)"
	tail -n 8 "$log" | sed 's/^/#   /'
	status=1
fi
exit $status
