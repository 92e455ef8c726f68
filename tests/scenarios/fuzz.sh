#!/bin/bash
# The hypercall fuzzer (tests/guest/fuzz/) against the real hypervisor.
#
# dom0 is pvguest-dom0 running a boot script: it starts a bystander domU
# (tg-fuzz mode=watch: checks its memory and a loopback event channel ten
# times a second), creates and destroys one warm-up domain, and then, one
# seed at a time, creates a fuzzer domU, waits until it has shut down
# (poweroff: every call of its seed was made; crash: it wrecked itself,
# which the hypervisor must allow), destroys it and prints free memory.
#
# Checks: the hypervisor never panics and dom0 powers off with the pass
# verdict; each fuzzer domain ends (poweroff, or a crash of its own making,
# reported as such); free memory after each destroy is exactly what it was
# before that domain was created; the bystander's memory and events stay
# intact and it is still running, with heartbeats after the last fuzzer.
#
# Two CPUs, so the fuzzer, the bystander and dom0 really run at once and
# the fuzzer's domain is destroyed while other CPUs may still hold its
# shadows (tests/scenarios/smp-destroy.sh is the focused check).
#
# make test: the regression seeds of tests/guest/fuzz/seeds and a few
# fixed seeds.  make fuzz: FUZZ_SEED (default: random, printed),
# FUZZ_RUNS seeds from it (default 10), FUZZ_ROUNDS calls each (default
# 200000), FUZZ_FROM prints every call from that round on, FUZZ_SMP the
# CPUs (default 2).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/fuzz
mkdir -p "$logdir"
status=0
FIXED_SEEDS="11 12 13"
FIXED_ROUNDS=20000

# The runs: "seed rounds" per line.
runs=$logdir/runs
if [ -n "${FUZZ_SEED:-}${FUZZ_RUNS:-}${FUZZ_ROUNDS:-}" ]; then
	seed=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	for i in $(seq 0 $((${FUZZ_RUNS:-10} - 1))); do
		echo "$((seed + i)) ${FUZZ_ROUNDS:-200000}"
	done >"$runs"
	wait_secs=600
else
	{
		sed -n 's/^\([0-9][0-9]*\) \([0-9][0-9]*\).*/\1 \2/p' tests/guest/fuzz/seeds
		for s in $FIXED_SEEDS; do echo "$s $FIXED_ROUNDS"; done
	} >"$runs"
	wait_secs=60
fi
from=${FUZZ_FROM:+,from=$FUZZ_FROM}
nruns=$(wc -l <"$runs")
echo "# fuzz: $nruns run(s) of \"seed rounds\": $(paste -sd, "$runs")"

rc_script=$logdir/fuzz-rc
{
	echo "# dom0 boot script of tests/scenarios/fuzz.sh"
	echo "hx create tg-fuzz name=watch memory=8 args=mode=watch,seed=7"
	echo "hx create tg-fuzz name=warmup memory=8 args=seed=0,rounds=0"
	echo "hx wait warmup 30"
	echo "hx destroy warmup"
	echo "hx info"
	n=0
	while read -r seed rounds; do
		n=$((n + 1))
		echo "hx create tg-fuzz name=fuzz$n memory=8 args=seed=$seed,rounds=$rounds$from"
		echo "hx wait fuzz$n $wait_secs"
		echo "hx destroy fuzz$n"
		echo "hx info"
	done <"$runs"
	echo "hx top -n 2 -d 1"
	echo "hx list"
	echo "hx destroy watch"
	echo "poweroff"
} >"$rc_script"

log=$logdir/fuzz.log
tests/run/qemu-run.sh --direct --smp "${FUZZ_SMP:-2}" --mem 192 --timeout $((60 + nruns * (wait_secs + 10))) \
	--cmdline "console=com1 selftest=guest" --module "$G/pvguest-dom0 rc=fuzz-rc" \
	--module "$G/tg-fuzz" --module "$rc_script" --log "$log"
