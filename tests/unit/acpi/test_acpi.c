/*
 * Host tests of the ACPI table walker (kernel/lib/acpi_tables.c) on
 * synthetic firmware memory: a 1 MiB buffer standing for physical
 * 0-1 MiB, with an RSDP in the BIOS area and tables built by the helpers
 * below (each gets a correct checksum unless a test spoils it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/acpi.h>

#define MEM_SIZE 0x100000
static uint8_t mem[MEM_SIZE];
static struct acpi_info ai;

static const void *map(void *ctx, paddr_t pa, size_t len)
{
	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return NULL;
	return mem + pa;
}

static void put16(uint32_t pa, uint16_t v)
{
	mem[pa] = v & 0xff;
	mem[pa + 1] = v >> 8;
}

static void put32(uint32_t pa, uint32_t v)
{
	put16(pa, v & 0xffff);
	put16(pa + 2, v >> 16);
}

static void put64(uint32_t pa, uint64_t v)
{
	put32(pa, (uint32_t)v);
	put32(pa + 4, (uint32_t)(v >> 32));
}

static void fix_sum(uint32_t pa, uint32_t len, uint32_t sum_off)
{
	uint8_t s = 0;
	mem[pa + sum_off] = 0;
	for (uint32_t i = 0; i < len; i++)
		s = (uint8_t)(s + mem[pa + i]);
	mem[pa + sum_off] = (uint8_t)-s;
}

static void header(uint32_t pa, const char *sig, uint32_t len)
{
	memcpy(mem + pa, sig, 4);
	put32(pa + 4, len);
	mem[pa + 8] = 2;
	memcpy(mem + pa + 10, "HOSPES", 6);
}

static void seal(uint32_t pa)
{
	uint32_t len = mem[pa + 4] | mem[pa + 5] << 8 | mem[pa + 6] << 16;
	fix_sum(pa, len, 9);
}

#define RSDP 0xE0010
#define XSDT 0x80000
#define RSDT 0x80100
#define MADT 0x81000
#define FADT 0x82000
#define DSDT 0x83000
#define MCFG 0x84000
#define HPET 0x85000

static void rsdp(unsigned int rev)
{
	memcpy(mem + RSDP, "RSD PTR ", 8);
	memcpy(mem + RSDP + 9, "HOSPES", 6);
	mem[RSDP + 15] = (uint8_t)rev;
	put32(RSDP + 16, RSDT);
	put32(RSDP + 20, 36);
	put64(RSDP + 24, rev >= 2 ? XSDT : 0);
	fix_sum(RSDP, 20, 8);
	fix_sum(RSDP, 36, 32);
}

static const uint32_t tables[] = {MADT, FADT, MCFG, HPET};

static void roots(void)
{
	header(XSDT, "XSDT", 36 + 8 * 4);
	header(RSDT, "RSDT", 36 + 4 * 4);
	for (int i = 0; i < 4; i++) {
		put64(XSDT + 36 + 8 * i, tables[i]);
		put32(RSDT + 36 + 4 * i, tables[i]);
	}
	seal(XSDT);
	seal(RSDT);
}

/* MADT: 2 xAPIC CPUs (+1 disabled), one IOAPIC, ISA IRQ0 -> GSI2, optional x2APIC CPU. */
static void madt(bool x2apic)
{
	uint32_t e = MADT + 44;
	put32(MADT + 36, 0xFEE00000);
	put32(MADT + 40, 1);
	for (int i = 0; i < 3; i++, e += 8) {
		mem[e] = 0, mem[e + 1] = 8, mem[e + 2] = (uint8_t)i, mem[e + 3] = (uint8_t)i;
		put32(e + 4, i == 2 ? 0 : 1);
	}
	mem[e] = 1, mem[e + 1] = 12, mem[e + 2] = 7;
	put32(e + 4, 0xFEC00000), put32(e + 8, 0), e += 12;
	mem[e] = 2, mem[e + 1] = 10, mem[e + 2] = 0, mem[e + 3] = 0;
	put32(e + 4, 2), put16(e + 8, 0), e += 10;
	if (x2apic) {
		mem[e] = 9, mem[e + 1] = 16;
		put32(e + 4, 0x1234), put32(e + 8, 1), put32(e + 12, 77), e += 16;
	}
	header(MADT, "APIC", e - MADT);
	seal(MADT);
}

static void fadt_dsdt(void)
{
	static const uint8_t aml[] = {0x08, '_',  'S',	'5',  '_',  0x12, 0x08,
				      0x04, 0x0A, 0x05, 0x0A, 0x06, 0x00, 0x00};
	header(DSDT, "DSDT", 36 + 40 + sizeof(aml));
	memset(mem + DSDT + 36, 0x5b, 40); /* filler that is not _S5_ */
	memcpy(mem + DSDT + 76, aml, sizeof(aml));
	seal(DSDT);
	header(FADT, "FACP", 244);
	put32(FADT + 40, DSDT);
	put32(FADT + 64, 0x604);
	put32(FADT + 76, 0x608);
	mem[FADT + 91] = 4;
	put32(FADT + 112, (1U << 10) | (1U << 8));
	mem[FADT + 116] = ACPI_GAS_IO, mem[FADT + 117] = 8;
	put64(FADT + 120, 0xCF9);
	mem[FADT + 128] = 0x06;
	seal(FADT);
}

static void mcfg_hpet(void)
{
	header(MCFG, "MCFG", 44 + 16);
	put64(MCFG + 44, 0xB0000000), put16(MCFG + 52, 0), mem[MCFG + 54] = 0, mem[MCFG + 55] = 255;
	seal(MCFG);
	header(HPET, "HPET", 56);
	mem[HPET + 40] = ACPI_GAS_MEMORY;
	put64(HPET + 44, 0xFED00000);
	seal(HPET);
}

