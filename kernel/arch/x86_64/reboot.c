/*
 * Reboot and poweroff.
 *
 * Reboot tries, in order: the ACPI reset register (FADT, I/O or memory
 * space), the keyboard controller's reset line (0xFE to port 0x64), and a
 * triple fault (an empty IDT and an int3).  Poweroff writes SLP_TYP(S5) |
 * SLP_EN to PM1a (and PM1b) control; under QEMU that ends QEMU.  With
 * the noreboot option the machine halts instead of resetting, so a
 * message stays on screen.  Other CPUs are stopped first.
 */
#include <asm/arch.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/page.h>
#include <hospes/acpi.h>
#include <hospes/cmdline.h>
#include <hospes/lib.h>
#include <hospes/panic.h>
#include <hospes/reboot.h>

#define PM1_SLP_EN	  (1U << 13)
#define PM1_SLP_TYP_SHIFT 10

extern struct hospes_options hospes_options;

static void gas_write(const struct acpi_gas *g, uint32_t v)
{
	if (g->space == ACPI_GAS_IO && g->address <= 0xffff) {
		if (g->bit_width == 8)
			outb((uint16_t)g->address, (uint8_t)v);
		else if (g->bit_width == 32)
			outl((uint16_t)g->address, v);
		else
			outw((uint16_t)g->address, (uint16_t)v);
	} else if (g->space == ACPI_GAS_MEMORY) {
		volatile uint8_t *p = ioremap(g->address, 1);
		if (p)
			*p = (uint8_t)v;
	}
}

static void wait_a_moment(void)
{
	for (volatile unsigned long i = 0; i < 10000000; i++)
		cpu_relax();
}

static __noreturn void triple_fault(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) empty = {0, 0};
	__asm__ __volatile__("lidt %0; int3" ::"m"(empty));
	halt_forever();
}

static void stop_others(void)
{
	local_irq_disable();
	if (panic_stop_other_cpus)
		panic_stop_other_cpus();
}

__noreturn void machine_reboot(void)
{
	stop_others();
	if (hospes_options.noreboot) {
		printk("reboot: noreboot given, halting\n");
		halt_forever();
	}
	printk("reboot: restarting the machine\n");
	if (acpi_info.has_reset) {
		printk("reboot: through the ACPI reset register\n");
		gas_write(&acpi_info.reset_reg, acpi_info.reset_value);
		wait_a_moment();
	}
	for (int i = 0; i < 1000 && (inb(0x64) & 2); i++)
		cpu_relax();
	printk("reboot: through the keyboard controller\n");
	outb(0x64, 0xfe);
	wait_a_moment();
	triple_fault();
}

__noreturn void machine_poweroff(void)
{
	stop_others();
	printk("poweroff: entering ACPI S5\n");
	if (acpi_info.has_s5 && acpi_info.pm1a_cnt.address) {
		gas_write(&acpi_info.pm1a_cnt,
			  PM1_SLP_EN | acpi_info.s5_typ_a << PM1_SLP_TYP_SHIFT);
		if (acpi_info.pm1b_cnt.address)
			gas_write(&acpi_info.pm1b_cnt,
				  PM1_SLP_EN | acpi_info.s5_typ_b << PM1_SLP_TYP_SHIFT);
		wait_a_moment();
	}
	printk(LOG_ERR "poweroff: ACPI S5 did not work; halting\n");
	halt_forever();
}
