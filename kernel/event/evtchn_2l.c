/*
 * Delivering events with the 2-level ABI: the bits in shared_info and
 * vcpu_info, and the kicks that make a vCPU notice them.
 *
 * Raising port p for vCPU v, in Xen's order (each step an atomic
 * read-modify-write, so each is also a full barrier):
 *   1. set bit p of shared_info.evtchn_pending; if it was already set,
 *      stop: the guest has not yet seen the previous edge;
 *   2. if p is not masked, set bit p/64 of v's evtchn_pending_sel, and if
 *      that was newly set, set v's evtchn_upcall_pending, and if that was
 *      newly set, kick v (wake it, or make its CPU pass the exit-to-guest
 *      check, where the upcall is delivered if the guest has not masked it)
 *      unless v is this CPU's running vCPU (vcpu_runs_here), whose exit
 *      check is still to come;
 *   3. whatever the mask says, wake vCPUs sleeping in SCHEDOP_poll (they
 *      look at the pending bits of their ports themselves).
 * A traced domain's raises are recorded (hospes/trace.h), the coalesced
 * ones too.  Unmasking redoes step 2 for a port that is pending, since the edge was
 * swallowed while it was masked.
 *
 * These functions take no lock: they touch only guest-shared words, with
 * atomic operations, and the vCPU array, which is fixed for a domain's
 * life.  Callers keep the port from changing state under them: they hold
 * the domain's event lock, or (EVTCHNOP_send) are counted in on the port
 * (evtchn_private.h), and a sender kicks only after leaving it.
 */
#include "evtchn_private.h"

#include <hospes/compiler.h>
#include <hospes/sched.h>
#include <hospes/trace.h>

/* Each vCPU in d's poll mask leaves it; those still polling are woken.  A
 * poller sets its flag, then its mask bit, then looks at its ports: it
 * sees this raise's pending bit, or this raise sees its mask bit. */
__attribute__((noinline)) void evtchn_2l_wake_pollers(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus && i < HOSPES_MAX_VCPUS; i++) {
		struct vcpu *v = d->vcpu[i];
		unsigned long bit = 1UL << i;

		if (!(__atomic_fetch_and(&d->poll_mask, ~bit, __ATOMIC_SEQ_CST) & bit))
			continue;
		if (v && READ_ONCE(v->poll_evtchn_pending)) {
			WRITE_ONCE(v->poll_evtchn_pending, 0);
			vcpu_kick(v);
		}
	}
}

/* Steps 1 and 2 for a traced domain, recorded.  The record says where the
 * event comes from: the port's kind, its pirq, virq or peer (the caller
 * keeps the port as it is: the domain's lock, or a sender's count on the
 * port, or on its peer's end, which keeps both ends). */
__attribute__((noinline)) bool evtchn_2l_mark_traced(struct domain *d, unsigned int vcpu_id,
						     evtchn_port_t port, const struct evtchn *chn,
						     struct vcpu **kick)
{
	unsigned int state = chn_state(chn);
	struct trace_event_src src = {
		.stat = evtchn_stat_of((uint8_t)state),
		.arg = chn->arg,
		.peer = state == ECS_INTERDOMAIN && chn->remote ? chn->remote->id : DOMID_INVALID,
	};
	bool raised = evtchn_2l_mark(d, vcpu_id, port, kick);

	trace_event_rec(d, vcpu_id, port, raised, &src);
	return raised;
}

void evtchn_2l_set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
	struct vcpu *kick;
	bool raised =
		trace_wanted(d, HOSPES_TRACE_EVENTS)
			? evtchn_2l_mark_traced(d, vcpu_id, port, port_chn(d->evtchn, port), &kick)
			: evtchn_2l_mark(d, vcpu_id, port, &kick);

	if (raised)
		evtchn_2l_notify(d, kick);
}

void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port)
{
	xen_ulong_t bit = 1UL << (port % BITS_PER_WORD);

	__atomic_fetch_and(&d->shared_info->evtchn_pending[port / BITS_PER_WORD], ~bit,
			   __ATOMIC_SEQ_CST);
}

void evtchn_2l_unmask(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
	struct shared_info *s = d->shared_info;
	unsigned int word = port / BITS_PER_WORD;
	xen_ulong_t bit = 1UL << (port % BITS_PER_WORD);
	struct vcpu *v = notify_target(d, vcpu_id);

	if (!(__atomic_fetch_and(&s->evtchn_mask[word], ~bit, __ATOMIC_SEQ_CST) & bit))
		return;
	if ((READ_ONCE(s->evtchn_pending[word]) & bit) && v && v->vcpu_info &&
	    mark_upcall(v, word) && !vcpu_runs_here(v))
		vcpu_kick(v);
}

enum virq_type virq_type(unsigned int virq)
{
	switch (virq) {
	case VIRQ_TIMER:
	case VIRQ_DEBUG:
	case VIRQ_XENOPROF:
	case VIRQ_XENPMU:
		return VIRQ_PER_VCPU;
	case VIRQ_ARGO:
		return VIRQ_PER_DOMAIN;
	default:
		return virq < NR_VIRQS ? VIRQ_GLOBAL : VIRQ_INVALID;
	}
}
