/*
 * Event channels for stages 3 and later (explained in stage 3,
 * 03-events/events.c): the event_channel_op hypercall, registering the
 * upcall, and the 2-level scan the upcall runs.
 */
#ifndef EXAMPLES_COMMON_EVENTS_H
#define EXAMPLES_COMMON_EVENTS_H

#include "ex.h"

static inline long evtchn_op(int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, (unsigned long)cmd, (unsigned long)arg, 0,
			 0);
}

/* The event callback, entered with events masked (the hypervisor sets
 * evtchn_upcall_mask; the iret at the end restores it). */
static inline void register_upcall(void *entry)
{
	struct callback_register cb = {.type = CALLBACKTYPE_event,
				       .flags = CALLBACKF_mask_events,
				       .address = (unsigned long)entry};
	if (hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0, 0))
		shutdown(SHUTDOWN_crash);
}

/* Clear upcall_pending, take the selector, then for each selected word
 * the pending and unmasked ports, clearing each bit before handling it;
 * again while upcall_pending reappears. */
static inline void evtchn_scan(struct shared_info *s, void (*handle)(evtchn_port_t port))
{
	struct vcpu_info *v = &s->vcpu_info[0];
	while (v->evtchn_upcall_pending) {
		v->evtchn_upcall_pending = 0;
		unsigned long sel =
			__atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzl(sel);
			sel &= sel - 1;
			unsigned long bits = s->evtchn_pending[w] & ~s->evtchn_mask[w];
			while (bits) {
				unsigned int b = (unsigned int)__builtin_ctzl(bits);
				bits &= bits - 1;
				__atomic_fetch_and(&s->evtchn_pending[w], ~(1UL << b),
						   __ATOMIC_SEQ_CST);
				handle(w * 64 + b);
			}
		}
	}
}

#endif
