/*
 * EVTCHNOP_send, which takes no lock in the hypervisor, racing against
 * close and re-bind on other vCPUs (kernel/event/evtchn_send.c).  Run as
 * dom0 with dom0_max_vcpus=4 (tests/scenarios/evrace.sh, -smp 4 and 2).
 * vCPU 0 binds an IPI port and a loopback interdomain channel (its own
 * unbound port u bound from port l), masks both ports and every vCPU's
 * upcalls, and brings up vCPUs 1-3, which send on the IPI port and on l
 * as fast as they can, each counting its sends and any result other than
 * 0 (and -EINVAL on the IPI port, which is closed now and then).  vCPU 0
 * meanwhile, round after round, closes the IPI port and u (the end the
 * sends on l raise), lets every sender send again, and checks that
 * neither closed port is pending: a send that began before a close would
 * have raised it by then.  Then it binds both again: the IPI port gets the
 * same number (the lowest free), and u's successor is bound from l's now
 * unbound end, so l is always interdomain or unbound and every send on it
 * gives 0.
 * At the end: every sender sent during the rounds, no unexpected result,
 * the channel still works (a send on l marks u pending).
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "evrace";

#define NR_VCPUS    4
#define ROUNDS	    400
#define STACK_BYTES 16384
#define PTE_FLAGS   0x63UL /* P, RW, A, D */

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static uint8_t stacks[NR_VCPUS][STACK_BYTES] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile unsigned long sends[NR_VCPUS], bad[NR_VCPUS];
static volatile int stop;
static struct evtchn_send ipi_send, l_send;

static long evtchn(unsigned int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

static bool pending(evtchn_port_t port)
{
	volatile struct shared_info *si = (struct shared_info *)si_page;

	return (si->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void mask(evtchn_port_t port)
{
	((struct shared_info *)si_page)->evtchn_mask[port / 64] |= 1UL << (port % 64);
}

void evrace_sender(unsigned long id);
void evrace_sender(unsigned long id)
{
	((struct shared_info *)si_page)->vcpu_info[id].evtchn_upcall_mask = 1;
	while (!stop) {
		long a = evtchn(EVTCHNOP_send, &ipi_send), b = evtchn(EVTCHNOP_send, &l_send);

		bad[id] += (a != 0 && a != -XEN_EINVAL) + (b != 0);
		if (++sends[id] % 64 == 0) /* let vCPUs that share this CPU run too */
			hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	}
	hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, id, 0, 0, 0);
	for (;;) /* not reached: a down vCPU never runs again */
		bad[id]++;
}

static long bring_up(unsigned int id, unsigned long cr3)
{
	return tg_vcpu_up(&ctx, id, evrace_sender, stacks[id], STACK_BYTES, cr3);
}

/* Until every sender has sent again (each round meets sends in flight). */
static void senders_moved(void)
{
	unsigned long seen[NR_VCPUS];

	for (unsigned int i = 1; i < NR_VCPUS; i++)
		seen[i] = sends[i];
	for (unsigned int i = 1; i < NR_VCPUS; i++)
		for (unsigned long n = 0; sends[i] == seen[i] && n < 1000; n++)
			hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}

void test_main(void)
{
	struct evtchn_bind_ipi ipi = {.vcpu = 0};
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
	struct evtchn_close cl;
	unsigned long pfn = tg_start_info->pt_base >> 12;
	unsigned long cr3 = ((unsigned long *)tg_start_info->mfn_list)[pfn] << 12;
	unsigned int stale = 0, rebound = 0;

	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "map shared_info");
	((struct shared_info *)si_page)->vcpu_info[0].evtchn_upcall_mask = 1;
	tg_expect(evtchn(EVTCHNOP_bind_ipi, &ipi), 0, "bind an IPI port");
	tg_expect(evtchn(EVTCHNOP_alloc_unbound, &au), 0, "alloc_unbound for itself");
	bi.remote_port = au.port;
	tg_expect(evtchn(EVTCHNOP_bind_interdomain, &bi), 0, "bind_interdomain to it");
	ipi_send.port = ipi.port;
	l_send.port = bi.local_port;
	mask(ipi.port);
	mask(au.port);
	mask(bi.local_port);
	for (unsigned int i = 1; i < NR_VCPUS; i++)
		tg_expect(bring_up(i, cr3), 0, "VCPUOP_initialise and VCPUOP_up");
	evtchn_port_t u = au.port;
	for (unsigned int r = 0; r < ROUNDS; r++) {
		senders_moved();
		cl.port = ipi.port;
		rebound += evtchn(EVTCHNOP_close, &cl) == 0;
		cl.port = u;
		rebound += evtchn(EVTCHNOP_close, &cl) == 0;
		senders_moved(); /* a send that began before a close would raise by now */
		stale += pending(ipi.port) + pending(u);
		struct evtchn_bind_ipi again = {.vcpu = r % NR_VCPUS};
		rebound += evtchn(EVTCHNOP_bind_ipi, &again) == 0 && again.port == ipi.port;
		struct evtchn_bind_interdomain rb = {.remote_dom = DOMID_SELF,
						     .remote_port = bi.local_port};
		rebound += evtchn(EVTCHNOP_bind_interdomain, &rb) == 0;
		u = rb.local_port;
		mask(u);
	}
	stop = 1;
	unsigned long nbad = 0, least = ~0UL;
	for (unsigned int i = 1; i < NR_VCPUS; i++) {
		while (hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, i, 0, 0, 0) == 1)
			hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
		nbad += bad[i];
		least = sends[i] < least ? sends[i] : least;
		tg_printf("# vCPU %u: %lu sends\n", i, sends[i]);
	}
	tg_expect(rebound, 4 * ROUNDS, "every close and re-bind succeeded");
	tg_expect(stale, 0, "no closed port pending after its close returned");
	tg_expect((long)nbad, 0, "every send gave 0 (or -EINVAL on the closed IPI port)");
	tg_check(least >= ROUNDS, "every sender sent through the rounds");
	((struct shared_info *)si_page)->evtchn_pending[u / 64] &= ~(1UL << (u % 64));
	tg_expect(evtchn(EVTCHNOP_send, &l_send), 0, "a send on l after the race");
	tg_check(pending(u), "it marks l's peer pending: the channel still works");
}
