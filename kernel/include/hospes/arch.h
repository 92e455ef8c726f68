/*
 * The one interface between the generic hypervisor (kernel/core, mm, event,
 * grant, sched, ...) and the machine.  The hypervisor build finds
 * <asm/arch.h> in kernel/arch/x86_64/include/; the host unit tests find a
 * fake one in tests/unit/fakes/include/, so generic code never needs #if.
 *
 * <asm/arch.h> provides (as functions or static inlines):
 *   void cpu_relax(void);                    spin-wait hint
 *   unsigned long local_irq_save(void);      disable interrupts, old state
 *   void local_irq_restore(unsigned long);
 *   void *mfn_to_virt(mfn_t);                direct map of machine memory
 *   mfn_t virt_to_mfn(const void *);
 *   unsigned int smp_processor_id(void);
 */
#ifndef HOSPES_ARCH_H
#define HOSPES_ARCH_H

#include <hospes/types.h>
#include <asm/arch.h>

#endif
