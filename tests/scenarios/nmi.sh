#!/bin/bash
# NMIs anywhere (kernel/arch/x86_64/nmi.c, entry.S's paranoid path): with
# nmi_test=<hz> the PIT sends an NMI to every CPU at that rate while
# tg-nmi runs every kind of guest entry and exit in a loop (SYSCALL fast
# and full paths, int3, int $0x82, the fast #PF path of a guest-not-present
# page; its registers and results checked each time).  Every NMI checks
# that the GS base led it to its own CPU's percpu (else the verdict is
# fail), and is
# counted by where it landed, including the windows where ring 0 runs
# with the guest's GS: at syscall_entry before its swapgs, and at the
# SYSRETQ/IRETQ after an exit's swapgs.  Under -icount QEMU delivers an
# interrupt at any instruction, so both windows are hit (-smp 1: under
# -icount QEMU 7.2 never ran the halted second CPU again while the first
# ran tg-nmi's loop, not even for the IPI that starts its vCPU work, so
# -smp 2 runs without it); without -icount only between translation
# blocks, which syscall_entry starts.  A second -smp 2 boot runs under
# -icount with the guest on the second CPU: tg-nmi cpu=1 pins itself
# there first (and checks that it ran there), CPU 0 idles, and QEMU's
# round robin runs both (a halted CPU 0 is no obstacle); the second CPU's
# own counts must show NMIs in the guest, at syscall_entry's swapgs and at
# a SYSRETQ/IRETQ after an exit's swapgs, and every NMI its own percpu.
# A third boot injects one external NMI through QEMU's monitor (nmi: the
# local APICs' LINT1, where a PC wires its NMI button): the boot CPU
# takes it, counts it, and the timer interrupt reports it afterwards.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs/nmi
mkdir -p "$LOGS"
. tests/run/expect.sh

ok() { echo "ok - $1"; }
nok() { echo "not ok - $1"; [ -n "${2:-}" ] && tail -n 8 "$2" | sed 's/^/#   /'; }
check() { if eval "$2"; then ok "$1"; else nok "$1" "${3:-}"; fi; }

# The sum of field $2 (1 = total ... 6 = elsewhere with the guest's GS) over
# the CPUs, or over CPU $3 alone.
field() {
	sed -n 's/^.*nmi_test: CPU'"${3:-[0-9]*}"': \([0-9]*\) NMIs: \([0-9]*\) in a guest, \([0-9]*\) in the hypervisor; with the guest.s GS: \([0-9]*\) at syscall_entry, \([0-9]*\) at a SYSRETQ\/IRETQ, \([0-9]*\) elsewhere.*$/\1 \2 \3 \4 \5 \6/p' "$1" |
		awk -v f="$2" '{ s += $f } END { print s + 0 }'
}

run() { # smp hz icount(0/1) [the guest's CPU]
	local name="nmi smp$1" log="$LOGS/nmi-smp$1-$3${4:+-cpu$4}.log" extra=""
	[ "$3" = 1 ] && extra=--icount name="$name icount"
	[ -n "${4:-}" ] && name="$name guest on CPU$4"
	tests/run/qemu-run.sh --direct --smp "$1" --mem 128 --timeout 120 $extra \
		--cmdline "console=com1 selftest=guest nmi_test=$2" \
		--module "$BUILD/guests/tg-nmi${4:+ cpu=$4}" --log "$log"
	local rc=$?
	guest_tap "$log" 0 "@V - @W ($name)"
	check "$name: pass verdict (guest checks and percpu checks)" "[ $rc = 0 ]" "$log"
	check "$name: no NMI found another CPU's percpu" \
		"grep -q 'nmi_test: 0 NMIs found another CPU.s percpu' '$log'" "$log"
	local total=$(field "$log" 1) guest=$(field "$log" 2) hv=$(field "$log" 3)
	local sc=$(field "$log" 4) ret=$(field "$log" 5) win=$(field "$log" 6)
	echo "# $name: $total NMIs: $guest guest, $hv hypervisor, $sc at syscall_entry, $ret at SYSRETQ/IRETQ, $win elsewhere with the guest's GS"
	check "$name: NMIs reached every CPU" "[ \$(grep -c 'nmi_test: CPU[0-9]*: [1-9]' '$log') = $1 ]" "$log"
	check "$name: NMIs landed in the guest and in the hypervisor" "[ $guest -gt 0 ] && [ $hv -gt 0 ]" "$log"
	check "$name: NMIs landed at syscall_entry before its swapgs" "[ $sc -gt 0 ]" "$log"
	if [ "$3" = 1 ]; then
		check "$name: NMIs landed at a SYSRETQ/IRETQ after the exit's swapgs" "[ $ret -gt 0 ]" "$log"
	fi
	[ -n "${4:-}" ] && on_cpu "$name" "$log" "$4"
}

