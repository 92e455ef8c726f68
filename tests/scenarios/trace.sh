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
#
# Then a block request crossing domains (docs/teaching/driver-domain.md):
# QEMU has an AHCI disk whose partition 1 holds a pfs with /bin/ticker
# and /etc/motd; "reader" (disk=sata0p1) mounts it as its root
# and runs ticker, which reads /etc/motd every 100 ms.  The traces must
# show the domU's system call, its event_channel_op(send) and block; in
# the events, the domU's kick raised on dom0, the switch to dom0, the
# AHCI interrupt as a PIRQ event in dom0, and the response raised on the
# domU's port from dom0's, in that order; in dom0's own trace the kick's
# callback, the wait for the disk, the PIRQ's callback and the send, and
# no grant unmapped (the domU's page stays mapped: persistent grants).
# Those two traces end with --until on a whole cycle (reader is domain 1:
# from one of its timer events to the next; dom0: up to a send after an
# earlier one), so a slow disk's wait in dom0 cannot fill them first.
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
hx create pvguest-domU name=reader memory=16 disk=sata0p1,r args=/bin/ticker,0,100,0,/etc/motd
hx console reader --until tick,motd
hx trace reader -n 40
hx trace --events -n 80 --until d1v0,VIRQ_TIMER
hx trace 0 -n 150 --until send
hx destroy reader
hx info
poweroff
SCRIPT
. tests/run/reader-disk.sh
img=$logdir/reader.img
reader_disk "$img" "$logdir" || { echo "not ok - trace: mkdisk failed"; exit 1; }
log=$logdir/trace.log
tests/run/qemu-run.sh --direct --mem 160 --timeout 90 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=trace-rc" --module "$G/pvguest-domU" \
	--module "$rc_script" --disk "$img" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - trace: dom0 powered off (pass verdict)"; else
	echo "not ok - trace: qemu-run status $rc (log $log)"; status=1; fi
clean=$logdir/trace.txt
tr -d '\r' <"$log" >"$clean"

# The output of one command: the lines after "dom0# CMD" up to the next prompt.
section() {
	awk -v cmd="(d0) dom0# $1" '$0 == cmd { on = 1; next } /^\(d0\) dom0# / { on = 0 } on' "$clean"
}
. tests/run/expect.sh
EXPECT_PREFIX="trace: "
has() { # description, section command, extended regex (tests/run/expect.sh)
	expect -E -s -f <(section "$2") "$1" "$3"
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

# The block request.  in_order DESC SECTION REGEX...: the section has
# lines matching the regexes in this order (others between them).
in_order() {
	local desc=$1 cmd=$2
	shift 2
	if section "$cmd" | awk 'BEGIN { for (i = 1; i < ARGC; i++) re[i] = ARGV[i]; n = ARGC - 1; ARGC = 1; k = 1 }
		k <= n && $0 ~ re[k] { k++ } END { exit k <= n }' "$@"; then
		echo "ok - trace: $desc"
	else
		echo "not ok - trace: $desc: no lines /$*/ in this order after \"dom0# $cmd\""; status=1
	fi
}
R=$(sed -n 's/^(d0) domain \([0-9]*\) (reader) created: .*/\1/p' "$clean")
R=${R:-none}
W="hx console reader --until tick,motd"
has "reader's root is the pfs on the AHCI disk" "$W" "^\(d0\) init: root file system on xvda, "
has "reader reads /etc/motd" "$W" "^\(d0\) tick [0-9]+, 28 bytes of /etc/motd$"
has "hx console --until returns on reader's first tick" "$W" \
	"^\(d0\) \[domain $R: a line with tick,motd came; console detached\]$"
in_order "the domU's read: a system call, the kick, the wait" "hx trace reader -n 40" \
	"${REC}d${R}v0 syscall from user mode" "${REC}d${R}v0 event_channel_op\(send, 0x[0-9a-f]+\) = 0 " \
	"${REC}d${R}v0 sched_op\(block, 0\) = 0 "
# Kick raised on dom0, switch to dom0, the disk's PIRQ, the response on the
# same pair of ports the other way; a second kick from the domU before the
# response starts over (the console's kicks have no PIRQ and no such pair).
if section "hx trace --events -n 80 --until d1v0,VIRQ_TIMER" | awk -v r="$R" '
	match($0, "d0v0 event port [0-9]+ raised \\(from d" r " port [0-9]+\\)$") {
		split(substr($0, RSTART), w, /[ ()]+/); p = w[4]; q = w[9]; k = 1; next }
	k == 1 && $0 ~ ("switch d" r "v0 -> d0v0$") { k = 2; next }
	k == 2 && $0 ~ "d0v0 event port [0-9]+ raised \\(pirq [0-9]+\\)$" { k = 3; next }
	k == 3 && $0 ~ ("d" r "v0 event port " q " raised \\(from d0 port " p "\\)$") { k = 4; exit }
	END { exit k != 4 }'; then
	echo "ok - trace: a block request crosses domains: kick, switch, disk PIRQ in dom0, response"
else
	echo "not ok - trace: no kick / switch / PIRQ / response sequence after \"dom0# hx trace --events -n 80 --until d1v0,VIRQ_TIMER\""
	status=1
fi
has "dom0's self-trace is printed when it ends" "hx trace 0 -n 150 --until send" \
	"^\(d0\) \[hx trace: domain 0's hypercalls and traps, shown when the trace ends; Ctrl-\] stops\]$"
in_order "blkback takes the kick, waits for the disk, takes the PIRQ, kicks back" "hx trace 0 -n 150 --until send" \
	"${REC}d0v0 iret\(\) = 0 " "${REC}d0v0 sched_op\(block, 0\) = 0 " "${REC}d0v0 iret\(\) = 0 " \
	"${REC}d0v0 event_channel_op\(send, 0x[0-9a-f]+\) = 0 "
# The reader's pages were mapped at their first read and stay mapped
# (feature-persistent): nothing is unmapped while it ticks.
count "no grant unmapped per request (persistent grants)" "hx trace 0 -n 150 --until send" \
	"${REC}d0v0 grant_table_op\(unmap_grant_ref" 0
# --until: each trace ends on a record with its words that follows an
# earlier one (a whole cycle), whatever -n reached before.
ends_on() { # description, section command, extended regex of the last record and of one before
	local recs
	recs=$(section "$2" | grep -E "$REC")
	if [ "$(grep -cE "$3" <<<"$recs")" -ge 2 ] && tail -1 <<<"$recs" | grep -qE "$3"; then
		echo "ok - trace: $1"
	else
		echo "not ok - trace: $1: the last record of \"dom0# $2\" is not /$3/ after another"; status=1
	fi
}
ends_on "--until ends --events on a whole cycle of the reader's timer" \
	"hx trace --events -n 80 --until d1v0,VIRQ_TIMER" "${REC}d1v0 event port [0-9]+ raised \(VIRQ_TIMER\)$"
ends_on "--until ends dom0's self-trace on a send after another" "hx trace 0 -n 150 --until send" \
	"${REC}d0v0 event_channel_op\(send, "
has "reader destroyed, its vbd let go" "hx destroy reader" '^\(d0\) blkback: d[0-9]+ vbd 51712 disconnected \([0-9]+ requests, 0 errors\)$'
if grep -q "BUG\|panic\|PANIC" "$clean"; then echo "not ok - trace: the hypervisor complained"; status=1; fi
exit $status
