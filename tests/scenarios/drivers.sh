#!/bin/bash
# dom0's real drivers (drivers/hw/) on QEMU's two machines: -M pc (an added
# AHCI controller, e1000 82540EM) and -M q35 (the ICH9's AHCI, e1000e
# 82574L), each booted once with a disk image and user networking.  dom0's
# command line "hwtest=poweroff" runs drivers/hw/hwtest.c at start of day
# and powers off only if every check passed (selftest=guest makes that the
# verdict).  Checked here:
#  - dom0 found the disk (IDENTIFY) and the NIC (MAC, link);
#  - the checksum dom0 computed over sectors 0-7 equals the host's over
#    the image it made (the data really came from the disk);
#  - dom0 wrote 256 sectors and read them back equal, and after QEMU has
#    exited the image holds exactly the pattern dom0 wrote;
#  - an ARP request to the gateway 10.0.2.2 got its reply;
#  - each device's own interrupts arrived (hwtest counts them per device):
#    on pc with "nomsi" the disk and the NIC share line 11, bound once
#    by dom0 and fanned out to both drivers; on q35 both use MSI, whose
#    message the hypervisor programs (PHYSDEVOP_map_pirq, type MSI);
#  - dom0 cannot rewrite an MSI capability: its writes to the message and
#    the enable bit (through ports 0xCF8/0xCFC) are dropped, the disk still
#    interrupts afterwards, and on q35 a writable mapping of ECAM is
#    refused (hwtest's "msi:" lines; the hypervisor logs each drop);
#  - on q35, dom0's stores to its read-only ECAM mapping are emulated by
#    the hypervisor: byte and dword stores to the interrupt line read back
#    through ECAM and the ports, or/and/xor on it combine with what it
#    holds (and set ZF as the CPU would), a 64-bit store writes two
#    dwords, a store to extended space (AER) reads back, and ECAM stores
#    to the MSI capability are dropped (hwtest's "ecam:" lines).
# Until the hypervisor grants dom0 I/O ports (physdev set_iopl) and device
# memory (mmu_update for DOMID_IO), dom0 says so and this suite reports
# nothing but a "# skip" comment naming the missing piece.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/drivers
mkdir -p "$logdir"
img_tool=tests/run/disk-image.py
status=0

check() { # CONDITION-STATUS NAME [DETAIL]
	if [ "$1" = 0 ]; then echo "ok - $2"; else
		echo "not ok - $2${3:+: $3}"
		status=1
	fi
}

has() { tr -d '\r' <"$log" | grep -q "$1"; }

for m in pc q35; do
	img=$logdir/disk-$m.img log=$logdir/$m.log
	nic=e1000 opts=nomsi
	[ $m = q35 ] && nic=e1000e opts=
	python3 $img_tool make "$img" "$m"
	head_fnv=$(python3 $img_tool fnv "$img" 0 8)
	tests/run/qemu-run.sh --direct --machine $m --mem 128 --timeout 90 --disk "$img" --nic \
		--cmdline "console=com1 selftest=guest" \
		--module "$BUILD/guests/pvguest-dom0 hwtest=poweroff $opts" --log "$log"
	rc=$?
	missing=""
	has '^(d0) hw: no I/O-port access' && missing="I/O ports (physdev set_iopl)"
	has '^(d0) hw: cannot map MMIO .*: -1$' && missing="device memory (mmu_update, DOMID_IO)"
	if [ -n "$missing" ]; then
		echo "# skip - drivers: the hypervisor does not give dom0 $missing yet (log $log)"
		break
	fi
	tr -d '\r' <"$log" | sed -n "s/^(d0) hwtest: \(\(not \)\{0,1\}ok - .*\)$/\1 ($m)/p"
	has '^(d0) hwtest: not ok' && status=1
	has '^(d0) ahci port 0: "QEMU HARDDISK", 8192 sectors'
	check $? "$m: dom0 finds the SATA disk on AHCI"
	has "^(d0) $nic: MAC 52:54:00:12:34:56, link up"
	check $? "$m: dom0 finds the $nic NIC, its MAC and link"
	has "^(d0) hwtest: disk sectors 0-7 fnv $head_fnv\$"
	check $? "$m: what dom0 reads from sectors 0-7 is what the host put there"
	want=$(python3 $img_tool pattern 256)
	got=$(python3 $img_tool fnv "$img" 2048 256)
	has "^(d0) hwtest: disk sectors 2048-2303 fnv $want\$" && [ "$got" = "$want" ]
	check $? "$m: the image holds the 256 sectors dom0 wrote" "image $got, expected $want"
	has "^pci: dom0's write to .* (MSI, the hypervisor's) dropped\$"
	check $? "$m: the hypervisor dropped dom0's writes to an MSI capability"
	if [ $m = pc ]; then
		has '^(d0) ahci: interrupt line 11$' && has '^(d0) e1000: interrupt line 11, shared$'
		check $? "pc: the disk and the NIC share line 11, bound once (legacy INTx)"
	else
		has '^(d0) ahci: MSI$' && has '^(d0) e1000e: MSI$'
		check $? "q35: the disk and the NIC interrupt by MSI (the hypervisor's messages)"
		has '^(d0) hwtest: ok - ecam: a store to extended space' &&
			has "^pci: dom0's ECAM write to .* (MSI, the hypervisor's) dropped\$"
		check $? "q35: dom0's ECAM stores emulated (extended space written, MSI bytes dropped)"
	fi
	check $rc "$m: dom0 powered off with every check passed" "qemu-run status $rc, log $log"
	[ $rc = 0 ] || tail -n 8 "$log" | sed 's/^/#   /'
done
exit $status
