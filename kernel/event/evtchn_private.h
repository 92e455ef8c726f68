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

#include <asm/bitops.h>
#include <hospes/compiler.h>
#include <hospes/event.h>
#include <hospes/sched.h>
#include <hospes/spinlock.h>
#include <hospes/trace.h>
#include <public/xen.h>

enum evtchn_state {
	ECS_FREE = 0,
	ECS_RESERVED,	 /* port 0 */
	ECS_UNBOUND,	 /* waiting for domain arg to bind */
	ECS_INTERDOMAIN, /* connected to (remote, remote_port) */
	ECS_PIRQ,
	ECS_VIRQ,
	ECS_IPI,
};

/*
 * One port.  Its word `sw` holds the state (bits 0-7), the vCPU to notify
 * (bits 8-15) and the number of EVTCHNOP_send calls using the port right
 * now (from bit 16).  A send takes no lock: one atomic add counts it in
 * and tells it the state; it reads the other fields only when the state
 * says they are in use, and leaves by subtracting again.  Everything that
 * changes a port holds its domain's lock: it writes the other fields of a
 * port only while no sender reads them (before a change that puts them to
 * use, or after one that takes them out of use), and a state change is an
 * atomic update of the word followed by a wait until no sender is counted
 * (chn_set_state).  Either a sender was counted first (the change waits
 * for it) or it sees the new state.  Since a sender waits for nothing
 * while counted, the wait ends.  The word is never written by a plain
 * store once the bucket is published (a sender's count would be lost).
 */
struct evtchn {
	uint32_t sw;	       /* state | notify vCPU << 8 | senders << 16 */
	uint32_t arg;	       /* remote port (INTERDOMAIN), virq, pirq, who may bind (UNBOUND) */
	struct domain *remote; /* ECS_INTERDOMAIN: the peer */
};

#define CHN_STATE_MASK	 0xffU
#define CHN_NOTIFY_SHIFT 8
#define CHN_SENDER_ONE	 (1U << 16)

static inline unsigned int chn_sw_state(uint32_t sw)
{
	return sw & CHN_STATE_MASK;
}

static inline unsigned int chn_sw_notify(uint32_t sw)
{
	return (sw >> CHN_NOTIFY_SHIFT) & 0xff;
}

static inline unsigned int chn_state(const struct evtchn *chn)
{
	return chn_sw_state(__atomic_load_n(&chn->sw, __ATOMIC_ACQUIRE));
}

static inline unsigned int chn_notify(const struct evtchn *chn)
{
	return chn_sw_notify(__atomic_load_n(&chn->sw, __ATOMIC_RELAXED));
}

/* Count a sender in (the word as it was: its state is what the sender may use). */
static inline uint32_t chn_sender_enter(struct evtchn *chn)
{
	return __atomic_fetch_add(&chn->sw, CHN_SENDER_ONE, __ATOMIC_ACQUIRE);
}

static inline void chn_sender_leave(struct evtchn *chn)
{
	__atomic_fetch_sub(&chn->sw, CHN_SENDER_ONE, __ATOMIC_RELEASE);
}

/* Under the port's domain lock: the new state, then no sender of the old one left. */
void chn_set_state(struct evtchn *chn, enum evtchn_state state);
/* Under the port's domain lock: the vCPU to notify (senders read it from the word). */
void chn_set_notify(struct evtchn *chn, unsigned int vcpu);

#define EVTCHN_MAX_PORTS  4096U /* the 2-level ABI: 64 words of 64 bits */
#define EVTCHN_PER_BUCKET (PAGE_SIZE / sizeof(struct evtchn))
#define EVTCHN_NR_BUCKETS (EVTCHN_MAX_PORTS / EVTCHN_PER_BUCKET)

