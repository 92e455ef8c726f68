#!/bin/bash
# Block split-driver throughput.  Two boots:
#  1. Under -icount (1 ns = 1 instruction: stable on a loaded machine):
#     tests/pvguest/blkloop in dom0, a 16 MiB RAM disk read sequentially
#     and in random 4 KiB blocks, directly and through blkfront/blkback in
#     the same domain; the direct path is a plain memcpy, the worst case
#     for the split driver.
#  2. The real path: a domU's blkfront against dom0's blkback on a 16 MiB
#     region of dom0's AHCI disk.  dom0 first times its own reads of the
#     region (pvguest/core/blktime.c: a warm-up pass, then the best of
#     three), then the domU ("domU blk bench") times the same reads
#     through blkfront (pvguest/dom0/blkbench.c).  Five phases, each with
#     its lines: one read at a time (queue depth 1) in order in 256 KiB
#     chunks (seq_read_*) and at random 4 KiB blocks (rand4k_read_*),
#     then several in flight through the vectored call (block_rw_vec):
#     4 chunks per call in order (seq_read_qd4_*, as a readahead) and
#     8 and 32 random reads per call (rand4k_read_qd8_*, _qd32_*: 32 is a
#     one-page blkif ring and an AHCI port's NCQ queue; random figures
#     deeper than 1 are reads per second, _iops; _front_reqs_per_batch:
#     blkback's requests per DMA batch, i.e. how many of the front's
#     reads reached the disk together).  Four boots of it:
#     wall clock (blk_ahci_*), and under -icount with blkback's DMA path
#     and persistent grants (blk_ahci_icount_*), the DMA path without
#     them (blkback=nopersist, blk_ahci_nopersist_icount_*: every page
#     granted, mapped, unmapped and revoked per request) and its
#     grant-copy path (blkback=copy, blk_ahci_copy_icount_*).  Under -icount only the busy figures
#     count: elapsed time minus the machine's idle time, i.e. executed
#     instructions (per MiB read in order, per random 4 KiB read); the
#     wall-clock figures of an -icount boot also hold the time QEMU lets
#     pass while the CPUs wait for the disk, which follows the host.
# Ratios are dom0's (direct) time / the frontend's time, in percent.
# A fifth boot (blk_ahci_smp2_*, wall clock) is Xen's usual layout: two
# CPUs, dom0 pinned to CPU 0 (dom0_vcpus_pin), the domU to CPU 1
# (frontcpus=1, as hx vcpu-pin 1 0 1), so a request crosses CPUs instead
# of switching domains on one.  A sixth (blk_ahci_smp2_poll_*) is the
# same with halt polling (halt_poll=200, kernel/sched/halt_poll.c; off by
# default): its _polls_, _poll_hits_ and _ipis_saved_ lines show the
# wake-ups that found the other CPU spinning.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-blk.log
tests/run/qemu-run.sh --direct --icount --mem 256 --timeout 300 \
	--cmdline "console=com1 selftest=guest dom0_mem=128M" \
	--module "$BUILD/guests/blkloop blkloop" --log "$log"
tr -d '\r' <"$log" | sed -n 's/^(d0) \(bench .*\)$/\1/p'

img=$BUILD/bench-blk-ahci.img
rm -f "$img" && truncate -s 64M "$img"
# Data in the region (sectors 2048..34815), so nothing reads a hole.
head -c 16M /dev/urandom | dd of="$img" bs=1M seek=1 conv=notrunc status=none
# ahci_boot PREFIX BLKBACK_MODE [qemu-run options]: one boot, its lines renamed.
ahci_boot() {
	local prefix=$1 mode=$2 log=$BUILD/bench-$1.log
	shift 2
	tests/run/qemu-run.sh --direct --mem 256 --timeout 300 --disk "$img" "$@" \
		--cmdline "console=com1 selftest=guest dom0_mem=96M${AHCI_HV_OPTS:-}" \
		--module "$BUILD/guests/pvguest-dom0 blktest=sata0@2048+32768 blkbench $mode" \
		--module "$BUILD/guests/pvguest-domU domU blk bench" --log "$log"
	local rc=$?
	tr -d '\r' <"$log" | sed -n "s/^(d0) bench blk_ahci_\(.*\)$/bench ${prefix}_\1/p"
	[ $rc = 0 ] || echo "# $prefix bench: qemu-run status $rc (log $log)" >&2
}
ahci_boot blk_ahci ""
ahci_boot blk_ahci_icount "" --icount | grep busy
ahci_boot blk_ahci_nopersist_icount blkback=nopersist --icount | grep busy
ahci_boot blk_ahci_copy_icount blkback=copy --icount | grep busy
AHCI_HV_OPTS=" dom0_vcpus_pin" ahci_boot blk_ahci_smp2 frontcpus=1 --smp 2 | grep -v busy
AHCI_HV_OPTS=" dom0_vcpus_pin halt_poll=200" ahci_boot blk_ahci_smp2_poll frontcpus=1 --smp 2 |
	grep -v busy
rm -f "$img"
