#!/bin/bash
# Machine-layer scenarios through the fast multiboot1 path (--direct):
#   selftest=platform with 1 and 4 CPUs on -M pc and 4 CPUs on -M q35:
#     every MADT CPU online, IPI round trips, a timer firing on each CPU,
#     the TSC calibration re-checked against PIT and HPET, exception fixup;
#   selftest=fault: a hypervisor page fault prints registers, CR2 and a
#     symbolized backtrace, then panics with the fail verdict;
#   selftest=poweroff: ACPI S5 ends QEMU (no verdict, well before timeout);
#   selftest=reboot: the reset register resets the machine (QEMU runs with
#     -no-reboot, so a reset ends it too).
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
$RUN --direct --cmdline "selftest=fault" --mem 128 --timeout 20 --log "$log"
rc=$?
check "fault: panic gives the fail verdict" "[ $rc = 1 ]" "$log"
check "fault: names the page fault and CR2" \
	"grep -q 'page fault' '$log' && grep -q 'cr2 ffff87ff00000000' '$log'" "$log"
check "fault: dumps registers" "grep -q 'rip ffff82d0' '$log'" "$log"
check "fault: backtrace names the faulting function" \
	"grep -q 'platform_selftest_fault' '$log'" "$log"

log=$LOGS/poweroff.log
start=$(date +%s)
$RUN --direct --cmdline "selftest=poweroff" --mem 128 --timeout 20 --log "$log"
rc=$?
check "poweroff: QEMU ended by ACPI S5 (no verdict, no timeout)" \
	"[ $rc = 3 ] && grep -q 'entering ACPI S5' '$log' && ! grep -q 'did not work' '$log'" "$log"
check "poweroff: within 10 s" "[ $(($(date +%s) - start)) -lt 10 ]"

log=$LOGS/reboot.log
$RUN --direct --cmdline "selftest=reboot" --mem 128 --timeout 20 --log "$log"
rc=$?
check "reboot: the machine reset (QEMU -no-reboot exits)" \
	"[ $rc = 3 ] && grep -q 'restarting the machine' '$log'" "$log"
