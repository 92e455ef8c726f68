/*
 * EVTCHNOP_send, the commonest event-channel operation, without a lock.
 *
 * Sending on an interdomain port raises the peer's port on the vCPU the
 * peer chose; on an IPI port it raises the port itself; on an unbound
 * port the event is dropped (success, as in Xen); anything else is
 * -EINVAL.
 *
 * The sender takes no lock.  It counts itself in on the port it sends on
 * (one atomic add on the port's word, which also gives it the state and
 * the vCPU to notify: evtchn_private.h) and out again when the raise is
 * done.  While it is counted, its port cannot change state: every change
 * waits for the count to drain.  An interdomain channel's two ends change
 * only together, closing the closer's end first (evtchn_ops.c), so a
 * sender counted on its end also keeps the peer's end, and the peer's
 * struct domain, which the channel references.  Inside that window a
 * sender only reads and sets bits: it waits for nothing, so a change that
 * waits for it (holding the event locks, interrupts off) never waits long
 * and never deadlocks.  Every hypercall runs with interrupts off, so no
 * interrupt handler that wants an event lock can stop a counted sender on
 * its own CPU.  The kick (the scheduler's locks) and the wake-up of
 * pollers come after the sender has left; for a peer's vCPU, a reference
 * on the peer keeps it until then.
 *
 * evtchn_send_fast is the same send with the trace check left out, for
 * the SYSCALL fast path, which is taken only while no domain is traced
 * (kernel/hypercall/event_channel.c).
 */
#include "evtchn_private.h"

#include <hospes/arch.h>
#include <public/errno.h>

/* What follows a raise that needs a kick or a poller wake-up (out of line). */
static __attribute__((noinline)) long send_notify(struct domain *caller, struct domain *rd,
						  struct evtchn *chn, struct vcpu *kick)
{
	if (rd != caller)
		domain_get_ref(rd); /* the channel holds rd only while we are counted */
	chn_sender_leave(chn);
	if (kick)
		vcpu_kick(kick);
	if (__atomic_load_n(&rd->poll_mask, __ATOMIC_SEQ_CST))
		evtchn_2l_wake_pollers(rd);
	if (rd != caller)
		domain_put(rd);
	return 0;
}

/* The send on chn, port `port` of caller, counted in with word sw. */
static inline __attribute__((always_inline)) long send_counted(struct domain *caller,
							       struct evtchn *chn, uint32_t sw,
							       evtchn_port_t port, bool may_trace)
{
	struct domain *rd = caller;
	const struct evtchn *rchn = chn;
	struct vcpu *kick;
	bool raised;

	if (chn_sw_state(sw) == ECS_INTERDOMAIN) {
		rd = chn->remote;
		port = chn->arg;
		rchn = port_chn(rd->evtchn, port);
		sw = __atomic_load_n(&rchn->sw, __ATOMIC_RELAXED); /* its vCPU to notify */
	} else if (unlikely(chn_sw_state(sw) != ECS_IPI)) {
		chn_sender_leave(chn);
		return chn_sw_state(sw) == ECS_UNBOUND ? 0 : -XEN_EINVAL; /* unbound: dropped */
	}
	__atomic_fetch_add(&caller->evtchn->sent, 1, __ATOMIC_RELAXED);
	if (may_trace && unlikely(trace_wanted(rd, HOSPES_TRACE_EVENTS)))
		raised = evtchn_2l_mark_traced(rd, chn_sw_notify(sw), port, rchn, &kick);
	else
		raised = evtchn_2l_mark(rd, chn_sw_notify(sw), port, &kick);
	if (kick == arch_current_vcpu())
		kick = NULL; /* the sender itself: its exit path delivers the upcall */
	if (unlikely(raised && (kick || __atomic_load_n(&rd->poll_mask, __ATOMIC_SEQ_CST))))
		return send_notify(caller, rd, chn, kick);
	chn_sender_leave(chn);
	return 0;
}

long evtchn_send(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_domain *ed = caller->evtchn;
	struct evtchn *chn;

	if (unlikely(!port_is_valid(ed, port)))
		return -XEN_EINVAL;
	chn = port_chn(ed, port);
	return send_counted(caller, chn, chn_sender_enter(chn), port, true);
}

long evtchn_send_fast(struct domain *caller, evtchn_port_t port)
{
	struct evtchn_domain *ed = caller->evtchn;
	struct evtchn *chn;

	if (unlikely(!port_is_valid(ed, port)))
		return -XEN_EINVAL;
	chn = port_chn(ed, port);
	return send_counted(caller, chn, chn_sender_enter(chn), port, false);
}
