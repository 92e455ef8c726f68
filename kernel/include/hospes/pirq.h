/*
 * Physical interrupts for the driver domain (kernel/domain/pirq.c).
 *
 * dom0 maps a device's interrupt line to a PIRQ (PHYSDEVOP_map_pirq), binds
 * the PIRQ to an event channel (EVTCHNOP_bind_pirq, which unmasks the
 * line), handles the event and ends the interrupt with PHYSDEVOP_eoi.  The
 * PIRQ number is the line's own number: an ISA IRQ (0-15, through the
 * MADT's source overrides) or a GSI (16 and up).  A level-triggered line
 * is masked at the IOAPIC when it fires and unmasked by the EOI, so a
 * device keeps its line asserted without an interrupt storm; an edge line
 * needs no EOI (irq_status_query says which).  The LAPIC EOI is always the
 * hypervisor's, at once.
 *
 * The arch layer (kernel/arch/x86_64/pirq.c; fakes in the host tests)
 * owns the IOAPIC: it resolves a line to a GSI and its trigger, refuses
 * lines the hypervisor uses itself, routes, masks and unmasks.
 *
 * Locks: pirq_lock (irqsave) protects the table; the interrupt path takes
 * it too, then the event-channel lock (through evtchn_send_pirq).
 */
#ifndef HOSPES_PIRQ_H
#define HOSPES_PIRQ_H

#include <hospes/domain.h>

#define PIRQ_NR	     256 /* PIRQ numbers 0..255 (EVTCHN_NR_PIRQS) */
#define PIRQ_MAX_GSI 64	 /* GSIs 0..63 can be given to dom0 (vectors 0x40-0x7f) */

int pirq_map(struct domain *d, unsigned int line, int *pirq); /* 0 or -XEN_E* */
int pirq_unmap(struct domain *d, unsigned int pirq);
int pirq_eoi(struct domain *d, unsigned int pirq);
int pirq_needs_eoi(struct domain *d, unsigned int pirq, bool *needs);
void pirq_domain_destroy(struct domain *d); /* unmaps every PIRQ of d */
void pirq_init(void);			    /* hooks the PIRQ layer into the event channels */

/* The arch interrupt handler of GSI gsi (its LAPIC EOI is done by the caller). */
void pirq_interrupt(unsigned int gsi);

/* Arch layer. */
void arch_pirq_setup(void); /* once, from pirq_init: keep the hypervisor's devices from dom0 */
int arch_gsi_resolve(unsigned int line, unsigned int *gsi, bool *level); /* -XEN_E* if unusable */
void arch_gsi_enable(unsigned int gsi, bool level); /* route to the boot CPU, unmasked */
void arch_gsi_mask(unsigned int gsi, bool masked);

#endif
