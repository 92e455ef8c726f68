#!/bin/bash
# Networking end to end (issue 7), one QEMU boot with the machine's NIC
# on QEMU's user network: dom0 (10.0.2.15) bridges its vifs and eth0 on
# xenbr0; its boot script creates domU b (10.0.2.17) and domU a
# (10.0.2.16) with hx create ... vif=ip=..., each running pvguest/apps/net.
#   a pings b, dom0 and the gateway 10.0.2.2; b pings dom0 and a;
#   dom0 pings both domUs and the gateway;
#   c (10.0.2.18) floods b with pings while dom0 destroys it mid-traffic;
#   then dom0 and b still answer each other, the vif of c is gone, and a
#   new domain d (domain id 3 again) gets c's address and MAC and pings
#   b and dom0.
# Every "ok" line is computed inside a domain; this script requires the
# key lines and the pass verdict.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/net
mkdir -p "$logdir"
status=0
. tests/run/expect.sh

rc_script=$logdir/net-rc
{
	echo "# dom0 boot script of tests/scenarios/net.sh"
	echo "hx create pvguest-domU name=b memory=16 vif=ip=10.0.2.17 args=domU,net,ping=10.0.2.15,ping=10.0.2.16"
	echo "hx create pvguest-domU name=a memory=16 vif=ip=10.0.2.16 args=domU,net,ping=10.0.2.17,ping=10.0.2.15,ping=10.0.2.2"
	echo "net wait 2 120"
	echo "net wait 1 120"
	echo "ping -c 3 10.0.2.16"
	echo "ping -c 3 10.0.2.17"
	echo "ping -c 3 10.0.2.2"
	echo "hx create pvguest-domU name=c memory=16 vif=ip=10.0.2.18,mac=00:16:3e:00:00:0c args=domU,net,ping=10.0.2.17,flood=10.0.2.17"
	echo "net wait 3 120"
	echo "ping -c 2 10.0.2.18"
	echo "hx destroy c"
	echo "ping -c 4 10.0.2.17"
	echo "net"
	echo "hx create pvguest-domU name=d memory=16 vif=ip=10.0.2.18,mac=00:16:3e:00:00:0c args=domU,net,ping=10.0.2.17,ping=10.0.2.15"
	echo "net wait 3 120"
	echo "net"
	echo "poweroff"
} >"$rc_script"
log=$logdir/net.log
start=$(date +%s)
tests/run/qemu-run.sh --direct --mem 192 --timeout 200 --nic \
	--cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=net-rc ip=10.0.2.15" --module "$G/pvguest-domU" \
	--module "$rc_script" --log "$log"
rc=$?
clean=$logdir/net.txt
tr -d '\r' <"$log" >"$clean"
# domU lines come through dom0's console backend: "(d0) (dN) ...".
GUEST_TAP_RELAYED=1 guest_tap "$clean" '[1-9]' '@V - net d@D: @W'
# Whole lines, extended regexes (tests/run/expect.sh).
EXPECT_LOG=$clean EXPECT_PREFIX="net: "
expect -E "a pinged b" '(\(d0\) )?\(d2\) ok - net ping 10\.0\.2\.17: 3/3 replies.*'
expect -E "a pinged dom0" '(\(d0\) )?\(d2\) ok - net ping 10\.0\.2\.15: 3/3 replies.*'
expect -E "a pinged the gateway" '(\(d0\) )?\(d2\) ok - net ping 10\.0\.2\.2: 3/3 replies.*'
expect -E "b pinged dom0 and a" '(\(d0\) )?\(d1\) ok - net ping 10\.0\.2\.16: 3/3 replies.*'
expect -E "dom0 pinged a" '\(d0\) 10\.0\.2\.16: 3 packets transmitted, 3 received.*'
# QEMU's slirp gateway now and then leaves one of dom0's three echoes
# unanswered (seen on main and branches alike, not yet explained; the
# domU-to-gateway pings above stay strict): two replies of three pass.
expect -E "dom0 pinged the gateway" '\(d0\) 10\.0\.2\.2: 3 packets transmitted, [23] received.*'
expect -E "c was flooding b when destroyed" '(\(d0\) )?\(d3\) net: flooding 10\.0\.2\.17 until destroyed'
expect -E "dom0 and b still talk after c died mid-traffic" \
	'\(d0\) 10\.0\.2\.17: 4 packets transmitted, 4 received.*'
expect -E "c's vif let go of its rings when c was destroyed" '\(d0\) netback: vif3\.0 disconnected .*'
expect -E "c's memory all freed (nothing of it still mapped)" 'd3: freed'
expect -E "two vifs left after c" '\(d0\) vifs: 2, connected 2'
expect -E "d, on c's MAC and address, pinged b and dom0" '(\(d0\) )?\(d3\) ok - net ping 10\.0\.2\.15: 3/3 replies.*'
expect -E "three vifs connected at the end" '\(d0\) vifs: 3, connected 3'
if [ $rc = 0 ]; then
	echo "ok - net: dom0 powered off with the pass verdict ($(($(date +%s) - start)) s)"
else
	echo "not ok - net: qemu-run status $rc (log $log)"
	tail -n 8 "$clean" | sed 's/^/#   /'
	status=1
fi
exit $status
