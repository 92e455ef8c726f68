/*
 * The simulated machine of unit/tlb (test_tlb.c), shared with the
 * concurrent walk (test_concurrent.c): each CPU's CR3, the flush IPI's
 * handler as tlb.c registered it, the domains.  By default an IPI is
 * played at once on the sender's thread; the concurrent walk sets
 * ipi_hook (the IPI goes to the target's mailbox instead) and cr3_hook
 * and cr3_after_hook (called on the writing CPU's thread just before and
 * just after each CR3 write).
 */
#ifndef TESTS_UNIT_TLB_MACHINE_H
#define TESTS_UNIT_TLB_MACHINE_H

#include <asm/traps.h>
#include <hospes/domain.h>

#define NCPU 4
#define NDOM 3
#define HV   0x1000UL /* the hypervisor's own tables */

extern unsigned long cr3[NCPU];	 /* read and written with __atomic */
extern unsigned long ipis[NCPU]; /* flush IPIs sent to each CPU */
extern irq_handler_t flush_handler;
extern struct domain dom[NDOM];
extern void (*cr3_hook)(void), (*cr3_after_hook)(void);
extern void (*ipi_hook)(unsigned int cpu);

void tlb_flush_poll(void); /* tlb.c: what the real cpu_relax() calls (asm/arch.h) */
int setup(void **state);   /* every CPU on the hypervisor's tables, masks empty */

void test_concurrent_serial(void **state);
void test_concurrent_free(void **state);

#endif
