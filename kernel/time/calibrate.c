/*
 * The system clock and its recalibration against the platform timer
 * (ideas in hospes/time.h, "Recalibration"; the arch side, the HPET and
 * the epoch timer, is kernel/arch/x86_64/time_cal.c).
 *
 * The clock is one linear function of the TSC at a time, kept in Xen's
 * vcpu_time_info form: system time = stime_stamp + scale(tsc - tsc_stamp).
 * The boot calibration (20 ms against the HPET or the PIT) leaves a rate
 * error of some parts per million, which would add up without bound; so
 * at every epoch a calibration point (the TSC and the platform timer read
 * together) gives the next function:
 *
 *   - it starts where the current one is at the point (continuity: no
 *     reader sees time go back), or at the platform time if the clock is
 *     behind it (a warp forward, as Xen does);
 *   - its rate is the platform time over the TSC ticks between the last
 *     two points (the measured TSC frequency), slowed so that a clock
 *     ahead of the platform gives back that lead over the next epoch
 *     (never by more than half, so the clock always advances).
 *
 * Error bound: with every point's TSC known to within d ns of the moment
 * the platform timer was read (half the bracket of two TSC reads around
 * it), the rate is off by at most 2d over an epoch, so the clock is
 * within time_cal_bound(d) of the platform at the next point (2d from
 * the rate, d from each of the two stamps, the rest rounding); a change
 * of the TSC's own rate adds (change x epoch) once.
 *
 * The two-slot clock: an update writes the slot readers are not using,
 * then advances seq (release); a reader takes seq (acquire), reads slot
 * seq & 1, and retries if seq moved meanwhile (only a second update can
 * have rewritten its slot, but one compare is the cheaper test).  One
 * writer (the calibrating CPU, interrupts off); readers anywhere, without
 * a lock.
 */
#include <hospes/time.h>

uint64_t time_rec_tsc(const struct time_rec *r, uint64_t ns)
{
	if (ns <= r->stime_stamp)
		return r->tsc_stamp; /* already passed: as soon as possible */
	/* The inverse scale rounds down (its mul by up to 2^-31, its shift by
	 * a tick), and the forward one ignores the low -shift bits of a delta:
	 * rounded up by both here, as a deadline a tick early would find its
	 * timer not yet expired and cost another interrupt. */
	uint64_t ticks = time_scale_delta(ns - r->stime_stamp, r->inv_mul, r->inv_shift);
	ticks += (ticks >> 30) + 2;
	if (r->shift < 0)
		ticks += 1ULL << -r->shift;
	return r->tsc_stamp + ticks;
}

void time_rec_set_rate(struct time_rec *r, uint64_t ns, uint64_t ticks)
{
	time_scale_ratio(ns, ticks, &r->mul, &r->shift);
	time_scale_ratio(ticks, ns, &r->inv_mul, &r->inv_shift);
}

uint64_t time_cal_bound(uint64_t d_ns)
{
	return 4 * d_ns + TIME_CAL_ROUNDING_NS;
}

int64_t time_calibrate(const struct time_rec *cur, const struct time_point *prev,
		       const struct time_point *now, struct time_rec *next)
{
	uint64_t local = time_rec_ns(cur, now->tsc);
	int64_t err = (int64_t)(now->plat_ns - local);

	*next = *cur;
	next->tsc_stamp = now->tsc;
	next->stime_stamp = err > 0 ? now->plat_ns : local;
	if (now->tsc <= prev->tsc || now->plat_ns <= prev->plat_ns || now->tsc < cur->tsc_stamp)
		return err; /* no interval to measure (or a clock went back): the rate stays */
	uint64_t dp = now->plat_ns - prev->plat_ns, dt = now->tsc - prev->tsc;
	uint64_t lead = err < 0 ? (uint64_t)-err : 0;
	if (lead > dp / 2)
		lead = dp / 2;
	time_rec_set_rate(next, dp - lead, dt);
	return err;
}

void time_clock_get(const struct time_clock *c, struct time_rec *out)
{
	for (;;) {
		uint32_t s = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE);
		*out = c->rec[s & 1];
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) == s)
			return;
	}
}

void time_clock_set(struct time_clock *c, const struct time_rec *r)
{
	uint32_t s = c->seq;

	c->rec[(s + 1) & 1] = *r;
	__atomic_store_n(&c->seq, s + 1, __ATOMIC_RELEASE);
}
