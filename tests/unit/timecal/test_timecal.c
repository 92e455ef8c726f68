/*
 * Host tests of the system clock's recalibration (kernel/time/calibrate.c):
 * the scales in both directions without overflow, the calibration step
 * (continuity, a warp forward when behind, a lead given back, the lead
 * clamp, points that measure nothing), and a simulated machine: a TSC
 * whose true rate differs from the boot calibration, read against an
 * platform timer once per epoch with a bracket uncertainty, must
 * stay within time_cal_bound() of the platform from the second
 * calibration on, and the clock read between and across updates (through
 * the two-slot time_clock) must never go back.  A TSC whose rate changes
 * mid-run costs one calibration's error (held, then confirmed by the next
 * and taken), then the bound holds again.  The spike suppressor: a lone
 * point off by more than the bound is held and dropped and the clock is
 * not steered by it; a clean run holds nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <hospes/time.h>

#define GHZ 1000000000ULL

static int64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? (int64_t)(a - b) : (int64_t)(b - a);
}

/* Both scales of a rate: no overflow over ten years, a round trip exact to a few ticks. */
static void test_rates(void **state)
{
	static const uint64_t hz[] = {1000000ULL, 14318180ULL,	 100000000ULL,
				      GHZ,	  2445418000ULL, 3999999999ULL,
				      5 * GHZ,	  12 * GHZ,	 (1ULL << 34) + 12345};
	(void)state;
	for (unsigned int i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		struct time_rec r = {.tsc_stamp = 1000, .stime_stamp = 5};
		time_rec_set_rate(&r, NSEC_PER_SEC, hz[i]);
		/* one second, one day, ten years of ticks */
		static const uint64_t secs[] = {1, 86400, 86400ULL * 3653};
		for (unsigned int k = 0; k < 3; k++) {
			uint64_t ticks = hz[i] * secs[k];
			uint64_t ns = time_rec_ns(&r, 1000 + ticks) - 5,
				 want = secs[k] * NSEC_PER_SEC;
			assert_true(absdiff(ns, want) <= (int64_t)(want >> 28) + 2); /* < 4 ppb */
		}
		/* the inverse: a deadline's TSC is never early, and late by at most
		 * the rounding (the forward scale's shift: 16 ticks at 2^34 Hz) */
		for (uint64_t ns = 1; ns < 100 * NSEC_PER_SEC; ns = ns * 7 + 3) {
			uint64_t tsc = time_rec_tsc(&r, 5 + ns);
			uint64_t ideal = (uint64_t)((unsigned __int128)ns * hz[i] / NSEC_PER_SEC);
			assert_true(time_rec_ns(&r, tsc) >= 5 + ns);
			assert_true(tsc - 1000 <= ideal + (ideal >> 28) + 20);
		}
		assert_int_equal(time_rec_tsc(&r, 5), 1000); /* now or past: at once */
		assert_int_equal(time_rec_tsc(&r, 0), 1000);
		assert_int_equal(time_rec_ns(&r, 10), 5); /* a TSC before the stamp: the stamp */
	}
}

static struct time_rec rec_at(uint64_t tsc, uint64_t ns, uint64_t hz)
{
	struct time_rec r = {.tsc_stamp = tsc, .stime_stamp = ns};
	time_rec_set_rate(&r, NSEC_PER_SEC, hz);
	return r;
}

