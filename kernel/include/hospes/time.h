/*
 * Time in the hypervisor: system time, the TSC scale guests get, and
 * per-CPU software timers.
 *
 * System time is nanoseconds since boot, computed from the TSC with Xen's
 * vcpu_time_info scale: ns = ((tsc_delta << shift) or >> -shift) * mul >> 32.
 * kernel/arch/x86_64/tsc.c calibrates the TSC once (against the HPET or the
 * PIT) and sets tsc_to_system_mul/tsc_shift, identical on every CPU (an
 * invariant TSC is assumed and checked); engineer F copies them, the TSC
 * stamp and now_ns() into each guest's vcpu_time_info.
 *
 * Timers (kernel/time/timer.c): each CPU owns one queue ordered by expiry.
 * A timer belongs to one CPU (chosen at timer_init) and its function runs
 * there, in interrupt context with interrupts off; it may set timers again
 * (its own included).  timer_set on a timer already queued moves it.
 * timer_cancel returns once the timer is idle and its function is not
 * running on another CPU: then its owner may free it (kernel/time/timer.c
 * has the rules this brings).
 */
#ifndef HOSPES_TIME_H
#define HOSPES_TIME_H

#include <hospes/types.h>

#define NSEC_PER_SEC  1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL
#define TIME_NEVER    UINT64_MAX

/* The TSC scale (Xen's vcpu_time_info form) and the boot TSC stamp. */
extern uint32_t tsc_to_system_mul;
extern int8_t tsc_shift;
extern uint64_t tsc_boot_stamp;
extern uint64_t cpu_khz;	    /* TSC frequency in kHz */
extern uint64_t wallclock_boot_sec; /* seconds since 1970 at boot (CMOS RTC) */

/* Nanoseconds since boot on this CPU's TSC. */
uint64_t now_ns(void);

/* Scale arithmetic (kernel/time/scale.c, host-tested). */
void time_scale_from_hz(uint64_t hz, uint32_t *mul, int8_t *shift);
/* The scale for x -> x * num / den (num, den > 0). */
void time_scale_ratio(uint64_t num, uint64_t den, uint32_t *mul, int8_t *shift);
uint64_t time_scale_delta(uint64_t delta, uint32_t mul, int8_t shift);
/* Days since 1970-01-01 for a Gregorian date (for the RTC). */
uint64_t time_days_from_civil(unsigned int year, unsigned int month, unsigned int day);

struct timer {
	uint64_t expires_ns;
	void (*fn)(void *data);
	void *data;
	struct timer *next, **pprev; /* queue links; pprev NULL when idle */
	unsigned int cpu;
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data, unsigned int cpu);
void timer_set(struct timer *t, uint64_t expires_ns);
void timer_cancel(struct timer *t);
bool timer_is_active(const struct timer *t);

/*
 * Run this CPU's expired timers (the timer interrupt calls it) and return
 * the next deadline, TIME_NEVER when the queue is empty.
 */
uint64_t timer_softirq(uint64_t now);

/*
 * Architecture hook (kernel/arch/x86_64/apic_timer.c; a fake in the host
 * tests): the earliest deadline of cpu's queue changed to deadline_ns.
 * On this CPU it reprograms the timer; for another CPU it sends that CPU
 * the timer IPI, whose handler runs timer_softirq and reprograms.
 */
void arch_timer_reprogram(unsigned int cpu, uint64_t deadline_ns);

#endif
