/*
 * System time for stages 4 and later (explained in stage 4,
 * 04-timer/timer.c): nanoseconds since the hypervisor booted, from the
 * vCPU's vcpu_time_info, read under its version counter.
 */
#ifndef EXAMPLES_COMMON_TIME_H
#define EXAMPLES_COMMON_TIME_H

#include "ex.h"

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* At tsc_timestamp it was system_time; TSC ticks become ns by the shift,
 * then by tsc_to_system_mul / 2^32.  Retry while the version is odd or
 * changed: the hypervisor was rewriting the record. */
static inline uint64_t now_ns(struct shared_info *shared)
{
	volatile struct vcpu_time_info *t = &shared->vcpu_info[0].time;
	uint32_t version;
	uint64_t ns;
	do {
		version = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint64_t delta = rdtsc() - t->tsc_timestamp;
		int8_t shift = t->tsc_shift;
		delta = shift < 0 ? delta >> -shift : delta << shift;
		ns = t->system_time +
		     (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != t->version);
	return ns;
}

#endif
