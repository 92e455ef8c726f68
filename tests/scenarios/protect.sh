#!/bin/bash
# SMEP and SMAP (kernel/arch/x86_64/cpu_protect.c), through --direct boots:
#   selftest=protect, 2 CPUs: the boot log and every CPU's own CR4 show both
#     bits on (QEMU's -cpu max has both), every STAC/CLAC site (assembled as
#     a NOP) was written in, the user-page checks pass (a load
#     without STAC faults and is counted, the guest-read move works);
#   selftest=smep: a call into a user page panics, naming the jump into
#     guest memory (fail verdict);
#   selftest=smap: a plain read of a user page panics, naming SMAP;
#   tg-entry (every entry and exit path, the iret and bounce fast paths)
#     with both on: pass verdict, no access without STAC logged;
#   smep=0 smap=0: both stay off, every STAC/CLAC site stays a NOP, the
#     same self-test passes, and tg-entry runs to its pass verdict.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
RUN=tests/run/qemu-run.sh
LOGS=$BUILD/test-logs/protect
mkdir -p "$LOGS"

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; [ -n "${2:-}" ] && tail -n 8 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

log=$LOGS/protect.log
$RUN --direct --smp 2 --mem 128 --timeout 40 --cmdline "selftest=protect" --log "$log"
rc=$?
check "protect: selftest verdict pass" "[ $rc = 0 ]" "$log"
check "protect: the boot CPU turns SMEP and SMAP on" "grep -q '^cpu: SMEP on, SMAP on' '$log'" "$log"
check "protect: every STAC/CLAC site written in over its NOP" \
	"grep -Eq '^cpu: SMAP on: ([0-9]+) of \\1 STAC/CLAC sites written in' '$log'" "$log"
check "protect: both on 2 of 2 CPUs at bring-up" \
	"grep -q 'SMEP on 2 of 2 CPUs, SMAP on 2 of 2 CPUs' '$log'" "$log"
n=$(grep -c 'selftest protect: CPU[0-9] CR4 .*SMEP on, SMAP on' "$log")
check "protect: each of the 2 CPUs reads both in its own CR4" "[ '$n' = 2 ]" "$log"
n=$(grep -c 'selftest protect: SMAP: .*: ok' "$log")
check "protect: the 6 SMAP checks on a user page pass" "[ '$n' = 6 ]" "$log"
check "protect: no check failed" "! grep -q 'FAILED' '$log'" "$log"

# must_panic TEST ACT NAMES PANIC_LINE NEVER NEVER_LINE: selftest=TEST must
# end in the fail verdict with PANIC_LINE in the log and never NEVER_LINE.
must_panic() {
	local log=$LOGS/$1.log
	$RUN --direct --smp 2 --mem 128 --timeout 40 --cmdline "selftest=$1" --log "$log"
	local rc=$?
	check "$1: $2 gives the fail verdict" "[ $rc = 1 ]" "$log"
	check "$1: the panic names $3" "grep -q '$4' '$log'" "$log"
	check "$1: $5" "! grep -q '$6' '$log'" "$log"
}
must_panic smep "a call into a user page" "the jump into guest memory" \
	'the hypervisor jumped to guest memory at 0x40000000 (SMEP stopped it)' \
	"the call never returned" 'the call returned'
must_panic smap "a plain read of a user page" "SMAP, the address and the function" \
	'SMAP: the hypervisor read guest memory at 0x40000040 from platform_selftest_smap' \
	"the read never completed" 'the read did not fault'

log=$LOGS/on-guest.log
$RUN --direct --smp 2 --mem 128 --timeout 60 --cmdline "console=com1 selftest=guest" \
	--module "$BUILD/guests/tg-entry" --log "$log"
rc=$?
check "SMEP+SMAP on: tg-entry runs to its pass verdict" \
	"[ $rc = 0 ] && grep -q '^(d0) # verdict: SUCCESS' '$log' && ! grep -q '^(d0) not ok' '$log'" "$log"
check "SMEP+SMAP on: tg-entry made no guest access without STAC" \
	"grep -q '^cpu: SMEP on, SMAP on' '$log' && ! grep -q 'without STAC' '$log'" "$log"

log=$LOGS/off.log
$RUN --direct --smp 2 --mem 128 --timeout 40 --cmdline "smep=0 smap=0 selftest=protect" \
	--log "$log"
rc=$?
check "smep=0 smap=0: selftest verdict pass" "[ $rc = 0 ]" "$log"
check "smep=0 smap=0: the log says both off by the command line" \
	"grep -q '^cpu: SMEP off (command line), SMAP off (command line)' '$log'" "$log"
check "smep=0 smap=0: every STAC/CLAC site stays a NOP" \
	"grep -Eq '^cpu: SMAP off: the [0-9]+ STAC/CLAC sites stay NOPs' '$log'" "$log"
n=$(grep -c 'selftest protect: CPU[0-9] CR4 .*SMEP off, SMAP off' "$log")
check "smep=0 smap=0: neither bit in the CR4 of the 2 CPUs" "[ '$n' = 2 ]" "$log"
n=$(grep -c 'selftest protect: no SMAP: .*: ok' "$log")
check "smep=0 smap=0: both user-page loads work" "[ '$n' = 2 ]" "$log"

log=$LOGS/off-guest.log
$RUN --direct --smp 2 --mem 128 --timeout 60 --cmdline "console=com1 smep=0 smap=0 selftest=guest" \
	--module "$BUILD/guests/tg-entry" --log "$log"
rc=$?
check "smep=0 smap=0: tg-entry runs to its pass verdict" \
	"[ $rc = 0 ] && grep -q '^(d0) # verdict: SUCCESS' '$log' && ! grep -q '^(d0) not ok' '$log'" "$log"
