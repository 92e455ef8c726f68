#!/bin/bash
# The pvguest kernel and the guide's examples, each booted as dom0 through
# QEMU's direct multiboot loader with selftest=guest (dom0's shutdown
# reason is the verdict: poweroff passes).
#  - pvguest-domU runs the user program /bin/showcase as a process (its
#    command line names the program), whose "ok - newlib ..." lines are
#    computed in the guest (formatted numbers, qsort, libm, malloc, time,
#    a timer sleep, a file); this script also checks the exact text of the
#    lines with known output.
#  - each example of the guide (pvguest/examples/NN-*) must print the
#    lines docs/guest-kernel.md promises, exactly, and power off; the
#    lines are also read from the guide itself, so the two cannot drift.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/pvguest
mkdir -p "$logdir"
status=0

# boot NAME IMAGE ARGS: one QEMU run; sets rc and log.
boot() {
	log=$logdir/$1.log
	EXPECT_LOG=$log
	tests/run/qemu-run.sh --direct --mem 128 --timeout 60 \
		--cmdline "console=com1 selftest=guest" --module "$2 $3" --log "$log"
	rc=$?
}

# Exact guest lines (tests/run/expect.sh) of the boot's log.
. tests/run/expect.sh

boot demo "$BUILD/guests/pvguest-domU" "/bin/showcase hello-arg"
guest_tap "$log" 0 '@V - @W'
expect -d 0 "pvguest: command line reaches the process" "showcase: 2 argument(s), first hello-arg"
expect -d 0 "pvguest: printf output" "stdio: -42 beef  3.14 pv 1234567890123"
expect -d 0 "pvguest: qsort output" "sorted: -50 -3 0 7 7 19 42 88 1000"
expect -d 0 "pvguest: libm output" "math: sqrt(2)=1.414214 e=2.718282 sin(pi/6)=0.500000"
if [ "$rc" = 0 ] && grep -q '^(d0) PASS: 0 failure(s)' "$log"; then
	echo "ok - pvguest showcase: dom0 powered off with the pass verdict"
else
	echo "not ok - pvguest showcase: verdict (qemu-run status $rc, log $log)"
	tail -n 8 "$log" | sed 's/^/#   /'
	status=1
fi

# example NAME ARGS LINE...: boot the stage, expect each line, and poweroff.
example() {
	local name=$1 args=$2
	shift 2
	boot "$name" "$BUILD/guests/example-$name" "$args"
	for line in "$@"; do expect -d 0 "example $name: $line" "$line"; done
	if [ "$rc" = 0 ]; then echo "ok - example $name powered off"; else
		echo "not ok - example $name: qemu-run status $rc (log $log)"
		tail -n 5 "$log" | sed 's/^/#   /'
		status=1
	fi
}

example 01-hello "stage one" \
	'hello from a PV guest: xen-3.0-x86_64, 16384 pages, dom0, command line "stage one"'
example 02-traps "" \
	"traps: trap table installed" \
	"traps: breakpoint (vector 3, error code 0x0), resuming after int3" \
	"traps: invalid opcode (vector 6, error code 0x0), skipping the 2 bytes of ud2" \
	"traps: general protection (vector 13, error code 0x0), skipping the 1 byte of hlt" \
	"traps: page fault (vector 14, error code 0x0), resuming at the recovery point" \
	"traps: the faulting address was 0x40000000" \
	"traps: probe_read returned -1" \
	"traps: 4 exceptions handled, back in example_main"
example 03-events "" \
	"events: IPI bound to port 1" \
	"events: sent 3 times: 3 upcall(s), 3 event(s) handled" \
	"events: sent once more, port masked: 3 upcall(s), 3 event(s) handled" \
	"events: the port is pending" \
	"events: after EVTCHNOP_unmask: 4 upcall(s), 4 event(s) handled"
example 04-timer "" \
	"timer: VIRQ_TIMER bound to port 1" \
	"timer: tick 1 came at or after its deadline" \
	"timer: tick 2 came at or after its deadline" \
	"timer: tick 3 came at or after its deadline" \
	"timer: 3 ticks of 20 ms took at least 60 ms"
example 05-pagetables "" \
	"pagetables: the walk from pt_base for example_main agrees with the p2m list" \
	"pagetables: mapped a new page at 0x40000000 with one mmu_update of 3 PTEs" \
	"pagetables: wrote 0x1234abcd5678ef00 there and read it back at the page's own address" \
	"pagetables: pinned the new L1 table" \
	"pagetables: a writable mapping of the pinned L1 table is refused" \
	"pagetables: a PTE naming a frame that is not ours is refused"
# Every output line docs/guest-kernel.md shows in the section of stage N
# must be in that stage's log, so the guide and this test cannot drift.
for n in 1 2 3 4 5; do
	mapfile -t promised < <(sed -n "/^## Stage $n:/,/^## Stage/p" docs/guest-kernel.md |
		sed -n 's/^    \((d0) .*\)$/\1/p')
	log=$(echo "$logdir"/0$n-*.log)
	missing=0
	for l in "${promised[@]}"; do
		tr -d '\r' <"$log" | grep -qxF "$l" || { echo "# not printed: $l"; missing=1; }
	done
	if [ ${#promised[@]} -ge 1 ] && [ $missing = 0 ]; then
		echo "ok - guide stage $n: the ${#promised[@]} line(s) the guide shows were printed"
	else echo "not ok - guide stage $n: ${#promised[@]} line(s) in the guide, some not printed"
		status=1; fi
done
exit $status
