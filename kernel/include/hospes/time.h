/*
 * Time in the hypervisor: system time, the TSC scale guests get, and
 * per-CPU software timers.
 *
 * System time is nanoseconds since boot, computed from the TSC with Xen's
 * vcpu_time_info scale: ns = ((tsc_delta << shift) or >> -shift) * mul >> 32.
 * kernel/arch/x86_64/tsc.c calibrates the TSC at boot (against the HPET or
 * the PIT) and sets tsc_to_system_mul/tsc_shift; the TSCs of all CPUs are
 * assumed synchronised (one clock for every CPU).
 *
 * Recalibration (kernel/time/calibrate.c): the boot CPU reads the TSC and
 * the platform timer (the HPET, or the ACPI PM timer: clocksource=)
 * together once per epoch (time_epoch_ms=, default 1000, as Xen's EPOCH)
 * and replaces the system clock's function by one that continues it, at
 * the rate measured over the last epoch, corrected towards the platform
 * (struct time_clock: two slots, no lock).
 * Each CPU then rewrites the time record of the vCPU it runs, and every
 * vCPU gets the new one at its next switch-in (pv.c, with the version
 * protocol); the records no longer claim XEN_PVCLOCK_TSC_STABLE_BIT then
 * (as Xen's, unless clocksource=tsc).
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
extern struct time_clock sys_clock; /* the system clock (tsc.c; recalibrated by time_cal.c) */
extern bool time_recalibrating;	    /* time_cal.c: the epoch timer runs */
/* pv.c: the vCPU this CPU runs gets the clock's current function in its
 * time record (called by time_cal.c with interrupts off). */
void arch_time_refresh(void);

/* Nanoseconds since boot: the system clock at this CPU's TSC. */
uint64_t now_ns(void);

/* One linear function of the TSC: ns = stime_stamp + scale(tsc - tsc_stamp). */
struct time_rec {
	uint64_t tsc_stamp;
	uint64_t stime_stamp;
	uint32_t mul; /* TSC ticks -> ns (vcpu_time_info's tsc_to_system_mul, tsc_shift) */
	int8_t shift;
	int8_t inv_shift; /* ns -> TSC ticks (timer deadlines) */
	uint32_t inv_mul;
};

/* A calibration point: the platform timer's time read at TSC value tsc. */
struct time_point {
	uint64_t tsc, plat_ns;
};

/* The system clock: the current function in rec[seq & 1] (calibrate.c). */
struct time_clock {
	struct time_rec rec[2];
	uint32_t seq;
};

#define TIME_CAL_ROUNDING_NS 16 /* the scales' rounding at a point, with room (+1 ns per 0.5 s) */

