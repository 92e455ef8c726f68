/*
 * Guest time: system time from vcpu_time_info, UTC from the wallclock.
 *
 * The hypervisor publishes, per vCPU, a TSC stamp, the system time at that
 * stamp and a scale (tsc_to_system_mul, a 32.32 fixed-point fraction, after
 * shifting the TSC delta by tsc_shift).  Both this record and the
 * wallclock are seqcounts: the writer makes version odd, rewrites, then
 * makes it even again; a reader copies the fields and retries while the
 * version was odd or changed under it.
 *
 * The scale multiply needs 96 bits (a 64-bit delta times a 32-bit
 * fraction): it is split into the high and low 32-bit halves of the delta
 * so nothing overflows.
 */
#include "time.h"

void time_snapshot(const volatile struct vcpu_time_info *src, struct vcpu_time_info *out)
{
	uint32_t v;
	do {
		v = src->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		out->tsc_timestamp = src->tsc_timestamp;
		out->system_time = src->system_time;
		out->tsc_to_system_mul = src->tsc_to_system_mul;
		out->tsc_shift = src->tsc_shift;
		out->flags = src->flags;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != src->version);
	out->version = v;
}

static uint64_t scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	uint64_t lo = (delta & 0xffffffffUL) * mul;
	uint64_t hi = (delta >> 32) * mul;
	return hi + (lo >> 32);
}

uint64_t time_ns_at(const struct vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;
	return t->system_time + scale_delta(delta, t->tsc_to_system_mul, t->tsc_shift);
}

uint64_t time_wallclock_base_ns(const volatile struct shared_info *s)
{
	uint32_t v;
	uint64_t sec, nsec;
	do {
		v = s->wc_version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
		nsec = s->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != s->wc_version);
	return sec * 1000000000UL + nsec;
}
