/*
 * TLB maintenance for the shadow engine (declared in hospes/shadow.h).
 *
 * Shadow entries never carry the Global bit, so reloading CR3 drops every
 * guest translation.  A domain-wide flush acts on this CPU and, when other
 * CPUs are online, on all of them through smp_call_function() (which waits
 * until every CPU has flushed): a frame leaving a domain is freed only
 * after this returns.  Flushing every CPU is more than needed (only CPUs
 * running the domain's vCPUs can hold its entries) but needs no scheduler
 * state.
 *
 * smp_call_function() must run with interrupts enabled, or two CPUs
 * flushing at once would wait for each other forever.  The page-fault path
 * runs with them disabled, so the flush enables them for the duration of
 * the call: no interrupt handler takes the p2m or shadow locks a caller may
 * hold here.
 */
#include <asm/arch.h>
#include <asm/smp.h>
#include <hospes/domain.h>
#include <hospes/shadow.h>
#include <hospes/smp.h>

static inline void flush_local(void)
{
	unsigned long cr3;

	__asm__ __volatile__("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

static inline void invlpg_local(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

static void flush_ipi(void *data)
{
	unsigned long va = (unsigned long)data;

	if (va == ~0UL)
		flush_local();
	else
		invlpg_local(va);
}

static void flush_others(unsigned long va)
{
	unsigned long flags;

	if (nr_cpus_online < 2)
		return;
	flags = local_irq_save();
	local_irq_enable();
	smp_call_function(flush_ipi, (void *)va);
	local_irq_restore(flags);
}

void arch_flush_tlb_domain(struct domain *d)
{
	(void)d;
	flush_local();
	flush_others(~0UL);
}

void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	(void)d;
	invlpg_local(va);
	flush_others(va);
}

void arch_load_cr3(paddr_t cr3)
{
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

void arch_flush_cache(void)
{
	__asm__ __volatile__("wbinvd" ::: "memory");
}
