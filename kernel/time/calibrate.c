/*
 * The system clock and its recalibration against the platform timer
 * (ideas in hospes/time.h, "Recalibration"; the arch side, the platform
 * timer and the epoch timer, is kernel/arch/x86_64/time_cal.c).
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
 * Error bound: let each point's error (the platform's reading against its
 * TSC value, in ns) be at most d: half the bracket of the two TSC reads
 * around the platform read, plus the platform's resolution.  The rate
 * measured between the last two points is then off by (d_before + d_last)
 * over that interval (len_rate), which the next interval (len_used) scales
 * by len_used / len_rate; the new function starts off by d_last, the
 * point it is checked at adds d_now, and a lead given back over len_rate
 * but used for len_used leaves lead x |len_used - len_rate| / len_rate.
 * That sum and the rounding is time_cal_bound; a change of the TSC's own
 * rate adds (change x interval) once.
 *
 * Outliers: a point can be off by more than its bracket says (under TCG
 * the TSC is the host's and the HPET QEMU's monotonic clock, and a vCPU
 * thread that moves to a host core with a slightly different TSC offset
 * sees their relation step; on hardware an SMI or a TSC not quite in
 * step can do the same).  Acted on, such a point steers the clock
 * towards it and the next one steers it back: two errors beyond the
 * bound, with opposite signs.  So a point beyond the bound is held
 * (time_cal_spike) and the clock keeps its function for this epoch; the
 * next point, measured against the same function, decides: beyond the
 * bound too, with the same sign and a similar error (the larger at most
 * twice the smaller, plus the bound: a rate change seen from its first
 * epoch grows by one epoch's worth per epoch, 1x then 2x), and the step
 * is real and is taken (still beyond the bound, which the checks count);
 * anything else drops the held point and is acted on: never two holds in
 * a row, so the clock is steered at least every second epoch (a point
 * beyond the bound that disagrees is then a failure of the bound, as
 * before).  While a point is held, the next
 * calibration's rate and bound run from the last point acted on (an
 * interval of two epochs, as a late epoch timer's).
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

uint64_t time_cal_bound(const struct time_cal_unsure *u)
{
	uint64_t diff =
		u->len_used > u->len_rate ? u->len_used - u->len_rate : u->len_rate - u->len_used;
	uint64_t rate, lead, b;

	/* 64-bit products (no 128-bit division in the hypervisor): a product
	 * that overflows makes no claim */
	if (!u->len_rate || __builtin_mul_overflow(u->d_before + u->d_last, u->len_used, &rate) ||
	    __builtin_mul_overflow(u->lead, diff, &lead))
		return UINT64_MAX;
	b = u->d_now + u->d_last + rate / u->len_rate + lead / u->len_rate;
	if (__builtin_add_overflow(b, TIME_CAL_ROUNDING_NS + (u->len_used >> 29), &b))
		return UINT64_MAX;
	return b;
}

enum time_cal_verdict time_cal_spike(struct time_cal_spike *s, int64_t err, uint64_t bound,
				     uint64_t at, struct time_cal_spike *dropped)
{
	uint64_t m = time_abs_ns(err);

	dropped->held = false;
	if (m <= bound) {
		*dropped = *s;
		s->held = false;
		return TIME_CAL_TAKE;
	}
	if (!s->held) {
		*s = (struct time_cal_spike){.held = true, .err = err, .at = at};
		return TIME_CAL_HOLD;
	}
	s->held = false;
	if ((err < 0) == (s->err < 0)) {
		uint64_t h = time_abs_ns(s->err), lo = m < h ? m : h, hi = m < h ? h : m;
		/* hi <= 2 lo + bound, without overflow (bound may be huge) */
		if (hi - lo <= lo || hi - lo - lo <= bound)
			return TIME_CAL_CONFIRMED;
	}
	*dropped = *s; /* never two holds in a row: this one is acted on */
	dropped->held = true;
	return TIME_CAL_TAKE;
}

uint64_t time_cal_lead(int64_t err, const struct time_point *prev, const struct time_point *now)
{
	uint64_t lead = err < 0 ? (uint64_t)-err : 0;

	if (now->plat_ns <= prev->plat_ns)
		return 0;
	return lead > (now->plat_ns - prev->plat_ns) / 2 ? (now->plat_ns - prev->plat_ns) / 2
							 : lead;
}

uint64_t time_cal_epoch_max(uint64_t mask, uint32_t mul, int8_t shift)
{
	if (mask == UINT64_MAX)
		return UINT64_MAX; /* 64 bits: centuries */
	return time_scale_delta(mask, mul, shift) / 2;
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
	time_rec_set_rate(next, dp - time_cal_lead(err, prev, now), dt);
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
