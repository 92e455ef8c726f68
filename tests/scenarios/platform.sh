#!/bin/bash
# Machine-layer scenarios through the fast multiboot1 path (--direct):
#   selftest=platform with 1 and 4 CPUs on -M pc and 4 CPUs on -M q35:
#     every MADT CPU online, IPI round trips, a timer firing on each CPU,
#     the TSC calibration re-checked against PIT and HPET, exception fixup;
#   selftest=fault: a hypervisor page fault prints registers, CR2 and a
#     symbolized backtrace, stops the other CPUs by NMI, then panics with
#     the fail verdict;
#   selftest=poweroff: ACPI S5 ends QEMU on pc and q35 (no verdict, no timeout);
#   selftest=reboot: the ACPI reset register (q35) or the keyboard
#     controller (pc, whose FADT has none) resets the machine (QEMU runs
#     with -no-reboot, so a reset ends it); with noreboot it stays halted.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUN=tests/run/qemu-run.sh
LOGS=$BUILD/test-logs/platform
mkdir -p "$LOGS"

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; [ -n "${2:-}" ] && tail -n 8 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

platform() {  # machine smp
	local name="platform-$1-smp$2" log="$LOGS/platform-$1-smp$2.log"
	$RUN --direct --machine "$1" --smp "$2" --mem 128 --timeout 30 \
		--cmdline "selftest=platform" --log "$log"
	local rc=$?
	check "$name: selftest verdict pass" "[ $rc = 0 ]" "$log"
	check "$name: $2 CPUs online" "grep -q 'Hospes [0-9.]*: $2 CPUs\{0,1\} online' '$log'" "$log"
	check "$name: no check failed" "! grep -q 'FAILED' '$log'" "$log"
	local n=$(grep -c 'timer fired on time on its CPU: ok' "$log")
	check "$name: a timer fired on each of $2 CPUs" "[ '$n' = $2 ]" "$log"
	n=$(grep -c 'IPI answered: ok' "$log")
	check "$name: IPI answered by $(($2 - 1)) other CPUs" "[ '$n' = $(($2 - 1)) ]" "$log"
}

platform pc 1
platform pc 4
platform q35 4

log=$LOGS/fault.log
$RUN --direct --smp 4 --cmdline "selftest=fault" --mem 128 --timeout 20 --log "$log"
rc=$?
check "fault: panic gives the fail verdict" "[ $rc = 1 ]" "$log"
check "fault: names the page fault and CR2" \
	"grep -q 'page fault' '$log' && grep -q 'cr2 ffff87ff00000000' '$log'" "$log"
check "fault: dumps registers" "grep -q 'rip ffff82d0' '$log'" "$log"
check "fault: backtrace names the faulting function" \
	"grep -q 'platform_selftest_fault' '$log'" "$log"
check "fault: the 3 other CPUs stopped by NMI" \
	"grep -q '3 other CPUs stopped, 0 did not answer' '$log'" "$log"

for m in pc q35; do
	log=$LOGS/poweroff-$m.log
	start=$(date +%s)
	$RUN --direct --machine $m --cmdline "selftest=poweroff" --mem 128 --timeout 20 --log "$log"
	rc=$?
	check "poweroff $m: QEMU ended by ACPI S5 (no verdict, no timeout)" \
		"[ $rc = 3 ] && grep -q 'entering ACPI S5' '$log' && ! grep -q 'did not work' '$log'" "$log"
	check "poweroff $m: within 10 s" "[ $(($(date +%s) - start)) -lt 10 ]"
done

# -M pc's FADT has no reset register (the keyboard controller resets it);
# q35's has one, and it must do the job before the fallback is tried.
log=$LOGS/reboot-pc.log
$RUN --direct --machine pc --cmdline "selftest=reboot" --mem 128 --timeout 20 --log "$log"
rc=$?
check "reboot pc: reset by the keyboard controller (QEMU -no-reboot exits)" \
	"[ $rc = 3 ] && grep -q 'through the keyboard controller' '$log'" "$log"
log=$LOGS/reboot-q35.log
$RUN --direct --machine q35 --cmdline "selftest=reboot" --mem 128 --timeout 20 --log "$log"
rc=$?
check "reboot q35: reset by the ACPI reset register alone" \
	"[ $rc = 3 ] && grep -q 'through the ACPI reset register' '$log' && ! grep -q 'keyboard controller' '$log'" "$log"

# noreboot: the machine stays halted (QEMU runs until the timeout).
log=$LOGS/noreboot.log
$RUN --direct --cmdline "selftest=reboot noreboot" --mem 128 --timeout 4 --log "$log"
rc=$?
check "noreboot: halted, not reset" \
	"[ $rc = 2 ] && grep -q 'noreboot given, halting' '$log' && ! grep -q 'through the' '$log'" "$log"
