/*
 * Domains and virtual CPUs: the objects every subsystem hangs its state on.
 *
 * Each subsystem keeps its per-domain / per-vCPU state behind one pointer
 * here (allocated by that subsystem's *_domain_init()), so subsystems can be
 * built and unit-tested without knowing each other's structures:
 *
 *   p2m, shadow      kernel/mm/           (memory virtualization)
 *   evtchn           kernel/event/        (event channels)
 *   grant            kernel/grant/        (grant tables)
 *   sched            kernel/sched/        (scheduler, per vCPU)
 *
 * Lifecycle, the domain list and lookup live in kernel/domain/.
 *
 * Reference counts.  A domain is created holding one reference (its
 * existence); every cross-domain use holds one more for as long as it
 * needs the struct: a grant mapping (maptrack) or grant copy holds its
 * granter, an interdomain event channel holds its peer, a hypercall that
 * names another domain holds it for the call.  domain_destroy() kills the
 * domain (no new uses: lookups fail, ports close, its own grant maps go)
 * and drops the existence reference; the struct and what others may
 * still reach through it (event and grant tables, vCPUs) are freed by the
 * last domain_put().
 */
#ifndef HOSPES_DOMAIN_H
#define HOSPES_DOMAIN_H

#include <hospes/spinlock.h>
#include <hospes/types.h>

#define HOSPES_MAX_VCPUS     8
#define DOMID_FIRST_RESERVED 0x7ff0U

struct shared_info;
struct vcpu_info;
struct p2m;
struct shadow_domain;
struct shadow_vcpu;
struct evtchn_domain;
struct grant_table;
struct sched_vcpu;
struct arch_vcpu;
struct pv_domain;

struct vcpu {
	unsigned int id;
	struct domain *domain;
	unsigned int processor;	      /* physical CPU it runs on / is queued on */
	struct vcpu_info *vcpu_info;  /* hypervisor mapping of the guest-visible vcpu_info */
	struct shadow_vcpu *shadow;   /* current guest roots (kernel/user) and shadow roots */
	struct sched_vcpu *sched;     /* scheduler state */
	struct arch_vcpu *arch;	      /* saved registers, trap table, callbacks, FPU */
	bool online;		      /* VCPUOP_up'd and not down */
	bool blocked;		      /* SCHEDOP_block: waiting for an event */
	uint32_t poll_evtchn_pending; /* nonzero while in SCHEDOP_poll */
};

struct domain {
	domid_t id;
	bool is_privileged; /* the driver domain (dom0) */
	bool is_dying;
	uint8_t trace;	 /* HOSPES_TRACE_* kinds recorded (hospes/trace.h); 0: none */
	uint32_t refcnt; /* see "Reference counts" above; atomic */
	char name[32];
	spinlock_t lock;

	struct shared_info *shared_info; /* hypervisor mapping */
	mfn_t shared_info_mfn;

	unsigned int max_vcpus;
	struct vcpu *vcpu[HOSPES_MAX_VCPUS];
	/* Bit per vCPU that set poll_evtchn_pending (SCHEDOP_poll), set after
	 * the flag; a raise looks for pollers only when it is not 0. */
	unsigned long poll_mask;
	/* Bit per CPU whose CR3 may hold one of this domain's shadow roots, or
	 * whose TLB may hold translations of them (Xen's dirty cpumask): set by
	 * that CPU before it loads a root, cleared after it left (tlb.c). */
	uint64_t dirty_cpus;

	unsigned long tot_pages; /* frames owned */
	unsigned long max_pages; /* allocation limit */

	struct p2m *p2m;
	struct shadow_domain *shadow;
	struct evtchn_domain *evtchn;
	struct grant_table *grant;
	struct pv_domain *pv; /* PV guest state: shutdown, vm_assist, console (kernel/domain/) */

	struct domain *next_in_list;
};

/* kernel/domain/domain.c (host tests provide their own). */
/* A live domain by id with a reference taken (domain_put() it), or NULL if none or dying. */
struct domain *domain_get(domid_t id);
/* Drop a reference; the last one frees the domain (kernel/domain/domain.c). */
void domain_put(struct domain *d);
/* Another reference on a domain the caller already holds one on. */
static inline struct domain *domain_get_ref(struct domain *d)
{
	__atomic_add_fetch(&d->refcnt, 1, __ATOMIC_RELAXED);
	return d;
}
/*
 * Unreferenced lookup: NULL if none or dying.  The result is only safe to
 * use while the caller can't race with the domain's destruction (boot,
 * tests); cross-domain operations use domain_get().
 */
struct domain *domain_lookup(domid_t id);
void vcpu_kick(struct vcpu *v); /* wake v if blocked; IPI its CPU if running */

#endif
