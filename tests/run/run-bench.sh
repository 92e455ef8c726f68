#!/bin/bash
# `make bench`: every benchmark under qemu -icount shift=0 (a guest's rdtsc
# then counts emulated instructions, so the figures repeat run to run).
# Each tests/bench/*.sh prints "bench <name> <instructions-per-op>" lines.
set -u
cd "$(dirname "$0")/../.."
shopt -s nullglob
benches=(tests/bench/*.sh)
if [ ${#benches[@]} = 0 ]; then
	echo "bench: no benchmarks yet"
	exit 0
fi
for b in "${benches[@]}"; do
	"$b"
done