/* One step by hand: behind (warp), ahead (lead given back), clamp, nothing measured. */
static void test_step(void **state)
{
	struct time_rec cur = rec_at(0, 0, GHZ), next;
	struct time_point prev = {0, 0}, now = {GHZ, NSEC_PER_SEC + 3000};
	(void)state;
	/* the clock (1 s) is 3 us behind the platform: warp to it, rate measured */
	assert_int_equal(time_calibrate(&cur, &prev, &now, &next), 3000);
	assert_int_equal(next.tsc_stamp, GHZ);
	assert_int_equal(next.stime_stamp, NSEC_PER_SEC + 3000);
	assert_true(absdiff(time_rec_ns(&next, 2 * GHZ), 2 * NSEC_PER_SEC + 6000) <= 2);
	/* 5 us ahead: no jump back, the lead given back over the next second */
	now.plat_ns = NSEC_PER_SEC - 5000;
	assert_int_equal(time_calibrate(&cur, &prev, &now, &next), -5000);
	assert_int_equal(next.stime_stamp, NSEC_PER_SEC);
	uint64_t plat_next = now.plat_ns + (NSEC_PER_SEC - 5000); /* the same rate goes on */
	assert_true(absdiff(time_rec_ns(&next, 2 * GHZ), plat_next) <= 2);
	/* a lead beyond half the epoch: half speed, never slower */
	now.plat_ns = NSEC_PER_SEC / 4;
	time_calibrate(&cur, &prev, &now, &next);
	assert_int_equal(next.stime_stamp, NSEC_PER_SEC);
	assert_true(absdiff(time_rec_ns(&next, 2 * GHZ) - NSEC_PER_SEC, NSEC_PER_SEC / 8) <= 2);
	/* nothing measured (same TSC, platform not advanced): rate kept, continuous */
	struct time_point same = prev;
	assert_int_equal(time_calibrate(&cur, &prev, &same, &next), 0);
	assert_int_equal(next.mul, cur.mul);
	assert_int_equal(next.shift, cur.shift);
	now = (struct time_point){GHZ, 0};
	time_calibrate(&cur, &prev, &now, &next);
	assert_int_equal(next.mul, cur.mul);
	assert_int_equal(next.stime_stamp, NSEC_PER_SEC);
}

/* The simulated machine: true time t (ns), TSC = tsc_base + (t - t_base) * hz / 1e9. */
static uint64_t hz_true, tsc_base, t_base;

static uint64_t true_tsc(uint64_t t)
{
	return tsc_base + (uint64_t)((unsigned __int128)(t - t_base) * hz_true / NSEC_PER_SEC);
}

/* A point at t: the TSC off by up to noise ticks (a bracket), the platform
 * read quantised down to res ns (a PM timer: 280). */
static struct time_point point(uint64_t t, uint64_t noise, uint64_t res)
{
	int64_t e = noise ? (int64_t)(random() % (2 * noise + 1)) - (int64_t)noise : 0;
	return (struct time_point){.tsc = true_tsc(t) + (uint64_t)e, .plat_ns = t - t % res};
}

struct sim {
	uint64_t boot_hz, noise, res; /* boot calibration, TSC noise (ticks), platform resolution */
	unsigned int epochs;
	uint64_t epoch_ns;
	bool jitter;	      /* intervals of 0.5 to 3 epochs, as a loaded timer's */
	unsigned int step_at; /* the TSC's rate becomes step_hz before this calibration */
	uint64_t step_hz;
	int64_t step_err;      /* out: the error at step_at */
	uint64_t worst;	       /* out: the largest |error| checked */
	unsigned int spike_at; /* the platform read at this calibration is off by spike_ns */
	int64_t spike_ns;
	unsigned int held, confirmed, dropped; /* out: the suppressor's verdicts */
};

/* Calibrate as time_cal.c does (a point beyond the bound held, the clock
 * left as it is); every error acted on from the second calibration on
 * (but step_at's confirmation) must lie within time_cal_bound, and the
 * clock read between and across updates must never go back. */