rc=$?
clean=$logdir/fuzz.txt
tr -d '\r' <"$log" >"$clean"
ok() { echo "ok - fuzz: $1"; }
nok() { echo "not ok - fuzz: $1"; status=1; }

if grep -q 'PANIC' "$clean"; then
	nok "the hypervisor panicked (log $log)"
	grep -A12 -m1 '^\*\*\* ' "$clean" | sed 's/^/#   /'
else ok "the hypervisor never panicked"; fi
if [ $rc = 0 ]; then ok "dom0 ran its script to the end and powered off (pass verdict)"; else
	nok "qemu-run status $rc (log $log)"; tail -n 5 "$clean" | sed 's/^/#   /'; fi

# Domain ids of the named domains, from dom0's "domain N (name) created" lines.
domid() { sed -n "s/^(d0) domain \([0-9]*\) ($1) created: .*/\1/p" "$clean" | head -n 1; }
mapfile -t free < <(sed -n 's/^(d0) free_pages   : //p' "$clean")
n=0
while read -r seed rounds; do
	n=$((n + 1))
	id=$(domid "fuzz$n")
	what="seed $seed, $rounds rounds"
	if [ -z "$id" ]; then nok "$what: the fuzzer domain was not created"; continue; fi
	# This run's lines: from its create to the next hx info (ids are reused).
	part=$logdir/run$n.txt
	sed -n "/^(d0) dom0# hx create tg-fuzz name=fuzz$n /,/^(d0) dom0# hx info/p" "$clean" >"$part"
	# A crash may report the reason a fuzzed SCHEDOP_shutdown_code latched, so look
	# for the hypervisor's crash line rather than at the reason.
	# "seed S done" is printed right after the last call: a call may still have
	# garbled what the guest prints after it (say, by remapping its constants).
	if grep -q "^(d$id) # fuzz: seed $seed done" "$part" &&
		grep -q "^(d0) domain $id shut down" "$part"; then
		ok "$what: every call made, the domain shut down"
		sed -n "s/^(d$id) # fuzz: results: /# results: /p" "$part"
	elif grep -q "^d$id v0 crashed" "$part" && grep -q "^(d0) domain $id shut down" "$part"; then
		last=$(sed -n "s/^(d$id) # fuzz: round //p" "$part" | tail -n 1)
		ok "$what: the fuzzer crashed itself after round ${last:-0} (allowed; not a hypervisor fault)"
		grep "^d$id v0 crashed" "$part" | sed 's/^/# /'
	else
		nok "$what: domain $id neither finished nor crashed within ${wait_secs}s"
	fi
	if [ "${free[$n]:-x}" = "${free[0]:-y}" ]; then
		ok "$what: free memory exactly back after destroy (${free[0]} pages)"
	else nok "$what: free pages ${free[$n]:-none} after destroy, ${free[0]:-none} before"; fi
done <"$runs"

w=$(domid watch)
if [ -n "$w" ] && ! grep -q "^(d$w) not ok" "$clean" &&
	grep -q "^(d$w) # watch: tick" "$clean"; then
	ok "bystander domain $w: memory and events intact throughout"
else nok "bystander: not created, never ticked, or saw damage"; fi
last_end=$(grep -n "^(d0) domain [0-9]* shut down" "$clean" | tail -n 1 | cut -d: -f1)
last_tick=$(grep -n "^(d$w) # watch: tick" "$clean" | tail -n 1 | cut -d: -f1)
if [ -n "$last_end" ] && [ -n "$last_tick" ] && [ "$last_tick" -gt "$last_end" ]; then
	ok "bystander still ticking after the last fuzzer ended"
else nok "bystander: no heartbeat after the last fuzzer ended"; fi
if grep -qE "^\(d0\) $w +watch +[r-][b-]-{4} " "$clean"; then
	ok "bystander still running at the end (hx list)"
else nok "bystander not running at the end (hx list)"; fi
exit $status
