/*
 * A dom0 that gives the CPU away: it blocks on its one-shot timer ten times
 * (set_timer_op with a negative deadline means "now + 100 ms") so the domUs
 * of tests/scenarios/domains.sh can run, then powers off.
 */
#include "../lib/tg.h"
#include <public/sched.h>

const char test_title[] = "idle";

void test_main(void)
{
	for (int i = 0; i < 10; i++) {
		/* Nothing between the two calls: the timer raises no event here
		 * (no VIRQ_TIMER port), so had it fired before the block, say
		 * while a console line was written under load, we would sleep
		 * for ever.  Report afterwards. */
		long set = hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0);
		long woke = hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		tg_expect(set, 0, "set_timer_op");
		tg_expect(woke, 0, "woken from SCHEDOP_block by the timer");
	}
}
