/*
 * platform_init: the machine layer of the boot CPU, in dependency order.
 *
 * platform_firmware_init, before paging_init (which drops the early map of
 * the low 4 GiB, where firmware keeps its tables):
 *   GDT/TSS and IDT     exceptions print and panic from here on
 *   ACPI tables         CPUs, IOAPICs, HPET, reset/poweroff registers
 * platform_init, on the final page tables (MMIO through ioremap):
 *   local APIC          mode (x2APIC/xAPIC), enabled on this CPU
 *   IOAPIC / PIC        everything masked, PIC remapped
 *   TSC                 calibrated against HPET or PIT; now_ns() works
 *   LAPIC timer         timer queue interrupts; interrupts enabled
 *   SMP                 every other CPU of the MADT started
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/desc.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/tsc.h>
#include <hospes/acpi.h>
#include <hospes/lib.h>
#include <hospes/platform.h>

void acpi_init(void);
extern char boot_stack_top[];

void platform_early_init(void)
{
	percpu_init_boot((unsigned long)boot_stack_top);
}

void platform_firmware_init(void)
{
	gdt_init_cpu(0);
	idt_init();
	idt_load();
	acpi_init();
}

void platform_init(void)
{
	lapic_init_boot(acpi_info.lapic_addr);
	lapic_init_cpu();
	ioapic_init();
	tsc_init();
	apic_timer_init_boot();
	apic_timer_init_cpu();
	local_irq_enable();
	time_cal_start();
	smp_init();
}
