/*
 * Event-channel dispatch: a table from port to handler, and the 2-level
 * scan that the upcall runs.  Pure logic on shared_info and vcpu_info, so
 * the host tests drive it with a simulated page.
 */
#ifndef PVGUEST_CORE_EVTCHN_H
#define PVGUEST_CORE_EVTCHN_H

#include <stdbool.h>
#include <public/event_channel.h>
#include <public/xen.h>

typedef void (*evtchn_handler_t)(evtchn_port_t port, void *data);

/* Installs a handler (NULL removes it); false for a port out of range. */
bool evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *data);
/* Runs handlers for every pending, unmasked port; returns how many ran. */
unsigned int evtchn_scan(struct shared_info *s, struct vcpu_info *v);

/*
 * Inter-domain channels (evtchn_op.c; host tests supply their own).
 * alloc_unbound and bind_interdomain return the new local port or a
 * negative Xen error; notify and close return 0 or a negative Xen error.
 */
int evtchn_alloc_unbound(domid_t remote);
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port);
int evtchn_notify(evtchn_port_t port);
int evtchn_close(evtchn_port_t port);

#endif
