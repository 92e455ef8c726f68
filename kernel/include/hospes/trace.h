/*
 * Tracing: what a domain asks of the hypervisor and what the hypervisor
 * does to it, recorded as it happens (kernel/trace/trace.c).
 *
 * Each domain has a trace mask (struct domain.trace, HOSPES_TRACE_* from
 * public/sysctl.h), set by dom0 through sysctl hospes_trace.  While the
 * mask is 0 every hook below costs one load and one predictable branch;
 * the hypercall fast path (pv_entry.S) leaves to the full path for a
 * traced domain, so the fast path itself has no tracing code at all.
 *
 * Hooks and where they sit:
 *   trace_hypercall  hypercall_dispatch (kernel/hypercall/table.c) and the
 *                    iret hypercall (kernel/arch/x86_64/pv.c)
 *   trace_trap       a trap bounced to the guest kernel, a syscall from
 *                    guest user mode (pv.c), a page fault the shadow
 *                    engine fixed without the guest noticing (page_fault.c)
 *   trace_event      an event channel port raised (kernel/event/evtchn_2l.c)
 *   trace_switch     the CPU moves from one vCPU to another (pv.c)
 */
#ifndef HOSPES_TRACE_H
#define HOSPES_TRACE_H

#include <asm/arch.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <public/sysctl.h>

/* True if d's records of this kind (HOSPES_TRACE_*) are wanted: the one branch. */
static inline bool trace_wanted(const struct domain *d, unsigned int kind)
{
	return unlikely(READ_ONCE(d->trace) & kind);
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
void trace_event_rec(const struct domain *d, unsigned int vcpu, unsigned int port, bool raised);
void trace_switch_rec(const struct vcpu *prev, const struct vcpu *next);

static inline void trace_event(const struct domain *d, unsigned int vcpu, unsigned int port,
			       bool raised)
{
	if (trace_wanted(d, HOSPES_TRACE_EVENTS))
		trace_event_rec(d, vcpu, port, raised);
}

static inline void trace_switch(const struct vcpu *prev, const struct vcpu *next)
{
	if ((prev && trace_wanted(prev->domain, HOSPES_TRACE_EVENTS)) ||
	    (next && trace_wanted(next->domain, HOSPES_TRACE_EVENTS)))
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
