/*
 * The shadow page-table engine (kernel/mm/shadow/).
 *
 * The CPU never runs on a guest's page tables: it runs on shadows, built
 * lazily on page faults from the guest's tables translated through the p2m.
 * Shadows are cached per (guest table frame, level) and shared by every root
 * that reaches that table, so switching among cached address spaces rebuilds
 * nothing.  Guest updates arrive through the PV MMU hypercalls, which change
 * the guest entry and drop the shadow entries derived from it.
 *
 * Calls engineer F makes:
 *   shadow_domain_init / shadow_domain_destroy   per domain
 *   shadow_vcpu_init                             per vCPU
 *   shadow_set_roots(v, kernel, user)            NEW_BASEPTR / builder
 *   shadow_activate(v, user_mode)                machine CR3 to load
 *   shadow_page_fault(v, va, ec, &verdict)       #PF from a guest
 */
#ifndef HOSPES_SHADOW_H
#define HOSPES_SHADOW_H

#include <hospes/arch.h>
#include <hospes/compiler.h>
#include <hospes/domain.h>
#include <hospes/types.h>

/* x86 page-table entry bits. */
#define PTE_P	      (1UL << 0)
#define PTE_RW	      (1UL << 1)
#define PTE_US	      (1UL << 2)
#define PTE_PWT	      (1UL << 3)
#define PTE_PCD	      (1UL << 4)
#define PTE_A	      (1UL << 5)
#define PTE_D	      (1UL << 6)
#define PTE_PS	      (1UL << 7) /* PAT in an L1 entry */
#define PTE_G	      (1UL << 8)
#define PTE_NX	      (1UL << 63)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000UL /* same spelling as asm/page.h */

/* Page-fault error code bits (architectural). */
#define PFEC_P	  (1U << 0)
#define PFEC_W	  (1U << 1)
#define PFEC_U	  (1U << 2)
#define PFEC_RSVD (1U << 3)
#define PFEC_I	  (1U << 4)

#define SHADOW_DEFAULT_POOL 1024U /* shadow frames a domain may use */

enum shadow_fault_kind {
	SHADOW_FIXED,  /* hidden fault: shadow filled, retry the access */
	SHADOW_BOUNCE, /* deliver #PF to the guest with verdict.ec and CR2 = va */
	SHADOW_NOMEM,  /* the machine has no frame left for a shadow: crash the domain */
};

struct shadow_fault_verdict {
	enum shadow_fault_kind kind;
	unsigned int ec; /* guest-visible error code when bounced */
};

/* Per-domain and per-vCPU state. */
int shadow_domain_init(struct domain *d, unsigned int pool_frames);
void shadow_domain_destroy(struct domain *d);
int shadow_vcpu_init(struct vcpu *v);
void shadow_vcpu_destroy(struct vcpu *v);

/*
 * Hypervisor L4 slots 257..271 are copied from this table (the idle page
 * tables) into every shadow root; slot 256 holds the domain's m2p view.
 */
void shadow_set_hypervisor_l4(const uint64_t *idle_l4);

/*
 * Set the vCPU's guest roots (guest frames of L4 tables; user may be
 * INVALID_GFN = none).  Validates like MMUEXT_NEW_BASEPTR: 0 or -XEN_EINVAL.
 */
int shadow_set_roots(struct vcpu *v, gfn_t kernel_root, gfn_t user_root);
gfn_t shadow_guest_root(struct vcpu *v, bool user); /* for CR3 reads */
/* Machine address of the shadow root for the mode (kernel or user) to load in CR3. */
paddr_t shadow_activate(struct vcpu *v, bool user_mode);

/* After a root change: reload CR3 if v is the running vCPU. */
void shadow_reload(struct vcpu *v);

/* Boot: the CPU's physical address width (CPUID 0x80000008), which says
 * whether a reserved address bit can mark "guest not present" entries. */
void shadow_set_phys_bits(unsigned int maxphyaddr);

