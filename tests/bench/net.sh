#!/bin/bash
# Network split-driver bench under -icount (1 ns = 1 instruction: stable
# on a loaded machine), one boot without a NIC: domU b sinks UDP on port
# 5001; dom0 pings b and streams 2000 datagrams of 1400 bytes to it (dom0's
# own path: its stack, the bridge, one vif); then domU a does the same
# (a's netfront, the bridge, b's vif: two vifs).  Ratios are dom0's path
# against domU to domU, in percent (latency: dom0's time / a's time;
# throughput: a's rate / dom0's rate), so 100 means the second vif costs
# nothing.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
log=$BUILD/bench-net.log
rc_script=$BUILD/bench-net-rc
{
	echo "hx create pvguest-domU name=b memory=16 vif=ip=10.0.2.17 args=domU,net,sink"
	echo "ping -q -w 60 -c 1 10.0.2.17"
	echo "ping -q -c 50 10.0.2.17"
	echo "net udp 10.0.2.17 2000 1400"
	echo "hx create pvguest-domU name=a memory=16 vif=ip=10.0.2.16 args=domU,net,ping=10.0.2.17,lat=10.0.2.17,udp=10.0.2.17"
	echo "net wait 2 300"
	echo "poweroff"
} >"$rc_script"
tests/run/qemu-run.sh --direct --icount --mem 192 --timeout 400 \
	--cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=bench-net-rc" --module "$G/pvguest-domU" \
	--module "$rc_script" --log "$log"
tr -d '\r' <"$log" | awk '
/^\(d0\) 10\.0\.2\.17: 50 packets transmitted, 50 received/ {
	split($0, a, "= "); split(a[2], v, "/"); dom0_rtt = v[2] * 1000 }
/\(d2\) net: rtt to 10\.0\.2\.17 avg/ { for (i = 1; i <= NF; i++) if ($i == "avg") domu_rtt = $(i + 1) }
/\(d1\) net: udp from 10\.0\.2\.15:/ { for (i = 1; i <= NF; i++) { if ($i == "bytes,") b = $(i - 1); if ($i == "ns") t = $(i - 1) } dom0_mbs = b * 1000 / t }
/\(d1\) net: udp from 10\.0\.2\.16:/ { for (i = 1; i <= NF; i++) { if ($i == "bytes,") b = $(i - 1); if ($i == "ns") t = $(i - 1) } domu_mbs = b * 1000 / t }
END {
	if (dom0_rtt) printf "bench net_rtt_dom0_domU_ns %d\n", dom0_rtt
	if (domu_rtt) printf "bench net_rtt_domU_domU_ns %d\n", domu_rtt
	if (dom0_rtt && domu_rtt) printf "bench net_rtt_ratio_pct %d\n", 100 * dom0_rtt / domu_rtt
	if (dom0_mbs) printf "bench net_udp_dom0_domU_MBps %.1f\n", dom0_mbs
	if (domu_mbs) printf "bench net_udp_domU_domU_MBps %.1f\n", domu_mbs
	if (dom0_mbs && domu_mbs) printf "bench net_udp_ratio_pct %d\n", 100 * domu_mbs / dom0_mbs
}'
