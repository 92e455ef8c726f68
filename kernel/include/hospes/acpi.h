/*
 * What the ACPI tables tell the hypervisor, in one plain structure.
 *
 * kernel/lib/acpi_tables.c walks RSDP -> XSDT (or RSDT) -> MADT, FADT,
 * MCFG, HPET and the DSDT's \_S5 package, and copies out only the facts
 * later code needs: the CPUs (local APIC and x2APIC entries), the IOAPICs
 * and interrupt source overrides, the reset register, the PM1 control
 * blocks with the S5 sleep type, the PCI ECAM ranges and the HPET base.
 * It reads firmware memory through a map callback, so the host tests feed
 * it synthetic tables.  A table that is truncated or fails its checksum is
 * warned about and skipped; the rest of the walk goes on.
 */
#ifndef HOSPES_ACPI_H
#define HOSPES_ACPI_H

#include <hospes/types.h>

#define ACPI_MAX_CPUS	  256
#define ACPI_MAX_IOAPICS  8
#define ACPI_MAX_OVERRIDE 16
#define ACPI_MAX_ECAM	  8

/* Generic Address Structure address spaces. */
#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO	1

/* Interrupt source override flags (MPS INTI): polarity bits 1:0, trigger 3:2. */
#define ACPI_INTI_POLARITY_LOW	3
#define ACPI_INTI_TRIGGER_LEVEL 3

struct acpi_gas {
	uint8_t space, bit_width, bit_offset, access_size;
	uint64_t address;
};

struct acpi_cpu {
	uint32_t apic_id; /* xAPIC ids fit 8 bits; x2APIC ids use 32 */
	uint32_t uid;	  /* ACPI processor UID */
};

struct acpi_ioapic {
	uint8_t id;
	paddr_t addr;
	uint32_t gsi_base;
};

struct acpi_override {
	uint8_t bus_irq;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_ecam {
	paddr_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_info {
	bool found; /* an RSDP with a valid checksum was seen */
	unsigned int revision;

	/* MADT */
	bool has_madt;
	paddr_t lapic_addr;
	bool pcat_compat;     /* legacy 8259 PICs present (mask them) */
	unsigned int nr_cpus; /* enabled CPUs only */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nr_ioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_overrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDE];

	/* FADT */
	bool has_fadt;
	bool has_reset;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	struct acpi_gas pm1a_cnt, pm1b_cnt; /* address 0 = absent */
	uint32_t pm_tmr_port;		    /* 0 = absent */
	bool pm_tmr_32bit;
	bool has_s5;
	uint8_t s5_typ_a, s5_typ_b;

	/* MCFG */
	unsigned int nr_ecam;
	struct acpi_ecam ecam[ACPI_MAX_ECAM];

	/* HPET */
	bool has_hpet;
	paddr_t hpet_addr;

	unsigned int nr_warnings; /* tables skipped or entries dropped */
};

/* Firmware memory for the parser: len bytes at pa, or NULL. */
typedef const void *(*acpi_map_fn)(void *ctx, paddr_t pa, size_t len);

/* Checksum rule of every ACPI structure: the bytes sum to 0 mod 256. */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * Look for the RSDP in the BIOS areas (first KiB of the EBDA, whose segment
 * is at 0x40E, then 0xE0000-0xFFFFF on 16-byte boundaries).  Returns its
 * physical address, or 0.
 */
paddr_t acpi_scan_rsdp(acpi_map_fn map, void *ctx);

/*
 * Parse everything reachable from the RSDP copy rsdp[len] (from the boot
 * loader) or, when len is 0, from the RSDP at physical rsdp_pa.  Fills *ai
 * (zeroed first).  Returns 0, or -1 when there is no usable RSDP or root
 * table.
 */
int acpi_parse(const void *rsdp, size_t len, paddr_t rsdp_pa, acpi_map_fn map, void *ctx,
	       struct acpi_info *ai);

/* The GSI and flags legacy ISA IRQ irq is wired to (identity unless overridden). */
uint32_t acpi_isa_irq_to_gsi(const struct acpi_info *ai, unsigned int irq, uint16_t *flags);

/* The boot CPU's parsed tables (kernel/arch/x86_64/acpi.c fills it). */
extern struct acpi_info acpi_info;

#endif
