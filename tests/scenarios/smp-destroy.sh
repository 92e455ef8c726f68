#!/bin/bash
# Two CPUs: create a domU after destroying one (the shadow-root reuse bug).
#
# dom0 runs on two CPUs and its rc= script creates, destroys and creates
# domUs several times.  Every destroyed domain's shadow pages go back to
# the allocator and are soon reused; a CPU that still had one of them in
# CR3 (halted idle after running the dead domain's vCPU) or in its TLB
# would fault on its next interrupt (a triple fault: no verdict) or write
# through to whatever the frame became.  Every domU must come up and run
# its shell, and dom0 must power off with the pass verdict.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/smp-destroy
mkdir -p "$logdir"
status=0
rounds=4

rc_script=$logdir/smp-rc
{
	echo "# dom0 boot script of tests/scenarios/smp-destroy.sh"
	for i in $(seq $rounds); do
		echo "hx create pvguest-domU name=a$i memory=16"
		echo "hx destroy a$i"
	done
	echo "hx create pvguest-domU name=last memory=16"
	echo "hx list"
	echo "poweroff"
} >"$rc_script"
log=$logdir/smp-destroy.log
tests/run/qemu-run.sh --direct --smp 2 --mem 192 --timeout 90 \
	--cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=smp-rc" --module "$G/pvguest-domU" \
	--module "$rc_script" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - smp destroy: dom0 powered off on two CPUs (pass verdict)"; else
	echo "not ok - smp destroy: qemu-run status $rc (log $log)"; status=1; fi
clean=$logdir/smp-destroy.txt
tr -d '\r' <"$log" >"$clean"
n=$(grep -cE '^\(d0\) domain [0-9]+ \(a[0-9]+\) created: 16 MiB' "$clean")
if [ "$n" = $rounds ]; then echo "ok - smp destroy: $rounds create/destroy rounds"; else
	echo "not ok - smp destroy: $n of $rounds domains created"; status=1; fi
n=$(grep -cE '^\(d0\) domain [0-9]+ destroyed' "$clean")
if [ "$n" = $rounds ]; then echo "ok - smp destroy: $rounds domains destroyed"; else
	echo "not ok - smp destroy: $n of $rounds domains destroyed"; status=1; fi
if grep -qE '^\(d0\) [0-9]+ +last +' "$clean"; then
	echo "ok - smp destroy: the domain created after the destroys is listed"
else echo "not ok - smp destroy: no domain 'last' in hx list"; status=1; fi
exit $status
