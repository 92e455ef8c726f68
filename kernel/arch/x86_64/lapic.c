/*
 * The local APIC: mode choice, per-CPU enable, EOI and IPIs.
 *
 * x2APIC mode when CPUID.1:ECX[21] says the CPU has it (registers are MSRs
 * 0x800 + offset/16, the ICR is one 64-bit write, ids are 32 bits); else
 * xAPIC mode through the MMIO page at the MADT's address, mapped uncached
 * with ioremap.  The mode is chosen once on the boot CPU; every AP
 * switches to the same mode in lapic_init_cpu().
 *
 * Each CPU enables its APIC with the spurious vector 0xff, masks LINT0
 * (the PIC's ExtINT is not used), and accepts every priority (TPR 0).
 * LINT1 is where a PC wires its external NMI (the NMI button, I/O channel
 * check, PCI SERR): the boot CPU takes it as an NMI, the others mask it,
 * as the MP spec's virtual-wire set-up has it (nmi.c counts and reports
 * such an NMI).
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <hospes/lib.h>

#define CPUID1_ECX_X2APIC (1U << 21)

bool x2apic_mode;
static volatile uint32_t *xapic_regs;

uint32_t lapic_read(unsigned int reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return xapic_regs[reg / 4];
}

void lapic_write(unsigned int reg, uint32_t v)
{
	if (x2apic_mode)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		xapic_regs[reg / 4] = v;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(APIC_ID);
	return x2apic_mode ? id : id >> 24;
}

void lapic_init_boot(paddr_t mmio)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	x2apic_mode = (c & CPUID1_ECX_X2APIC) != 0;
	if (!x2apic_mode) {
		xapic_regs = ioremap(mmio ? mmio : 0xfee00000, PAGE_SIZE);
		if (!xapic_regs)
			panic("apic: cannot map the local APIC");
	}
	printk("apic: local APIC in %s mode\n", x2apic_mode ? "x2APIC" : "xAPIC");
}

static void lapic_spurious(struct cpu_regs *regs)
{
	/* no EOI for the spurious vector */
}

void lapic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;
	if (x2apic_mode)
		base |= APIC_BASE_X2APIC;
	wrmsr(MSR_APIC_BASE, base);
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, base & APIC_BASE_BSP ? APIC_DM_NMI : APIC_LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_SVR, APIC_SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(APIC_ESR, 0);
	irq_set_handler(VEC_SPURIOUS, lapic_spurious);
}

void lapic_send_ipi(uint32_t dest, uint32_t icr_low)
{
	if (x2apic_mode) {
		wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4), (uint64_t)dest << 32 | icr_low);
		return;
	}
	unsigned long flags = local_irq_save();
	while (xapic_regs[APIC_ICR / 4] & APIC_ICR_BUSY)
		cpu_relax();
	xapic_regs[APIC_ICR2 / 4] = dest << 24;
	xapic_regs[APIC_ICR / 4] = icr_low;
	local_irq_restore(flags);
}
