/*
 * TLB maintenance for the shadow engine (declared in hospes/shadow.h).
 *
 * Shadow entries never carry the Global bit, so reloading CR3 drops every
 * guest translation.  Until the IPI layer lands these act on the calling
 * CPU only, which is exact while each domain's vCPUs run on one CPU.
 */
#include <hospes/domain.h>
#include <hospes/shadow.h>

static inline void flush_local(void)
{
	unsigned long cr3;

	__asm__ __volatile__("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

void arch_flush_tlb_domain(struct domain *d)
{
	(void)d;
	flush_local();
}

void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	(void)d;
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

void arch_load_cr3(paddr_t cr3)
{
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(cr3) : "memory");
}

void arch_flush_cache(void)
{
	__asm__ __volatile__("wbinvd" ::: "memory");
}
