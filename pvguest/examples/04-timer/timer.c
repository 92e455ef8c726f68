/*
 * Stage 4 of the guest-kernel guide: time and the timer.
 *
 * System time (nanoseconds since the hypervisor booted) comes from the
 * vCPU's vcpu_time_info: at tsc_timestamp it was system_time, and TSC
 * ticks convert to nanoseconds with tsc_to_system_mul and tsc_shift
 * (shift, then multiply by mul / 2^32).  The hypervisor may rewrite the
 * record at any time, so it is read under its version counter: retry
 * while the version is odd or changed (common/time.h, which later stages
 * share).
 *
 * set_timer_op(deadline) asks for one VIRQ_TIMER event at that system
 * time; EVTCHNOP_bind_virq gives the virtual interrupt a port.  Between
 * ticks the vCPU sleeps in SCHEDOP_block, which unmasks events and
 * returns once one is pending (after the upcall has run).
 */
#include "../common/events.h"
#include "../common/frame.h"
#include "../common/time.h"

#define TICKS	  3
#define PERIOD_NS 20000000UL

extern char event_callback[];

static struct shared_info *shared;
static evtchn_port_t timer_port;
static volatile unsigned int ticks;

static uint64_t now(void)
{
	return now_ns(shared);
}

static void handle_port(evtchn_port_t port)
{
	if (port == timer_port)
		ticks++;
}

void trap_handler(struct frame *f)
{
	if (f->vector != -1)
		shutdown(SHUTDOWN_crash);
	evtchn_scan(shared, handle_port);
}

void example_main(struct start_info *si)
{
	shared = map_shared_info(si);
	register_upcall(event_callback);
	struct evtchn_bind_virq virq = {.virq = VIRQ_TIMER, .vcpu = 0};
	if (evtchn_op(EVTCHNOP_bind_virq, &virq))
		shutdown(SHUTDOWN_crash);
	timer_port = virq.port;
	print("timer: VIRQ_TIMER bound to port ");
	print_num(timer_port, 10);
	print("\n");
	uint64_t start = now();
	unsigned int on_time = 0;
	for (unsigned int i = 1; i <= TICKS; i++) {
		uint64_t deadline = now() + PERIOD_NS;
		hypercall(__HYPERVISOR_set_timer_op, deadline, 0, 0, 0);
		while (ticks < i) {
			shared->vcpu_info[0].evtchn_upcall_mask = 1;
			if (ticks < i)
				hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0);
			shared->vcpu_info[0].evtchn_upcall_mask = 0;
		}
		on_time += now() >= deadline;
		print("timer: tick ");
		print_num(i, 10);
		print(now() >= deadline ? " came at or after its deadline\n" : " came early\n");
	}
	uint64_t ms = (now() - start) / 1000000;
	print("timer: ");
	print_num(TICKS, 10);
	print(ms >= TICKS * PERIOD_NS / 1000000 ? " ticks of 20 ms took at least 60 ms\n"
						: " ticks took less than 60 ms\n");
	shutdown(on_time == TICKS ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
