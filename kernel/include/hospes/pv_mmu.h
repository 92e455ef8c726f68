/*
 * The actions behind the PV MMU hypercalls (kernel/mm/shadow/pv_mmu.c).
 * kernel/hypercall/mmu.c decodes and checks the guest's arguments and
 * calls these; each returns 0 or a negative XEN_E* value and changes
 * nothing when it fails.  Frames are in the domain's own namespace.
 */
#ifndef HOSPES_PV_MMU_H
#define HOSPES_PV_MMU_H

#include <hospes/domain.h>
#include <hospes/types.h>

int pv_validate_entry(struct domain *d, struct domain *fd, unsigned int level, unsigned int idx,
		      uint64_t val);
int pv_pt_update(struct domain *d, struct domain *fd, gfn_t table, unsigned int idx, uint64_t val,
		 bool preserve_ad, unsigned int as_level);
/* pv_pt_update(d, d, table, idx, val, false, 0): a plain update of d's own table. */
int pv_pt_update_own(struct domain *d, gfn_t table, unsigned int idx, uint64_t val);
int pv_update_va_mapping(struct vcpu *v, unsigned long va, uint64_t val);
int pv_pin_table(struct domain *d, gfn_t gfn, unsigned int level);
int pv_unpin_table(struct domain *d, gfn_t gfn);
int pv_check_root(struct domain *d, gfn_t gfn);
int pv_machphys_update(struct domain *d, gfn_t gfn, unsigned long val);
int pv_clear_page(struct domain *d, gfn_t gfn);
int pv_copy_page(struct domain *d, gfn_t dst, gfn_t src);
void pv_flush_tlb(struct domain *d);
void pv_invlpg(struct domain *d, unsigned long va);

/*
 * The hypercall handlers (kernel/hypercall/mmu.c, memory.c), with the
 * dispatch table's argument list: vCPU, then the guest's five arguments.
 */
long do_mmu_update(struct vcpu *v, unsigned long reqs, unsigned long count, unsigned long done,
		   unsigned long foreigndom, unsigned long a5);
/* The SYSCALL fast path's (hospes/hypercall.h), here and for mmuext_op:
 * moves through the loaded tables. */
long do_mmu_update_fast(struct vcpu *v, unsigned long reqs, unsigned long count, unsigned long done,
			unsigned long foreigndom, unsigned long a5);
long do_update_va_mapping(struct vcpu *v, unsigned long va, unsigned long val, unsigned long flags,
			  unsigned long a4, unsigned long a5);
long do_mmuext_op(struct vcpu *v, unsigned long ops, unsigned long count, unsigned long done,
		  unsigned long foreigndom, unsigned long a5);
long do_mmuext_op_fast(struct vcpu *v, unsigned long ops, unsigned long count, unsigned long done,
		       unsigned long foreigndom, unsigned long a5);
long do_memory_op(struct vcpu *v, unsigned long cmd, unsigned long arg, unsigned long a3,
		  unsigned long a4, unsigned long a5);

#endif
