/*
 * Tracing: what a domain asks of the hypervisor and what the hypervisor
 * does to it, recorded as it happens (kernel/trace/trace.c).
 *
 * Each domain has a trace mask (struct domain.trace, HOSPES_TRACE_* from
 * public/sysctl.h), set by dom0 through sysctl hospes_trace and cleared
 * when the domain is destroyed.  While no domain is traced every hook
 * costs one compare of a global counter and one predictable branch, and
 * the recording itself sits behind a call the hot paths reach only as a
 * tail call, so they keep their registers; the hypercall fast path
 * (syscall_entry, pv_entry.S) leaves every call to the full path while any
 * domain is traced, so it pays exactly one compare.
 *
 * Hooks (the *_rec functions) and where they sit:
 *   hypercall  hypercall_dispatch (kernel/hypercall/table.c) and the iret
 *              hypercall (kernel/arch/x86_64/pv.c)
 *   trap       a trap bounced to the guest kernel, a syscall from guest
 *              user mode (pv.c), a page fault the shadow engine fixed
 *              without the guest noticing (arch/x86_64/page_fault.c)
 *   event      an event channel port raised (kernel/event/evtchn_2l.c)
 *   switch     the CPU moves from one vCPU to another (pv.c)
 */
#ifndef HOSPES_TRACE_H
#define HOSPES_TRACE_H

#include <asm/arch.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <public/sysctl.h>

/* How many domains have a nonzero mask (kernel/trace/trace.c). */
extern unsigned int trace_active;

/* True while any domain is traced: one compare of a global with 0. */
static inline bool trace_any(void)
{
	return unlikely(trace_active != 0);
}

/* True if d's records of this kind (HOSPES_TRACE_*) are wanted.  While no
 * domain is traced this is one compare of a global with 0 and a branch. */
static inline bool trace_wanted(const struct domain *d, unsigned int kind)
{
	return trace_any() && (READ_ONCE(d->trace) & kind);
}

/* The clock of the records and of the costs: TSC cycles. */
static inline uint64_t trace_clock(void)
{
	return arch_cycles();
}

void trace_hypercall_rec(const struct vcpu *v, unsigned long nr, const unsigned long args[5],
			 long result, uint64_t cycles);
void trace_trap_rec(const struct vcpu *v, unsigned int vector, unsigned long error,
		    unsigned long cr2, unsigned long rip, int how, uint64_t cycles);
/* Where a raised port's event comes from (see HOSPES_TREC_EVENT). */
struct trace_event_src {
	uint32_t stat; /* EVTCHNSTAT_* of the port */
	uint32_t arg;  /* the pirq, the virq, or the peer's port */
	domid_t peer;  /* interdomain: the peer domain; else DOMID_INVALID */
};
void trace_event_rec(const struct domain *d, unsigned int vcpu, unsigned int port, bool raised,
		     const struct trace_event_src *src);
void trace_switch_rec(const struct vcpu *prev, const struct vcpu *next);

static inline void trace_switch(const struct vcpu *prev, const struct vcpu *next)
{
	if (trace_any() && ((prev && (READ_ONCE(prev->domain->trace) & HOSPES_TRACE_EVENTS)) ||
			    (next && (READ_ONCE(next->domain->trace) & HOSPES_TRACE_EVENTS))))
		trace_switch_rec(prev, next);
}

/* Set d's mask; the rings of CPUs 0..ncpus-1 are allocated on first use.
 * 0 or -XEN_EINVAL (unknown bits) / -XEN_ENOMEM. */
int trace_set(struct domain *d, unsigned int mask, unsigned int ncpus);

/*
 * Up to n records of CPU cpu's ring from *pos on that match domid
 * (DOMID_INVALID: any) and kinds (HOSPES_TRACE_* mask) into out.  *pos
 * advances past every record looked at; *lost grows by the records that
 * were overwritten before this read reached them.  Returns the count.
 * Safe against the CPU writing meanwhile: a record overwritten while it
 * was copied is counted lost, never returned torn.
 */
unsigned int trace_read(unsigned int cpu, uint64_t *pos, uint64_t *lost, domid_t domid,
			unsigned int kinds, struct hospes_trace_rec *out, unsigned int n);

/* Records one CPU's ring holds. */
unsigned int trace_ring_capacity(void);

/* Forget every ring (host tests, after the simulated machine is replaced). */
void trace_reset(void);

#endif
