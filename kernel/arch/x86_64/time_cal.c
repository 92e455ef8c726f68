/*
 * Recalibrating the system clock against the HPET (the arithmetic and its
 * error bound are kernel/time/calibrate.c; ideas in hospes/time.h).
 *
 * The platform timer is the HPET's main counter, extended to 64 bits in
 * software when it is 32 bits wide (read once per epoch, far more often
 * than it wraps: 42 s at 100 MHz) and turned into nanoseconds by a scale
 * from its period.  Its origin is the system clock's time at the first
 * point, taken when recalibration starts, so the two agree there.
 *
 * Every epoch (time_epoch_ms, default 1 s) a timer on the boot CPU reads a
 * calibration point: the HPET between two TSC reads, the tightest of a
 * few tries, the TSC taken as the middle of that bracket (half of it is
 * the point's uncertainty).  The next function replaces the system
 * clock's (time_clock_set); this CPU rewrites its running vCPU's time
 * record, and a timer set to fire at once on every other online CPU (an
 * IPI through the timer queues) makes each do the same.  A vCPU that is
 * not running gets the new record when it is next loaded (pv.c).
 *
 * Every calibration's error (HPET minus clock at the point, before the
 * correction) is checked against time_cal_bound of the largest
 * uncertainty of the points involved, from the third calibration on (the
 * first corrects the boot calibration's rate, the second runs on a rate
 * from a full epoch), and so is the error of the time record of the vCPU
 * this CPU was running (the guest's own view, before it is rewritten:
 * a stale record would show here); the first few, the first few with a
 * vCPU's record, and every one beyond the bound are logged (scenario/cpu
 * reads them).
 *
 * Runs with interrupts off in the boot CPU's timer function: one writer
 * of sys_clock and of everything here, so no lock.  Without an HPET the
 * clock keeps its boot calibration, and the boot log says so.
 */
#include <asm/arch.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <hospes/cmdline.h>
#include <hospes/domain.h>
#include <hospes/percpu.h>
#include <hospes/printk.h>
#include <hospes/time.h>
#include <public/xen.h>

#define CAL_TRIES  4 /* HPET reads per point: the tightest bracket wins */
#define CAL_LOGGED 6 /* calibrations logged in full; after them only errors beyond the bound */

extern struct hospes_options hospes_options;

bool time_recalibrating;

static volatile uint64_t *hpet;
static bool hpet_wide;
static uint32_t hpet_mul; /* HPET ticks -> ns */
static int8_t hpet_shift;
static uint64_t hpet_last, hpet_ticks; /* the last raw value; ticks since the origin */
static uint64_t plat_origin;	       /* the platform's ns at hpet_ticks 0 */
static struct time_point last_point;
static uint64_t epoch_ns, unsure_ns[2];		  /* the last two points' uncertainties */
static uint64_t calibrations, beyond, with_guest; /* with_guest: a vCPU's record compared */
static struct timer cal_timer, refresh_timer[NR_CPUS];

/* The platform's time at HPET counter value raw (read after the last one). */
static uint64_t platform_ns(uint64_t raw)
{
	hpet_ticks += hpet_wide ? raw - hpet_last : (uint32_t)(raw - hpet_last);
	hpet_last = raw;
	return plat_origin + time_scale_delta(hpet_ticks, hpet_mul, hpet_shift);
}

/* A calibration point; *half = half its TSC bracket, in ticks. */
static struct time_point read_point(uint64_t *half)
{
	uint64_t best = ~0ULL, raw = 0, mid = 0;

	for (unsigned int i = 0; i < CAL_TRIES; i++) {
		uint64_t before = rdtsc(), r = *hpet, after = rdtsc();
		if (after - before < best) {
			best = after - before;
			raw = r;
			mid = before + best / 2;
		}
	}
	*half = best / 2;
	return (struct time_point){.tsc = mid, .plat_ns = platform_ns(raw)};
}

static void refresh(void *unused)
{
	(void)unused;
	arch_time_refresh();
}

/* HPET minus the guest's clock at p by the record of the vCPU this CPU
 * runs; false if no vCPU runs.  Only this CPU writes the record, but it
 * lies in guest-writable memory: each field is read once and a shift no
 * scale of ours has is not used (a diagnostic only; nothing else reads
 * it back). */
