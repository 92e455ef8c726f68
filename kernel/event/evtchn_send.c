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
 * do_event_channel_op_fast is the SYSCALL fast path's handler of
 * event_channel_op (hospes/hypercall.h, `fast`), here rather than with the
 * rest of the hypercall's decoding (kernel/hypercall/event_channel.c) so
 * that a send is one function: it reads the port by one move through the
 * running vCPU's tables and sends with the trace check left out (the fast
 * path is taken only while no domain is traced); every other command, and
 * a port the move cannot read, goes to do_event_channel_op.
 * evtchn_send_fast is the same send for a port already read.
 */
#include "evtchn_private.h"

#include <asm/guest_read.h>
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

/* A send's raise of port rport of rd (table red; rsw: that port's word,
 * for its vCPU to notify), and what follows, counted in on chn. */
static inline __attribute__((always_inline)) long
send_raise(struct domain *caller, struct evtchn *chn, struct domain *rd, struct evtchn_domain *red,
	   evtchn_port_t rport, uint32_t rsw, bool may_trace)
{
	/* Stored vCPU numbers are below HOSPES_MAX_VCPUS (chn_set_notify):
	 * the remainder changes none, it only tells the compiler so. */
	unsigned int vcpu_id = chn_sw_notify(rsw) % HOSPES_MAX_VCPUS;
	struct vcpu *kick;
	bool raised;

	if (may_trace && unlikely(trace_wanted(rd, HOSPES_TRACE_EVENTS)))
		raised = evtchn_2l_mark_traced(rd, vcpu_id, rport, port_chn(red, rport), &kick);
	else
		raised = evtchn_2l_mark_in(rd, red, vcpu_id, rport, &kick);
	if (kick && kick == arch_current_vcpu())
		kick = NULL; /* the sender itself: its exit path delivers the upcall */
	if (unlikely(raised && (kick || __atomic_load_n(&rd->poll_mask, __ATOMIC_SEQ_CST))))
		return send_notify(caller, rd, chn, kick);
	chn_sender_leave(chn);
	return 0;
}

/* The send on chn, port `port` of caller (table ed), counted in with word
 * sw (each kind of port has its own copy of the raise: no moves between
 * them). */
static inline __attribute__((always_inline)) long send_counted(struct domain *caller,
							       struct evtchn_domain *ed,
							       struct evtchn *chn, uint32_t sw,
							       evtchn_port_t port, bool may_trace)
{
	if (chn_sw_state(sw) == ECS_IPI) {
		__atomic_fetch_add(&ed->sent, 1, __ATOMIC_RELAXED);
		return send_raise(caller, chn, caller, ed, port, sw, may_trace);
	}
	if (chn_sw_state(sw) == ECS_INTERDOMAIN) {
		struct domain *rd = chn->remote;
		struct evtchn_domain *red = rd->evtchn;

		__atomic_fetch_add(&ed->sent, 1, __ATOMIC_RELAXED);
		return send_raise(caller, chn, rd, red, chn->arg,
				  __atomic_load_n(&port_chn(red, chn->arg)->sw, __ATOMIC_RELAXED),
				  may_trace);
	}
	chn_sender_leave(chn);
	return chn_sw_state(sw) == ECS_UNBOUND ? 0 : -XEN_EINVAL; /* unbound: dropped */
}

/* The send on port of caller (trace check or not), from the port number. */
static inline __attribute__((always_inline)) long send_port(struct domain *caller,
							    evtchn_port_t port, bool may_trace)
{
	struct evtchn_domain *ed = caller->evtchn;
	struct evtchn *chn;

	if (unlikely(!port_is_valid(ed, port)))
		return -XEN_EINVAL;
	chn = port_chn(ed, port);
	return send_counted(caller, ed, chn, chn_sender_enter(chn), port, may_trace);
}

long evtchn_send(struct domain *caller, evtchn_port_t port)
{
	return send_port(caller, port, true);
}

long evtchn_send_fast(struct domain *caller, evtchn_port_t port)
{
	return send_port(caller, port, false);
}

/* The port by one move through v's own tables (loaded: v runs here in
 * kernel mode), else by the full read of do_event_channel_op. */
long do_event_channel_op_fast(struct vcpu *v, unsigned long cmd, unsigned long arg,
			      unsigned long a3, unsigned long a4, unsigned long a5)
{
	uint32_t port;

	if (unlikely(cmd != EVTCHNOP_send || !arch_guest_va_ok(arg, sizeof(port)) ||
		     !arch_try_read_guest_u32(arg, &port)))
		return do_event_channel_op(v, cmd, arg, a3, a4, a5);
	return send_port(v->domain, port, false);
}
