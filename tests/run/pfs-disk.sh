#!/bin/bash
# pfs-disk.sh IMAGE PATH=FILE...: a 4 MiB raw disk image for --disk whose
# sectors 2048..4095 hold a pfs (pvguest's file system, built with
# build/tools/mkpfs) with the given files, e.g. bin/ticker=build/user/ticker.
# A domU given that region (hx create ... disk=sata0@2048+2048) mounts it
# as its root.  Exit status 1 if mkpfs refuses.
set -u
BUILD=${BUILD:-build}
img=$1
shift
pfs=$img.pfs
rm -f "$img" "$pfs"
"$BUILD/tools/mkpfs" "$pfs" 1024 "$@" >/dev/null || exit 1
truncate -s 4M "$img" && dd if="$pfs" of="$img" bs=512 seek=2048 conv=notrunc status=none
rm -f "$pfs"
