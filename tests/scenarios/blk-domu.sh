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
# On a RAM disk, also at -smp 2 with dom0 and the domU pinned apart, with
# and without halt polling (the counters checked by dom0: "pollcheck");
# then on a region of dom0's AHCI disk, after which
# the host checks the disk image itself (tests/run/blk-image-check.py);
# and again on the AHCI disk with a second domU on another region that
# dom0 destroys in the middle of its I/O ("blkkill", see
# pvguest/dom0/blktest.c): blkback disconnects it by itself, dom0 holds no
# mapping of its grants (the hypervisor's count), it is gone altogether,
# and domain 1 still passes, its data checked on the image by the host.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/blk
mkdir -p "$logdir"
log=$logdir/blk-domu.log
status=0
. tests/run/expect.sh
# boot NAME CMDLINE-ARG DOMUS [QEMU ARGS]: one run with DOMUS "domU blk"
# domains (domain 1's line ends with $D1_OPTS); sets rc and log.
boot() {
	log=$logdir/blk-domu-$1.log
	EXPECT_LOG=$log
	start=$(date +%s)
	local mods=()
	local extra=${D1_OPTS:-}
	for ((i = 0; i < $3; i++)); do
		mods+=(--module "$BUILD/guests/pvguest-domU domU blk$extra")
		extra=
	done
	tests/run/qemu-run.sh --direct --mem 256 --timeout 240 \
		--cmdline "console=com1 selftest=guest dom0_mem=96M${HV_OPTS:-}" \
		--module "$BUILD/guests/pvguest-dom0 $2" "${mods[@]}" --log "$log" "${@:4}"
	rc=$?
}

# report NAME: the run's lines and verdict.
report() {
	guest_tap "$log" '[0-9]' "@V - $1 d@D: @W"
	expect_ok 1 "blk every block reads back with its checksum"
	expect_ok 1 "blk after reconnecting, every block still reads back"
	expect_ok 1 "blk 32 random blocks read in one vectored call match single reads"
	expect_ok 0 "blktest: 32 blocks of the window read in one vectored call match single reads"
	expect_ok 0 "blktest: dom0 finds every block d1 wrote, intact, and nothing else"
	expect_ok 0 "blktest: disk removed, blkback holds nothing"
	if [ "$rc" = 0 ]; then
		echo "ok - blk-domu $1: dom0 powered off with the pass verdict ($(($(date +%s) - start)) s)"
	else
		echo "not ok - blk-domu $1: qemu-run status $rc (log $log)"
		tail -n 8 "$log" | sed 's/^/#   /'
		status=1
	fi
}

# The RAM disk boot also carries qemu-run.sh's --disk-latency disk (the
# bench's latency boots use it; the test does not read it): QEMU must
# accept the drive it composes and dom0 must find a disk of its size on
# the AHCI controller and read its first sector (zeroes: no partition
# table).  Bad values: see the end.
boot ram blktest 1 --disk-latency 1000000 --disk-latency-size 16777216
report ram
expect -d 0 "qemu-run: --disk-latency disk: 16 MiB on AHCI port 0" \
	'ahci port 0: "QEMU HARDDISK", 32768 sectors (16 MiB), NCQ, 32 slots'
expect -d 0 "qemu-run: --disk-latency disk: its first sector read (zeroes)" \
	"disk: sata0 has no partition table: no /disk"

# Xen's usual layout, dom0 and the domU on CPUs of their own, where every
# request and answer wakes the other CPU: with halt polling some wake-ups
# find the CPU spinning and send no IPI; with halt_poll=0 every one is an
# IPI (the default; kernel/sched/halt_poll.c).  The bound is 1 ms
# here: under TCG on a loaded host most round trips take longer than
# 200 us, so a smaller one may spin too rarely to show anything.
HV_OPTS=" dom0_vcpus_pin halt_poll=1000" boot smp2 "blktest frontcpus=1 pollcheck=on" 1 --smp 2
report smp2
expect_ok 0 "blktest: halt polling: idle CPUs spin, and a wake-up of a spinning CPU sends no IPI"
HV_OPTS=" dom0_vcpus_pin halt_poll=0" boot smp2-nopoll "blktest frontcpus=1 pollcheck=off" 1 --smp 2
report smp2-nopoll
expect_ok 0 "blktest: halt_poll=0: no CPU spins, every wake-up of another CPU is an IPI"