/* Guest L4 slots that belong to the hypervisor (Xen's layout). */
#define SHADOW_HV_SLOT_FIRST 256U
#define SHADOW_HV_SLOT_LAST  271U

/*
 * The "guest not present" shadow L1 entry (fault.c), or 0 when the CPU has
 * no reserved address bit to use: P set and a reserved bit, so the CPU
 * faults with RSVD and never caches it; no frame, no U, so nothing else
 * mistakes it for a mapping.
 */
extern uint64_t sh_gnp_entry;

/*
 * Is va's L1 entry under the shadow L4 table l4 "guest not present"?  The
 * lock-free walk of shadow_gnp_fault (see there why it is safe); false in
 * the hypervisor's slots, at a superpage, or where the walk stops.
 * Inline for the #PF entry's fast path, which walks from CR3.
 */
static inline bool shadow_gnp_at(const uint64_t *l4, unsigned long va)
{
	unsigned int slot = (va >> 39) & 511;
	const uint64_t *t = l4;
	uint64_t e;

	if (slot >= SHADOW_HV_SLOT_FIRST && slot <= SHADOW_HV_SLOT_LAST)
		return false;
#pragma GCC unroll 3
	for (unsigned int shift = 39; shift >= 21; shift -= 9) {
		e = READ_ONCE(t[(va >> shift) & 511]);
		if ((e & (PTE_P | PTE_PS)) != PTE_P)
			return false;
		t = mfn_to_virt(paddr_to_mfn(e & PTE_ADDR_MASK));
	}
	e = READ_ONCE(t[(va >> 12) & 511]);
	return e == sh_gnp_entry && e;
}

/* Count a fault shadow_gnp_at found (the statistics shadow_gnp_fault keeps). */
void shadow_note_gnp_fault(struct vcpu *v);

/* Handle a #PF a guest took at va with hardware error code ec. */
void shadow_page_fault(struct vcpu *v, unsigned long va, unsigned int ec,
		       struct shadow_fault_verdict *verdict);
/* Its fast part, for the #PF entry: true if the fault (RSVD set) hit a
 * "guest not present" entry of v's loaded shadow, and *gec is the error
 * code to bounce with.  Only for v running on this CPU, interrupts off. */
bool shadow_gnp_fault(struct vcpu *v, unsigned long va, unsigned int ec, unsigned int *gec);

/* Statistics for tests and benchmarks. */
struct shadow_stats {
	unsigned long pages_built, pages_freed, hidden_faults, bounced_faults, resets;
	unsigned int pool_used, pool_max;
};
void shadow_get_stats(struct domain *d, struct shadow_stats *st);

/* The hypervisor address of guest va if v's loaded shadow maps it for the
 * access (a write needs RW), else NULL: guest_access's fast path. */
void *shadow_translate(struct vcpu *v, unsigned long va, bool write);
/* After a copy missed the shadow at va and the guest's walk allowed the
 * access: install the shadow path as the CPU's own fault would (A/D bits
 * set), so the next copy there hits.  Changes nothing the guest can see
 * beyond those bits. */
void shadow_prefill(struct vcpu *v, unsigned long va, bool write);
/* The guest frame v's current tables map va to (a read walk; no A/D bits
 * set): 0 and *gfn, or -1 if the walk fails.  For emulating a store. */
int shadow_guest_gfn(struct vcpu *v, unsigned long va, gfn_t *gfn);

/* Flush the TLBs of every CPU that may hold d's shadow tables: this one
 * and those in d->dirty_cpus (arch glue: kernel/arch/x86_64/tlb.c). */
void arch_flush_tlb_domain(struct domain *d);
/* The same for two domains at once (one round of IPIs). */
void arch_flush_tlb_domains(struct domain *a, struct domain *b);
void arch_flush_tlb_va_domain(struct domain *d, unsigned long va);
void arch_load_cr3(paddr_t cr3); /* this CPU */
void arch_flush_cache(void);	 /* write back and invalidate caches (MMUEXT_FLUSH_CACHE) */

#endif