static bool guest_error(const struct time_point *p, int64_t *err, struct vcpu **who)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	if (!v || !v->vcpu_info)
		return false;
	const volatile struct vcpu_time_info *t = &v->vcpu_info->time;
	struct time_rec r = {.tsc_stamp = t->tsc_timestamp,
			     .stime_stamp = t->system_time,
			     .mul = t->tsc_to_system_mul,
			     .shift = t->tsc_shift};
	if (r.shift < -31 || r.shift > 31)
		return false;
	*err = (int64_t)(p->plat_ns - time_rec_ns(&r, p->tsc));
	*who = v;
	return true;
}

static uint64_t magnitude(int64_t x)
{
	return x < 0 ? (uint64_t)-x : (uint64_t)x;
}

static void note(int64_t err, uint64_t unsure, const struct time_rec *r, const struct time_point *p)
{
	uint64_t worst = unsure > unsure_ns[0] ? unsure : unsure_ns[0];
	int64_t gerr = 0;
	struct vcpu *v = NULL;
	bool guest = guest_error(p, &gerr, &v);
	char gtext[48] = "";

	worst = worst > unsure_ns[1] ? worst : unsure_ns[1];
	unsure_ns[1] = unsure_ns[0];
	unsure_ns[0] = unsure;
	calibrations++;
	uint64_t bound = time_cal_bound(worst);
	bool out =
		calibrations > 2 && (magnitude(err) > bound || (guest && magnitude(gerr) > bound));
	beyond += out;
	if (guest)
		snprintf(gtext, sizeof(gtext), ", d%u v%u's record %ld ns", v->domain->id, v->id,
			 (long)gerr);
	with_guest += guest;
	if (calibrations <= CAL_LOGGED || (guest && with_guest <= CAL_LOGGED) ||
	    (out && beyond <= 16))
		printk("%stime: calibration %lu: HPET - clock %ld ns%s (bound %lu ns, point "
		       "within %lu ns), scale %u/%d%s\n",
		       out ? LOG_WARN : LOG_INFO, (unsigned long)calibrations, (long)err, gtext,
		       (unsigned long)bound, (unsigned long)unsure, (unsigned int)r->mul, r->shift,
		       out ? ": beyond the bound" : "");
}

static void calibrate(void *unused)
{
	struct time_rec cur, next;
	uint64_t half;
	unsigned int self = smp_processor_id();
	(void)unused;

	struct time_point p = read_point(&half);
	time_clock_get(&sys_clock, &cur);
	int64_t err = time_calibrate(&cur, &last_point, &p, &next);
	time_clock_set(&sys_clock, &next);
	last_point = p;
	note(err, time_scale_delta(half, cur.mul, cur.shift), &next, &p);
	arch_time_refresh();
	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (c != self && percpu[c].online)
			timer_set(&refresh_timer[c], 0);
	timer_set(&cal_timer, now_ns() + epoch_ns);
}

void time_cal_start(void)
{
	uint64_t period_fs, half;

	epoch_ns = hospes_options.time_epoch_ms * NSEC_PER_MSEC;
	hpet = tsc_hpet_counter(&period_fs, &hpet_wide);
	if (!epoch_ns || !hpet) {
		printk("time: no recalibration (%s): the boot calibration stays\n",
		       epoch_ns ? "no HPET" : "time_epoch_ms=0");
		return;
	}
	time_scale_ratio(period_fs, 1000000, &hpet_mul, &hpet_shift);
	unsigned long flags = local_irq_save();
	hpet_last = *hpet;
	last_point = read_point(&half);
	hpet_ticks = 0; /* the origin: the clock's time at the first point */
	plat_origin = time_clock_now(&sys_clock, last_point.tsc);
	last_point.plat_ns = plat_origin;
	local_irq_restore(flags);
	for (unsigned int c = 0; c < NR_CPUS; c++)
		timer_init(&refresh_timer[c], refresh, NULL, c);
	timer_init(&cal_timer, calibrate, NULL, smp_processor_id());
	time_recalibrating = true;
	timer_set(&cal_timer, now_ns() + epoch_ns);
	printk("time: the clock is recalibrated against the HPET every %u ms\n",
	       hospes_options.time_epoch_ms);
}
