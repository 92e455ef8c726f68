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
 * A PCI function's MSI is mapped by bus/devfn instead: the hypervisor
 * picks the PIRQ and a vector, writes the message into the function's
 * capability and enables it while the PIRQ is bound (Xen's model: dom0
 * never writes the message).  An MSI is an edge: no mask, no EOI.
 *
 * The arch layer (kernel/arch/x86_64/pirq.c and msi.c; fakes in the host
 * tests) owns the IOAPIC and the MSI capabilities: it resolves a line to
 * a GSI and its trigger, refuses lines the hypervisor uses itself,
 * routes, masks and unmasks, and programs messages.
 *
 * Locks: pirq_lock (irqsave) protects the table; the interrupt path takes
 * it too, then the event-channel lock (through evtchn_send_pirq).
 */
#ifndef HOSPES_PIRQ_H
#define HOSPES_PIRQ_H

#include <hospes/domain.h>

#define PIRQ_NR	      256 /* PIRQ numbers 0..255 (EVTCHN_NR_PIRQS) */
#define PIRQ_MAX_GSI  64  /* GSIs 0..63 can be given to dom0 (vectors 0x40-0x7f) */
#define PIRQ_MSI_BASE 64  /* MSI slot s is PIRQ 64 + s */
#define PIRQ_MSI_NR   32  /* MSI slots (one vector each) */

int pirq_map(struct domain *d, unsigned int line, int *pirq); /* 0 or -XEN_E* */

/* An MSI to map (PHYSDEVOP_map_pirq, MAP_PIRQ_TYPE_MSI or _MSI_SEG). */
struct pirq_msi_args {
	unsigned int segment, bus, devfn;
	uint64_t table_base; /* non-zero: MSI-X (not implemented) */
	bool multi;	     /* MAP_PIRQ_TYPE_MULTI_MSI (not implemented) */
};
/* Maps the function's MSI: *pirq -1 (or the PIRQ it already has) in, the
 * PIRQ out; the message is programmed, left disabled until bound.
 * 0, -XEN_EPERM, -XEN_EINVAL, -XEN_EOPNOTSUPP, -XEN_ENOSPC, -XEN_EBUSY
 * (another domain's), or the arch layer's -XEN_ENODEV (no MSI). */
int pirq_map_msi(struct domain *d, const struct pirq_msi_args *a, int *pirq);
int pirq_unmap(struct domain *d, unsigned int pirq);
int pirq_eoi(struct domain *d, unsigned int pirq);
int pirq_needs_eoi(struct domain *d, unsigned int pirq, bool *needs);
void pirq_domain_destroy(struct domain *d); /* unmaps every PIRQ of d */
void pirq_init(void);			    /* hooks the PIRQ layer into the event channels */

/* The arch interrupt handler of GSI gsi (its LAPIC EOI is done by the caller). */
void pirq_interrupt(unsigned int gsi);
/* The same for MSI slot slot. */
void pirq_msi_interrupt(unsigned int slot);

/* Arch layer. */
void arch_pirq_setup(void); /* once, from pirq_init: keep the hypervisor's devices from dom0 */
int arch_gsi_resolve(unsigned int line, unsigned int *gsi, bool *level); /* -XEN_E* if unusable */
void arch_gsi_enable(unsigned int gsi, bool level); /* route to the boot CPU, unmasked */
void arch_gsi_mask(unsigned int gsi, bool masked);
/* MSI of function sbdf (bus << 8 | devfn, segment 0): find its capability
 * (-XEN_ENODEV: no function or no MSI), program the message for slot's
 * vector, leave it disabled; enable/disable it; disable and forget it. */
int arch_msi_setup(uint16_t sbdf, unsigned int slot);
void arch_msi_enable(uint16_t sbdf, bool on);
void arch_msi_teardown(uint16_t sbdf, unsigned int slot);

#endif
