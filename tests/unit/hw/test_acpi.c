/*
 * dom0's ACPI table finder against fake firmware memory: the RSDP found
 * in the BIOS area (revision 2 with an XSDT, revision 0 with an RSDT, a
 * damaged one skipped), MCFG found and parsed into the ECAM window, and
 * damaged or missing tables refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_hw.h"
#include "tests.h"
#include <hw/acpi.h>
#include <hw/pci.h>

#define TABLES 0x7fe0000ULL

static uint8_t bios[ACPI_BIOS_AREA_SIZE], tables[0x10000];
static struct fake_model bios_model = {
	.mmio_base = ACPI_BIOS_AREA, .mmio_len = sizeof(bios), .mmio = bios};
static struct fake_model tables_model = {
	.mmio_base = TABLES, .mmio_len = sizeof(tables), .mmio = tables};

static void fix_sum(uint8_t *t, uint32_t len, uint32_t at)
{
	uint8_t s = 0;
	t[at] = 0;
	for (uint32_t i = 0; i < len; i++)
		s += t[i];
	t[at] = -s;
}

/* A table at offset off of the table area: header and body. */
static void table(uint32_t off, const char *sig, uint32_t len)
{
	uint8_t *t = tables + off;
	memcpy(t, sig, 4);
	memcpy(t + 4, &len, 4);
	t[8] = 1;
	fix_sum(t, len, 9);
}

static void firmware(int revision, uint32_t rsdp_off)
{
	fake_hw_reset();
	fake_hw_add(&bios_model);
	fake_hw_add(&tables_model);
	memset(bios, 0, sizeof(bios));
	memset(tables, 0, sizeof(tables));
	/* APIC at 0x100, MCFG (one segment-0 entry) at 0x200. */
	table(0x100, "APIC", 44);
	uint8_t *m = tables + 0x200;
	uint64_t base = 0xb0000000;
	memcpy(m + 44, &base, 8);
	m[55] = 0xff;
	table(0x200, "MCFG", 60);
	/* Root at 0: entries APIC, MCFG. */
	int wide = revision >= 2;
	for (int i = 0; i < 2; i++) {
		uint64_t pa = TABLES + 0x100 * (i + 1);
		memcpy(tables + 36 + i * (wide ? 8 : 4), &pa, wide ? 8 : 4);
	}
	table(0, wide ? "XSDT" : "RSDT", 36 + 2 * (wide ? 8 : 4));
	uint8_t *r = bios + rsdp_off;
	memcpy(r, "RSD PTR ", 8);
	r[15] = (uint8_t)revision;
	uint32_t root32 = wide ? 0 : (uint32_t)TABLES, len = 36;
	uint64_t root64 = TABLES;
	memcpy(r + 16, &root32, 4);
	if (wide) {
		memcpy(r + 20, &len, 4);
		memcpy(r + 24, &root64, 8);
	}
	fix_sum(r, 20, 8);
	if (wide)
		fix_sum(r, 36, 32);
}

static void test_acpi_xsdt_mcfg(void **state)
{
	firmware(2, 0x10a30);
	uint32_t len = 0;
	const void *mcfg = acpi_table("MCFG", &len);
	assert_non_null(mcfg);
	assert_int_equal(len, 60);
	uint64_t base;
	uint8_t first, last;
	assert_int_equal(pci_parse_mcfg(mcfg, len, &base, &first, &last), 0);
	assert_int_equal(base, 0xb0000000);
	assert_int_equal(last, 0xff);
	assert_non_null(acpi_table("APIC", &len));
	assert_null(acpi_table("HPET", &len));
}

static void test_acpi_rsdt(void **state)
{
	firmware(0, 0x1fff0 - 0x20);
	uint32_t len;
	assert_non_null(acpi_table("MCFG", &len));
}

static void test_acpi_damage(void **state)
{
	uint32_t len;
	firmware(2, 0x40);
	tables[0x200 + 50] ^= 0x55; /* MCFG's checksum breaks */
	assert_null(acpi_table("MCFG", &len));
	assert_non_null(acpi_table("APIC", &len));
	firmware(2, 0x40);
	bios[0x40 + 3] ^= 1; /* "RSD PTR " no more: no ACPI at all */
	assert_null(acpi_table("APIC", &len));
	firmware(2, 0x80);
	memcpy(bios + 0x40, "RSD PTR ", 8); /* a decoy with a bad checksum */
	bios[0x40 + 8] = 1;
	assert_non_null(acpi_table("MCFG", &len));
	firmware(2, 0x40);
	uint32_t huge = 0x7fffffff; /* the MCFG claims to be enormous */
	memcpy(tables + 0x204, &huge, 4);
	assert_null(acpi_table("MCFG", &len));
}

const struct CMUnitTest acpi_tests[] = {
	cmocka_unit_test(test_acpi_xsdt_mcfg),
	cmocka_unit_test(test_acpi_rsdt),
	cmocka_unit_test(test_acpi_damage),
};
const size_t acpi_ntests = sizeof(acpi_tests) / sizeof(acpi_tests[0]);
