/*
 * Local APIC, IOAPIC and legacy PIC (kernel/arch/x86_64/lapic.c, ioapic.c).
 *
 * The local APIC is driven in x2APIC mode (MSRs) when the CPU offers it,
 * else in xAPIC mode (MMIO at the MADT's address); lapic_read/lapic_write
 * hide the difference, taking xAPIC register offsets.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hospes/types.h>

#define APIC_ID	       0x020
#define APIC_VERSION   0x030
#define APIC_TPR       0x080
#define APIC_EOI       0x0b0
#define APIC_LDR       0x0d0
#define APIC_SVR       0x0f0
#define APIC_ESR       0x280
#define APIC_ICR       0x300 /* x2APIC: one 64-bit MSR */
#define APIC_ICR2      0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT     0x380
#define APIC_TMCCT     0x390
#define APIC_TDCR      0x3e0

#define APIC_SVR_ENABLE	   (1U << 8)
#define APIC_LVT_MASKED	   (1U << 16)
#define APIC_TIMER_ONESHOT (0U << 17)
#define APIC_TIMER_TSCDL   (2U << 17)
#define APIC_DM_FIXED	   0x000
#define APIC_DM_NMI	   0x400
#define APIC_DM_INIT	   0x500
#define APIC_DM_STARTUP	   0x600
#define APIC_ICR_BUSY	   (1U << 12)
#define APIC_ICR_ASSERT	   (1U << 14)
#define APIC_ICR_LEVEL	   (1U << 15)

extern bool x2apic_mode;

uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);
void lapic_eoi(void);
uint32_t lapic_id(void);

/* Boot CPU: choose the mode and map the registers; every CPU: enable. */
void lapic_init_boot(paddr_t mmio);
void lapic_init_cpu(void);

/* Send an IPI (delivery mode | vector) to the CPU with APIC id dest. */
void lapic_send_ipi(uint32_t dest, uint32_t icr_low);

/* IOAPICs from the MADT (masked), or the legacy PIC when there are none. */
void ioapic_init(void);
/* Route ISA IRQ irq to vector on the CPU with APIC id dest (overrides applied). */
uint8_t isa_irq_route(unsigned int irq, uint8_t vector, uint32_t dest); /* the vector used */
void isa_irq_mask(unsigned int irq);
/* Route ISA IRQ irq as an NMI to every CPU (nmi_test=, nmi.c); false without an IOAPIC pin. */
bool isa_irq_route_nmi(unsigned int irq);
void isa_irq_eoi(unsigned int irq); /* end of interrupt at the PIC or the LAPIC */
bool isa_irq_through_pic(void);	    /* the PIC is the fallback controller */
/* Device lines for dom0's PIRQs (kernel/arch/x86_64/pirq.c): any GSI of an IOAPIC. */
bool gsi_exists(uint32_t gsi);
bool gsi_route(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low);
void gsi_set_masked(uint32_t gsi, bool masked);

#endif
