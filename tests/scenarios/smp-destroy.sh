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
#
# Flushes only where needed (the dirty mask, kernel/arch/x86_64/tlb.c):
# while the spinning domU holds CPU 1, dom0 builds a second domU pinned
# to CPU 1 that runs /bin/echo; hx info before and after shows that
# neither CPU answered a single flush IPI meanwhile: dom0's flushes (the
# builder's) stay on CPU 0, the domUs' on CPU 1.
#
# Soft affinity: two domUs created with cpus_soft=1 (tickers that sleep
# between lines) are found on CPU 1 although their ids start them on CPU 0.
#
# Hard affinity on the same boot: dom0_vcpus_pin pins dom0's vCPU 0 to
# CPU 0; a spinning domU pinned to CPU 1 (hx create cpus=1) is seen there,
# and only there, by three hx vcpu-list samples a second apart while its
# CPU time grows; re-pinned to CPU 0 (hx vcpu-pin) it is found there; a CPU the
# machine does not have and a vCPU the domain does not have are refused.
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
	echo "hx create pvguest-domU name=nocpu memory=16 cpus=5"
	echo "hx create pvguest-domU name=pin memory=16 cpus=1 args=/bin/spin"
	echo "hx vcpu-list pin"
	for i in 1 2 3; do
		echo "sleep 1"
		echo "hx vcpu-list pin"
	done
	echo "hx info"
	echo "hx create pvguest-domU name=flusher memory=16 cpus=1 args=/bin/echo,flushed"
	echo "hx vcpu-list flusher"
	echo "hx wait flusher"
	echo "hx info"
	echo "hx vcpu-pin pin all 0"
	echo "sleep 1"
	echo "hx vcpu-list pin"
	echo "hx vcpu-pin pin 0 5"
	echo "hx vcpu-pin pin 3 1"
	echo "hx vcpu-list"
	echo "hx destroy pin"
	echo "hx create pvguest-domU name=softa memory=16 cpus_soft=1 args=/bin/ticker,0,50"
	echo "hx create pvguest-domU name=softb memory=16 cpus_soft=1 args=/bin/ticker,0,73"
	for i in 1 2 3; do
		echo "sleep 1"
		echo "hx vcpu-list softa"
		echo "hx vcpu-list softb"
	done
	echo "hx destroy softa"
	echo "hx destroy softb"
	echo "poweroff"
} >"$rc_script"
log=$logdir/smp-destroy.log
tests/run/qemu-run.sh --direct --smp 2 --mem 192 --timeout 90 \
	--cmdline "console=com1 selftest=guest dom0_vcpus_pin" \
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
if [ "$n" = $((rounds + 3)) ]; then echo "ok - smp destroy: $rounds domains (and pin, softa, softb) destroyed"; else
	echo "not ok - smp destroy: $n of $((rounds + 3)) domains destroyed"; status=1; fi
if grep -qE '^\(d0\) [0-9]+ +last +' "$clean"; then
	echo "ok - smp destroy: the domain created after the destroys is listed"
else echo "not ok - smp destroy: no domain 'last' in hx list"; status=1; fi
# hx vcpu-list lines: name id vcpu cpu state time hard-affinity / soft-affinity.
if grep -qE '^\(d0\) dom0 +0 +0 +0 +r +[0-9.]+ 0 / all$' "$clean"; then
	echo "ok - vcpu pin: dom0_vcpus_pin: dom0's vCPU 0 runs on CPU 0, affinity 0"
else echo "not ok - vcpu pin: dom0's vCPU 0 is not listed on CPU 0 with affinity 0"; status=1; fi
# Lines of pin: 1 after create, 2-4 the samples, 5 just after the
# re-pin (a running vCPU moves at its CPU's next pick), 6 a second later.
on1=$(grep -E '^\(d0\) pin +[0-9]+ +0 +' "$clean" | sed -n 2,4p)
n=$(printf '%s\n' "$on1" | grep -cE ' 0 +1 +[rb-] +[0-9.]+ 1 / all$')
times=$(printf '%s\n' "$on1" | awk '{print $7}' | tr '\n' ' ')
if [ "$n" = 3 ] && printf '%s\n' "$on1" | awk '{t=$7} NR>1 && t<=p {exit 1} {p=t}'; then
	echo "ok - vcpu pin: the domU pinned to CPU 1 is on CPU 1 in 3 samples, CPU time ${times}s"