/* delta scaled: (delta << shift, or >> -shift) * mul >> 32 (inline: now_ns's hot path). */
static inline uint64_t time_scale_delta(uint64_t delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		delta >>= -shift;
	else
		delta <<= shift;
	return (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

/* r's time at TSC value tsc (a TSC before the stamp counts as the stamp). */
static inline uint64_t time_rec_ns(const struct time_rec *r, uint64_t tsc)
{
	uint64_t delta = tsc > r->tsc_stamp ? tsc - r->tsc_stamp : 0;
	return r->stime_stamp + time_scale_delta(delta, r->mul, r->shift);
}
/* The first TSC value at which r reads ns or more (a past ns: the stamp). */
uint64_t time_rec_tsc(const struct time_rec *r, uint64_t ns);
/* Set r's scales for a rate of ns per ticks (both > 0). */
void time_rec_set_rate(struct time_rec *r, uint64_t ns, uint64_t ticks);
/*
 * The function that follows cur at point now, prev being the point one
 * epoch before: continuous with cur (or warped forward to the platform
 * if cur is behind), at the rate measured from prev to now, slowed to
 * give back a lead.  Returns the error at now (platform - cur), before
 * the correction.
 */
int64_t time_calibrate(const struct time_rec *cur, const struct time_point *prev,
		       const struct time_point *now, struct time_rec *next);
/* The lead (ns) that calibration gives back over the next interval. */
uint64_t time_cal_lead(int64_t err, const struct time_point *prev, const struct time_point *now);

/* The longest epoch (ns) for a platform counter of width mask whose ticks
 * scale to ns by (mul, shift): half its wrap, so a read per epoch sees
 * less than one wrap even when the epoch timer runs late. */
uint64_t time_cal_epoch_max(uint64_t mask, uint32_t mul, int8_t shift);

/* |x| in ns, INT64_MIN included (a calibration's error against its bound). */
static inline uint64_t time_abs_ns(int64_t x)
{
	return x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
}

/* What is known about a calibration point's error (calibrate.c's essay). */
struct time_cal_unsure {
	uint64_t d_before, d_last,
		d_now;	   /* uncertainty (ns) of the point before last, the last, this */
	uint64_t len_rate; /* ns between the two points the rate was measured from */
	uint64_t len_used; /* ns that rate then ran for: up to this point */
	uint64_t lead;	   /* ns the last calibration gave back (time_cal_lead) */
};
/* How far the clock may be from the platform at this point, if the TSC's
 * rate held; UINT64_MAX before a rate was measured. */
uint64_t time_cal_bound(const struct time_cal_unsure *u);

/*
 * One point beyond the bound is not acted on at once (a spike suppressor,
 * as NTP's "popcorn" filter; calibrate.c's essay): it is held, and the
 * clock keeps its function.  The next point confirms it (also beyond the
 * bound, the same sign, a similar error: the step is real and is taken)
 * or the held point is dropped and the next is acted on.
 * Zero-initialised: nothing held.
 */
struct time_cal_spike {
	bool held;
	int64_t err; /* the held point's error */
	uint64_t at; /* its calibration number (for the log) */
};
enum time_cal_verdict {
	TIME_CAL_TAKE,	    /* acted on: within the bound, or after a held point it
			     * does not confirm (which is dropped) */
	TIME_CAL_HOLD,	    /* beyond the bound, not confirmed: the clock stays */
	TIME_CAL_CONFIRMED, /* beyond, and agrees with the held point: acted on */
};
/* The verdict on calibration number at with error err against bound; a
 * held point dropped by this one is copied to *dropped (else its held is
 * false). */
enum time_cal_verdict time_cal_spike(struct time_cal_spike *s, int64_t err, uint64_t bound,
				     uint64_t at, struct time_cal_spike *dropped);

/* The clock's time at tsc (read before the call); no lock, a retry only
 * if an update passed meanwhile (one compare: only a second update could
 * have torn the copy, but a retry costs less than telling them apart). */
static inline uint64_t time_clock_now(const struct time_clock *c, uint64_t tsc)
{
	uint64_t stamp, stime;
	uint32_t s, mul;
	int8_t shift;

	do { /* copy, then compute: nothing in the loop needs a call */
		s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
		const struct time_rec *r = &c->rec[s & 1];
		stamp = r->tsc_stamp;
		stime = r->stime_stamp;
		mul = r->mul;
		shift = r->shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) != s);
	return stime + time_scale_delta(tsc > stamp ? tsc - stamp : 0, mul, shift);
}
/* A consistent copy of the current function. */
void time_clock_get(const struct time_clock *c, struct time_rec *out);
/* Make r the current function (one writer at a time). */
void time_clock_set(struct time_clock *c, const struct time_rec *r);
/* The clock's generation: it changes with every time_clock_set. */
static inline uint32_t time_clock_gen(const struct time_clock *c)
{
	return __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
}

/* Scale arithmetic (kernel/time/scale.c, host-tested). */
void time_scale_from_hz(uint64_t hz, uint32_t *mul, int8_t *shift);
/* The scale for x -> x * num / den (num, den > 0). */
void time_scale_ratio(uint64_t num, uint64_t den, uint32_t *mul, int8_t *shift);
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