static void simulate(struct sim *s)
{
	struct time_clock c = {0};
	struct time_rec r = rec_at(true_tsc(0), 0, s->boot_hz), next;
	struct time_point prev = point(0, 0, 1);
	struct time_cal_unsure u = {.d_last = 1};
	struct time_cal_spike sp = {0}, dropped;
	uint64_t last_read = 0, t = 0, d = s->noise * NSEC_PER_SEC / hz_true + 1 + s->res;

	s->worst = 0;
	s->held = s->confirmed = s->dropped = 0;
	time_clock_set(&c, &r);
	for (unsigned int k = 1; k <= s->epochs; k++) {
		uint64_t len =
			s->jitter ? s->epoch_ns / 2 + (uint64_t)random() % (5 * s->epoch_ns / 2)
				  : s->epoch_ns;
		if (k == s->step_at) { /* the rate changes at the previous point */
			tsc_base = true_tsc(t);
			t_base = t;
			hz_true = s->step_hz;
		}
		for (unsigned int q = 1; q < 4; q++) { /* readings through the interval */
			uint64_t ns = time_clock_now(&c, true_tsc(t + q * len / 4));
			assert_true(ns >= last_read);
			last_read = ns;
		}
		t += len;
		struct time_point p = point(t, s->noise, s->res);
		if (k == s->spike_at)
			p.plat_ns += (uint64_t)s->spike_ns;
		time_clock_get(&c, &r);
		int64_t err = time_calibrate(&r, &prev, &p, &next);
		/* continuity: the new function starts at or after the old one */
		assert_true(time_rec_ns(&next, p.tsc) >= time_rec_ns(&r, p.tsc));
		u.d_now = d;
		u.len_used = p.plat_ns - prev.plat_ns;
		uint64_t bound = time_cal_bound(&u), mag = (uint64_t)(err < 0 ? -err : err);
		if (s->step_at && k == s->step_at)
			s->step_err = err;
		enum time_cal_verdict v = time_cal_spike(&sp, err, bound, k, &dropped);
		uint32_t gen = time_clock_gen(&c);
		if (dropped.held) {
			s->dropped++;
			assert_int_equal(dropped.at, k - 1); /* held one calibration only */
		}
		if (v == TIME_CAL_HOLD) { /* not acted on: the clock, prev and u stay */
			assert_true(mag > bound);
			s->held++;
			continue;
		}
		s->confirmed += v == TIME_CAL_CONFIRMED;
		time_clock_set(&c, &next);
		assert_int_not_equal(time_clock_gen(&c), gen);
		uint64_t ns = time_clock_now(&c, p.tsc);
		assert_true(ns >= last_read);
		last_read = ns;
		if (k == 1)
			assert_true(bound == UINT64_MAX); /* no rate measured yet */
		if (k >= 2 && (!s->step_at || k < s->step_at || k > s->step_at + 1)) {
			assert_int_equal(v, TIME_CAL_TAKE);
			assert_true(mag <= bound);
			s->worst = mag > s->worst ? mag : s->worst;
		}
		u.d_before = u.d_last;
		u.d_last = d;
		u.len_rate = u.len_used;
		u.lead = time_cal_lead(err, &prev, &p);
		prev = p;
	}
}

static void setup_machine(uint64_t hz)
{
	hz_true = hz;
	tsc_base = 500;
	t_base = 0;
	srandom(7);
}

/* Exact points: within the rounding; a 200 ppm or 1% boot error is gone by the second. */
static void test_converges_exact(void **state)
{
	struct sim s = {.boot_hz = 2445418000ULL + 489084,
			.res = 1,
			.epochs = 40,
			.epoch_ns = NSEC_PER_SEC};
	(void)state;
	setup_machine(2445418000ULL);
	simulate(&s);
	assert_true(s.worst <= TIME_CAL_ROUNDING_NS);
	s = (struct sim){.boot_hz = 1010000000ULL,
			 .res = 1,
			 .epochs = 200,
			 .epoch_ns = 20 * NSEC_PER_MSEC}; /* icount's 1 GHz, 20 ms epochs */
	setup_machine(1000000000ULL);
	simulate(&s);
	assert_true(s.worst <= TIME_CAL_ROUNDING_NS);
}

/* Noisy points, a coarse platform, irregular intervals: always within the
 * bound (simulate checks), and the bound not loose by orders of magnitude. */
static void test_bound_with_noise(void **state)
{
	static const uint64_t noise_ticks[] = {1, 50, 500, 5000};
	static const uint64_t res_ns[] = {1, 10, 280};
	static const uint64_t epochs_ns[] = {10 * NSEC_PER_MSEC, NSEC_PER_SEC, 10 * NSEC_PER_SEC};
	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		for (unsigned int j = 0; j < 3; j++)
			for (unsigned int k = 0; k < 3; k++)
				for (int jitter = 0; jitter < 2; jitter++) {
					struct sim s = {.boot_hz = 2445000000ULL,
							.noise = noise_ticks[i],
							.res = res_ns[k],
							.epochs = 300,
							.epoch_ns = epochs_ns[j],
							.jitter = jitter};
					setup_machine(2445418000ULL);
					simulate(&s);
					assert_true(s.worst > 0);
					assert_int_equal(s.held, 0); /* nothing held */
				}
}

