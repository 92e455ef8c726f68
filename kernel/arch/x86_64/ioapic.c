/*
 * IOAPICs and the legacy 8259 PIC pair.
 *
 * The PICs are always remapped to vectors 0x20-0x2f (so a stray PIC
 * interrupt can never look like an exception) and fully masked.  When the
 * MADT lists IOAPICs, every redirection entry starts masked and ISA IRQs
 * are routed through them, with the MADT's interrupt source overrides
 * (for example the PIT's IRQ 0 wired to GSI 2) and their polarity/trigger
 * flags applied.  Without IOAPICs the PIC is the fallback: isa_irq_route
 * unmasks the line there and the vector is fixed at 0x20 + irq
 * (isa_irq_route returns the vector in use either way).
 *
 * IOAPIC registers are reached through an index/data window; ioapic_lock
 * keeps the two accesses together.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <hospes/acpi.h>
#include <hospes/lib.h>
#include <hospes/spinlock.h>

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_VECTOR_BASE 0x20

#define IOAPIC_REG_VER 0x01
#define IOAPIC_REDTBL  0x10
#define RTE_MASKED     (1U << 16)
#define RTE_LEVEL      (1U << 15)
#define RTE_ACTIVE_LOW (1U << 13)
#define RTE_DM_NMI     (4U << 8)
#define RTE_BROADCAST  0xffU /* physical destination: every CPU */

static spinlock_t ioapic_lock = SPINLOCK_INIT;
static uint16_t pic_mask = 0xffff;

static volatile uint32_t *ioapic_va[ACPI_MAX_IOAPICS];

static volatile uint32_t *ioapic_base(unsigned int i)
{
	return ioapic_va[i];
}

static uint32_t ioapic_read(unsigned int i, unsigned int reg)
{
	volatile uint32_t *b = ioapic_base(i);
	b[0] = reg;
	return b[4];
}

static void ioapic_write(unsigned int i, unsigned int reg, uint32_t v)
{
	volatile uint32_t *b = ioapic_base(i);
	b[0] = reg;
	b[4] = v;
}

static unsigned int ioapic_pins(unsigned int i)
{
	return ((ioapic_read(i, IOAPIC_REG_VER) >> 16) & 0xff) + 1;
}

static void pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: edge, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, PIC_VECTOR_BASE);
	outb(PIC2_DATA, PIC_VECTOR_BASE + 8);
	outb(PIC1_DATA, 4); /* slave on IRQ 2 */
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1); /* 8086 mode */
	outb(PIC2_DATA, 1);
	outb(PIC1_DATA, 0xff);
	outb(PIC2_DATA, 0xff);
}

static void pic_write_mask(void)
{
	outb(PIC1_DATA, (uint8_t)pic_mask);
	outb(PIC2_DATA, (uint8_t)(pic_mask >> 8));
}

bool isa_irq_through_pic(void)
{
	return acpi_info.nr_ioapics == 0;
}

void ioapic_init(void)
{
	pic_init();
	for (unsigned int i = 0; i < acpi_info.nr_ioapics; i++) {
		ioapic_va[i] = ioremap(acpi_info.ioapics[i].addr, 0x20);
		if (!ioapic_va[i])
			panic("apic: cannot map IOAPIC %u", acpi_info.ioapics[i].id);
		unsigned int pins = ioapic_pins(i);
		for (unsigned int p = 0; p < pins; p++)
			ioapic_write(i, IOAPIC_REDTBL + 2 * p, RTE_MASKED);
		printk("apic: IOAPIC %u at %#lx, GSI %u-%u\n", acpi_info.ioapics[i].id,
		       (unsigned long)acpi_info.ioapics[i].addr, acpi_info.ioapics[i].gsi_base,
		       acpi_info.ioapics[i].gsi_base + pins - 1);
	}
	if (isa_irq_through_pic())
		printk(LOG_WARN "apic: no IOAPIC in the MADT, using the 8259 PIC\n");
}

/* The IOAPIC and pin serving gsi; false if none does. */
static bool gsi_to_pin(uint32_t gsi, unsigned int *ioapic, unsigned int *pin)
{
	for (unsigned int i = 0; i < acpi_info.nr_ioapics; i++) {
		uint32_t base = acpi_info.ioapics[i].gsi_base;
		if (gsi >= base && gsi < base + ioapic_pins(i)) {
			*ioapic = i;
			*pin = gsi - base;
			return true;
		}
	}
	return false;
}

