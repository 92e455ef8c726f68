#!/bin/bash
# The guide's stages 6 (xenbus) and 7 (a block frontend), one QEMU boot:
# dom0 (pvguest-dom0) hosts xenstored and blkback; the hypervisor builds
# domain 1 from example-06-xenbus and domain 2 from example-07-blkfront
# ("domU" modules).  dom0's boot script does what a toolstack does for
# them: a XenStore home each (owned by the domain; its domid and name
# nodes dom0's, readable by it), a 1 MiB RAM disk as
# domain 2's xvda (vbd attach), introduces both to xenstored, waits until
# each has powered off (hx wait), then exercises hx sched (list, set,
# refusals) and cleans up.  Then the scheduler for real: two domUs that
# only spin (hx create pvguest-domU args=/bin/spin) with weights 256 and
# 512 share the CPU about 1:2 (hx top), and a cap of 20 holds the second
# to about 20 %.  Each stage must print the lines
# docs/guest-kernel.md promises, exactly.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/guide
mkdir -p "$logdir"
status=0

rc_script=$logdir/guide-rc
cat >"$rc_script" <<'RC'
# dom0 boot script of tests/scenarios/guide.sh
xs write /local/domain/1/domid 1
xs write /local/domain/1/name example-06-xenbus
xs perms /local/domain/1 n1
xs perms /local/domain/1/domid n0 r1
xs perms /local/domain/1/name n0 r1
xs write /local/domain/2/domid 2
xs write /local/domain/2/name example-07-blkfront
xs perms /local/domain/2 n2
xs perms /local/domain/2/domid n0 r2
xs perms /local/domain/2/name n0 r2
vbd attach 2 51712 ram:1
xs introduce 1 1
xs introduce 2 1
hx wait 1 60
hx wait 2 60
hx sched
hx sched 2 weight=512 cap=50
hx sched 2 cap=150
hx sched 2 weight=0
vbd detach 2
hx destroy 1
hx destroy 2
hx create pvguest-domU name=spinA memory=16 args=/bin/spin
hx create pvguest-domU name=spinB memory=16 args=/bin/spin
hx sched spinB weight=512
hx top -n 4 -d 1
hx sched spinB weight=256 cap=20
hx top -n 4 -d 1
hx destroy spinA
hx destroy spinB
poweroff
RC
log=$logdir/guide.log
tests/run/qemu-run.sh --direct --mem 192 --timeout 120 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=guide-rc" --module "$rc_script" --module "$G/pvguest-domU" \
	--module "$G/example-06-xenbus domU xenbus" --module "$G/example-07-blkfront domU blkfront" \
	--log "$log"
rc=$?
clean=$logdir/guide.txt
tr -d '\r' <"$log" >"$clean"

# Exact lines of each domain.
. tests/run/expect.sh
EXPECT_LOG=$clean

x="example 06-xenbus"
expect -d 1 "$x: the store's event channel" \
	"xenbus: store ring from start_info, event channel port 1"
expect -d 1 "$x: reads its domid" 'xenbus: our domid is "1"'
expect -d 1 "$x: reads its name" 'xenbus: our name is "example-06-xenbus"'
expect -d 1 "$x: write, read back" 'xenbus: wrote data/greeting and read back "hello from stage 6"'
expect -d 1 "$x: directory" 'xenbus: directory data: "greeting"'
expect -d 1 "$x: a watch fires when set" 'xenbus: the watch fired at once for "data/greeting"'
expect -d 1 "$x: a watch fires on a write" 'xenbus: a write fired it again for "data/greeting"'
expect -d 1 "$x: the event carries the token" 'xenbus: with our token "stage6"'
expect -d 1 "$x: transaction" "xenbus: data/a and data/b written in one transaction"
expect -d 1 "$x: the transaction's nodes are there" 'xenbus: directory data: "greeting a b"'
expect -d 1 "$x: permissions" "xenbus: dom0's name is not ours to read: EACCES"
expect -d 1 "$x: rm" "xenbus: removed data: data/greeting is gone (ENOENT)"
expect -d 0 "$x: powered off" "domain 1 shut down: poweroff"

x="example 07-blkfront"
expect -d 2 "$x: finds its disk and the backend" \
	"blkfront: device/vbd/51712 is served by /local/domain/0/backend/vbd/2/51712"