on_cpu() { # name log cpu: that CPU's own counts, where the guest ran
	local guest=$(field "$2" 2 "$3") sc=$(field "$2" 4 "$3") ret=$(field "$2" 5 "$3")
	echo "# $1: CPU$3: $guest in the guest, $sc at syscall_entry, $ret at SYSRETQ/IRETQ"
	check "$1: CPU$3's NMIs landed in the guest" "[ $guest -gt 0 ]" "$2"
	check "$1: CPU$3's NMIs landed at syscall_entry before its swapgs" "[ $sc -gt 0 ]" "$2"
	check "$1: CPU$3's NMIs landed at a SYSRETQ/IRETQ after the exit's swapgs" \
		"[ $ret -gt 0 ]" "$2"
}

# Under -icount the NMIs come at a fixed period in instructions: with a
# loop of fixed length they met the same few points every time (0 hits at
# syscall_entry at 20000 Hz, 7 at 19000, 1 at 21000 once the event send
# got shorter).  tg-nmi now spins a pseudo-random 1-32 steps before each
# entry, which spreads the NMIs over the whole loop whatever the period,
# and the rate is the highest nmi_test= takes, for ~8000 NMIs: 12-15 at
# syscall_entry and 16-22 at a SYSRETQ/IRETQ at 97000 and 100000 Hz.
run 1 100000 1
run 2 20000 0
run 2 100000 1 1

# nmi_after LOG SOCKET TEXT: once TEXT is in LOG, the monitor command nmi.
nmi_after() {
	python3 - "$@" <<'PY'
import socket, sys, time
log, sock, text = sys.argv[1:4]
end = time.time() + 30
while time.time() < end:
    try:
        if text in open(log, errors="replace").read():
            s = socket.socket(socket.AF_UNIX)
            s.connect(sock)
            s.sendall(b"nmi\n")
            time.sleep(0.3)
            s.close()
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

log=$LOGS/nmi-external.log sock=$LOGS/monitor.sock rcs=$LOGS/nmi-rc
printf 'sleep 3\npoweroff\n' >"$rcs"
rm -f "$sock"
tests/run/qemu-run.sh --direct --smp 2 --mem 128 --timeout 40 --cmdline "console=com1 selftest=guest" \
	--module "$BUILD/guests/pvguest-dom0 rc=nmi-rc" --module "$rcs" --log "$log" \
	-- -monitor "unix:$sock,server=on,wait=off" &
qemu=$!
nmi_after "$log" "$sock" "dom0# sleep 3"
sent=$?
wait $qemu
rc=$?
check "external NMI: injected while dom0 sleeps" "[ $sent = 0 ]" "$log"
check "external NMI: dom0 powered off (pass verdict)" "[ $rc = 0 ]" "$log"
check "external NMI: the boot CPU took it (LINT1) and reported it" \
	"grep -q 'CPU0: 1 unexplained NMI(s), ignored' '$log'" "$log"
check "external NMI: no other CPU took it" "! grep -q 'CPU[1-9]: [0-9]* unexplained NMI' '$log'" "$log"