/* The TSC's rate changes by 0.1%: one calibration pays change x epoch, then the bound holds. */
static void test_rate_step(void **state)
{
	struct sim s = {.boot_hz = 2000000000ULL,
			.noise = 10,
			.res = 10,
			.epochs = 60,
			.epoch_ns = NSEC_PER_SEC,
			.step_at = 20,
			.step_hz = 2002000000ULL};
	(void)state;
	setup_machine(2000000000ULL);
	simulate(&s);
	/* 0.1% fast for one second: the clock ran ~1 ms ahead */
	assert_true(s.step_err < -900000 && s.step_err > -1100000);
	/* held at step_at, confirmed by the next (~2 ms ahead), taken */
	assert_int_equal(s.held, 1);
	assert_int_equal(s.confirmed, 1);
	assert_int_equal(s.dropped, 0);
	/* the same at 20 ms epochs and a 1% step, as seen from both signs */
	for (int sign = 0; sign < 2; sign++) {
		s = (struct sim){.boot_hz = 1000000000ULL,
				 .noise = 10,
				 .res = 10,
				 .epochs = 200,
				 .epoch_ns = 20 * NSEC_PER_MSEC,
				 .step_at = 50,
				 .step_hz = sign ? 990000000ULL : 1010000000ULL};
		setup_machine(1000000000ULL);
		simulate(&s);
		assert_true(sign ? s.step_err > 0 : s.step_err < 0);
		assert_int_equal(s.held, 1);
		assert_int_equal(s.confirmed, 1);
	}
}

/* The suppressor's verdicts by hand: the bound, the sign, the agreement. */
static void test_spike_verdicts(void **state)
{
	struct time_cal_spike sp = {0}, dropped;
	(void)state;
	/* within the bound (either sign, at it): taken, nothing dropped */
	assert_int_equal(time_cal_spike(&sp, 300, 356, 1, &dropped), TIME_CAL_TAKE);
	assert_false(dropped.held);
	assert_int_equal(time_cal_spike(&sp, -356, 356, 2, &dropped), TIME_CAL_TAKE);
	assert_false(sp.held);
	/* no rate yet: never held */
	assert_int_equal(time_cal_spike(&sp, INT64_MAX, UINT64_MAX, 3, &dropped), TIME_CAL_TAKE);
	/* a lone spike: held, then dropped by a point within the bound */
	assert_int_equal(time_cal_spike(&sp, -1200, 356, 11, &dropped), TIME_CAL_HOLD);
	assert_false(dropped.held);
	assert_true(sp.held);
	assert_int_equal(time_cal_spike(&sp, 40, 393, 12, &dropped), TIME_CAL_TAKE);
	assert_true(dropped.held);
	assert_int_equal(dropped.at, 11);
	assert_int_equal(dropped.err, -1200);
	assert_false(sp.held);
	/* beyond with the opposite sign: the held one dropped, this one taken (no second hold) */
	assert_int_equal(time_cal_spike(&sp, -1200, 356, 20, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, 1153, 393, 21, &dropped), TIME_CAL_TAKE);
	assert_true(dropped.held);
	assert_int_equal(dropped.at, 20);
	assert_false(sp.held);
	/* a real step seen twice, alike: confirmed (1x then 2x, plus the bound) */
	assert_int_equal(time_cal_spike(&sp, 1000, 300, 30, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, 2300, 300, 31, &dropped), TIME_CAL_CONFIRMED);
	assert_false(dropped.held);
	assert_false(sp.held);
	assert_int_equal(time_cal_spike(&sp, -5000, 300, 32, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, -2600, 300, 33, &dropped), TIME_CAL_CONFIRMED);
	/* the same sign but not alike (more than twice, plus the bound): dropped */
	assert_int_equal(time_cal_spike(&sp, 1000, 300, 40, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, 2301, 300, 41, &dropped), TIME_CAL_TAKE);
	assert_true(dropped.held);
	assert_int_equal(dropped.at, 40);
	/* extremes: no overflow */
	assert_int_equal(time_cal_spike(&sp, INT64_MIN, 300, 50, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, INT64_MIN, 300, 51, &dropped), TIME_CAL_CONFIRMED);
	assert_int_equal(time_cal_spike(&sp, INT64_MAX, 0, 52, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, 1, 0, 53, &dropped), TIME_CAL_TAKE);
	assert_true(dropped.held);
	assert_int_equal(dropped.err, INT64_MAX);
}

