/*
 * PCI enumeration against the fake configuration space: the bus walk
 * (multi-function devices, bridges, a bridge pointing back), BAR sizing
 * of I/O, 32-bit and 64-bit BARs with the decode bits restored, the
 * capability list (and a looping one), 16-bit command writes, and the
 * MCFG parser on good and damaged tables.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_pci.h"
#include "tests.h"
#include <hw/pci.h>

static struct fake_pci pci;
static const struct pci_cfg port_cfg = {.ecam = NULL, .first_bus = 0, .last_bus = 255};

static void machine(void)
{
	fake_hw_reset();
	fake_pci_init(&pci);
	fake_pci_add(&pci, 0, 0, 0, 0x8086, 0x1237, 0x06000002, 0);
	struct fake_pci_fn *nic = fake_pci_add(&pci, 0, 3, 0, 0x8086, 0x100e, 0x02000003, 0);
	fake_pci_bar(nic, 0, 0, 0xfebc0000, 0x20000);
	fake_pci_bar(nic, 1, 1, 0xc000, 0x40);
	nic->cfg[0x3c] = 11;
	nic->cfg[0x3d] = 1;
	nic->cfg[0x04] = 0x03;
	/* Multi-function: ISA bridge and IDE at 00:01.0/1. */
	fake_pci_add(&pci, 0, 1, 0, 0x8086, 0x7000, 0x06010000, 0x80);
	fake_pci_add(&pci, 0, 1, 1, 0x8086, 0x7010, 0x01018000, 0);
	/* A bridge to bus 1 holding a SATA controller with a 64-bit BAR. */
	struct fake_pci_fn *br = fake_pci_add(&pci, 0, 4, 0, 0x1b36, 0x0001, 0x06040000, 1);
	br->cfg[0x19] = 1;
	struct fake_pci_fn *sata = fake_pci_add(&pci, 1, 0, 0, 0x8086, 0x2922, 0x01060100, 0);
	fake_pci_bar(sata, 0, 0xc, 0x800000000ULL, 0x1000000);
	/* A single-function device whose function 1 also answers (aliasing). */
	fake_pci_add(&pci, 0, 5, 0, 0x1234, 0x1111, 0x03000000, 0);
	fake_pci_add(&pci, 0, 5, 1, 0x1234, 0x1111, 0x03000000, 0);
}

static const struct pci_dev *find(const struct pci_dev *d, unsigned int n, uint8_t bus, uint8_t dev,
				  uint8_t fn)
{
	for (unsigned int i = 0; i < n; i++)
		if (d[i].bus == bus && d[i].dev == dev && d[i].fn == fn)
			return &d[i];
	return NULL;
}

static void test_pci_scan_walks_functions_and_bridges(void **state)
{
	struct pci_dev d[16];
	machine();
	unsigned int n = pci_scan(&port_cfg, d, 16);
	assert_int_equal(n, 7);
	assert_non_null(find(d, n, 0, 1, 1));
	assert_null(find(d, n, 0, 5, 1));
	const struct pci_dev *sata = find(d, n, 1, 0, 0);
	assert_non_null(sata);
	assert_int_equal(sata->class, 1);
	assert_int_equal(sata->subclass, 6);
	assert_int_equal(sata->progif, 1);
	/* Fewer slots than functions: the count is still the truth. */
	assert_int_equal(pci_scan(&port_cfg, d, 2), 7);
}

static void test_pci_bridge_loop_ends(void **state)
{
	struct pci_dev d[16];
	machine();
	pci.fns[4].cfg[0x19] = 0; /* the bridge claims bus 0 again */
	assert_int_equal(pci_scan(&port_cfg, d, 16), 6);
}

static void test_pci_bar_sizes_and_restores(void **state)
{
	struct pci_dev d[16];
	machine();
	unsigned int n = pci_scan(&port_cfg, d, 16);
	const struct pci_dev *nic = find(d, n, 0, 3, 0);
	assert_false(nic->bar[0].io);
	assert_int_equal(nic->bar[0].base, 0xfebc0000);
	assert_int_equal(nic->bar[0].size, 0x20000);
	assert_true(nic->bar[1].io);
	assert_int_equal(nic->bar[1].base, 0xc000);
	assert_int_equal(nic->bar[1].size, 0x40);
	assert_int_equal(nic->bar[2].size, 0);
	assert_int_equal(nic->irq_line, 11);
	assert_int_equal(nic->irq_pin, 1);
	const struct pci_dev *sata = find(d, n, 1, 0, 0);
	assert_true(sata->bar[0].is64);
	assert_true(sata->bar[0].prefetch);
	assert_int_equal(sata->bar[0].base, 0x800000000ULL);
	assert_int_equal(sata->bar[0].size, 0x1000000);
	/* The BARs hold their addresses again, decoding is back on. */
	uint32_t v;
	memcpy(&v, &pci.fns[1].cfg[0x10], 4);
	assert_int_equal(v, 0xfebc0000);
	memcpy(&v, &pci.fns[5].cfg[0x14], 4);
	assert_int_equal(v, 8);
	assert_int_equal(pci.fns[1].cfg[0x04], 0x03);
	assert_int_equal(pci.dword_writes_at_cmd, 0);
}

