#!/bin/bash
# The docs cannot drift from the code: every command block marked
# <!-- doc-test: dom0 --> or <!-- doc-test: host --> in docs/ and README.md
# is run and its shown output checked (scripts/doc-blocks.py explains the
# rules).  The dom0 blocks run as one rc= boot script in one QEMU boot:
# dom0 with the pvguest-domU image as a boot module (for hx create), and
# an AHCI disk (sata0) whose partition 1 (sata0p1, type da) holds a pfs
# with /bin/ticker and /etc/motd (a domU's root in
# docs/teaching/driver-domain.md).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
G=$BUILD/guests
logdir=$BUILD/test-logs/docs
mkdir -p "$logdir"
status=0
mapfile -t files < <(find docs -name '*.md' | sort; echo README.md)

scripts/doc-blocks.py host "${files[@]}" || status=1

rc_script=$logdir/docs-rc
scripts/doc-blocks.py rc "${files[@]}" >"$rc_script" || { echo "not ok - docs: bad blocks"; exit 1; }
. tests/run/reader-disk.sh
img=$logdir/docs.img
reader_disk "$img" "$logdir" || { echo "not ok - docs: mkdisk failed"; exit 1; }
log=$logdir/docs.log
tests/run/qemu-run.sh --direct --mem 192 --timeout 120 --cmdline "console=com1 selftest=guest" \
	--module "$G/pvguest-dom0 rc=docs-rc" --module "$G/pvguest-domU" \
	--module "$rc_script" --disk "$img" --log "$log"
rc=$?
if [ $rc = 0 ]; then echo "ok - docs: the dom0 blocks ran to poweroff (pass verdict)"; else
	echo "not ok - docs: qemu-run status $rc (log $log)"; status=1; fi
scripts/doc-blocks.py check-dom0 "$log" "${files[@]}" || status=1
exit $status
