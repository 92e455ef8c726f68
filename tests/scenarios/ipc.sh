#!/bin/bash
# Inter-domain communication between real domains (issue 5), one QEMU boot:
# dom0 (pvguest-dom0, command line "ipctest") hosts xenstored and runs its
# ipctest at init level DOMAINS; the hypervisor builds two domUs from
# "domU ipc ..." modules (pvguest/apps/ipc).  dom0 gives both a XenStore
# home and introduces them; pong (d2) grants ping (d1) a page and an event
# channel and publishes them in XenStore; ping finds them, checks XenStore's
# EACCES and the grant table's refusal of an entry not meant for it, then
# the two bounce a counter 1000 times.  Then dom0 destroys pong while ping
# still maps its page and holds the channel: ping must keep working and
# xenstored must release pong by itself.  dom0 collects ping's verdict,
# releases it and powers off: selftest=guest makes that the QEMU
# verdict.  Every "ok" line is computed inside a domain; this script also
# requires each expected line to be present.
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
logdir=$BUILD/test-logs/ipc
mkdir -p "$logdir"
log=$logdir/ipc.log
status=0
. tests/run/expect.sh

tests/run/qemu-run.sh --direct --mem 192 --timeout 120 \
	--cmdline "console=com1 selftest=guest" \
	--module "$BUILD/guests/pvguest-dom0 ipctest" \
	--module "$BUILD/guests/pvguest-domU domU ipc ping 2" \
	--module "$BUILD/guests/pvguest-domU domU ipc pong 1" --log "$log"
rc=$?

# Every TAP line a domain printed, with the domain as a prefix.
guest_tap "$log" '[0-9]' '@V - d@D: @W'

# Each of these ok lines must be there (so a missing line fails).
EXPECT_LOG=$log
expect_ok 1 "ipc xenstore: reading another domain's node is EACCES"
expect_ok 1 "ipc xenstore: writing dom0's node is EACCES"
expect_ok 1 "ipc xenstore: an unknown request type is ENOSYS"
expect_ok 1 "ipc xenstore: a malformed path is EINVAL"
expect_ok 1 "ipc grant: mapping an entry granted to another domain is GNTST_general_error"
expect_ok 1 "ipc ping-pong: every round trip over the granted page"
expect_ok 2 "ipc pong: entry in use while mapped (GTF_reading)"
expect_ok 2 "ipc pong: ring-ref and event-channel published in one transaction"
expect_ok 1 "ipc peer destroyed: its granted page is still mapped and intact"
expect_ok 1 "ipc peer destroyed: unmapping its page works"
expect_ok 1 "ipc peer destroyed: XenStore still serves us"
expect_ok 0 "ipctest: d2 destroyed in mid-conversation"
expect_ok 0 "ipctest: d2 gone: xenstored released it by itself (VIRQ_DOM_EXC)"
expect_ok 0 "ipctest: d1 reports pass"
expect_ok 0 "ipctest: d1 released: its home is gone"
expect_ok 0 "ipctest: d0 xenstored still serves dom0"
if [ "$rc" = 0 ] && grep -q '^(d0) ipctest: 0 failure(s)' "$log"; then
	echo "ok - ipc: dom0 powered off with the pass verdict"
else
	echo "not ok - ipc: verdict (qemu-run status $rc, log $log)"
	tail -n 12 "$log" | sed 's/^/#   /'
	status=1
fi
exit $status
