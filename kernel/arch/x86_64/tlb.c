/*
 * TLB maintenance for the shadow engine (declared in hospes/shadow.h).
 *
 * Shadow entries never carry the Global bit, so reloading CR3 drops every
 * guest translation.  A domain-wide flush acts on this CPU and on every
 * other CPU that may hold the domain's tables (below), and returns only
 * when each of them has flushed: a frame leaving a domain is freed only
 * after this returns.  A remote single-page flush is a full flush there
 * (one request type, no payload).
 *
 * Requests are generations: the flusher bumps tlb_flush_gen, raises the
 * request of each CPU it must wait for to that generation (flush_req[c],
 * only grows), sends it VEC_TLB_FLUSH and waits until its flush_done has
 * reached the generation.  A CPU answers from the IPI, or from any
 * spin-wait: the hypervisor's cpu_relax() (asm/arch.h) calls
 * tlb_flush_poll() once a request was ever made.  It answers only what
 * was asked of it, so a CPU spinning elsewhere (on a lock, in the idle
 * loop's halt polling) keeps its tables through other domains' flushes.  That second way is what
 * makes flushing under a lock sound: the shadow code flushes while holding
 * its domain lock, with interrupts off, and a vCPU of the same domain on
 * another CPU may be spinning on that lock with interrupts off too; it
 * answers from its spin loop.  Two CPUs flushing at once answer each other
 * the same way.  flush_done[c] is written only by CPU c, with interrupts
 * off, and only grows.
 *
 * Who is flushed (Xen's dirty cpumask).  Only a CPU whose CR3 holds one
 * of d's shadow roots can cache a translation of d's shadows, so a
 * domain-wide flush of d goes to the CPUs in d->dirty_cpus and to no
 * other.  A CPU sets its bit (a locked or: a full fence) before it loads
 * one of d's roots, and clears it (after the CR3 write) once it has left
 * them for another domain's root or the hypervisor's tables;
 * this_cpu()->tables_of says whose bit it holds.  A flusher changes the
 * shadows, fences, then reads the mask once.  Either a loader's set comes
 * later in the order of memory, so its root load and every walk after it
 * see the changed shadows, or the flusher sees the bit and waits for that
 * CPU.  A clear bit it reads was cleared after that CPU's CR3 write, which
 * dropped every translation of d there.  The mask is a superset: a CPU
 * stays in it while it keeps a lazy root.  A domain alone on its CPUs
 * (dom0 and a domU pinned apart) thus flushes without any IPI.
 *
 * Lazy roots.  A CPU whose vCPU stopped running keeps that vCPU's shadow
 * root in CR3 (this_cpu()->lazy_root, kernel/arch/x86_64/pv.c) until it
 * loads another root, and keeps its bit in the domain's mask meanwhile.
 * Such a root is no longer pinned by anything running here and may be
 * freed, but every shadow frame of d is freed only after a flush of d has
 * been answered by every CPU in d->dirty_cpus (the dead list,
 * kernel/mm/shadow/cache.c), and a lazy CPU is in that mask; it answers
 * by leaving the root for the hypervisor's own tables instead of
 * reloading it, and clears its bit, before it reports the flush done.
 * That is the whole guarantee: no CPU holds a freed root in CR3, and no
 * translation of a lazy root outlives a flush (the CR3 write drops it).
 * A CPU that left a lazy root sits on the hypervisor's tables, in no
 * domain's mask, until its next root load: flushes no longer wake it.
 * The domain itself outlives every tables_of pointing at it: its
 * destruction flushes it (domain_relinquish_memory) once no vCPU of it
 * can run, which makes every CPU still lazy on it leave.
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
static uint64_t flush_req[NR_CPUS], flush_done[NR_CPUS];

/* Leave the guest's tables for the hypervisor's and drop the mask bit. */
static void leave_tables(struct percpu *me)
{
	struct domain *d = me->tables_of;

	cr3_load(hypervisor_pml4_maddr(), CR3_LEAVE);
	me->tables_of = NULL;
	if (d) /* after the CR3 write: nothing of d is cached here now */
		__atomic_fetch_and(&d->dirty_cpus, ~(1ULL << me->cpu_id), __ATOMIC_RELEASE);
}

/* Drop this CPU's guest translations; a lazy root is left, not reloaded. */
static void flush_local(void)
{
	unsigned long flags = local_irq_save();
	struct percpu *me = this_cpu();

	if (me->lazy_root) {
		me->lazy_root = false;
		leave_tables(me);
	} else if (me->tables_of) {
		cr3_load(read_cr3(), CR3_FLUSH);
	} /* else on the hypervisor's tables: no guest translation to drop */
	local_irq_restore(flags);
}