struct evtchn_domain {
	spinlock_t lock;
	bool dying;				  /* destroy started: no new ports */
	unsigned int max_ports;			  /* ports [0, max_ports) may exist */
	unsigned int valid_ports;		  /* ports [0, valid_ports) have their bucket */
	struct evtchn *bucket[EVTCHN_NR_BUCKETS]; /* allocated in order, never freed early */
	uint16_t virq_port[HOSPES_MAX_VCPUS][NR_VIRQS]; /* global VIRQs: row 0 */
	uint16_t pirq_port[EVTCHN_NR_PIRQS];
	unsigned long sent;	/* EVTCHNOP_send that reached a port (atomic, no lock) */
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

/* A bucket is published (bucket[], then valid_ports, with release) and
 * never taken back while the domain lives, so a lock-free reader may use
 * every port below the valid_ports it reads. */
static inline bool port_is_valid(const struct evtchn_domain *ed, evtchn_port_t port)
{
	return port < __atomic_load_n(&ed->valid_ports, __ATOMIC_ACQUIRE);
}

static inline struct evtchn *port_chn(const struct evtchn_domain *ed, evtchn_port_t port)
{
	return &ed->bucket[port / EVTCHN_PER_BUCKET][port % EVTCHN_PER_BUCKET];
}

/* evtchn_2l.c: the 2-level delivery of port on vCPU vcpu_id of d (no lock needed). */
void evtchn_2l_wake_pollers(struct domain *d);
bool evtchn_2l_mark_traced(struct domain *d, unsigned int vcpu_id, evtchn_port_t port,
			   const struct evtchn *chn, struct vcpu **kick);

/* The raise itself (steps 1-3 of evtchn_2l.c), inline so a send needs no
 * call for it. */
#define BITS_PER_WORD 64

/* The vCPU (NULL if none: the slots from max_vcpus up are empty). */
static inline struct vcpu *notify_target(struct domain *d, unsigned int vcpu_id)
{
	return vcpu_id < HOSPES_MAX_VCPUS ? d->vcpu[vcpu_id] : NULL;
}

/* Step 2 once the port is known to be unmasked: true if v's upcall flag
 * was newly set (v may need a kick). */
static inline __attribute__((always_inline)) bool mark_upcall(struct vcpu *v, unsigned int word)
{
	struct vcpu_info *vi = v->vcpu_info;
	xen_ulong_t sel = 1UL << word;

	if (__atomic_fetch_or(&vi->evtchn_pending_sel, sel, __ATOMIC_SEQ_CST) & sel)
		return false;
	return !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

/* Steps 1 and 2, without the kick, in d (table ed): false if the port was
 * pending already; *kick = the vCPU whose upcall flag this raise set, else
 * NULL.  The pending and mask bits are found by the port's number in the
 * whole bit string (asm/bitops.h). */
static inline __attribute__((always_inline)) bool
evtchn_2l_mark_in(struct domain *d, struct evtchn_domain *ed, unsigned int vcpu_id,
		  evtchn_port_t port, struct vcpu **kick)
{
	struct shared_info *s = d->shared_info;
	struct vcpu *v;

	*kick = NULL;
	__atomic_fetch_add(&ed->received, 1, __ATOMIC_RELAXED);
	if (arch_test_and_set_bit(port, s->evtchn_pending))
		return false;
	v = notify_target(d, vcpu_id);
	if (v && v->vcpu_info && !arch_test_bit(port, s->evtchn_mask) &&
	    mark_upcall(v, port / BITS_PER_WORD))
		*kick = v;
	return true;
}

static inline __attribute__((always_inline)) bool
evtchn_2l_mark(struct domain *d, unsigned int vcpu_id, evtchn_port_t port, struct vcpu **kick)
{
	return evtchn_2l_mark_in(d, d->evtchn, vcpu_id, port, kick);
}

/* After a raise that set the pending bit: the kick it asked for (unless
 * the vCPU is this CPU's own, whose exit check is still to come), and step 3. */
static inline __attribute__((always_inline)) void evtchn_2l_notify(struct domain *d,
								   struct vcpu *kick)
{
	if (kick && !vcpu_runs_here(kick))
		vcpu_kick(kick);
	if (unlikely(__atomic_load_n(&d->poll_mask, __ATOMIC_SEQ_CST)))
		evtchn_2l_wake_pollers(d);
}

void evtchn_2l_set_pending(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);
void evtchn_2l_clear_pending(struct domain *d, evtchn_port_t port);
void evtchn_2l_unmask(struct domain *d, unsigned int vcpu_id, evtchn_port_t port);

/* evtchn.c: locking and lookup shared by the operations. */
/* d's table lock, interrupts off (every operation but EVTCHNOP_send takes it). */
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
