/*
 * The C functions the guest entry paths call (pv_entry.S: SYSCALL and the
 * iret hypercall; entry.S: the guest's page faults), and what they return.
 * pv.c has the full paths, pv_fast.c the fast ones.
 */
#ifndef ASM_PV_ENTRY_H
#define ASM_PV_ENTRY_H

#include <asm/regs.h>

struct vcpu;

/* syscall_entry's full path: the hypercall has not run, or has (exit work
 * left); pv_entry.S uses the same numbers. */
enum { PV_SYSCALL_NOT_RUN = 1, PV_SYSCALL_RAN = 2 };

/* The rest of a SYSCALL; true: return by SYSRET. */
bool pv_syscall(struct cpu_regs *r, unsigned int fast);

/* The iret hypercall of a guest kernel, untraced: 0 = resume the guest
 * from r by IRETQ; PV_SYSCALL_RAN = done, exit work pending;
 * PV_SYSCALL_NOT_RUN = nothing done, take the full path. */
unsigned int pv_iret_fast(struct cpu_regs *r);

/* The event upcall of the running vCPU v, deliverable now, bounced from
 * guest kernel mode by stores through its loaded tables; false: nothing
 * done (user mode, another root, a store faulted), bounce.c's full path. */
bool pv_upcall_direct(struct vcpu *v, struct cpu_regs *r);

/* What pv_page_fault_fast leaves to page_fault_entry. */
enum {
	PF_DONE = 0,	/* bounced: resume the guest from the frame */
	PF_FULL = 1,	/* not taken: do_page_fault_entry */
	PF_VERDICT = 2, /* the guest's own, error code rewritten: pv_trap bounces */
	PF_EXIT = 3,	/* bounced, exit work pending */
};

/* A #PF from a guest with RSVD set; only the scratch registers are in r. */
unsigned int pv_page_fault_fast(struct cpu_regs *r);
/* The rest, with the whole frame (why: PF_FULL, PF_VERDICT, PF_EXIT). */
void pv_page_fault_more(struct cpu_regs *r, unsigned int why);

#endif
