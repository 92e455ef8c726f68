#!/bin/bash
# blkfront in a domU against blkback in dom0, one QEMU boot (issue 7):
# dom0 (pvguest-dom0, command line "blktest") hosts xenstored and blkback;
# the hypervisor builds domain 1 from a "domU blk" module
# (pvguest/apps/blk).  dom0 gives it a 32 MiB RAM disk as xvda; the domU
# writes 64 MiB at random offsets and sizes in self-checking 4 KiB blocks,
# reads everything back, disconnects, reconnects and reads it again; dom0
# then scans the disk itself (every block zero or intact, the count the
# domU reported), removes the disk and powers off.  Every "ok" line is
# computed inside a domain; this script also requires the key lines.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/blk
mkdir -p "$logdir"
log=$logdir/blk-domu.log
status=0
start=$(date +%s)
tests/run/qemu-run.sh --direct --mem 256 --timeout 240 \
	--cmdline "console=com1 selftest=guest dom0_mem=96M" \
	--module "$BUILD/guests/pvguest-dom0 blktest" \
	--module "$BUILD/guests/pvguest-domU domU blk" --log "$log"
rc=$?
sed -n 's/^(d\([0-9]\)) \(\(not \)\{0,1\}ok\) - \(.*\)$/\2 - d\1: \4/p' "$log" | tr -d '\r'
grep -q '^(d[0-9]) not ok' "$log" && status=1
expect() {
	if tr -d '\r' <"$log" | grep -qxF "(d$1) ok - $2"; then :; else
		echo "not ok - d$1 never printed: ok - $2"; status=1; fi
}
expect 1 "blk every block reads back with its checksum"
expect 1 "blk after reconnecting, every block still reads back"
expect 0 "blktest: dom0 finds every block d1 wrote, intact, and nothing else"
expect 0 "blktest: disk removed, blkback holds nothing"
if [ "$rc" = 0 ]; then
	echo "ok - blk-domu: dom0 powered off with the pass verdict ($(($(date +%s) - start)) s)"
else
	echo "not ok - blk-domu: qemu-run status $rc (log $log)"
	tail -n 8 "$log" | sed 's/^/#   /'
	status=1
fi
exit $status
