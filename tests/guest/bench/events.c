/*
 * Event-channel benchmarks: EVTCHNOP_send to an IPI port of this vCPU
 * with events masked (the send itself: pending bit, selector, upcall
 * flag), and the same send with events unmasked, so the hypervisor bounces
 * the event upcall to bench_event_handler on the way out, which clears the
 * pending state and returns with the iret hypercall; then the masked send
 * on a loopback interdomain channel.  shared_info is mapped over a page of
 * this image.
 */
#include "bench.h"
#include <public/event_channel.h>

#define PTE_FLAGS 0x63UL /* P, RW, A, D */

static uint8_t si_page[4096] __attribute__((aligned(4096)));
struct vcpu_info *bench_vcpu_info;
unsigned long *bench_pending_word;
unsigned long bench_upcalls;

/* The masked send again, on one end of a loopback interdomain channel:
 * the split drivers' kick, which also looks up the peer's port and vCPU. */
static void bench_interdomain(struct shared_info *si, volatile struct vcpu_info *vi,
			      struct evtchn_send *send)
{
	static struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	static struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
	bool ok = true;

	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound,
			    (unsigned long)&au, 0, 0, 0),
		  0, "a port for a loopback channel");
	bi.remote_port = au.port;
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_interdomain,
			    (unsigned long)&bi, 0, 0, 0),
		  0, "bound from another port of this domain");
	send->port = bi.local_port;
	volatile unsigned long *peer_word = &si->evtchn_pending[au.port / 64];
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++) {
		*peer_word = 0;
		vi->evtchn_pending_sel = 0;
		vi->evtchn_upcall_pending = 0;
		ok &= hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)send,
				0, 0, 0) == 0;
	}
	bench_report("evtchn_send_interdomain", rdtsc() - t, ROUNDS);
	tg_check(ok && vi->evtchn_upcall_pending && ((*peer_word >> (au.port % 64)) & 1),
		 "every interdomain send marked the peer's port and the vCPU");
	*peer_word = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
}

void bench_events(void)
{
	struct shared_info *si = (struct shared_info *)si_page;
	static struct evtchn_bind_ipi ipi = {.vcpu = 0};
	static struct evtchn_send send;

	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "map shared_info");
	tg_expect(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (unsigned long)&ipi,
			    0, 0, 0),
		  0, "bind an IPI port to this vCPU");
	bench_vcpu_info = &si->vcpu_info[0];
	bench_pending_word = &si->evtchn_pending[ipi.port / 64];
	send.port = ipi.port;
	volatile struct vcpu_info *vi = bench_vcpu_info;
	vi->evtchn_upcall_mask = 1;
	bool ok = true;
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++) {
		*bench_pending_word = 0; /* as a guest's handler would: the send is fresh */
		vi->evtchn_pending_sel = 0;
		vi->evtchn_upcall_pending = 0;
		ok &= hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send,
				0, 0, 0) == 0;
	}
	bench_report("evtchn_send", rdtsc() - t, ROUNDS);
	tg_check(ok && vi->evtchn_upcall_pending, "every send succeeded and marked the vCPU");

	*bench_pending_word = 0;
	vi->evtchn_pending_sel = 0;
	vi->evtchn_upcall_pending = 0;
	hypercall(__HYPERVISOR_set_callbacks, (unsigned long)bench_event_handler, 0, 0, 0, 0);
	vi->evtchn_upcall_mask = 0;
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		ok &= hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (unsigned long)&send,
				0, 0, 0) == 0;
	bench_report("evtchn_send_upcall_iret", rdtsc() - t, ROUNDS);
	vi->evtchn_upcall_mask = 1;
	tg_expect((long)bench_upcalls, ROUNDS, "one upcall per send");
	bench_interdomain(si, vi, &send);
}
