/*
 * Host stand-in for the TLB flush glue: counts flushes so tests can check
 * that removing a mapping flushed before the frame was reused.
 */
#include <hospes/shadow.h>

unsigned long fake_tlb_flushes, fake_tlb_invlpgs, fake_cache_flushes;
paddr_t fake_cr3;

void arch_flush_tlb_domain(struct domain *d)
{
	(void)d;
	fake_tlb_flushes++;
}

void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	(void)d;
	(void)va;
	fake_tlb_invlpgs++;
}

void arch_load_cr3(paddr_t cr3)
{
	fake_cr3 = cr3;
}

void arch_flush_cache(void)
{
	fake_cache_flushes++;
}
