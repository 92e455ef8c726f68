/*
 * TLB maintenance for the shadow engine (declared in hospes/shadow.h).
 *
 * Shadow entries never carry the Global bit, so reloading CR3 drops every
 * guest translation.  A domain-wide flush acts on this CPU and, when other
 * CPUs are online, on all of them, and returns only when every CPU has
 * flushed: a frame leaving a domain is freed only after this returns.
 * Flushing every CPU is more than needed (only CPUs running the domain's
 * vCPUs can hold its entries) but needs no scheduler state.  A remote
 * single-page flush is a full flush there (one request type, no payload).
 *
 * Requests are generations: the flusher bumps tlb_flush_gen, sends
 * VEC_TLB_FLUSH to every other online CPU and waits until each CPU's
 * flush_done has reached its generation.  A CPU answers from the IPI, or
 * from any spin-wait: the hypervisor's cpu_relax() (asm/arch.h) calls
 * tlb_flush_poll() once a request was ever made.  That second way is what
 * makes flushing under a lock sound: the shadow code flushes while holding
 * its domain lock, with interrupts off, and a vCPU of the same domain on
 * another CPU may be spinning on that lock with interrupts off too; it
 * answers from its spin loop.  Two CPUs flushing at once answer each other
 * the same way.  flush_done[c] is written only by CPU c, with interrupts
 * off, and only grows.
 *
 * Lazy roots.  A CPU whose vCPU stopped running keeps that vCPU's shadow
 * root in CR3 (this_cpu()->lazy_root, kernel/arch/x86_64/pv.c) until it
 * loads another root.  Such a root is no longer pinned by anything
 * running here and may be freed, but every shadow frame is freed only
 * after a domain-wide flush (the dead list, kernel/mm/shadow/cache.c),
 * and a flush reaches every online CPU; so a lazy CPU answers a flush by
 * leaving the root for the hypervisor's own tables instead of reloading
 * it, before it reports the flush done.  That is the whole guarantee: no
 * CPU holds a freed root in CR3, and no translation of a lazy root
 * outlives a flush (the CR3 write drops it).
 *
 * Clean CPUs.  A CPU that left a lazy root sits on the hypervisor's own
 * tables with no guest translation cached (this_cpu()->on_hv_tables,
 * set right after that CR3 write, cleared by pv.c's load_root before
 * the next root is loaded, with a full fence between the clear and the
 * load).  A flusher changes the shadows, then (a locked add: a full
 * fence) reads each CPU's flag once; a CPU it finds clean gets no IPI
 * and is not waited for.  Either that CPU's clear comes later in the
 * order of memory, so its next root load and every walk after it see
 * the changed shadows, or the flusher sees it not clean and waits as
 * for any other.  Idle CPUs are thus woken by the first flush only.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/cr3.h>
#include <asm/page.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <hospes/percpu.h>
#include <hospes/shadow.h>
#include <hospes/smp.h>

uint64_t tlb_flush_gen;
static uint64_t flush_done[NR_CPUS];

/* Drop this CPU's guest translations; a lazy root is left, not reloaded. */
static void flush_local(void)
{
	unsigned long flags = local_irq_save();
	struct percpu *me = this_cpu();

	if (me->lazy_root) {
		me->lazy_root = false;
		cr3_load(hypervisor_pml4_maddr(), CR3_LEAVE);
		WRITE_ONCE(me->on_hv_tables, true); /* after the write: nothing cached now */
	} else if (READ_ONCE(me->on_hv_tables)) {
		/* no guest translation to drop */
	} else {
		cr3_load(read_cr3(), CR3_FLUSH);
	}
	local_irq_restore(flags);
}

static inline void invlpg_local(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

void tlb_flush_poll(void)
{
	unsigned int me = smp_processor_id();
	uint64_t gen = __atomic_load_n(&tlb_flush_gen, __ATOMIC_ACQUIRE);
	if (gen == __atomic_load_n(&flush_done[me], __ATOMIC_RELAXED))
		return;
	unsigned long flags = local_irq_save();
	gen = __atomic_load_n(&tlb_flush_gen, __ATOMIC_ACQUIRE);
	flush_local(); /* before flush_done: the flusher may free a lazy root next */
	if (gen > flush_done[me])
		__atomic_store_n(&flush_done[me], gen, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

static void flush_irq(struct cpu_regs *regs)
{
	(void)regs;
	lapic_eoi();
	tlb_flush_poll();
}

static void flush_others(void)
{
	static bool handler_set;
	unsigned int me = smp_processor_id();

	if (nr_cpus_online < 2)
		return;
	if (!READ_ONCE(handler_set)) {
		irq_set_handler(VEC_TLB_FLUSH, flush_irq); /* idempotent: any CPU may win */
		WRITE_ONCE(handler_set, true);
	}
	uint64_t gen = __atomic_add_fetch(&tlb_flush_gen, 1, __ATOMIC_SEQ_CST);
	bool wait[NR_CPUS]; /* decided once per CPU: see "Clean CPUs" above */
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		wait[c] = c != me && percpu[c].online &&
			  !__atomic_load_n(&percpu[c].on_hv_tables, __ATOMIC_SEQ_CST);
		if (wait[c] && __atomic_load_n(&flush_done[c], __ATOMIC_ACQUIRE) < gen)
			send_ipi(c, VEC_TLB_FLUSH);
	}
	for (unsigned int c = 0; c < NR_CPUS; c++)
		while (wait[c] && __atomic_load_n(&flush_done[c], __ATOMIC_ACQUIRE) < gen)
			cpu_relax(); /* answers other CPUs' requests meanwhile */
}

void arch_flush_tlb_domain(struct domain *d)
{
	(void)d;
	flush_local();
	flush_others();
}

void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	(void)d;
	invlpg_local(va);
	flush_others();
}

/* The running vCPU's new root (shadow_reload) or a self-test's tables. */
void arch_load_cr3(paddr_t cr3)
{
	cr3_load(cr3, CR3_OTHER);
}

void arch_flush_cache(void)
{
	__asm__ __volatile__("wbinvd" ::: "memory");
}
