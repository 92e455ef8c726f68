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
		tg_expect(hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0), 0,
			  "set_timer_op");
		tg_expect(hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0), 0,
			  "woken from SCHEDOP_block by the timer");
	}
}