# A 32 MiB region of the AHCI disk (sectors 2048..67583 of a 64 MiB image),
# the domU without persistent grants (blkfront.feature_persistent=0 on its
# command line): every page is granted for its request and revoked at
# completion, blkback maps and unmaps it per batch.  dom0 checks the
# frontend wrote no feature-persistent key and blkback kept no mapping;
# that dom0 holds none of d1's grants at the end is checked as always.
img=$logdir/blk-domu.img
rm -f "$img" && truncate -s 64M "$img"
D1_OPTS=" blkfront.feature_persistent=0" boot ahci "blktest=sata0@2048+65536 frontpersist=0" 1 \
	--disk "$img"
report ahci
expect_ok 1 "blk blkfront.feature_persistent=0: every page granted for its request alone"
expect_ok 0 "blktest: frontpersist=0: d1's frontend wrote no feature-persistent key"
expect_ok 0 "blktest: frontpersist=0: blkback mapped d1's pages per batch and kept none"
expect -s -d 1 "blk-domu ahci: d1 reports its persistent grants off" "blk: persistent grants off:"
written=$(tr -d '\r' <"$log" | sed -n 's/^(d1) blk: \([0-9]*\) blocks written.*/\1/p')
tests/run/blk-image-check.py "$img" 2048 65536 "${written:-0}" || status=1

# A second domU on the same disk (sectors 67584..100351) destroyed in the
# middle of its I/O: blkback and the grant tables must let go of it by
# themselves while domain 1 carries on and still passes.
# The disk goes through qemu-run.sh's --disk-throttle (the bench's
# throttled boots use it) with limits far above what the boot reads, so
# QEMU must accept the -drive it composes (bad limits: see the end).
rm -f "$img" && truncate -s 64M "$img"
boot kill "blktest=sata0@2048+65536 blkkill=sata0@67584+32768 frontpersist=1" 2 --disk "$img" \
	--disk-throttle "iops=1000000,bps=10000000000,iops-size=49152"
report kill
for what in "d2 is in the middle of its I/O" "d2 destroyed mid-I/O" \
	"blkback let go of d2 by itself; dom0 holds no mapping of d2's grants" \
	"d2 is gone altogether (nothing holds it)" "d2's vbd removed" \
	"dom0 holds no more mappings of d1's grants than before" \
	"frontpersist=1: d1's frontend wrote feature-persistent 1" \
	"frontpersist=1: blkback kept mappings of d1's pages"; do
	expect_ok 0 "blktest: $what"
done
written=$(tr -d '\r' <"$log" | sed -n 's/^(d1) blk: \([0-9]*\) blocks written.*/\1/p')
tests/run/blk-image-check.py "$img" 2048 65536 "${written:-0}" || status=1
rm -f "$img"
# qemu-run.sh refuses a bad --disk-throttle limit or --disk-latency value
# before QEMU starts.
for bad in "--disk-latency 12k" "--disk-latency 1000000001" \
	"--disk-latency 1000 --disk-latency-size 1000" "--disk-latency-size 4096" \
	"--disk-latency 1000 --disk /dev/null"; do
	# shellcheck disable=SC2086 # the options
	msg=$(tests/run/qemu-run.sh --direct --timeout 5 $bad 2>&1)
	trc=$?
	if [ $trc = 3 ] && [[ "$msg" == "qemu-run: --disk-latency"* ]]; then
		echo "ok - qemu-run: $bad refused before QEMU starts"
	else
		echo "not ok - qemu-run: $bad: status $trc, \"$msg\""
		status=1
	fi
done
for bad in "iops=0" "bogus=1" "iops=12k"; do
	msg=$(tests/run/qemu-run.sh --direct --timeout 5 --disk /dev/null --disk-throttle "$bad" 2>&1)
	trc=$?
	if [ $trc = 3 ] && [ "$msg" = "qemu-run: --disk-throttle: bad limit '$bad'" ]; then
		echo "ok - qemu-run: --disk-throttle \"$bad\" refused before QEMU starts"
	else
		echo "not ok - qemu-run: --disk-throttle \"$bad\": status $trc, \"$msg\""
		status=1
	fi
done
exit $status
