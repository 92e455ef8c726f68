/*
 * Event channels: the guest ABI of event_channel_op (hypercall 32).
 *
 * An event channel is a pair of ports (or one port bound to a VIRQ, a
 * physical IRQ or an IPI).  Raising a port sets its bit in the owner's
 * shared_info.evtchn_pending and, unless masked, flags the notified vCPU's
 * vcpu_info so it takes an upcall.  Ports are small per-domain integers;
 * port 0 is never allocated.  Hospes implements the 2-level ABI only (4096
 * ports); the FIFO commands return -XEN_ENOSYS so guests fall back.
 *
 * Every command takes a pointer to its own structure; the legacy
 * hypercall 16 takes one struct evtchn_op with the command inside.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

typedef uint32_t evtchn_port_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_port);

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq	  1
#define EVTCHNOP_bind_pirq	  2
#define EVTCHNOP_close		  3
#define EVTCHNOP_send		  4
#define EVTCHNOP_status		  5
#define EVTCHNOP_alloc_unbound	  6
#define EVTCHNOP_bind_ipi	  7
#define EVTCHNOP_bind_vcpu	  8
#define EVTCHNOP_unmask		  9
#define EVTCHNOP_reset		  10
#define EVTCHNOP_init_control	  11
#define EVTCHNOP_expand_array	  12
#define EVTCHNOP_set_priority	  13
#define EVTCHNOP_reset_cont	  14

/* A new port in dom that remote_dom may later bind to. */
struct evtchn_alloc_unbound {
	domid_t dom, remote_dom; /* IN */
	evtchn_port_t port;	 /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/* Connect a new local port to remote_dom's unbound remote_port. */
struct evtchn_bind_interdomain {
	domid_t remote_dom;	   /* IN */
	evtchn_port_t remote_port; /* IN */
	evtchn_port_t local_port;  /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

struct evtchn_bind_virq {
	uint32_t virq;	    /* IN: VIRQ_* */
	uint32_t vcpu;	    /* IN */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
	uint32_t pirq;	    /* IN */
	uint32_t flags;	    /* IN: BIND_PIRQ__* */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

struct evtchn_bind_ipi {
	uint32_t vcpu;	    /* IN */
	evtchn_port_t port; /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

struct evtchn_close {
	evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

struct evtchn_send {
	evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq	       3
#define EVTCHNSTAT_virq	       4
#define EVTCHNSTAT_ipi	       5

struct evtchn_status {
	domid_t dom;	    /* IN */
	evtchn_port_t port; /* IN */
	uint32_t status;    /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu;	    /* OUT: the vCPU notified */
	union {
		struct {
			domid_t dom;
		} unbound;
		struct {
			domid_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq;
		uint32_t virq;
	} u; /* OUT */
};
typedef struct evtchn_status evtchn_status_t;

struct evtchn_bind_vcpu {
	evtchn_port_t port;
	uint32_t vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

struct evtchn_unmask {
	evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

struct evtchn_reset {
	domid_t dom;
};
typedef struct evtchn_reset evtchn_reset_t;

/* FIFO ABI structures (not implemented: the commands return -ENOSYS). */
struct evtchn_init_control {
	uint64_t control_gfn;
	uint32_t offset;
	uint32_t vcpu;
	uint8_t link_bits; /* OUT */
	uint8_t _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

struct evtchn_expand_array {
	uint64_t array_gfn;
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
	evtchn_port_t port;
	uint32_t priority;
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* Argument of the legacy hypercall 16. */
struct evtchn_op {
	uint32_t cmd; /* EVTCHNOP_* */
	union {
		struct evtchn_alloc_unbound alloc_unbound;
		struct evtchn_bind_interdomain bind_interdomain;
		struct evtchn_bind_virq bind_virq;
		struct evtchn_bind_pirq bind_pirq;
		struct evtchn_bind_ipi bind_ipi;
		struct evtchn_close close;
		struct evtchn_send send;
		struct evtchn_status status;
		struct evtchn_bind_vcpu bind_vcpu;
		struct evtchn_unmask unmask;
	} u;
};
typedef struct evtchn_op evtchn_op_t;
DEFINE_XEN_GUEST_HANDLE(evtchn_op);

#endif /* PUBLIC_EVENT_CHANNEL_H */
