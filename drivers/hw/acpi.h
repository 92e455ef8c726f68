/*
 * dom0's look at the firmware's ACPI tables: the RSDP in the BIOS area,
 * the XSDT (or RSDT) it points to, and one table by signature.  dom0
 * needs only MCFG from them (the PCI Express ECAM window).  See acpi.c.
 */
#ifndef DRIVERS_HW_ACPI_H
#define DRIVERS_HW_ACPI_H

#include <stdint.h>

#define ACPI_BIOS_AREA	    0xe0000
#define ACPI_BIOS_AREA_SIZE 0x20000

/* The table with signature sig (4 characters), mapped and checked; NULL
 * if there is no RSDP in the BIOS area, no such table, or a damaged one.
 * *len gets the table's length. */
const void *acpi_table(const char *sig, uint32_t *len);

#endif
