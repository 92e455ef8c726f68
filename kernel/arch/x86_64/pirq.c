/*
 * Arch glue of the driver domain's PIRQs (hospes/pirq.h): which GSI a line
 * is, its trigger and polarity (ISA lines through the MADT's source
 * overrides, default edge/active-high; GSIs 16 and up are PCI: level,
 * active low), and the IOAPIC routing of GSI n to vector 0x40 + n on the
 * CPU that binds it.  The handler hands the interrupt to pirq_interrupt()
 * (which masks a level line) and then ends it at the LAPIC.
 *
 * Refused lines: ISA IRQ 0 (timer) and 2 (cascade), and IRQ 4, COM1's,
 * which the hypervisor uses for its console input.  With no IOAPIC (the
 * PIC fallback) dom0 gets no interrupts and polls.
 */
#include <asm/apic.h>
#include <asm/traps.h>
#include <hospes/acpi.h>
#include <hospes/p2m.h>
#include <hospes/pci_cfg.h>
#include <hospes/pirq.h>
#include <public/errno.h>

#define PIRQ_VECTOR_BASE 0x40

static bool active_low[PIRQ_MAX_GSI];

int arch_gsi_resolve(unsigned int line, unsigned int *gsi, bool *level)
{
	bool low;

	if (line == 0 || line == 2 || line == 4)
		return -XEN_EBUSY; /* the hypervisor's own */
	if (line < 16) {
		uint16_t f = 0;
		*gsi = acpi_isa_irq_to_gsi(&acpi_info, line, &f);
		*level = ((f >> 2) & 3) == ACPI_INTI_TRIGGER_LEVEL;
		low = (f & 3) == ACPI_INTI_POLARITY_LOW;
	} else {
		*gsi = line;
		*level = true;
		low = true;
	}
	if (*gsi == 2 || !gsi_exists(*gsi))
		return -XEN_EINVAL;
	if (*gsi >= PIRQ_MAX_GSI)
		return -XEN_ENOSPC;
	active_low[*gsi] = low;
	return 0;
}

static void pirq_irq(struct cpu_regs *regs)
{
	pirq_interrupt((unsigned int)regs->vector - PIRQ_VECTOR_BASE);
	lapic_eoi();
}

void arch_gsi_enable(unsigned int gsi, bool level)
{
	irq_set_handler(PIRQ_VECTOR_BASE + gsi, pirq_irq);
	gsi_route(gsi, (uint8_t)(PIRQ_VECTOR_BASE + gsi), lapic_id(), level, active_low[gsi]);
}

void arch_gsi_mask(unsigned int gsi, bool masked)
{
	gsi_set_masked(gsi, masked);
}

void arch_pirq_setup(void)
{
	p2m_mmio_deny(paddr_to_mfn(acpi_info.lapic_addr ? acpi_info.lapic_addr : 0xfee00000UL));
	for (unsigned int i = 0; i < acpi_info.nr_ioapics; i++)
		p2m_mmio_deny(paddr_to_mfn(acpi_info.ioapics[i].addr));
	if (acpi_info.hpet_addr)
		p2m_mmio_deny(paddr_to_mfn(acpi_info.hpet_addr));
	for (unsigned int i = 0; i < acpi_info.nr_ecam; i++) { /* dom0's stores are emulated */
		const struct acpi_ecam *e = &acpi_info.ecam[i];
		paddr_t first = e->base + ((paddr_t)e->bus_start << 20);
		p2m_mmio_readonly(paddr_to_mfn(first),
				  (unsigned long)(e->bus_end - e->bus_start + 1) << 8);
		if (e->segment == 0)
			arch_ecam_setup(first, e->bus_start, e->bus_end);
	}
}
