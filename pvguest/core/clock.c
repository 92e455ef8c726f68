/*
 * The guest's clock and timer: core/time.c's arithmetic on the live
 * shared_info, and VIRQ_TIMER bound to an event channel whose handler
 * wakes sleeping threads.
 *
 * set_timer_op is one-shot and per vCPU: arming it replaces the previous
 * deadline, so clock_arm() keeps the earliest one still wanted (the
 * scheduler re-arms with the next sleeper on each event).
 */
#include "evtchn.h"
#include "kernel.h"
#include "sched.h"
#include "time.h"
#include <asm/arch.h>
#include <asm/hypercall.h>

void sched_timer_event(void);

static uint64_t armed; /* deadline set with the hypervisor, 0: none */

uint64_t clock_now_ns(void)
{
	struct vcpu_time_info t;
	time_snapshot(&shared_info->vcpu_info[0].time, &t);
	return time_ns_at(&t, rdtsc());
}

uint64_t clock_utc_ns(void)
{
	return time_wallclock_base_ns(shared_info) + clock_now_ns();
}

void clock_arm(uint64_t deadline_ns)
{
	if (armed && armed <= deadline_ns && armed > clock_now_ns())
		return;
	armed = deadline_ns;
	long rc = hv_set_timer_op(deadline_ns);
	if (rc)
		printk("pvguest: set_timer_op: %ld\n", rc);
}

static void timer_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	armed = 0;
	sched_timer_event();
}

void clock_init(void)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_TIMER, .vcpu = 0};
	long rc = hv_event_channel_op(EVTCHNOP_bind_virq, &b);
	if (rc)
		panic("bind VIRQ_TIMER: %ld", rc);
	evtchn_set_handler(b.port, timer_event, NULL);
	printk("clock: VIRQ_TIMER on port %u, system time %lu ns\n", b.port,
	       (unsigned long)clock_now_ns());
}
