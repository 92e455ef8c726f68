#!/bin/bash
# hx create: dom0's domain builder (pvguest/dom0/build/) from a boot script.
#
# dom0 boots alone with the pvguest-domU image as a boot module (not a
# hypervisor-built "domU" module).  Its rc= script creates two domUs that
# run init (the shell and /etc/rc as processes) and print, lists them,
# refuses a missing image, a non-ELF image and a domain larger than free memory (each leaving free
# memory exactly as it was), destroys both, and then creates and destroys
# a domU twenty times; free memory must end exactly where it started.
# A third domU comes from hx.boot= on dom0's command line.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/hx-create
mkdir -p "$logdir"
status=0

rc_script=$logdir/create-rc
{
	echo "# dom0 boot script of tests/scenarios/hx-create.sh"
	echo "hx create pvguest-domU name=alpha memory=16 args=alpha,one"
	echo "hx create pvguest-domU name=beta memory=12 args=beta,two"
	echo "hx top -n 3 -d 1"
	echo "hx info"
	echo "hx list"
	echo "hx destroy alpha"
	echo "hx destroy beta"
	echo "hx destroy pvguest-domU"
	echo "hx info"
	echo "hx create nosuch"
	echo "hx create create-rc name=junk"
	echo "hx create pvguest-domU name=huge memory=160"
	echo "hx info"
	for i in $(seq 20); do
		echo "hx create pvguest-domU name=loop$i memory=8"
		echo "hx destroy loop$i"
	done
	echo "hx info"
	echo "hx list"
	echo "poweroff"
} >"$rc_script"
log=$logdir/create.log
tests/run/qemu-run.sh --direct --mem 192 --timeout 120 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=create-rc hx.boot=pvguest-domU" --module "$G/pvguest-domU" \
	--module "$rc_script" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - hx create: dom0 powered off (pass verdict)"; else
	echo "not ok - hx create: qemu-run status $rc (log $log)"; status=1; fi
clean=$logdir/create.txt
tr -d '\r' <"$log" >"$clean"
expect() { # description, extended regex for a whole line
	if grep -qxE "$2" "$clean"; then echo "ok - hx create: $1"; else
		echo "not ok - hx create: $1: no line /$2/"; status=1; fi
}
expect "hx.boot= created a domU at boot" '\(d0\) domain 1 \(pvguest-domU\) created: 32 MiB, 1 vCPU\(s\)'
expect "alpha created" '\(d0\) domain 2 \(alpha\) created: 16 MiB, 1 vCPU\(s\)'
expect "beta created" '\(d0\) domain 3 \(beta\) created: 12 MiB, 1 vCPU\(s\)'
expect "alpha starts init with its arguments" '\(d2\) init: 3 argument\(s\), first alpha'
expect "beta starts init with its arguments" '\(d3\) init: 3 argument\(s\), first beta'
expect "alpha's shell runs /etc/rc" '\(d2\) init: /bin/sh exited with status 0'
expect "beta's shell runs /etc/rc" '\(d3\) init: /bin/sh exited with status 0'
expect "hx list shows alpha" '\(d0\) 2 +alpha +[-r][-b]-[-s]-- +1 +16 .*'
expect "hx list shows beta" '\(d0\) 3 +beta +[-r][-b]-[-s]-- +1 +12 .*'
expect "alpha destroyed" '\(d0\) domain 2 destroyed'
expect "beta destroyed" '\(d0\) domain 3 destroyed'
expect "a missing image is refused" '\(d0\) create: no boot module named nosuch'
expect "a non-ELF image is refused" '\(d0\) create junk: .* \(error -[0-9]+\)'
expect "too much memory is refused" '\(d0\) create huge: not enough free memory \(error -[0-9]+\)'
n=$(grep -cE '^\(d0\) domain [0-9]+ \(loop[0-9]+\) created: 8 MiB' "$clean")
if [ "$n" = 20 ]; then echo "ok - hx create: 20 create/destroy rounds"; else
	echo "not ok - hx create: $n of 20 loop domains created"; status=1; fi
mapfile -t free < <(sed -n 's/^(d0) free_pages   : //p' "$clean")
# free[0]: three domUs alive; free[1]: all destroyed; free[2]: after the
# refusals; free[3]: after the 20 rounds.
if [ ${#free[@]} = 4 ] && [ "${free[1]}" -gt "${free[0]}" ] && [ "${free[2]}" = "${free[1]}" ] &&
	[ "${free[3]}" = "${free[1]}" ]; then
	echo "ok - hx create: free memory exactly back after refusals and 20 rounds (${free[1]})"
else
	echo "not ok - hx create: free pages ${free[*]:-none} (last three must be equal)"; status=1
fi
if grep -qE '^\(d0\) [0-9]+ +loop' "$clean" || ! grep -qE '^\(d0\) 0 +dom0 ' "$clean"; then
	echo "not ok - hx create: last hx list is wrong"; status=1
else echo "ok - hx create: no loop domain is left"; fi
exit $status
