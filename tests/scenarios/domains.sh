#!/bin/bash
# dom0 plus eight domUs built by the hypervisor from "domU" modules: the
# conformance and traps test guests run as domUs (their TAP lines count,
# unprivileged results included), six misbehaving domUs (ud2 and hlt with
# no handler, an iret to a non-canonical RIP, an exception storm, a page
# fault with the stack in a read-only page, an unreadable iret frame) are
# crashed with a message naming domain, vCPU, RIP and cause, and dom0
# (which blocks on its timer meanwhile) still powers off with the pass
# verdict.  Run with -smp 1 and -smp 4; with 4, the domains start on at
# least three different CPUs (each test guest prints CPUID's APIC id).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/domains
mkdir -p "$logdir"
status=0
. tests/run/expect.sh
check() { # description, grep pattern, log
	if grep -qE "$2" "$3"; then echo "ok - $1"; else echo "not ok - $1"; status=1; fi
}
for smp in 1 4; do
	log=$logdir/smp$smp.log
	tests/run/qemu-run.sh --direct --smp "$smp" --mem 192 --timeout 90 \
		--cmdline "console=com1 selftest=guest" --module "$G/tg-idle" \
		--module "$G/tg-hypercalls domU" --module "$G/tg-crash domU" \
		--module "$G/tg-traps domU" --module "$G/tg-crash domU mode=priv" \
		--module "$G/tg-crash domU mode=iret" --module "$G/tg-crash domU mode=storm" \
		--module "$G/tg-crash domU mode=pfstack" --module "$G/tg-crash domU mode=iretread" \
		--log "$log"
	rc=$?
	guest_tap "$log" '[13]' "@V - @W (domU d@D, smp $smp)"
	check "smp$smp: dom0 ends with the pass verdict" "^\(d0\) # verdict: SUCCESS" "$log"
	[ "$rc" = 0 ] || { echo "not ok - smp$smp: qemu-run status $rc"; status=1; }
	check "smp$smp: domU 1 (hypercalls) passes" "^\(d1\) # verdict: SUCCESS" "$log"
	check "smp$smp: domU 3 (traps) passes" "^\(d3\) # verdict: SUCCESS" "$log"
	check "smp$smp: domU 2 crashed, named with vCPU, RIP and cause" \
		"^d2 v0 crashed at RIP 0x[0-9a-f]+: exception 6 with no handler" "$log"
	check "smp$smp: domU 2 never ran past its fault" "^\(d2\) # crash: executing ud2" "$log"
	check "smp$smp: domU 4 crashed: privileged instruction (hlt) with no handler" \
		"^d4 v0 crashed at RIP 0x[0-9a-f]+: exception 13 with no handler" "$log"
	check "smp$smp: domU 5 crashed: iret hypercall to a non-canonical RIP" \
		"^d5 v0 crashed at RIP 0x[0-9a-f]+: iret to a non-canonical address" "$log"
	check "smp$smp: domU 6 crashed: exception storm" \
		"^d6 v0 crashed at RIP 0x[0-9a-f]+: exception 13 storm" "$log"
	check "smp$smp: domU 7 crashed: a #PF bounce frame on a read-only stack" \
		"^d7 v0 crashed at RIP 0x[0-9a-f]+: cannot write a bounce frame on its stack" "$log"
	check "smp$smp: domU 7 took a #PF before (the fast path)" \
		"^\(d7\) ok - crash: a fault on it reaches the #PF handler" "$log"
	check "smp$smp: domU 8 crashed: an iret frame it cannot read" \
		"^d8 v0 crashed at RIP 0x[0-9a-f]+: iret frame unreadable" "$log"
	if grep -q "^(d[245678]) not ok" "$log"; then echo "not ok - smp$smp: a crashed domU ran on"; status=1; fi
	cpus=$(tr -d '\r' <"$log" | sed -n 's/^(d[0-9]*) # running on the CPU with APIC id \([0-9]*\)$/\1/p' |
		sort -u | wc -l)
	if [ "$smp" = 1 ] || [ "$cpus" -ge 3 ]; then
		echo "ok - smp$smp: the domains started on $cpus distinct CPU(s)"
	else
		echo "not ok - smp$smp: the domains started on only $cpus CPU(s)"
		status=1
	fi
done
exit $status
