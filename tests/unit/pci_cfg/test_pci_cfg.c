/*
 * The hypervisor's guard of the MSI capabilities (kernel/domain/
 * pci_cfg.c) against a fake configuration space: the capability walk
 * (hostile lists included), the capability's length for each layout, and
 * which of dom0's writes through ports 0xCF8/0xCFC are dropped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/pci_cfg.h>

#define FUNCS 4

static uint8_t cfg[FUNCS][256]; /* functions 00:00.0 .. 00:00.3 */
static unsigned int reads;

static uint32_t rd(void *ctx, uint16_t sbdf, unsigned int off)
{
	(void)ctx;
	reads++;
	if ((sbdf >> 3) != 0 || (sbdf & 7) >= FUNCS)
		return ~0u; /* no such function */
	uint32_t v;
	memcpy(&v, &cfg[sbdf & 7][off & 0xfc], 4);
	return v;
}

static void put16(uint8_t *f, unsigned int off, uint16_t v)
{
	memcpy(f + off, &v, 2);
}

/* Function fn: a vendor, a capability list 0x40 (PM) -> msi_at (MSI, ctrl). */
static void make(unsigned int fn, unsigned int msi_at, uint16_t ctrl)
{
	uint8_t *f = cfg[fn];
	memset(f, 0, 256);
	put16(f, 0, 0x8086);
	put16(f, 6, 0x0010); /* status: capability list */
	f[0x34] = 0x40;
	f[0x40] = 0x01; /* power management */
	f[0x41] = (uint8_t)msi_at;
	f[msi_at] = PCI_CAP_ID_MSI;
	f[msi_at + 1] = 0;
	put16(f, msi_at + 2, ctrl);
}

static uint32_t cf8(unsigned int fn, unsigned int off)
{
	return PCI_CFG_ENABLE | fn << 8 | (off & 0xfc);
}

static void test_find_cap(void **state)
{
	(void)state;
	make(0, 0x50, 0);
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 0, PCI_CAP_ID_MSI), 0x50);
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 0, 0x11), 0);		/* no MSI-X */
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 0x100, PCI_CAP_ID_MSI), 0); /* no function */
	cfg[0][6] = 0; /* no capability list */
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 0, PCI_CAP_ID_MSI), 0);
	/* a list that loops ends, reading no more than the hop limit allows */
	make(1, 0x50, 0);
	cfg[1][0x50] = 0x09;
	cfg[1][0x51] = 0x40;
	reads = 0;
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 1, PCI_CAP_ID_MSI), 0);
	assert_true(reads <= 3 + 48);
	/* a pointer into the header ends it too */
	cfg[1][0x51] = 0x10;
	assert_int_equal(pci_cfg_find_cap(rd, NULL, 1, PCI_CAP_ID_MSI), 0);
}

static void test_msi_len(void **state)
{
	(void)state;
	assert_int_equal(pci_msi_cap_len(0), 10);
	assert_int_equal(pci_msi_cap_len(PCI_MSI_CTRL_64), 14);
	assert_int_equal(pci_msi_cap_len(PCI_MSI_CTRL_PVM), 20);
	assert_int_equal(pci_msi_cap_len(PCI_MSI_CTRL_64 | PCI_MSI_CTRL_PVM), 24);
}

static void test_owned_bytes(void **state)
{
	(void)state;
	/* 64-bit MSI at 0x50: 0x52..0x5d are the hypervisor's */
	assert_false(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x50, 2)); /* ID, next */
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x50, 4));  /* reaches ctrl */
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x52, 2));
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x54, 4)); /* address */
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x58, 4)); /* upper address */
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x5d, 1)); /* data */
	assert_false(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x5e, 2));
	assert_false(pci_msi_write_owned(0x50, PCI_MSI_CTRL_64, 0x4c, 4));
	/* 32-bit: data ends at 0x59; with masking the mask and pending bits too */
	assert_false(pci_msi_write_owned(0x50, 0, 0x5a, 2));
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_PVM, 0x5c, 4));
	assert_true(pci_msi_write_owned(0x50, PCI_MSI_CTRL_PVM, 0x60, 4));
	assert_false(pci_msi_write_owned(0x50, PCI_MSI_CTRL_PVM, 0x64, 4));
}

static void test_cf8_decode(void **state)
{
	uint16_t sbdf;
	unsigned int off;
	(void)state;
	assert_true(pci_cf8_decode(PCI_CFG_ENABLE | 3u << 16 | 5u << 11 | 2u << 8 | 0x54,
				   PCI_CFG_DATA + 2, &sbdf, &off));
	assert_int_equal(sbdf, 3u << 8 | 5u << 3 | 2u);
	assert_int_equal(off, 0x56);
	assert_false(pci_cf8_decode(0x54, PCI_CFG_DATA, &sbdf, &off)); /* not enabled */
	assert_false(pci_cf8_decode(PCI_CFG_ENABLE, PCI_CFG_ADDR, &sbdf, &off));
}

static void test_write_guard(void **state)
{
	(void)state;
	make(2, 0x60, PCI_MSI_CTRL_64);
	/* the message, the control word, a dword over ID/next/ctrl: dropped */
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x64), PCI_CFG_DATA, 4));
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x68), PCI_CFG_DATA, 4));
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x6c), PCI_CFG_DATA, 2));
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x60), PCI_CFG_DATA + 2, 2));
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x60), PCI_CFG_DATA, 4));
	/* what dom0 needs: command, BARs, other capabilities */
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x04), PCI_CFG_DATA, 2));
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x10), PCI_CFG_DATA, 4));
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x40), PCI_CFG_DATA, 4));
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x60), PCI_CFG_DATA, 2));
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(2, 0x6c), PCI_CFG_DATA + 2, 2));
	/* no address latched, a function without MSI: nothing to guard */
	assert_false(pci_cfg_write_blocked(rd, NULL, 0x64, PCI_CFG_DATA, 4));
	make(3, 0x60, 0);
	cfg[3][0x60] = 0x09; /* the capability at 0x60 is not MSI */
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(3, 0x64), PCI_CFG_DATA, 4));
}

/* MSI-X: its control word (enable, function mask) is the hypervisor's. */
static void test_msix_guard(void **state)
{
	(void)state;
	make(1, 0x60, 0);
	cfg[1][0x61] = 0x70; /* MSI at 0x60, then MSI-X at 0x70 */
	cfg[1][0x70] = PCI_CAP_ID_MSIX;
	assert_true(pci_msix_write_owned(0x70, 0x72, 2));
	assert_true(pci_msix_write_owned(0x70, 0x70, 4));
	assert_false(pci_msix_write_owned(0x70, 0x70, 2));
	assert_false(pci_msix_write_owned(0x70, 0x74, 4)); /* table offset: read-only anyway */
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(1, 0x70), PCI_CFG_DATA + 2, 2));
	assert_true(pci_cfg_write_blocked(rd, NULL, cf8(1, 0x64), PCI_CFG_DATA, 4)); /* MSI */
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(1, 0x74), PCI_CFG_DATA, 4));
	assert_false(pci_cfg_write_blocked(rd, NULL, cf8(1, 0x04), PCI_CFG_DATA, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_cap),    cmocka_unit_test(test_msi_len),
		cmocka_unit_test(test_owned_bytes), cmocka_unit_test(test_cf8_decode),
		cmocka_unit_test(test_write_guard), cmocka_unit_test(test_msix_guard),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
