/*
 * Guest time from the hypervisor's per-vCPU time record and wallclock.
 * Pure arithmetic and the seqcount read protocol; the caller supplies the
 * TSC, so host tests can drive it.
 */
#ifndef PVGUEST_CORE_TIME_H
#define PVGUEST_CORE_TIME_H

#include <stdint.h>
#include <public/xen.h>

/* A consistent copy of a record the hypervisor may rewrite at any time. */
void time_snapshot(const volatile struct vcpu_time_info *src, struct vcpu_time_info *out);
/* System time (ns since hypervisor boot) at TSC value tsc. */
uint64_t time_ns_at(const struct vcpu_time_info *t, uint64_t tsc);
/* Wallclock base (UTC ns at system time 0), read under wc_version. */
uint64_t time_wallclock_base_ns(const volatile struct shared_info *s);

#endif