/*
 * Load root, one of d's shadow roots, for the vCPU about to run here
 * (pv.c's load_root, interrupts off), unless CR3 holds it already: that
 * vCPU ran here last and nothing flushed since (a flush leaves a lazy
 * root), or it shares the root of the vCPU before it.  Either way every
 * translation still cached for that root is one a flush would have
 * dropped had it become stale, so skipping the write changes nothing the
 * guest can see.  When CR3 holds another domain's root or none, this
 * CPU's bit goes into d's mask before the load and out of the old
 * domain's after it.
 */
void tlb_load_root(struct domain *d, paddr_t root)
{
	struct percpu *me = this_cpu();
	struct domain *old = me->tables_of;
	uint64_t bit = 1ULL << me->cpu_id;

	me->lazy_root = false; /* pinned again by the vCPU that runs here */
	if (likely(old == d)) {
		if (read_cr3() != root)
			cr3_load(root, CR3_LOAD);
		return;
	}
	__atomic_fetch_or(&d->dirty_cpus, bit, __ATOMIC_SEQ_CST); /* before the walk */
	me->tables_of = d;
	cr3_load(root, CR3_LOAD);
	if (old)
		__atomic_fetch_and(&old->dirty_cpus, ~bit, __ATOMIC_RELEASE);
}

static inline void invlpg_local(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

void tlb_flush_poll(void)
{
	unsigned int me = smp_processor_id();
	uint64_t req = __atomic_load_n(&flush_req[me], __ATOMIC_ACQUIRE);
	if (req <= __atomic_load_n(&flush_done[me], __ATOMIC_RELAXED))
		return;
	unsigned long flags = local_irq_save();
	req = __atomic_load_n(&flush_req[me], __ATOMIC_ACQUIRE);
	flush_local(); /* before flush_done: the flusher may free a lazy root next */
	if (req > flush_done[me])
		__atomic_store_n(&flush_done[me], req, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

/* Ask CPU c for a flush of generation gen (or a later one). */
static void ask(unsigned int c, uint64_t gen)
{
	uint64_t old = __atomic_load_n(&flush_req[c], __ATOMIC_RELAXED);
	while (old < gen && !__atomic_compare_exchange_n(&flush_req[c], &old, gen, false,
							 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		; /* another flusher raised it meanwhile: old is re-read */
}

static void flush_irq(struct cpu_regs *regs)
{
	(void)regs;
	lapic_eoi();
	this_cpu()->tlb_ipis++;
	tlb_flush_poll();
}

/* The other CPUs holding a's or b's tables (b may be NULL) flush; returns when all have. */
static void flush_others(const struct domain *a, const struct domain *b)
{
	static bool handler_set;
	unsigned int me = smp_processor_id();

	if (nr_cpus_online < 2)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the shadow changes before the mask read */
	uint64_t wait = __atomic_load_n(&a->dirty_cpus, __ATOMIC_RELAXED);
	if (b)
		wait |= __atomic_load_n(&b->dirty_cpus, __ATOMIC_RELAXED);
	wait &= ~(1ULL << me);
	if (!wait)
		return; /* no other CPU holds the tables (the essay's "Who") */
	if (!READ_ONCE(handler_set)) {
		irq_set_handler(VEC_TLB_FLUSH, flush_irq); /* idempotent: any CPU may win */
		WRITE_ONCE(handler_set, true);
	}
	uint64_t gen = __atomic_add_fetch(&tlb_flush_gen, 1, __ATOMIC_SEQ_CST);
	for (uint64_t m = wait; m; m &= m - 1) {
		unsigned int c = (unsigned int)__builtin_ctzll(m);
		ask(c, gen);
		if (__atomic_load_n(&flush_done[c], __ATOMIC_ACQUIRE) < gen)
			send_ipi(c, VEC_TLB_FLUSH);
	}
	for (uint64_t m = wait; m; m &= m - 1) {
		unsigned int c = (unsigned int)__builtin_ctzll(m);
		while (__atomic_load_n(&flush_done[c], __ATOMIC_ACQUIRE) < gen)
			cpu_relax(); /* answers other CPUs' requests meanwhile */
	}
}

void arch_flush_tlb_domain(struct domain *d)
{
	flush_local();
	flush_others(d, NULL);
}

void arch_flush_tlb_domains(struct domain *a, struct domain *b)
{
	flush_local();
	flush_others(a, b);
}

void arch_flush_tlb_va_domain(struct domain *d, unsigned long va)
{
	invlpg_local(va);
	flush_others(d, NULL);
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
