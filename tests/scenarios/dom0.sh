#!/bin/bash
# dom0's prompt and toolstack, typed at through the serial console.
#
# dom0 (pvguest-dom0) boots with a domU that the hypervisor builds from a
# "domU" module (pvguest-domU, which runs its shell script and powers
# itself off), and the same image as a plain boot module for hx create.
# tests/run/console-drive.py connects to COM1 and types: line editing
# (backspace, Ctrl-U, Ctrl-C), help, hx info/list/pause/unpause/top/dmesg,
# hx console (its lines, then following until Ctrl-]), hx trace --events
# of every domain (never idle: dom0's own timer events) stopped by Ctrl-], a domU made with
# hx create running an interactive shell, typed at through hx console
# (dom0's console backend carries the keys into its console ring), a
# trace of that idle domU stopped by Ctrl-],
# bad arguments (each must print its message), hx destroy of the domU
# (free memory must grow by at least the domU's 8 MiB), and poweroff, which
# with selftest=guest is the QEMU verdict.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/dom0
mkdir -p "$logdir"
log=$logdir/interactive.log
sock=$(mktemp -u /tmp/hospes-com1.XXXXXX)
status=0

tests/run/qemu-run.sh --direct --mem 160 --timeout 150 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0" --module "$G/pvguest-domU domU" --module "$G/pvguest-domU" \
	--serial-socket "$sock" --log "$log" 2>"$logdir/qemu.stderr" &
qemu=$!
timeout 160 tests/run/console-drive.py "$sock" --step-timeout 40 \
	--transcript "$logdir/interactive.transcript" \
	'expect:dom0# ' \
	'send:hepl\b\blp\r' 'expect:poweroff   shut the machine down' \
	'send:hx info\r' 'expect:free_pages   : ' 'expect:dom0# ' \
	'send:hx list\r' 'expect:Time(s)' 'expect:dom0# ' \
	'send:hx pause 1\r' 'expect:domain 1 paused' \
	'send:hx unpause 1\r' 'expect:domain 1 unpaused' \
	'send:hx destroy 0\r' 'expect:destroy: not domain 0' \
	'send:hx pause nosuch\r' 'expect:pause: no domain is named nosuch' \
	'send:hx pause 1 2\r' 'expect:pause: give one domain id or name' \
	'send:hx top -n 0\r' 'expect:top: -n needs a number' \
	'send:hx frob\r' 'expect:hx: unknown command frob' \
	'send:frob\r' 'expect:frob: unknown command' \
	'send:poweroff\x03' 'expect:^C' \
	'send:junk\x15hx dmesg\r' 'expect:Hospes 0.1: ' 'expect:dom0# ' \
	'send:hx top -n 2 -d 1\r' 'expect:hx top: sample 2' 'expect:dom0# ' \
	'send:hx console 0\r' "expect:console: dom0's console is this one" \
	'send:hx console 1\r' 'expect:init: 2 argument(s), first domU' \
	'expect:following, Ctrl-] returns' 'send:x\x1d' 'expect:dom0# ' \
	'send:hx trace --events\r' 'expect:Ctrl-] stops]' 'expect: raised (VIRQ_TIMER)' 'send:\x1d' \
	'expect:record(s), 0 lost; stopped]' 'expect:dom0# ' \
	'send:hx create pvguest-domU name=shell memory=16 args=/bin/sh\r' 'expect:(shell) created' \
	'send:hx console shell\r' 'expect:following, Ctrl-] returns' \
	'send:echo typed into the domU\r' 'expect:$ echo typed into the domU' \
	'expect:typed into the domU' 'send:\x1d' 'expect:console detached' 'expect:dom0# ' \
	'send:hx trace shell\r' "expect:domain 2's hypercalls and traps; Ctrl-] stops]" 'send:\x1d' \
	'expect:record(s), 0 lost; stopped]' 'expect:dom0# ' \
	'send:hx destroy shell\r' 'expect:destroyed' \
	'send:hx destroy 1\r' 'expect:domain 1 destroyed' \
	'send:hx info\r' 'expect:free_pages   : ' 'expect:dom0# ' \
	'send:hx list\r' 'expect:Time(s)' 'expect:dom0# ' \
	'send:poweroff\r' 'expect:dom0: powering off' || status=1
wait $qemu
rc=$?
if [ $rc = 0 ]; then echo "ok - dom0 powered off from the prompt (pass verdict)"; else
	echo "not ok - dom0 verdict: qemu-run status $rc (log $log)"; status=1; fi

t=$logdir/interactive.transcript
free=($(tr -d '\r' <"$t" | sed -n 's/^(d0) free_pages   : \([0-9]*\)$/\1/p'))
if [ ${#free[@]} = 2 ] && [ $((free[1] - free[0])) -ge 2048 ]; then
	echo "ok - hx destroy gave back the domU's memory (${free[0]} -> ${free[1]} free pages)"
else
	echo "not ok - free pages around hx destroy: ${free[*]:-none}"; status=1
fi
# The second hx list must not show domain 1 any more.
last_list=$(tr -d '\r' <"$t" | awk '/Time\(s\)/ { n++; buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }')
if echo "$last_list" | grep -q '^(d0) 0 '; then
	if echo "$last_list" | grep -q '^(d0) 1 '; then
		echo "not ok - hx list still shows domain 1 after hx destroy"; status=1
	else echo "ok - hx list: domain 1 gone after hx destroy"; fi
else
	echo "not ok - hx list: no dom0 line"; status=1
fi
rm -f "$sock"

# The same commands from a boot script (rc=<module>): each line is echoed
# after the prompt and run; the script ends in poweroff.
rc_script=$logdir/dom0-rc
cat >"$rc_script" <<'SCRIPT'
# dom0 boot script of tests/scenarios/dom0.sh
hx info
hx list
hx pause domU
hx list
hx unpause domU
hx console domU -n
hx destroy domU
hx destroy domU
hx info
hx list
poweroff
SCRIPT
log=$logdir/rc.log
tests/run/qemu-run.sh --direct --mem 160 --timeout 60 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=dom0-rc" --module "$G/pvguest-domU domU" \
	--module "$rc_script" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - rc script: dom0 powered off (pass verdict)"; else
	echo "not ok - rc script: qemu-run status $rc (log $log)"; status=1; fi
# dom0's lines (tests/run/expect.sh).
. tests/run/expect.sh
EXPECT_LOG=$log EXPECT_PREFIX="rc script: "
expect -d 0 "commands are echoed after the prompt" "dom0# hx pause domU"
expect -d 0 "pause by name" "domain 1 paused"
expect -E -d 0 "hx list shows domain 1 paused" '1 +domU +..p... .*'
expect -d 0 "unpause by name" "domain 1 unpaused"
expect -d 0 "hx console shows the domU's lines" "init: 2 argument(s), first domU"
expect -d 0 "destroy by name" "domain 1 destroyed"
expect -d 0 "a second destroy finds no such domain" "destroy: no domain is named domU"
expect -d 0 "poweroff ends the script" "dom0: powering off"
expect -E -d 0 "hx info: the halt-polling counters (off by default: no spin, no IPI saved)" \
	'halt_polling : 0 polls, 0 ended by a wake-up, [0-9]+ wake-up IPIs sent, 0 saved'
expect -d 0 "no disk: dom0 says there is no /disk" "disk: no sata0: no /disk"
expect -d 0 "no disk: no /disk/hx.cfg, and dom0 carries on" "hx: /disk/hx.cfg: no /disk"
exit $status
