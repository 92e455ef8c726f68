/*
 * Counted CR3 writes.  Under QEMU's TCG every CR3 write empties the whole
 * software TLB, and on hardware without PCIDs it drops every non-global
 * translation, so how many the hypervisor does per request is a figure
 * worth watching: each CPU counts its writes by reason (enum cr3_why,
 * hospes/percpu.h), read through XEN_SYSCTL_hospes_cpustat.  Every CR3
 * write after start of day goes through cr3_load(); the count is one
 * GS-relative increment (this_cpu() is the GS base, see percpu.h).
 */
#ifndef ASM_CR3_H
#define ASM_CR3_H

#include <asm/cpu.h>
#include <hospes/compiler.h>
#include <hospes/percpu.h>

static inline __attribute__((always_inline)) void cr3_count(enum cr3_why why)
{
	__asm__ __volatile__(
		"incq %%gs:%c0" ::"i"(offsetof(struct percpu, cr3_writes) + why * sizeof(uint64_t))
		: "memory");
}

static inline __attribute__((always_inline)) void cr3_load(unsigned long cr3, enum cr3_why why)
{
	cr3_count(why);
	write_cr3(cr3);
}

struct domain;
/* Load root, a shadow root of d, for the vCPU about to run on this CPU,
 * unless CR3 holds it; keeps the domains' dirty masks (tlb.c). */
void tlb_load_root(struct domain *d, paddr_t root);

#endif
