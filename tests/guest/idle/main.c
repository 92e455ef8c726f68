/*
 * A dom0 that gives the CPU away: it blocks on its one-shot timer
 * (set_timer_op with a negative deadline means "now + 100 ms") so the domUs
 * of tests/scenarios/domains.sh can run, at least ten times and then until
 * every other domain has shut down (seen through sysctl
 * getdomaininfolist), at most 30 s, then powers off.  Waiting for the
 * others rather than a fixed second keeps the scenario's domUs from being
 * cut short on a loaded machine.
 */
#include "../lib/tg.h"
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>

const char test_title[] = "idle";

#define MIN_TICKS 10
#define MAX_TICKS 300

/* True while a domain other than us has not shut down. */
static bool others_running(void)
{
	static struct xen_domctl_getdomaininfo info[16];
	static struct xen_sysctl sc;

	sc = (struct xen_sysctl){.cmd = XEN_SYSCTL_getdomaininfolist,
				 .interface_version = XEN_SYSCTL_INTERFACE_VERSION};
	sc.u.getdomaininfolist.first_domain = 1;
	sc.u.getdomaininfolist.max_domains = 16;
	sc.u.getdomaininfolist.buffer.p = info;
	if (hypercall(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0, 0, 0))
		return false;
	for (uint32_t i = 0; i < sc.u.getdomaininfolist.num_domains; i++)
		if (!(info[i].flags & XEN_DOMINF_shutdown))
			return true;
	return false;
}

void test_main(void)
{
	unsigned int ticks = 0;
	bool all_woken = true;
	while (ticks < MIN_TICKS || (ticks < MAX_TICKS && others_running())) {
		/* Nothing between the two calls: the timer raises no event here
		 * (no VIRQ_TIMER port), so had it fired before the block, say
		 * while a console line was written under load, we would sleep
		 * for ever.  Report afterwards. */
		long set = hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0);
		long woke = hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		all_woken = all_woken && set == 0 && woke == 0;
		ticks++;
	}
	tg_check(all_woken, "set_timer_op and SCHEDOP_block: woken by the timer every time");
	tg_printf("# idle: %u ticks\n", ticks);
}
