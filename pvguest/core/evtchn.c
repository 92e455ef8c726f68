/*
 * Event-channel dispatch for the pvguest kernel (2-level ABI).
 *
 * The hypervisor raises port p by setting bit p%64 of evtchn_pending[p/64],
 * then, if the port is not masked, bit p/64 of the vCPU's
 * evtchn_pending_sel and evtchn_upcall_pending.  The upcall undoes this
 * from the top: clear evtchn_upcall_pending first (so an event raised
 * while we scan makes the flag, and thus a new pass, reappear), take the
 * selector word atomically, and for each selected word take the pending
 * and unmasked bits, clearing each port's pending bit before its handler
 * runs (a port raised again during the handler is then seen again).  The
 * loop repeats until evtchn_upcall_pending stays clear.
 *
 * Ports are scanned in increasing order inside a pass; a handler that
 * raises its own port is served in the next pass, so no port can starve
 * the others.  Events for ports without a handler are cleared and counted
 * as dropped.  Runs with events masked (the upcall is registered so), so
 * the table needs no lock on this single-vCPU kernel.
 */
#include "evtchn.h"

#define WORD_BITS 64
#define NR_PORTS  EVTCHN_2L_NR_CHANNELS

static struct {
	evtchn_handler_t fn;
	void *data;
} handlers[NR_PORTS];

unsigned long evtchn_dropped;

bool evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data)
{
	if (port == 0 || port >= NR_PORTS)
		return false;
	handlers[port].data = data;
	handlers[port].fn = fn;
	return true;
}

static unsigned int scan_word(struct shared_info *s, unsigned int w)
{
	unsigned int ran = 0;
	xen_ulong_t bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_ACQUIRE) &
			   ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_RELAXED);
	while (bits) {
		unsigned int b = (unsigned int)__builtin_ctzl(bits);
		evtchn_port_t port = w * WORD_BITS + b;
		bits &= bits - 1;
		__atomic_fetch_and(&s->evtchn_pending[w], ~(1UL << b), __ATOMIC_ACQ_REL);
		if (handlers[port].fn) {
			handlers[port].fn(port, handlers[port].data);
			ran++;
		} else {
			evtchn_dropped++;
		}
	}
	return ran;
}

unsigned int evtchn_scan(struct shared_info *s, struct vcpu_info *v)
{
	unsigned int ran = 0;
	while (__atomic_exchange_n(&v->evtchn_upcall_pending, 0, __ATOMIC_ACQ_REL)) {
		xen_ulong_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_ACQ_REL);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzl(sel);
			sel &= sel - 1;
			ran += scan_word(s, w);
		}
	}
	return ran;
}
