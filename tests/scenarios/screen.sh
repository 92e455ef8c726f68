#!/bin/bash
# The screen console, read back from the display: VGA text under SeaBIOS,
# the framebuffer drawn with the built-in font under OVMF
# (tests/run/screen-check.py does the reading and comparing).
set -u
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
LOGS=$BUILD/test-logs/screen
mkdir -p "$LOGS"
[ -f "$BUILD/hospes-screen.iso" ] || { echo "not ok - ISO $BUILD/hospes-screen.iso missing (make iso)"; exit 1; }
status=0
# screen-check.py prints its own TAP lines; if it dies before printing a
# verdict (a Python exception, QEMU gone), that is a failure too.
for fw in bios uefi; do
	out=$(tests/run/screen-check.py $fw "$BUILD/hospes-screen.iso" "$LOGS/$fw.log")
	rc=$?
	[ -n "$out" ] && echo "$out"
	if [ $rc != 0 ] && ! grep -q '^not ok' <<<"$out"; then
		echo "not ok - screen-check.py $fw exited with status $rc and no verdict (log $LOGS/$fw.log)"
		status=1
	fi
	grep -q '^not ok' <<<"$out" && status=1
done
exit $status
