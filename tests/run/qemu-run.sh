#!/bin/bash
# Boot Hospes in QEMU, once.  Used by every QEMU test, `make run` and
# `make bench`.
#
#   qemu-run.sh [--firmware bios|uefi] [--machine pc|q35] [--smp N] [--mem MiB]
#               [--timeout S] [--log FILE] [--iso FILE | --direct]
#               [--cmdline "hypervisor options"] [--module "file args"]...
#               [--icount] [--interactive] [--disk FILE] [--nic]
#               [--disk-throttle "iops=N,bps=M,iops-size=S"]
#               [--disk-latency NS [--disk-latency-size BYTES]] [-- extra qemu args]
#
# --disk FILE attaches FILE (raw) as a SATA disk on an AHCI controller: an
# added ahci device on -M pc, the ICH9's built-in one on -M q35.  --nic
# adds Intel's NIC of the machine (e1000 82540EM on pc, e1000e 82574L on
# q35) on QEMU user networking (gateway 10.0.2.2); without --nic the
# machine has no NIC at all.
#
# --disk-throttle "iops=N,bps=M,iops-size=S" (with a disk; any of the
# keys) caps the disk with QEMU's block throttling: N operations and M
# bytes per second, reads and writes together; a request counts as one
# operation, or as size/S if it is larger than S bytes (the -drive
# options throttling.iops-total, throttling.bps-total and
# throttling.iops-size).  Each limit is a leaky bucket: a request waits
# only once its bucket holds more than a tenth of a second's worth
# (QEMU's burst when none is given; a smaller one is refused), so the
# first 100 ms' worth after an idle spell runs at the host's speed.  It
# limits the rate and adds no latency to a lone request.
#
# --disk-latency NS (instead of --disk FILE) attaches a disk whose every
# request completes NS nanoseconds (0..1000000000) after it is issued,
# whatever its size and however many are in flight: QEMU's null-co block
# driver with latency-ns, on the same AHCI controller as --disk.  It holds
# no data: every read returns zeroes (read-zeroes=on, so QEMU still fills
# the buffer and a read costs a copy's worth of host time) and writes are
# dropped.  QEMU 7.2 has no driver or filter that delays requests while
# keeping data (blkdebug injects errors, throttle limits a rate, quorum and
# blkverify compare copies), so this is a disk for timing, not for data.
# --disk-latency-size BYTES (a multiple of 512; 64 MiB if not given) is its
# size.  --disk-throttle applies to it as to a file.
# The latency runs on QEMU's main-loop clock, which wakes for block timers
# in whole milliseconds (their timeout is rounded up to 1 ms): a lone
# request completes at the next whole millisecond after NS, or earlier
# only if a guest timer wakes QEMU first (100 us reads take ~1.08 ms, or
# ~0.26 ms with dom0's 200 us wait bound; 1 ms ~1.08 ms; 1.5 ms ~2.1 ms).
# Use whole milliseconds (docs/performance.md, "the latency disk's clock").
#
# --direct boots build/hospes.bin through QEMU's own multiboot1 loader
# (-kernel/-initrd): much faster than firmware + GRUB, for tests that do not
# test the boot path itself.
#
# --serial-socket PATH puts COM1 on a UNIX socket that QEMU listens on and
# waits for (tests/run/console-drive.py types at the guest through it); the
# output still goes to the --log file too.
#
# Exit status: 0 the hypervisor reported pass through isa-debug-exit (0x10),
# 1 it reported failure (any other value), 2 timeout, 3 QEMU failed to start
# or exited without a verdict.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$here/build}

firmware=bios machine=pc smp=1 mem=256 timeout=60 log="" iso="$BUILD/hospes.iso"
direct=0 icount=0 interactive=0 serial_socket="" cmdline="" modules=() extra=() disk="" nic=0
throttle="" latency="" latency_size=""
while [ $# -gt 0 ]; do
	case "$1" in
	--firmware) firmware=$2; shift 2 ;;
	--machine) machine=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--iso) iso=$2; shift 2 ;;
	--direct) direct=1; shift ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--module) modules+=("$2"); shift 2 ;;
	--icount) icount=1; shift ;;
	--interactive) interactive=1; shift ;;
	--serial-socket) serial_socket=$2; shift 2 ;;
	--disk) disk=$2; shift 2 ;;
	--disk-throttle) throttle=$2; shift 2 ;;
	--disk-latency) latency=$2; shift 2 ;;
	--disk-latency-size) latency_size=$2; shift 2 ;;
	--nic) nic=1; shift ;;
	--) shift; extra=("$@"); break ;;
	*) echo "qemu-run: unknown option $1" >&2; exit 3 ;;
	esac
