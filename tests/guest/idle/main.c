/*
 * A dom0 that gives the CPU away: it blocks on its one-shot timer
 * (set_timer_op with a negative deadline means "now + 100 ms") so the domUs
 * of tests/scenarios/domains.sh can run, at least ten times and then until
 * every other domain has shut down (seen through sysctl
 * getdomaininfolist), at most 30 s, then powers off.  Waiting for the
 * others rather than a fixed second keeps the scenario's domUs from being
 * cut short on a loaded machine.
 *
 * Then, alone, it blocks SOLO_TICKS more times and reads every CPU's
 * counters around them (XEN_SYSCTL_hospes_cpustat): each tick must idle
 * the CPU (a halt), and a vCPU that wakes where it slept, with no flush
 * in between, must find its tables still loaded: no CR3 write to leave
 * them or load them again (lazy roots, kernel/arch/x86_64/pv.c; before,
 * two per tick).
 */
#include "../lib/tg.h"
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>

const char test_title[] = "idle";

#define MIN_TICKS  10
#define MAX_TICKS  300
#define SOLO_TICKS 10

/* Every CPU's counters added up; false if the sysctl failed. */
static bool counters(struct hospes_cpustat *sum)
{
	static struct hospes_cpustat st[8];
	static struct xen_sysctl sc;

	sc = (struct xen_sysctl){.cmd = XEN_SYSCTL_hospes_cpustat,
				 .interface_version = XEN_SYSCTL_INTERFACE_VERSION};
	sc.u.hospes_cpustat.max_cpus = 8;
	sc.u.hospes_cpustat.stats.p = st;
	if (hypercall(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0, 0, 0))
		return false;
	*sum = (struct hospes_cpustat){0};
	for (uint32_t i = 0; i < sc.u.hospes_cpustat.nr_cpus; i++) {
		sum->halts += st[i].halts;
		for (unsigned int r = 0; r < HOSPES_CR3_SLOTS; r++)
			sum->cr3[r] += st[i].cr3[r];
	}
	return sc.u.hospes_cpustat.nr_cpus > 0;
}

/* Nothing between the two calls: the timer raises no event here (no
 * VIRQ_TIMER port), so had it fired before the block, say while a console
 * line was written under load, we would sleep for ever.  Report afterwards. */
static bool tick(void)
{
	long set = hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0);
	return hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0) == 0 && set == 0;
}

/* Alone: SOLO_TICKS block and wake-up cycles, counted. */
static void solo(void)
{
	struct hospes_cpustat a, b;
	bool ok = counters(&a);

	for (unsigned int i = 0; i < SOLO_TICKS; i++)
		ok = tick() && ok;
	ok = counters(&b) && ok;
	uint64_t halts = b.halts - a.halts;
	uint64_t moves = b.cr3[HOSPES_CR3_LOAD] - a.cr3[HOSPES_CR3_LOAD] + b.cr3[HOSPES_CR3_LEAVE] -
			 a.cr3[HOSPES_CR3_LEAVE];
	tg_printf("# idle: %u ticks alone: %lu halts, %lu CR3 writes to leave or load tables\n",
		  SOLO_TICKS, (unsigned long)halts, (unsigned long)moves);
	tg_check(ok && halts >= SOLO_TICKS, "alone, each block idles the CPU (cpustat halts)");
	tg_check(ok && moves < SOLO_TICKS, "alone, a wake-up finds its tables loaded (lazy roots)");
}

void test_main(void)
{
	unsigned int ticks = 0;
	bool all_woken = true;
	while (ticks < MIN_TICKS || (ticks < MAX_TICKS && tg_others_running())) {
		all_woken = tick() && all_woken;
		ticks++;
	}
	tg_check(all_woken, "set_timer_op and SCHEDOP_block: woken by the timer every time");
	tg_printf("# idle: %u ticks\n", ticks);
	solo();
}