/* A lone spike in a run (the platform read 1.2 us off once, scenario/cpu's
 * case): held and dropped, the clock not steered towards it, and every
 * calibration acted on, the one after the spike included, within the bound. */
static void test_spike_held(void **state)
{
	static const int64_t spikes[] = {-1200, 1153, -100000, 5000000};
	(void)state;
	for (unsigned int i = 0; i < sizeof(spikes) / sizeof(spikes[0]); i++) {
		struct sim s = {.boot_hz = 1000000000ULL,
				.noise = 10,
				.res = 10,
				.epochs = 200,
				.epoch_ns = 20 * NSEC_PER_MSEC,
				.spike_at = 11,
				.spike_ns = spikes[i]};
		setup_machine(1000000000ULL);
		simulate(&s);
		assert_int_equal(s.held, 1);
		assert_int_equal(s.dropped, 1);
		assert_int_equal(s.confirmed, 0);
		assert_true(s.worst <= 1000); /* tens of ns, as a clean run's */
	}
	/* two spikes in a row but opposite: the first dropped, the second
	 * acted on (and beyond the bound, which simulate would fail) */
	struct time_cal_spike sp = {0}, dropped;
	assert_int_equal(time_cal_spike(&sp, -1200, 356, 1, &dropped), TIME_CAL_HOLD);
	assert_int_equal(time_cal_spike(&sp, 1200, 356, 2, &dropped), TIME_CAL_TAKE);
}

/* The two slots: a write lands in the other slot; a copy is the current function. */
/*
 * The epoch is capped below the platform counter's wrap: a 32-bit
 * counter at 100 MHz wraps in 42.9 s, so time_epoch_ms=60000 would let
 * it wrap between two reads (43 s lost, then half a rate given back).
 */
static void test_epoch_max(void **state)
{
	(void)state;
	uint32_t mul;
	int8_t shift;

	time_scale_ratio(10000000, 1000000, &mul, &shift); /* 10 ns per tick (fs / 1e6) */
	uint64_t hpet32 = time_cal_epoch_max(0xffffffffULL, mul, shift);
	assert_true(hpet32 < 60000 * NSEC_PER_MSEC);
	assert_in_range(hpet32, 21474836480ULL - 1000, 21474836480ULL + 1000); /* 2^32 x 10 / 2 */
	time_scale_ratio(NSEC_PER_SEC, 3579545, &mul, &shift); /* a 24-bit PM timer */
	uint64_t pm24 = time_cal_epoch_max(0xffffffULL, mul, shift);
	assert_in_range(pm24, 2343000000ULL, 2344000000ULL);
	assert_int_equal(time_cal_epoch_max(~0ULL, mul, shift), UINT64_MAX);
}

static void test_two_slots(void **state)
{
	struct time_clock c = {0};
	struct time_rec a = rec_at(100, 7, GHZ), b = rec_at(200, 9, GHZ), got;
	(void)state;
	time_clock_set(&c, &a);
	time_clock_get(&c, &got);
	assert_memory_equal(&got, &a, sizeof(got));
	time_clock_set(&c, &b);
	assert_memory_equal(&c.rec[(c.seq + 1) & 1], &a,
			    sizeof(a)); /* the reader's old slot intact */
	time_clock_get(&c, &got);
	assert_memory_equal(&got, &b, sizeof(got));
	assert_int_equal(time_clock_now(&c, 200 + GHZ), 9 + NSEC_PER_SEC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rates),		cmocka_unit_test(test_step),
		cmocka_unit_test(test_converges_exact), cmocka_unit_test(test_bound_with_noise),
		cmocka_unit_test(test_rate_step),	cmocka_unit_test(test_two_slots),
		cmocka_unit_test(test_epoch_max),	cmocka_unit_test(test_spike_verdicts),
		cmocka_unit_test(test_spike_held),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