else echo "not ok - vcpu pin: pinned domU not on CPU 1 in every sample (times $times)"; status=1; fi
if grep -E '^\(d0\) pin +[0-9]+ +0 +' "$clean" | sed -n 6p | grep -qE ' 0 +0 +[rb-] +[0-9.]+ 0 / all$'; then
	echo "ok - vcpu pin: re-pinned to CPU 0 (vcpu-pin all 0), it is on CPU 0"
else echo "not ok - vcpu pin: not on CPU 0 after re-pinning"; status=1; fi
if grep -q 'vcpu-pin: domain [0-9]* vCPU 0: refused: no such CPU online (error -22)' "$clean" &&
	grep -q 'vcpu-pin: domain [0-9]* has no vCPU 3' "$clean" &&
	grep -q 'create nocpu: cpus: none of them is one of the 2 CPUs' "$clean" &&
	! grep -qE '^\(d0\) domain [0-9]+ \(nocpu\) created' "$clean"; then
	echo "ok - vcpu pin: CPU 5 and vCPU 3 are refused (vcpu-pin, create cpus=)"
else echo "not ok - vcpu pin: bad CPU or vCPU not refused"; status=1; fi
# hx create cpus=1 pins before the first unpause (the builder, pvguest/dom0/build):
# listed right after the create, the flusher's vCPU is on CPU 1 with affinity 1.
if grep -E '^\(d0\) flusher +[0-9]+ +0 +' "$clean" | head -n 1 | grep -qE ' 0 +1 +[rb-] +[0-9.]+ 1 / all$'; then
	echo "ok - vcpu pin: created with cpus=1, the domU is on CPU 1 (affinity 1) from the start"
else echo "not ok - vcpu pin: the domU created with cpus=1 is not listed on CPU 1 at once"; status=1; fi
# Soft affinity (kernel/sched/sched.c): two tickers (a line every 50 ms,
# asleep in between) created with cpus_soft=1 and no hard affinity start
# on CPUs 0 and 1 by their domain ids, but a wake moves a vCPU to an idle
# CPU it prefers, so both are found on CPU 1 (hard "all", soft "1") in at
# least two of three samples each; without the preference the one that
# started on CPU 0 stays there while CPU 0 is idle.  softb ticks every
# 73 ms, not 50: with equal periods the two tickers' wake-ups can lock in
# phase, so each wake finds CPU 1 busy with the other, and the one on
# CPU 0 legitimately stays there (a preference, not a pin) in every sample.
for d in softa softb; do
	n=$(grep -E "^\(d0\) $d +[0-9]+ +0 +" "$clean" | grep -cE ' 0 +1 +[rb-] +[0-9.]+ all / 1$')
	if [ "$n" -ge 2 ]; then echo "ok - soft affinity: $d (cpus_soft=1) on CPU 1 in $n of 3 samples"
	else echo "not ok - soft affinity: $d (cpus_soft=1) on CPU 1 in $n of 3 samples"; status=1; fi
done
# The two hx info lines "flush_ipis : <CPU 0> <CPU 1>" around the flusher.
ipis=$(grep -E '^\(d0\) flush_ipis +:' "$clean" | sed 's/.*: *//')
before=$(printf '%s\n' "$ipis" | sed -n 1p) after=$(printf '%s\n' "$ipis" | sed -n 2p)
if [ "$(printf '%s\n' "$ipis" | wc -l)" = 2 ] && [ -n "$before" ] && [ "$before" = "$after" ] &&
	grep -q '^(d0) (d[0-9]*) flushed' "$clean"; then
	echo "ok - tlb mask: dom0 on CPU 0 built and ran a domU on CPU 1: no flush IPI on either CPU (per CPU since boot: $before)"
else echo "not ok - tlb mask: flush IPIs per CPU before '$before', after '$after' (or no echo)"; status=1; fi
exit $status