static void test_pci_capabilities(void **state)
{
	struct pci_dev d[16];
	machine();
	struct fake_pci_fn *f = &pci.fns[1];
	f->cfg[0x06] = 0x10;
	f->cfg[0x34] = 0x50;
	f->cfg[0x50] = PCI_CAP_MSI;
	f->cfg[0x51] = 0x60;
	f->cfg[0x60] = PCI_CAP_PCIE;
	f->cfg[0x61] = 0;
	unsigned int n = pci_scan(&port_cfg, d, 16);
	const struct pci_dev *nic = find(d, n, 0, 3, 0);
	assert_int_equal(nic->cap_msi, 0x50);
	assert_int_equal(nic->cap_pcie, 0x60);
	assert_int_equal(nic->cap_msix, 0);
	/* A list that points back at itself ends. */
	f->cfg[0x61] = 0x50;
	assert_int_equal(pci_find_cap(nic, PCI_CAP_MSIX), 0);
	/* A pointer into the header ends it too. */
	f->cfg[0x51] = 0x10;
	assert_int_equal(pci_find_cap(nic, PCI_CAP_PCIE), 0);
}

static void test_pci_enable_writes_16_bits(void **state)
{
	struct pci_dev d[16];
	machine();
	unsigned int n = pci_scan(&port_cfg, d, 16);
	const struct pci_dev *nic = find(d, n, 0, 3, 0);
	pci.fns[1].cfg[0x06] = 0xf8; /* status bits a dword write would clear */
	pci_enable(nic, PCI_CMD_MASTER);
	assert_int_equal(pci.fns[1].cfg[0x04], 0x07);
	assert_int_equal(pci.fns[1].cfg[0x06], 0xf8);
	assert_int_equal(pci.dword_writes_at_cmd, 0);
}

static void test_pci_bad_bar_is_absent(void **state)
{
	struct pci_dev d[16];
	machine();
	/* Keeps bit 20 but not 17-19: no power-of-two size. */
	pci.fns[1].bar_size[0] = 0x20000;
	uint32_t junk = 0xfeb00000 | 0x20000;
	memcpy(&pci.fns[1].cfg[0x10], &junk, 4);
	struct pci_dev probe = {.cfg = &port_cfg, .bus = 0, .dev = 3};
	pci_write32(&probe, 0x10, ~0u);
	assert_int_equal(pci_read32(&probe, 0x10), 0xfffe0000);
	pci.fns[1].bar_size[0] = 0x120000;
	unsigned int n = pci_scan(&port_cfg, d, 16);
	assert_int_equal(find(d, n, 0, 3, 0)->bar[0].size, 0);
}

static void make_mcfg(uint8_t *t, uint32_t len, uint16_t seg)
{
	memset(t, 0, len);
	memcpy(t, "MCFG", 4);
	memcpy(t + 4, &len, 4);
	uint64_t base = 0xb0000000;
	memcpy(t + 44, &base, 8);
	memcpy(t + 52, &seg, 2);
	t[54] = 0;
	t[55] = 0xff;
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += t[i];
	t[9] = -sum;
}

static void test_pci_mcfg_parse(void **state)
{
	uint8_t t[60];
	uint64_t base = 0;
	uint8_t first = 9, last = 0;
	make_mcfg(t, 60, 0);
	assert_int_equal(pci_parse_mcfg(t, 60, &base, &first, &last), 0);
	assert_int_equal(base, 0xb0000000);
	assert_int_equal(first, 0);
	assert_int_equal(last, 0xff);
	/* Shorter buffer than the table says: refused. */
	assert_int_equal(pci_parse_mcfg(t, 59, &base, &first, &last), -EINVAL);
	t[50] ^= 1; /* checksum broken */
	assert_int_equal(pci_parse_mcfg(t, 60, &base, &first, &last), -EINVAL);
	make_mcfg(t, 60, 1); /* only segment 1 */
	assert_int_equal(pci_parse_mcfg(t, 60, &base, &first, &last), -EINVAL);
	make_mcfg(t, 60, 0);
	memcpy(t, "APIC", 4);
	assert_int_equal(pci_parse_mcfg(t, 60, &base, &first, &last), -EINVAL);
}

static void test_pci_ecam_access(void **state)
{
	static uint32_t window[2 << 18]; /* buses 0-1 */
	struct pci_cfg ecam = {.ecam = (volatile uint8_t *)window, .first_bus = 0, .last_bus = 1};
	memset(window, 0xff, sizeof(window));
	uint32_t *f = &window[(1 << 18) + (2 << 15) / 4]; /* 01:02.0 */
	f[0] = 0x10d38086;
	f[2] = 0x02000000;
	f[3] = 0;
	for (int i = 4; i < 10; i++)
		f[i] = 0;
	f[0x100 / 4] = 0x12345678; /* extended space, past port I/O's reach */
	window[0] = 0x29c08086;	   /* 00:00.0, a bridge-less host bridge */
	window[2] = 0x06000000;
	window[3] = 0;
	for (int i = 4; i < 10; i++)
		window[i] = 0;
	struct pci_dev d[4];
	assert_int_equal(pci_scan(&ecam, d, 4), 1);
	struct pci_dev nic = {.cfg = &ecam, .bus = 1, .dev = 2};
	assert_int_equal(pci_read16(&nic, 2), 0x10d3);
	assert_int_equal(pci_read32(&nic, 0x100), 0x12345678);
}

const struct CMUnitTest pci_tests[] = {
	cmocka_unit_test(test_pci_scan_walks_functions_and_bridges),
	cmocka_unit_test(test_pci_bridge_loop_ends),
	cmocka_unit_test(test_pci_bar_sizes_and_restores),
	cmocka_unit_test(test_pci_capabilities),
	cmocka_unit_test(test_pci_enable_writes_16_bits),
	cmocka_unit_test(test_pci_bad_bar_is_absent),
	cmocka_unit_test(test_pci_mcfg_parse),
	cmocka_unit_test(test_pci_ecam_access),
};
const size_t pci_ntests = sizeof(pci_tests) / sizeof(pci_tests[0]);
