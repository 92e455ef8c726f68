/*
 * ACPI glue: find the RSDP and run the table walker on firmware memory.
 *
 * The RSDP comes from the boot loader (multiboot2's ACPI tags, copied into
 * boot_info), or from a scan of the BIOS areas when there is none
 * (multiboot1).  Tables are read through the direct map; the early page
 * tables cover the low 4 GiB, where firmware puts them.
 */
#include <asm/arch.h>
#include <hospes/acpi.h>
#include <hospes/boot_info.h>
#include <hospes/lib.h>

#define FIRMWARE_MAP_END (4UL << 30)

extern struct boot_info boot_info;

static const void *firmware_map(void *ctx, paddr_t pa, size_t len)
{
	if (pa + len < pa || pa + len > FIRMWARE_MAP_END)
		return NULL;
	return maddr_to_virt(pa);
}

void acpi_init(void)
{
	paddr_t pa = 0;
	if (!boot_info.rsdp_len)
		pa = acpi_scan_rsdp(firmware_map, NULL);
	if (acpi_parse(boot_info.rsdp, boot_info.rsdp_len, pa, firmware_map, NULL, &acpi_info)) {
		printk(LOG_WARN "acpi: no tables; one CPU, PIC, no reset register\n");
		return;
	}
	printk("acpi: rev %u, %u CPU%s, %u IOAPIC%s, %u override%s, HPET %s, ECAM %u, S5 %s, "
	       "reset %s\n",
	       acpi_info.revision, acpi_info.nr_cpus, acpi_info.nr_cpus == 1 ? "" : "s",
	       acpi_info.nr_ioapics, acpi_info.nr_ioapics == 1 ? "" : "s", acpi_info.nr_overrides,
	       acpi_info.nr_overrides == 1 ? "" : "s", acpi_info.has_hpet ? "yes" : "no",
	       acpi_info.nr_ecam, acpi_info.has_s5 ? "yes" : "no",
	       acpi_info.has_reset ? "register" : "none");
}