static uint32_t rte_low(uint8_t vector, uint16_t flags)
{
	uint32_t v = vector; /* fixed delivery, physical destination */
	if ((flags & 3) == ACPI_INTI_POLARITY_LOW)
		v |= RTE_ACTIVE_LOW;
	if (((flags >> 2) & 3) == ACPI_INTI_TRIGGER_LEVEL)
		v |= RTE_LEVEL;
	return v;
}

static void pic_set(unsigned int irq, bool masked)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	pic_mask = masked ? pic_mask | 1U << irq : pic_mask & ~(1U << irq);
	if (irq >= 8 && !masked)
		pic_mask &= ~(1U << 2); /* the cascade */
	pic_write_mask();
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

/* The IOAPIC pin of ISA IRQ irq and its MADT flags; false (with a
 * warning) if none serves it. */
static bool isa_irq_pin(unsigned int irq, unsigned int *io, unsigned int *pin, uint16_t *iflags)
{
	uint32_t gsi = acpi_isa_irq_to_gsi(&acpi_info, irq, iflags);
	if (gsi_to_pin(gsi, io, pin))
		return true;
	printk(LOG_WARN "apic: ISA IRQ %u (GSI %u) has no IOAPIC pin\n", irq, gsi);
	return false;
}

static void rte_write(unsigned int io, unsigned int pin, uint32_t dest, uint32_t low)
{
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin + 1, dest << 24);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, low);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

uint8_t isa_irq_route(unsigned int irq, uint8_t vector, uint32_t dest)
{
	if (isa_irq_through_pic()) {
		pic_set(irq, false);
		return (uint8_t)(PIC_VECTOR_BASE + irq);
	}
	uint16_t iflags;
	unsigned int io, pin;
	if (!isa_irq_pin(irq, &io, &pin, &iflags))
		return 0;
	rte_write(io, pin, dest, rte_low(vector, iflags));
	return vector;
}

bool isa_irq_route_nmi(unsigned int irq)
{
	uint16_t iflags;
	unsigned int io, pin;
	if (isa_irq_through_pic() || !isa_irq_pin(irq, &io, &pin, &iflags))
		return false;
	/* NMI delivery is edge-triggered whatever the line's MADT flags say. */
	rte_write(io, pin, RTE_BROADCAST, RTE_DM_NMI | (rte_low(0, iflags) & RTE_ACTIVE_LOW));
	return true;
}

void isa_irq_eoi(unsigned int irq)
{
	if (!isa_irq_through_pic()) {
		lapic_eoi();
		return;
	}
	if (irq >= 8)
		outb(PIC2_CMD, 0x20);
	outb(PIC1_CMD, 0x20);
}

void isa_irq_mask(unsigned int irq)
{
	if (isa_irq_through_pic()) {
		pic_set(irq, true);
		return;
	}
	uint16_t iflags;
	unsigned int io, pin;
	if (!gsi_to_pin(acpi_isa_irq_to_gsi(&acpi_info, irq, &iflags), &io, &pin))
		return;
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, RTE_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

bool gsi_route(uint32_t gsi, uint8_t vector, uint32_t dest, bool level, bool active_low)
{
	unsigned int io, pin;
	if (isa_irq_through_pic() || !gsi_to_pin(gsi, &io, &pin))
		return false;
	rte_write(io, pin, dest,
		  vector | (level ? RTE_LEVEL : 0) | (active_low ? RTE_ACTIVE_LOW : 0));
	return true;
}

void gsi_set_masked(uint32_t gsi, bool masked)
{
	unsigned int io, pin;
	if (isa_irq_through_pic() || !gsi_to_pin(gsi, &io, &pin))
		return;
	unsigned long flags = spin_lock_irqsave(&ioapic_lock);
	uint32_t low = ioapic_read(io, IOAPIC_REDTBL + 2 * pin);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, masked ? low | RTE_MASKED : low & ~RTE_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, flags);
}

bool gsi_exists(uint32_t gsi)
{
	unsigned int io, pin;
	return !isa_irq_through_pic() && gsi_to_pin(gsi, &io, &pin);
}
