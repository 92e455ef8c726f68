/*
 * Event channels inside the hypervisor (kernel/event/).
 *
 * Each domain has a table of ports (struct evtchn_domain, d->evtchn),
 * grown in chunks of 256 as ports are allocated, up to the 4096 ports of
 * the 2-level ABI or the domain's own limit.  The evtchn_* operations
 * below are the hypercall's semantics with the arguments already copied
 * in (kernel/hypercall/event_channel.c decodes the guest's structures):
 * each returns 0 or a negative XEN_E* value and fills its OUT fields.
 *
 * The rest of the hypervisor raises events through evtchn_send_virq()
 * (timer, console, domain-exception VIRQs), evtchn_notify_port() (the
 * hypervisor as the remote end of a channel) and evtchn_send_pirq()
 * (physical interrupts routed to the driver domain).
 *
 * Locks: one lock per domain's table (irq-safe: VIRQs are raised from
 * interrupt context).  An operation touching two domains takes both
 * locks, lower domain id first.  EVTCHNOP_send takes none (see
 * kernel/event/evtchn_send.c); it must run with interrupts off, as every
 * hypercall does.
 */
#ifndef HOSPES_EVENT_H
#define HOSPES_EVENT_H

#include <hospes/domain.h>
#include <public/event_channel.h>

#define EVTCHN_NR_PIRQS 256 /* PIRQs a domain may bind */

/* Lifecycle (engineer F): init at domain creation, destroy when it dies, free last. */
int evtchn_domain_init(struct domain *d, unsigned int max_ports); /* 0 = the ABI's 4096 */
void evtchn_domain_destroy(struct domain *d); /* close every port; no new ones */
void evtchn_domain_free(struct domain *d);    /* release the table (after destroy) */

/* The operations of event_channel_op; caller = the calling domain. */
int evtchn_alloc_unbound(struct domain *caller, struct evtchn_alloc_unbound *op);
int evtchn_bind_interdomain(struct domain *caller, struct evtchn_bind_interdomain *op);
int evtchn_bind_virq(struct domain *caller, struct evtchn_bind_virq *op);
int evtchn_bind_ipi(struct domain *caller, struct evtchn_bind_ipi *op);
int evtchn_bind_pirq(struct domain *caller, struct evtchn_bind_pirq *op);
int evtchn_close(struct domain *caller, evtchn_port_t port);
long evtchn_send(struct domain *caller, evtchn_port_t port);
/* evtchn_send without the trace check: only while no domain is traced. */
long evtchn_send_fast(struct domain *caller, evtchn_port_t port);
int evtchn_status(struct domain *caller, struct evtchn_status *op);
int evtchn_bind_vcpu(struct domain *caller, evtchn_port_t port, unsigned int vcpu);
int evtchn_unmask(struct domain *caller, evtchn_port_t port);
int evtchn_reset(struct domain *caller, domid_t dom);
/* Events d sent (EVTCHNOP_send) and events raised in d since creation. */
void evtchn_stats(const struct domain *d, uint64_t *sent, uint64_t *received);
/* Frames of d's port buckets (grown as ports are used, kept while d lives). */
unsigned int evtchn_bucket_pages(const struct domain *d);

/* Raise a VIRQ: per-vCPU ones on v, global and per-domain ones on v's domain. */
__attribute__((visibility("hidden"))) /* its address is taken (pv_send_virq) */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* Raise a global VIRQ (VIRQ_DOM_EXC, VIRQ_CONSOLE...) in the domain handling it. */
void evtchn_send_global_virq(unsigned int virq);
/* Mark port of d pending and notify, as if its remote end had sent (0 or -XEN_EINVAL). */
int evtchn_notify_port(struct domain *d, evtchn_port_t port);

/*
 * Physical IRQs.  The interrupt-routing code (driver-domain work) registers
 * how a PIRQ is bound to and unbound from the machine; EVTCHNOP_bind_pirq
 * calls bind (which returns 0 or a negative XEN_E*; without registered
 * operations every PIRQ is unmapped: -XEN_EINVAL), close calls unbind, and
 * the interrupt handler calls evtchn_send_pirq().
 */
struct evtchn_pirq_ops {
	int (*bind)(struct domain *d, unsigned int pirq, bool will_share);
	void (*unbind)(struct domain *d, unsigned int pirq);
};
void evtchn_set_pirq_ops(const struct evtchn_pirq_ops *ops);
int evtchn_send_pirq(struct domain *d, unsigned int pirq); /* -XEN_EINVAL if not bound */

/* Hypercall entry points (kernel/hypercall/event_channel.c), HYPERCALL_ARGS shape. */
long do_event_channel_op(struct vcpu *v, unsigned long cmd, unsigned long arg, unsigned long a3,
			 unsigned long a4, unsigned long a5);
long do_event_channel_op_compat(struct vcpu *v, unsigned long arg, unsigned long a2,
				unsigned long a3, unsigned long a4, unsigned long a5);
/* event_channel_op for the SYSCALL fast path only: v is the vCPU this CPU
 * runs, in guest kernel mode, and no domain is traced (pv_entry.S). */
long do_event_channel_op_fast(struct vcpu *v, unsigned long cmd, unsigned long arg,
			      unsigned long a3, unsigned long a4, unsigned long a5);

#endif
