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
tests/run/screen-check.py bios "$BUILD/hospes-screen.iso" "$LOGS/bios.log"
tests/run/screen-check.py uefi "$BUILD/hospes-screen.iso" "$LOGS/uefi.log"
