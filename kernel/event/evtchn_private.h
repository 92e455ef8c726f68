/*
 * The port table of a domain, shared by the files of kernel/event/.
 *
 * Ports live in buckets of EVTCHN_PER_BUCKET entries (one frame each),
 * allocated when the lowest free port falls into a bucket not yet there;
 * a port is "valid" if it is below the domain's limit and its bucket
 * exists.  Port 0 is reserved at init and never handed out.
 */
#ifndef EVENT_EVTCHN_PRIVATE_H
#define EVENT_EVTCHN_PRIVATE_H

#include <hospes/compiler.h>
#include <hospes/event.h>
#include <hospes/sched.h>
#include <hospes/spinlock.h>
#include <hospes/trace.h>
#include <public/xen.h>

enum evtchn_state {
	ECS_FREE = 0,
	ECS_RESERVED,	 /* port 0 */
	ECS_UNBOUND,	 /* waiting for remote_domid to bind */
	ECS_INTERDOMAIN, /* connected to (remote, remote_port) */
	ECS_PIRQ,
	ECS_VIRQ,
	ECS_IPI,
};

struct evtchn {
	uint8_t state;	       /* enum evtchn_state */
	uint8_t notify_vcpu;   /* vCPU whose vcpu_info gets the upcall */
	domid_t remote_domid;  /* ECS_UNBOUND: who may bind */
	uint32_t arg;	       /* remote port (INTERDOMAIN), virq, pirq */
	struct domain *remote; /* ECS_INTERDOMAIN: the peer */
};

#define EVTCHN_MAX_PORTS  4096U /* the 2-level ABI: 64 words of 64 bits */
#define EVTCHN_PER_BUCKET (PAGE_SIZE / sizeof(struct evtchn))
#define EVTCHN_NR_BUCKETS (EVTCHN_MAX_PORTS / EVTCHN_PER_BUCKET)

struct evtchn_domain {
	spinlock_t lock;
	bool dying;		/* destroy started: no new ports */
	unsigned int max_ports; /* ports [0, max_ports) may exist */
	struct evtchn *bucket[EVTCHN_NR_BUCKETS];
	uint16_t virq_port[HOSPES_MAX_VCPUS][NR_VIRQS]; /* global VIRQs: row 0 */
	uint16_t pirq_port[EVTCHN_NR_PIRQS];
	unsigned long sent;	/* EVTCHNOP_send that reached a port (under lock) */
	unsigned long received; /* raises in this domain (atomic, no lock) */
};

/* The public status (EVTCHNSTAT_*) of an internal state. */
static inline uint32_t evtchn_stat_of(uint8_t state)
{
	static const uint32_t stat[] = {
		[ECS_FREE] = EVTCHNSTAT_closed,	    [ECS_RESERVED] = EVTCHNSTAT_closed,
		[ECS_UNBOUND] = EVTCHNSTAT_unbound, [ECS_INTERDOMAIN] = EVTCHNSTAT_interdomain,
		[ECS_PIRQ] = EVTCHNSTAT_pirq,	    [ECS_VIRQ] = EVTCHNSTAT_virq,
		[ECS_IPI] = EVTCHNSTAT_ipi,
	};
	return state < sizeof(stat) / sizeof(stat[0]) ? stat[state] : EVTCHNSTAT_closed;
}

static inline bool port_is_valid(const struct evtchn_domain *ed, evtchn_port_t port)
{
	return port < ed->max_ports && ed->bucket[port / EVTCHN_PER_BUCKET];
}

static inline struct evtchn *port_chn(const struct evtchn_domain *ed, evtchn_port_t port)
{
	return &ed->bucket[port / EVTCHN_PER_BUCKET][port % EVTCHN_PER_BUCKET];
}

/* evtchn_2l.c: the 2-level delivery of port on vCPU vcpu_id of d (no lock needed). */
void evtchn_2l_wake_pollers(struct domain *d);
void evtchn_2l_set_pending_traced(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);

/* The raise itself (steps 1-3 of evtchn_2l.c), inline so a send needs no
 * call for it. */
#define BITS_PER_WORD 64

static inline struct vcpu *notify_target(struct domain *d, unsigned int vcpu_id)
{
	if (vcpu_id >= d->max_vcpus || vcpu_id >= HOSPES_MAX_VCPUS)
		return NULL;
	return d->vcpu[vcpu_id];
}

/* Step 2 once the selector bit is known to be needed (inline: every send). */
static inline __attribute__((always_inline)) void mark_events_pending(struct vcpu *v,
								      unsigned int word)
{
	struct vcpu_info *vi = v->vcpu_info;
	xen_ulong_t sel = 1UL << word;

	if (__atomic_fetch_or(&vi->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel)
		return;
	if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) &&
	    !vcpu_runs_here(v))
		vcpu_kick(v);
}

/* Steps 1-3; false if the port was pending already. */
static inline __attribute__((always_inline)) bool
evtchn_2l_raise(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
	struct shared_info *s = d->shared_info;
	unsigned int word = port / BITS_PER_WORD;
	xen_ulong_t bit = 1UL << (port % BITS_PER_WORD);
	struct vcpu *v;

	__atomic_fetch_add(&d->evtchn->received, 1, __ATOMIC_RELAXED);
	if (__atomic_fetch_or(&s->evtchn_pending[word], bit, __ATOMIC_SEQ_CST) & bit)
		return false;
	v = notify_target(d, vcpu_id);
	if (v && v->vcpu_info && !(READ_ONCE(s->evtchn_mask[word]) & bit))
		mark_events_pending(v, word);
	if (unlikely(__atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST)))
		evtchn_2l_wake_pollers(d);
	return true;
}

/* evtchn_2l_set_pending inline, for the send (the traced raise stays out of line). */
static inline __attribute__((always_inline)) void
evtchn_2l_set_pending_inline(struct domain *d, unsigned int vcpu_id, evtchn_port_t port)
{
	if (unlikely(trace_wanted(d, HOSPES_TRACE_EVENTS)))
		evtchn_2l_set_pending_traced(d, vcpu_id, port);
	else
		evtchn_2l_raise(d, vcpu_id, port);
}

void evtchn_2l_set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);
void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_2l_unmask(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);

/* evtchn.c: locking and lookup shared by the operations. */
/* d's table lock, interrupts off (inline: every send takes it). */
static inline unsigned long evtchn_lock(struct domain *d)
{
	return spin_lock_irqsave(&d->evtchn->lock);
}

static inline void evtchn_unlock(struct domain *d, unsigned long flags)
{
	spin_unlock_irqrestore(&d->evtchn->lock, flags);
}
unsigned long evtchn_lock_two(struct domain *a, struct domain *b); /* lower id first */
void evtchn_unlock_two(struct domain *a, struct domain *b, unsigned long flags);
extern spinlock_t evtchn_link_lock; /* held while connecting or disconnecting two ports */
/* DOMID_SELF or the caller's id: the caller; others: looked up (-ESRCH), privileged only (-EPERM). */
int evtchn_target(struct domain *caller, domid_t dom, struct domain **out);
struct domain *evtchn_global_virq_handler(void);
void evtchn_pirq_unbind(struct domain *d, unsigned int pirq); /* closing a PIRQ port */

enum virq_type { VIRQ_INVALID, VIRQ_PER_VCPU, VIRQ_PER_DOMAIN, VIRQ_GLOBAL };
enum virq_type virq_type(unsigned int virq);

#endif
