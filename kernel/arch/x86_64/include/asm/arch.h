/*
 * The hypervisor's <asm/arch.h> for x86-64 (see hospes/arch.h for the
 * contract; tests/unit/fakes/include/asm/arch.h is the host twin).
 *
 * mfn_to_virt/virt_to_mfn use the direct map, which covers all RAM once
 * paging_init() has run (the early tables cover the low 4 GiB).
 */
#ifndef ASM_ARCH_H
#define ASM_ARCH_H

#include <hospes/types.h>
#include <asm/layout.h>

/*
 * Every spin-wait answers pending remote TLB flush requests (tlb.c): a CPU
 * spinning with interrupts off on a lock whose holder waits for its flush
 * would otherwise deadlock.  tlb_flush_gen stays 0 until the first request.
 */
extern uint64_t tlb_flush_gen;
void tlb_flush_poll(void);

static inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
	if (__atomic_load_n(&tlb_flush_gen, __ATOMIC_RELAXED))
		tlb_flush_poll();
}

static inline unsigned long local_irq_save(void)
{
	unsigned long flags;
	__asm__ __volatile__("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags;
}

static inline void local_irq_restore(unsigned long flags)
{
	__asm__ __volatile__("pushq %0; popfq" ::"r"(flags) : "memory", "cc");
}

static inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

/*
 * The running CPU's id: struct percpu's cpu_id, at offset 8 from the GS
 * base (hospes/percpu.h; set by percpu_init() first thing at boot).
 */
static inline unsigned int smp_processor_id(void)
{
	unsigned int id;
	__asm__ __volatile__("movl %%gs:8, %0" : "=r"(id));
	return id;
}

/*
 * The vCPU this CPU runs, or NULL: struct percpu's curr_vcpu, at offset 16
 * (checked in pv.c).  current_vcpu() without the call, for hot paths.
 */
struct vcpu;
static inline struct vcpu *arch_current_vcpu(void)
{
	struct vcpu *v;
	__asm__ __volatile__("movq %%gs:16, %0" : "=r"(v));
	return v;
}

static inline void *maddr_to_virt(paddr_t pa)
{
	return (void *)(DIRECTMAP_BASE + pa);
}

static inline paddr_t virt_to_maddr(const void *va)
{
	return (paddr_t)((unsigned long)va - DIRECTMAP_BASE);
}

static inline void *mfn_to_virt(mfn_t mfn)
{
	return maddr_to_virt(mfn_to_paddr(mfn));
}

static inline mfn_t virt_to_mfn(const void *va)
{
	return paddr_to_mfn(virt_to_maddr(va));
}

/* The time stamp counter: the clock of trace records and their costs. */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
