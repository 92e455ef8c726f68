/*
 * Recalibrating the system clock against the platform timer (the
 * arithmetic and its error bound are kernel/time/calibrate.c; ideas in
 * hospes/time.h).
 *
 * The platform timer is the HPET's main counter, or the ACPI PM timer
 * where there is no HPET or clocksource=acpi asks for it (Xen's option
 * and names): a free-running counter, extended to 64 bits in software
 * from its 32 (HPET, or PM timer with TMR_VAL_EXT) or 24 bits (read once
 * per epoch, more often than it wraps: 42 s for a 32-bit HPET at 100 MHz,
 * 4.7 s for a 24-bit PM timer, whose epoch is capped at 2 s; any other
 * counter's at half its wrap, time_cal_epoch_max) and turned
 * into nanoseconds by a scale from its rate (the HPET's period, the PM
 * timer's 3.579545 MHz).  Its origin is the system clock's time at the
 * first point, taken when recalibration starts, so the two agree there.
 *
 * Every epoch (time_epoch_ms, default 1 s) a timer on the boot CPU reads a
 * calibration point: the platform counter between two TSC reads, the
 * tightest of a few tries, the TSC taken as the middle of that bracket (half of it is
 * the point's uncertainty).  The next function replaces the system
 * clock's (time_clock_set); this CPU rewrites its running vCPU's time
 * record, and a timer set to fire at once on every other online CPU (an
 * IPI through the timer queues) makes each do the same.  A vCPU that is
 * not running gets the new record when it is next loaded (pv.c).
 *
 * Every calibration's error (platform minus clock at the point, before the
 * correction) is checked against time_cal_bound of the uncertainties of
 * the points involved (half a bracket plus the platform's resolution: 10
 * ns for QEMU's HPET, 280 ns for a PM timer) and the lengths of the last
 * two intervals, from the second calibration on (the first corrects the
 * boot calibration's rate), and so is the error of the time record of the vCPU
 * this CPU was running (the guest's own view, before it is rewritten:
 * a stale record would show here); the first few, the first few with a
 * vCPU's record, and every one beyond the bound are logged (scenario/cpu
 * reads them).  A point beyond the bound is first held, not acted on
 * (time_cal_spike, calibrate.c's "Outliers"): the clock, the records and
 * the next bound's knowledge stay as they are, the line says "an outlier,
 * held", and the next point drops it (logged) or confirms it (taken, and
 * still "beyond the bound"); only errors acted on count as beyond.
 *
 * Runs with interrupts off in the boot CPU's timer function: one writer
 * of sys_clock and of everything here, so no lock.  With neither timer
 * the clock keeps its boot calibration, and the boot log says so.
 */
#include <asm/arch.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <hospes/acpi.h>
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

#define PM_TMR_HZ     3579545ULL
#define PM_TMR_24_MAX 2000 /* ms: a 24-bit PM timer wraps in 4.7 s */

/* The platform timer: a free-running counter of width mask at a fixed rate. */
static struct {
	const char *name;
	volatile uint64_t *hpet; /* the HPET's main counter, or NULL: the PM timer's port */
	uint16_t port;
	uint64_t mask;
	uint32_t mul; /* ticks -> ns */
	int8_t shift;
	uint64_t tick_ns; /* its resolution, rounded up */
} plat;

static uint64_t plat_last, plat_ticks; /* the last raw value; ticks since the origin */
static uint64_t plat_origin;	       /* the platform's ns at plat_ticks 0 */
static struct time_point last_point;
static uint64_t epoch_ns;
static struct time_cal_unsure unsure; /* the next calibration's bound, as far as known */
static uint64_t calibrations, beyond, with_guest; /* with_guest: a vCPU's record compared */
static uint64_t outliers;			  /* points held */
static struct time_cal_spike spike;		  /* a point held (calibrate.c's essay) */
static struct timer cal_timer, refresh_timer[NR_CPUS];

static uint64_t plat_read(void)
{
	return plat.hpet ? *plat.hpet : inl(plat.port);
}

/* The platform's time at counter value raw (read after the last one). */
static uint64_t platform_ns(uint64_t raw)
{
	plat_ticks += (raw - plat_last) & plat.mask;
	plat_last = raw;
	return plat_origin + time_scale_delta(plat_ticks, plat.mul, plat.shift);
}

/* Choose the platform timer (clocksource=); false if there is none. */
static bool plat_pick(void)
{
	uint64_t period_fs;
	bool wide;
	volatile uint64_t *hpet = tsc_hpet_counter(&period_fs, &wide);
	bool acpi = hospes_options.clocksource == CLOCKSOURCE_ACPI || !hpet;

	if (!acpi && hpet) {
		plat.name = "HPET";
		plat.hpet = hpet;
		plat.mask = wide ? ~0ULL : 0xffffffffULL;
		plat.tick_ns = (period_fs + 999999) / 1000000;
		time_scale_ratio(period_fs, 1000000, &plat.mul, &plat.shift);
		return true;
	}
	if (!acpi_info.pm_tmr_port || acpi_info.pm_tmr_port > 0xffff)
		return false;
	plat.name = "ACPI PM timer";
	plat.port = (uint16_t)acpi_info.pm_tmr_port;
	plat.mask = acpi_info.pm_tmr_32bit ? 0xffffffffULL : 0xffffffULL;
	plat.tick_ns = (NSEC_PER_SEC + PM_TMR_HZ - 1) / PM_TMR_HZ;
	time_scale_ratio(NSEC_PER_SEC, PM_TMR_HZ, &plat.mul, &plat.shift);
	if (!acpi_info.pm_tmr_32bit && epoch_ns > PM_TMR_24_MAX * NSEC_PER_MSEC)
		epoch_ns = PM_TMR_24_MAX * NSEC_PER_MSEC;
	return true;
}

