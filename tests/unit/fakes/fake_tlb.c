/*
 * Host stand-in for the TLB flush glue: counts flushes so tests can check
 * that removing a mapping flushed before the frame was reused.  A test
 * that runs other "CPUs" as threads sets fake_tlb_flush_hook to make the
 * flush wait for them, as the real one waits for every CPU's IPI.  All
 * weak: tests/unit/tlb links the real kernel/arch/x86_64/tlb.c instead.
 */
#include <hospes/shadow.h>

unsigned long fake_tlb_flushes, fake_tlb_invlpgs, fake_cache_flushes;
paddr_t fake_cr3;
/* A test's own model of the flush's wait for other CPUs (NULL: none). */
void (*fake_tlb_flush_hook)(struct domain *d);

__attribute__((weak)) void arch_flush_tlb_domain(struct domain *d)
{
	fake_tlb_flushes++;
	if (fake_tlb_flush_hook)
		fake_tlb_flush_hook(d);
}

__attribute__((weak)) void arch_flush_tlb_domains(struct domain *a, struct domain *b)
{
	arch_flush_tlb_domain(a);
	arch_flush_tlb_domain(b);
}

__attribute__((weak)) void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	(void)d;
	(void)va;
	fake_tlb_invlpgs++;
}

__attribute__((weak)) void arch_load_cr3(paddr_t cr3)
{
	fake_cr3 = cr3;
}

__attribute__((weak)) void arch_flush_cache(void)
{
	fake_cache_flushes++;
}