expect -d 2 "$x: backend InitWait" "blkfront: the backend is InitWait"
expect -d 2 "$x: ring granted, channel allocated" \
	"blkfront: ring granted as ref 8, event channel port 2, state Initialised"
expect -d 2 "$x: backend Connected" "blkfront: the backend is Connected: 2048 sectors of 512 bytes"
expect -d 2 "$x: a write request" "blkfront: wrote sectors 8-15 (one granted page)"
expect -d 2 "$x: a read request" "blkfront: read them back: every byte as written"
expect -d 2 "$x: closing handshake" "blkfront: closed, and so is the backend"
expect -d 2 "$x: grants revoked" "blkfront: the ring is no longer mapped: grants revoked"
expect -d 0 "$x: powered off" "domain 2 shut down: poweroff"

# Every output line docs/guest-kernel.md shows for stages 6 and 7, so the
# guide and this test cannot drift apart.
mapfile -t promised < <(sed -n '/^## Stage 6:/,/^## Beyond the stages/p' docs/guest-kernel.md |
	sed -n 's/^    \((d[0-9]) .*\)$/\1/p')
missing=0
for l in "${promised[@]}"; do
	grep -qxF "$l" "$clean" || { echo "# not printed: $l"; missing=1; }
done
if [ ${#promised[@]} -ge 20 ] && [ $missing = 0 ]; then
	echo "ok - guide: all ${#promised[@]} lines the guide shows for stages 6 and 7 were printed"
else echo "not ok - guide: ${#promised[@]} lines in the guide, some not printed"; status=1; fi

# hx sched: the list, a change, the refusals (parser and hypervisor).
if grep -qE '^\(d0\) 2 +domU +256 +0$' "$clean" && grep -qE '^\(d0\) 2 +domU +512 +50$' "$clean"
then echo "ok - hx sched: lists weight 256 cap 0, then sets 512 and 50"
else echo "not ok - hx sched: no default or changed line for domain 2"; status=1; fi
expect -d 0 "hx sched: the hypervisor refuses a cap over 100 for one vCPU" \
	"sched: domain 2: refused: the cap must be 0 or 1..100 per vCPU (error -22)"
expect -d 0 "hx sched: weight 0 is refused before asking" 'sched: weight "0": 1 to 65535'
# hx top's CPU % of a domain: samples 2-4 of each of the two runs have a
# figure (1 s each); each check uses the mean of a run's three.
# (columns: ID Name State CPU(%) Mem(MiB) EvIn/s EvOut/s)
cpu() { sed -nE 's/^\(d0\) [0-9]+ +'"$1"' +[-a-z]+ +([0-9.]+) +[0-9]+ +[-0-9]+ +[-0-9]+$/\1/p' "$clean" | tr '\n' ' '; }
read -r -a a <<<"$(cpu spinA)"
read -r -a b <<<"$(cpu spinB)"
mean() { awk -v x="$1" -v y="$2" -v z="$3" 'BEGIN { printf "%.1f", (x + y + z) / 3 }'; }
if [ ${#a[@]} = 6 ] && [ ${#b[@]} = 6 ]; then
	a1=$(mean "${a[@]:0:3}") b1=$(mean "${b[@]:0:3}") a2=$(mean "${a[@]:3:3}") b2=$(mean "${b[@]:3:3}")
else a1=0 b1=0 a2=0 b2=0; fi
if awk -v a="$a1" -v b="$b1" 'BEGIN { exit !(a > 10 && b / a >= 1.5 && b / a <= 2.6) }'; then
	echo "ok - sched: weights 256:512 share the CPU about 1:2 ($a1 % and $b1 %)"
else echo "not ok - sched: weights 256:512: spinA ${a[*]:-none}, spinB ${b[*]:-none}"; status=1; fi
if awk -v a="$a2" -v b="$b2" 'BEGIN { exit !(b <= 24 && b >= 12 && a >= 60) }'; then
	echo "ok - sched: a cap of 20 holds ($b2 %; the other gets $a2 %)"
else echo "not ok - sched: cap 20: spinA ${a[*]:-none}, spinB ${b[*]:-none}"; status=1; fi
if [ $rc = 0 ]; then echo "ok - guide: dom0 powered off (pass verdict)"; else
	echo "not ok - guide: qemu-run status $rc (log $log)"
	tail -n 8 "$clean" | sed 's/^/#   /'
	status=1
fi
exit $status