/* The platform timer, and an epoch it cannot wrap in (a 32-bit HPET at
 * 100 MHz wraps in 43 s, under time_epoch_ms's 60 s). */
static bool plat_choose(void)
{
	if (!plat_pick())
		return false;
	uint64_t max = time_cal_epoch_max(plat.mask, plat.mul, plat.shift);
	if (epoch_ns > max)
		epoch_ns = max;
	return true;
}

/* A calibration point; *half = half its TSC bracket, in ticks. */
static struct time_point read_point(uint64_t *half)
{
	uint64_t best = ~0ULL, raw = 0, mid = 0;

	for (unsigned int i = 0; i < CAL_TRIES; i++) {
		uint64_t before = rdtsc(), r = plat_read(), after = rdtsc();
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

/* The platform minus the guest's clock at p by the record of the vCPU this CPU
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

/* One epoch's calibration (the boot CPU's timer): a point, its error
 * against the clock checked and logged, and the clock steered by it
 * unless the spike suppressor holds it. */
static void calibrate(void *unused)
{
	struct time_rec cur, next;
	struct time_cal_spike dropped;
	uint64_t half;
	unsigned int self = smp_processor_id();
	int64_t gerr = 0;
	struct vcpu *v = NULL;
	char gtext[48] = "", dtext[64] = "";
	(void)unused;

	struct time_point p = read_point(&half);
	time_clock_get(&sys_clock, &cur);
	int64_t err = time_calibrate(&cur, &last_point, &p, &next);
	uint64_t unsure_now = time_scale_delta(half, cur.mul, cur.shift) + plat.tick_ns;
	unsure.d_now = unsure_now;
	unsure.len_used = p.plat_ns - last_point.plat_ns;
	uint64_t bound = time_cal_bound(&unsure);
	calibrations++;
	/* a held point is not acted on, and neither is the record of the
	 * running vCPU judged against it (as suspect as the point); a point
	 * acted on is checked as before, the record too */
	enum time_cal_verdict verdict = time_cal_spike(&spike, err, bound, calibrations, &dropped);
	bool held = verdict == TIME_CAL_HOLD;
	bool guest = guest_error(&p, &gerr, &v);
	bool out = !held && (time_abs_ns(err) > bound || (guest && time_abs_ns(gerr) > bound));
	beyond += out;
	outliers += held;
	if (guest)
		snprintf(gtext, sizeof(gtext), ", d%u v%u's record %ld ns", v->domain->id, v->id,
			 (long)gerr);
	if (dropped.held)
		snprintf(dtext, sizeof(dtext), ": the outlier of calibration %lu (%ld ns) dropped",
			 (unsigned long)dropped.at, (long)dropped.err);
	with_guest += guest;
	if (held)
		next = cur; /* the clock stays: logged as the scale that runs on */
	else
		time_clock_set(&sys_clock, &next);
	if (calibrations <= CAL_LOGGED || (guest && with_guest <= CAL_LOGGED) ||
	    (out && beyond <= 16) || ((held || dropped.held) && outliers <= 16)) {
		char btext[24] = "no rate yet";
		if (bound != UINT64_MAX)
			snprintf(btext, sizeof(btext), "bound %lu ns", (unsigned long)bound);
		printk("%stime: calibration %lu: %s - clock %ld ns%s (%s, point within %lu ns), "
		       "scale %u/%d%s%s%s%s\n",
		       out || held ? LOG_WARN : LOG_INFO, (unsigned long)calibrations, plat.name,
		       (long)err, gtext, btext, (unsigned long)unsure_now, (unsigned int)next.mul,
		       next.shift, held ? ": an outlier, held" : "",
		       verdict == TIME_CAL_CONFIRMED ? ": confirms the outlier before it, taken"
						     : "",
		       dtext, out ? ": beyond the bound" : "");
	}
	if (!held) {
		/* what the next calibration's bound knows */
		unsure.d_before = unsure.d_last;
		unsure.d_last = unsure_now;
		unsure.len_rate = unsure.len_used;
		unsure.lead = time_cal_lead(err, &last_point, &p);
		last_point = p;
		arch_time_refresh();
		for (unsigned int c = 0; c < NR_CPUS; c++)
			if (c != self && percpu[c].online)
				timer_set(&refresh_timer[c], 0);
	}
	timer_set(&cal_timer, now_ns() + epoch_ns);
}

void time_cal_start(void)
{
	struct time_rec boot;
	uint64_t half;

	epoch_ns = hospes_options.time_epoch_ms * NSEC_PER_MSEC;
	if (!epoch_ns || !plat_choose()) {
		printk("time: no recalibration (%s): the boot calibration stays\n",
		       epoch_ns ? "neither an HPET nor an ACPI PM timer" : "time_epoch_ms=0");
		return;
	}
	unsigned long flags = local_irq_save();
	plat_last = plat_read();
	last_point = read_point(&half);
	time_clock_get(&sys_clock, &boot);
	unsure.d_last = time_scale_delta(half, boot.mul, boot.shift) + plat.tick_ns;
	plat_ticks = 0; /* the origin: the clock's time at the first point */
	plat_origin = time_clock_now(&sys_clock, last_point.tsc);
	last_point.plat_ns = plat_origin;
	local_irq_restore(flags);
	for (unsigned int c = 0; c < NR_CPUS; c++)
		timer_init(&refresh_timer[c], refresh, NULL, c);
	timer_init(&cal_timer, calibrate, NULL, smp_processor_id());
	time_recalibrating = true;
	timer_set(&cal_timer, now_ns() + epoch_ns);
	printk("time: the clock is recalibrated against the %s every %lu ms\n", plat.name,
	       (unsigned long)(epoch_ns / NSEC_PER_MSEC));
}