done

args=(-M "$machine" -cpu max -smp "$smp" -m "$mem" -no-reboot
      -device isa-debug-exit,iobase=0xf4,iosize=0x04)
[ $icount = 1 ] && args+=(-icount shift=0,align=off)

if [ "$firmware" = uefi ]; then
	vars=$(mktemp /tmp/hospes-ovmf-vars.XXXXXX)
	trap 'rm -f "$vars"' EXIT
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
	args+=(-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
	       -drive if=pflash,format=raw,unit=1,file="$vars")
fi

# "iops=N,bps=M,iops-size=S" -> ",throttling.iops-total=N,...": QEMU's names.
drive_throttle=""
if [ -n "$throttle" ]; then
	IFS=, read -ra limits <<<"$throttle"
	for kv in "${limits[@]}"; do
		case "$kv" in
		iops=* | bps=*) opt=throttling.${kv%%=*}-total ;;
		iops-size=*) opt=throttling.iops-size ;;
		*) opt="" ;;
		esac
		if [ -z "$opt" ] || ! [[ "${kv#*=}" =~ ^[1-9][0-9]*$ ]]; then
			echo "qemu-run: --disk-throttle: bad limit '$kv'" >&2
			exit 3
		fi
		drive_throttle+=",$opt=${kv#*=}"
	done
	[ -z "$disk$latency" ] && { echo "qemu-run: --disk-throttle needs a disk" >&2; exit 3; }
fi

# --disk-latency: a null-co drive (no data, zeroes read) in place of a file.
drive=""
[ -n "$disk" ] && drive="format=raw,file=$disk"
if [ -n "$latency$latency_size" ]; then
	bad=""
	if ! [[ "$latency" =~ ^(0|[1-9][0-9]{0,9})$ ]] || [ "$latency" -gt 1000000000 ]; then
		bad="--disk-latency: bad latency '$latency' (0..1000000000 ns)"
	elif ! [[ "${latency_size:=67108864}" =~ ^[1-9][0-9]{0,14}$ ]] ||
		[ $((latency_size % 512)) != 0 ]; then
		bad="--disk-latency-size: bad size '$latency_size' (bytes, a multiple of 512)"
	elif [ -n "$disk" ]; then
		bad="--disk-latency: a disk of its own, not with --disk"
	fi
	[ -n "$bad" ] && { echo "qemu-run: $bad" >&2; exit 3; }
	drive="driver=null-co,size=$latency_size,latency-ns=$latency,read-zeroes=on"
fi

if [ -n "$drive" ]; then
	args+=(-drive "if=none,id=disk0,$drive$drive_throttle")
	if [ "$machine" = q35 ]; then
		args+=(-device ide-hd,drive=disk0,bus=ide.0)
	else
		args+=(-device ahci,id=ahci0 -device ide-hd,drive=disk0,bus=ahci0.0)
	fi
fi
if [ $nic = 1 ]; then
	model=e1000
	[ "$machine" = q35 ] && model=e1000e
	args+=(-netdev user,id=net0 -device "$model,netdev=net0")
else
	args+=(-nic none)
fi

if [ $direct = 1 ]; then
	args+=(-kernel "$BUILD/hospes.bin")
	[ -n "$cmdline" ] && args+=(-append "$cmdline")
	if [ ${#modules[@]} -gt 0 ]; then
		# QEMU separates -initrd modules with commas.
		initrd=$(IFS=,; echo "${modules[*]}")
		args+=(-initrd "$initrd")
	fi
else
	args+=(-cdrom "$iso")
fi

if [ $interactive = 1 ]; then
	exec qemu-system-x86_64 "${args[@]}" -serial mon:stdio -display none "${extra[@]}"
fi

[ -z "$log" ] && log=$(mktemp /tmp/hospes-serial.XXXXXX)
serial=(-serial "file:$log")
[ -n "$serial_socket" ] && serial=(-chardev
	"socket,id=com1,path=$serial_socket,server=on,wait=on,logfile=$log" -serial chardev:com1)
timeout --foreground -k 5 "$timeout" qemu-system-x86_64 "${args[@]}" \
	-display none "${serial[@]}" -monitor none "${extra[@]}" </dev/null
rc=$?
case $rc in
	33) exit 0 ;;            # 0x10 written to port 0xf4
	124|137) echo "qemu-run: timeout after ${timeout}s (log: $log)" >&2; exit 2 ;;
	0) exit 3 ;;             # QEMU exited on its own (shutdown, no verdict)
	*) [ $rc -ge 35 ] && [ $((rc % 2)) = 1 ] && exit 1; exit 3 ;;
esac
