#!/bin/bash
# hx trace on the real hypervisor, from one dom0 boot script.
#
# dom0 boots with the pvguest-domU image as a boot module.  Its rc= script
# creates "boot" (the domU's shell on /etc/rc) and traces it at once (its
# hypercalls, page faults the shadow engine fixes), creates "tick" (/bin/ticker: a line and a sleep, forever) and,
# once it runs, traces its system calls (syscall from user mode, the
# console write, iret) and its events and vCPU switches; then every
# domain's events; then refusals.  tick is destroyed while nothing traces
# it, and a domain that shuts down ends its trace.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/trace
mkdir -p "$logdir"
status=0

rc_script=$logdir/trace-rc
cat >"$rc_script" <<'SCRIPT'
# dom0 boot script of tests/scenarios/trace.sh
hx create pvguest-domU name=boot memory=16
hx trace boot -n 30
hx create pvguest-domU name=tick memory=16 args=/bin/ticker,0,50
sleep 1
hx trace tick -n 40
hx trace --events tick -n 10
hx trace --events -n 10
hx trace
hx trace tick -n 0
hx trace nosuch
hx trace --events boot
hx destroy tick
hx destroy boot
hx info
poweroff
SCRIPT
log=$logdir/trace.log
tests/run/qemu-run.sh --direct --mem 160 --timeout 90 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=trace-rc" --module "$G/pvguest-domU" \
	--module "$rc_script" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - trace: dom0 powered off (pass verdict)"; else
	echo "not ok - trace: qemu-run status $rc (log $log)"; status=1; fi
clean=$logdir/trace.txt
tr -d '\r' <"$log" >"$clean"

# The output of one command: the lines after "dom0# CMD" up to the next prompt.
section() {
	awk -v cmd="(d0) dom0# $1" '$0 == cmd { on = 1; next } /^\(d0\) dom0# / { on = 0 } on' "$clean"
}
has() { # description, section command, extended regex
	if section "$2" | grep -qE "$3"; then echo "ok - trace: $1"; else
		echo "not ok - trace: $1: no line /$3/ after \"dom0# $2\""; status=1; fi
}
count() { # description, section command, regex, expected count
	local n
	n=$(section "$2" | grep -cE "$3")
	if [ "$n" = "$4" ]; then echo "ok - trace: $1 ($n)"; else
		echo "not ok - trace: $1: $n lines /$3/, want $4"; status=1; fi
}
REC='^\(d0\) +[0-9]+ c[0-9]+ '
count "-n 30 shows exactly 30 records" "hx trace boot -n 30" "$REC" 30
has "records are the traced domain's" "hx trace boot -n 30" "${REC}d1v0 "
count "no other domain's records" "hx trace boot -n 30" "${REC}d[02-9]" 0
has "hypercalls with arguments, result and cost" "hx trace boot -n 30" \
	"${REC}d1v0 [a-z_]+\(.*\) = (-?[0-9]+|0x[0-9a-f]+)  \[[0-9]+ cycles\]$"
has "hidden page faults, fixed by the shadow engine" "hx trace boot -n 30" \
	"${REC}d1v0 trap #PF at 0x[0-9a-f]+ ec 0x[0-9a-f]+ rip 0x[0-9a-f]+ -> fixed by the hypervisor$"
has "summary line" "hx trace boot -n 30" '^\(d0\) \[hx trace: 30 record\(s\), [0-9]+ lost\]$'
has "a system call from a user process" "hx trace tick -n 40" \
	"${REC}d2v0 syscall from user mode at 0x4[0-9a-f]+ -> guest kernel$"
has "the kernel writes the process's line (its console ring, then a notify)" "hx trace tick -n 40" \
	"${REC}d2v0 event_channel_op\(send, "
has "and returns to user mode by iret" "hx trace tick -n 40" "${REC}d2v0 iret\(\) = 0  \["
has "the sleep blocks the vCPU" "hx trace tick -n 40" "${REC}d2v0 sched_op\(block, 0\) = 0  \["
has "the sleep sets a timer" "hx trace tick -n 40" "${REC}d2v0 set_timer_op\(0x[0-9a-f]+\) = 0"
has "tick's event (its timer)" "hx trace --events tick -n 10" "${REC}d2v0 event port [0-9]+ raised"
has "tick switched in" "hx trace --events tick -n 10" "${REC}switch (d0v0|idle) -> d2v0$"
count "--events shows no hypercalls" "hx trace --events tick -n 10" "${REC}d[0-9]v[0-9] [a-z_]+\(" 0
has "--events of every domain" "hx trace --events -n 10" '^\(d0\) \[hx trace: events and vCPU switches of 3 domain\(s\); Ctrl-\] stops\]$'
has "dom0's own events too" "hx trace --events -n 10" "${REC}(switch .*d0v0|d0v0 event)"
has "no target refused" "hx trace" '^\(d0\) trace: give a domain id or name \(or --events for every domain\)$'
has "-n 0 refused" "hx trace tick -n 0" '^\(d0\) trace: -n needs a number from 1 to 1000000$'
has "unknown domain" "hx trace nosuch" '^\(d0\) trace: no domain is named nosuch$'
has "a shut-down domain ends the trace" "hx trace --events boot" \
	'^\(d0\) \[hx trace: 0 record\(s\), 0 lost; the domain has shut down\]$'
has "tick destroyed after its trace" "hx destroy tick" '^\(d0\) domain 2 destroyed$'
if grep -q "BUG\|panic\|PANIC" "$clean"; then echo "not ok - trace: the hypervisor complained"; status=1; fi
exit $status