static int setup(void **state)
{
	memset(mem, 0, sizeof(mem));
	rsdp(2);
	roots();
	madt(false);
	fadt_dsdt();
	mcfg_hpet();
	return 0;
}

static int parse_scanned(void)
{
	paddr_t pa = acpi_scan_rsdp(map, NULL);
	assert_int_equal(pa, RSDP);
	return acpi_parse(NULL, 0, pa, map, NULL, &ai);
}

static void test_good_tables(void **state)
{
	assert_int_equal(parse_scanned(), 0);
	assert_true(ai.found);
	assert_int_equal(ai.nr_warnings, 0);
	assert_int_equal(ai.nr_cpus, 2);
	assert_int_equal(ai.cpus[1].apic_id, 1);
	assert_int_equal(ai.lapic_addr, 0xFEE00000);
	assert_true(ai.pcat_compat);
	assert_int_equal(ai.nr_ioapics, 1);
	assert_int_equal(ai.ioapics[0].id, 7);
	assert_int_equal(ai.ioapics[0].addr, 0xFEC00000);
	uint16_t flags;
	assert_int_equal(acpi_isa_irq_to_gsi(&ai, 0, &flags), 2);
	assert_int_equal(acpi_isa_irq_to_gsi(&ai, 4, &flags), 4);
	assert_true(ai.has_reset);
	assert_int_equal(ai.reset_reg.address, 0xCF9);
	assert_int_equal(ai.reset_value, 6);
	assert_int_equal(ai.pm1a_cnt.address, 0x604);
	assert_int_equal(ai.pm1b_cnt.address, 0);
	assert_int_equal(ai.pm_tmr_port, 0x608);
	assert_true(ai.pm_tmr_32bit);
	assert_true(ai.has_s5);
	assert_int_equal(ai.s5_typ_a, 5);
	assert_int_equal(ai.s5_typ_b, 6);
	assert_int_equal(ai.nr_ecam, 1);
	assert_int_equal(ai.ecam[0].base, 0xB0000000);
	assert_int_equal(ai.ecam[0].bus_end, 255);
	assert_true(ai.has_hpet);
	assert_int_equal(ai.hpet_addr, 0xFED00000);
}

static void test_rsdp_from_loader_v1_uses_rsdt(void **state)
{
	rsdp(0);
	put64(XSDT, 0); /* an XSDT must not be consulted by a v1 RSDP */
	uint8_t copy[20];
	memcpy(copy, mem + RSDP, 20);
	assert_int_equal(acpi_parse(copy, 20, 0, map, NULL, &ai), 0);
	assert_int_equal(ai.revision, 0);
	assert_int_equal(ai.nr_cpus, 2);
	assert_true(ai.has_hpet);
}

static void test_bad_rsdp_checksum(void **state)
{
	mem[RSDP + 8] ^= 1;
	assert_int_equal(acpi_scan_rsdp(map, NULL), 0);
	assert_int_equal(acpi_parse(NULL, 0, RSDP, map, NULL, &ai), -1);
	assert_false(ai.found);
}

static void test_bad_table_checksum_skipped(void **state)
{
	mem[MADT + 50] ^= 0x40;
	assert_int_equal(parse_scanned(), 0);
	assert_false(ai.has_madt);
	assert_int_equal(ai.nr_cpus, 0);
	assert_int_equal(ai.nr_warnings, 1);
	assert_true(ai.has_fadt); /* the rest of the walk went on */
	assert_true(ai.has_hpet);
}

static void test_truncated_table_skipped(void **state)
{
	put32(HPET + 4, MEM_SIZE); /* claims to run past the end of memory */
	assert_int_equal(parse_scanned(), 0);
	assert_false(ai.has_hpet);
	assert_int_equal(ai.nr_warnings, 1);
	assert_int_equal(ai.nr_cpus, 2);
}

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
	mem[XSDT + 20] ^= 1;
	assert_int_equal(parse_scanned(), 0);
	assert_int_equal(ai.nr_warnings, 1);
	assert_int_equal(ai.nr_cpus, 2);
}

static void test_madt_entry_overrun(void **state)
{
	mem[MADT + 44 + 8 + 1] = 200; /* second entry claims 200 bytes */
	seal(MADT);
	assert_int_equal(parse_scanned(), 0);
	assert_int_equal(ai.nr_cpus, 1);
	assert_int_equal(ai.nr_ioapics, 0);
	assert_int_equal(ai.nr_warnings, 1);
}

static void test_x2apic_entries(void **state)
{
	madt(true);
	assert_int_equal(parse_scanned(), 0);
	assert_int_equal(ai.nr_cpus, 3);
	assert_int_equal(ai.cpus[2].apic_id, 0x1234);
	assert_int_equal(ai.cpus[2].uid, 77);
}

static void test_no_s5_without_package(void **state)
{
	mem[DSDT + 76 + 5] = 0x13; /* not a PackageOp */
	seal(DSDT);
	assert_int_equal(parse_scanned(), 0);
	assert_false(ai.has_s5);
	assert_true(ai.has_reset);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_tables, setup),
		cmocka_unit_test_setup(test_rsdp_from_loader_v1_uses_rsdt, setup),
		cmocka_unit_test_setup(test_bad_rsdp_checksum, setup),
		cmocka_unit_test_setup(test_bad_table_checksum_skipped, setup),
		cmocka_unit_test_setup(test_truncated_table_skipped, setup),
		cmocka_unit_test_setup(test_bad_xsdt_falls_back_to_rsdt, setup),
		cmocka_unit_test_setup(test_madt_entry_overrun, setup),
		cmocka_unit_test_setup(test_x2apic_entries, setup),
		cmocka_unit_test_setup(test_no_s5_without_package, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
