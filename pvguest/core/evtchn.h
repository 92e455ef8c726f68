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

#endif
