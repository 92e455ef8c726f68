/*
 * Stage 3 of the guest-kernel guide: event channels.
 *
 * An event channel is a port; sending on it sets the port's bit in
 * shared_info.evtchn_pending and, unless the port is masked
 * (evtchn_mask), its word's bit in the vCPU's evtchn_pending_sel and
 * evtchn_upcall_pending.  If events are not masked for the vCPU
 * (vcpu_info.evtchn_upcall_mask == 0, the virtual interrupt flag), the
 * hypervisor then calls the guest's event callback.  The callback
 * clears upcall_pending, takes the selector, and for each selected word
 * the pending and unmasked ports, clearing each port's bit before
 * handling it (evtchn_scan in common/events.h, shared with later stages).
 *
 * This stage binds an IPI port (an event a vCPU sends itself), sends it
 * three times with events unmasked (three upcalls), then masks the port:
 * a send leaves it pending without an upcall, and EVTCHNOP_unmask
 * delivers it.
 */
#include "../common/events.h"
#include "../common/frame.h"

extern char event_callback[];

static struct shared_info *shared;
static volatile unsigned int upcalls, handled;

static void handle_port(evtchn_port_t port)
{
	(void)port;
	handled++;
}

void trap_handler(struct frame *f)
{
	if (f->vector != -1)
		shutdown(SHUTDOWN_crash); /* this stage installs no trap table */
	upcalls++;
	evtchn_scan(shared, handle_port);
}

static void report(const char *what)
{
	print("events: ");
	print(what);
	print(": ");
	print_num(upcalls, 10);
	print(" upcall(s), ");
	print_num(handled, 10);
	print(" event(s) handled\n");
}

void example_main(struct start_info *si)
{
	shared = map_shared_info(si);
	register_upcall(event_callback);
	struct evtchn_bind_ipi ipi = {.vcpu = 0};
	if (evtchn_op(EVTCHNOP_bind_ipi, &ipi))
		shutdown(SHUTDOWN_crash);
	print("events: IPI bound to port ");
	print_num(ipi.port, 10);
	print("\n");
	shared->vcpu_info[0].evtchn_upcall_mask = 0; /* the virtual STI */
	struct evtchn_send send = {.port = ipi.port};
	for (int i = 0; i < 3; i++)
		evtchn_op(EVTCHNOP_send, &send);
	report("sent 3 times");
	shared->evtchn_mask[ipi.port / 64] |= 1UL << (ipi.port % 64);
	evtchn_op(EVTCHNOP_send, &send);
	report("sent once more, port masked");
	print("events: the port is ");
	print(shared->evtchn_pending[ipi.port / 64] & (1UL << (ipi.port % 64)) ? "pending"
									       : "not pending");
	print("\n");
	struct evtchn_unmask unmask = {.port = ipi.port};
	evtchn_op(EVTCHNOP_unmask, &unmask);
	report("after EVTCHNOP_unmask");
	shutdown(upcalls == 4 && handled == 4 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
