#!/bin/bash
# Boot smoke tests: the test ISO (selftest=boot) under SeaBIOS (-M pc) and
# OVMF (-M q35), each with 1 and 4 CPUs, plus the flat image through QEMU's
# multiboot1 loader, plus bad input that must end in a clear message.
#
# For each ISO boot: the verdict is "pass" through isa-debug-exit, the
# banner is on serial, the RAM it reports is within 16 MiB below -m (the
# firmware keeps some), and the CPUs online equal -smp.  The CPU check
# needs SMP bring-up (engineer B); until the image has it (no symbol
# smp_init) it is reported as a TAP SKIP, never as a pass.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
ISO=$BUILD/hospes-test.iso
RUN=tests/run/qemu-run.sh
MEM=128
LOGS=$BUILD/test-logs/boot
mkdir -p "$LOGS"
has_smp=0
nm "$BUILD/hospes.elf" 2>/dev/null | grep -qw smp_init && has_smp=1

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; [ -n "${2:-}" ] && tail -n 5 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

banner_cpus() { sed -n 's/.*Hospes [0-9.]*: \([0-9]*\) CPUs\{0,1\} online.*/\1/p' "$1" | head -n1; }
banner_ram() { sed -n 's/.*Hospes [0-9.]*: .*RAM \([0-9]*\) MiB.*/\1/p' "$1" | head -n1; }

boot_iso() {  # firmware machine smp timeout
	local name="$1-$2-smp$3" log="$LOGS/$1-$2-smp$3.log"
	local start=$(date +%s%N)
	$RUN --firmware "$1" --machine "$2" --smp "$3" --mem $MEM --timeout "$4" \
		--iso "$ISO" --log "$log"
	local rc=$?
	echo "# $name: exit $rc after $((($(date +%s%N) - start) / 1000000)) ms"
	check "$name: selftest verdict pass" "[ $rc = 0 ]" "$log"
	check "$name: banner on serial" "grep -q 'Hospes [0-9.]*: ' '$log'" "$log"
	local ram=$(banner_ram "$log")
	check "$name: RAM ${ram:-?} MiB consistent with -m $MEM" \
		"[ -n '$ram' ] && [ '$ram' -le $MEM ] && [ '$ram' -ge $((MEM - 16)) ]" "$log"
	local cpus=$(banner_cpus "$log")
	if [ $has_smp = 1 ] || [ "$3" = 1 ]; then
		check "$name: ${cpus:-?} CPUs online of $3" "[ '${cpus:-0}' = $3 ]" "$log"
	else
		echo "ok - $name: CPUs online # SKIP no SMP bring-up in this image yet"
	fi
}

[ -f "$ISO" ] || { nok "test ISO $ISO missing (make iso)"; exit 1; }

boot_iso bios pc 1 30
boot_iso bios pc 4 30
boot_iso uefi q35 1 90
boot_iso uefi q35 4 90

# Multiboot1 through QEMU's -kernel: the fast path every other test uses.
log=$LOGS/direct.log
$RUN --direct --cmdline "selftest=boot" --mem $MEM --timeout 20 --log "$log"
rc=$?
check "direct multiboot1: selftest verdict pass" "[ $rc = 0 ]" "$log"
check "direct multiboot1: banner on serial" "grep -q 'Hospes [0-9.]*: ' '$log'" "$log"

# Bad input: an unknown option is named and the boot goes on.
log=$LOGS/unknown-option.log
$RUN --direct --cmdline "selftest=boot frobnicate=1" --mem $MEM --timeout 20 --log "$log"
rc=$?
check "unknown option: boot continues" "[ $rc = 0 ]" "$log"
check "unknown option: warning names it" "grep -q \"unknown option 'frobnicate'\" '$log'" "$log"

# Bad input: too little RAM ends with one line naming the cause.
log=$LOGS/little-ram.log
$RUN --direct --cmdline "selftest=boot" --mem 24 --timeout 20 --log "$log"
rc=$?
check "24 MiB RAM: refused with fail verdict" "[ $rc = 1 ]" "$log"
check "24 MiB RAM: message names the cause" "grep -q 'cannot boot: too little RAM' '$log'" "$log"

# Bad input: no dom0 module is named as the cause, never a silent hang.
log=$LOGS/no-dom0.log
$RUN --direct --cmdline "selftest=guest" --mem $MEM --timeout 20 --log "$log"
rc=$?
check "no dom0 module: refused with fail verdict" "[ $rc = 1 ]" "$log"
check "no dom0 module: message names the cause" "grep -q 'cannot boot: no dom0 module' '$log'" "$log"

# Self-tests on the running machine (kernel/core/selftest.c).
log=$LOGS/selftest-frames.log
$RUN --direct --cmdline "selftest=frames" --mem $MEM --timeout 30 --log "$log"
rc=$?
check "selftest frames: exhaust and refill the frame allocator" "[ $rc = 0 ]" "$log"

log=$LOGS/selftest-panic.log
$RUN --direct --cmdline "selftest=panic" --mem $MEM --timeout 20 --log "$log"
rc=$?
check "selftest panic: fail verdict" "[ $rc = 1 ]" "$log"
check "selftest panic: message printed" "grep -q 'PANIC on CPU 0: selftest panic: deliberate' '$log'" "$log"
check "selftest panic: symbolized backtrace" \
	"grep -q 'selftest_panic_inner+0x' '$log' && grep -q 'start_hospes+0x' '$log'" "$log"

log=$LOGS/selftest-unknown.log
$RUN --direct --cmdline "selftest=nosuchtest" --mem $MEM --timeout 20 --log "$log"
rc=$?
check "selftest unknown name: fail verdict naming it" \
	"[ $rc = 1 ] && grep -q \"unknown test 'nosuchtest'\" '$log'" "$log"
