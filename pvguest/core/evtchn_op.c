/*
 * Event-channel hypercalls for split drivers: an unbound port for a peer
 * to bind to (the frontend's side), binding to a peer's port (the
 * backend's), sending and closing.  Ports start unmasked; the caller
 * installs a handler with evtchn_set_handler() before telling the peer
 * the port number.
 */
#include "evtchn.h"

#include <asm/hypercall.h>

int evtchn_alloc_unbound(domid_t remote)
{
	struct evtchn_alloc_unbound op = {.dom = DOMID_SELF, .remote_dom = remote};
	long rc = hv_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	return rc ? (int)rc : (int)op.port;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port)
{
	struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = remote_port};
	long rc = hv_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	return rc ? (int)rc : (int)op.local_port;
}

int evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send op = {.port = port};

	return (int)hv_event_channel_op(EVTCHNOP_send, &op);
}

int evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = {.port = port};

	return (int)hv_event_channel_op(EVTCHNOP_close, &op);
}
