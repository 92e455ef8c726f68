#!/bin/bash
# Shared by the single-step profiles (icount-profile.sh, icount-profile-blk.sh):
# icount_filter ELF GUEST_END prints QEMU's -dfilter ranges: every guest
# address below GUEST_END, and the hypervisor's half except the functions
# whose instructions depend on the host, not on the path measured (TSC
# calibration, the clock, memset), so that the counts repeat run to run.
icount_filter() {
	nm -S "$1" | python3 -c '
import sys
skip = {"memset", "now_ns", "time_scale_delta", "tsc_hz_by_pit", "tsc_hz_by_hpet", "tsc_init",
        "apic_timer_init_boot"}
ex = sorted((int(a, 16), int(a, 16) + int(n, 16)) for a, n, _, s in
            (l.split() for l in sys.stdin if len(l.split()) == 4) if s in skip)
r, lo = ["0x0..%s" % sys.argv[1]], 0xffff800000000000
for a, b in ex:
    if a > lo: r.append("0x%x..0x%x" % (lo, a - 1))
    lo = max(lo, b)
print(",".join(r + ["0x%x..0xffffffffffffffff" % lo]))' "$2"
}
