#!/bin/bash
# Inter-domain benchmarks (issue 5), instructions per operation under
# QEMU -icount (rdtsc counts instructions there): the ipc scenario's two
# domUs (pvguest/apps/ipc) with ping in bench mode.
#   ipc_evtchn_roundtrip   ping sends, pong answers on its channel, ping sees it
#   ipc_grant_map_unmap    GNTTABOP_map_grant_ref + unmap of pong's page
#   ipc_grant_copy_4k      GNTTABOP_copy of 4 KiB from pong's grant
#   ipc_xenstore_read      a XenStore read round trip to dom0's xenstored
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
log=$BUILD/bench-ipc.log
tests/run/qemu-run.sh --direct --icount --mem 192 --timeout 300 \
	--cmdline "console=com1 selftest=guest" \
	--module "$BUILD/guests/pvguest-dom0 ipctest" \
	--module "$BUILD/guests/pvguest-domU domU ipc ping 2 bench" \
	--module "$BUILD/guests/pvguest-domU domU ipc pong 1" --log "$log"
sed -n 's/^(d1) \(bench .*\)$/\1/p' "$log" | tr -d '\r'
