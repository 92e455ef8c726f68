#!/bin/bash
# The pvguest kernel and the guide's examples, each booted as dom0 through
# QEMU's direct multiboot loader with selftest=guest (dom0's shutdown
# reason is the verdict: poweroff passes).
#  - pvguest-domU runs the user program /bin/showcase as a process (its
#    command line names the program), whose "ok - newlib ..." lines are
#    computed in the guest (formatted numbers, qsort, libm, malloc, time,
#    a timer sleep, a file); this script also checks the exact text of the
#    lines with known output.
#  - example-01-hello must print the line docs/guest-kernel.md promises.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/pvguest
mkdir -p "$logdir"
status=0

# boot NAME IMAGE ARGS: one QEMU run; sets rc and log.
boot() {
	log=$logdir/$1.log
	tests/run/qemu-run.sh --direct --mem 128 --timeout 60 \
		--cmdline "console=com1 selftest=guest" --module "$2 $3" --log "$log"
	rc=$?
}

# expect LOG TEXT NAME: an exact guest line.
expect() {
	if tr -d '\r' <"$1" | grep -qxF "(d0) $2"; then echo "ok - $3"; else
		echo "not ok - $3: no line \"$2\""; status=1; fi
}

boot demo "$BUILD/guests/pvguest-domU" "/bin/showcase hello-arg"
sed -n 's/^(d0) \(\(not \)\{0,1\}ok - .*\)$/\1/p' "$log"
grep -q '^(d0) not ok' "$log" && status=1
expect "$log" "showcase: 2 argument(s), first hello-arg" "pvguest: command line reaches the process"
expect "$log" "stdio: -42 beef  3.14 pv 1234567890123" "pvguest: printf output"
expect "$log" "sorted: -50 -3 0 7 7 19 42 88 1000" "pvguest: qsort output"
expect "$log" "math: sqrt(2)=1.414214 e=2.718282 sin(pi/6)=0.500000" "pvguest: libm output"
if [ "$rc" = 0 ] && grep -q '^(d0) PASS: 0 failure(s)' "$log"; then
	echo "ok - pvguest showcase: dom0 powered off with the pass verdict"
else
	echo "not ok - pvguest showcase: verdict (qemu-run status $rc, log $log)"
	tail -n 8 "$log" | sed 's/^/#   /'
	status=1
fi

boot hello "$BUILD/guests/example-01-hello" "stage one"
expect "$log" 'hello from a PV guest: xen-3.0-x86_64, 16384 pages, dom0, command line "stage one"' \
	"example 01-hello prints its line"
if [ "$rc" = 0 ]; then echo "ok - example 01-hello powered off"; else
	echo "not ok - example 01-hello: qemu-run status $rc (log $log)"
	tail -n 5 "$log" | sed 's/^/#   /'
	status=1
fi
exit $status
