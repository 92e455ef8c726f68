/*
 * A fake PCI configuration space behind ports 0xCF8/0xCFC: functions with
 * 256 bytes of config each, BARs that keep only their size's address
 * bits, and a record of the widths the driver wrote with.
 */
#ifndef TESTS_UNIT_HW_FAKE_PCI_H
#define TESTS_UNIT_HW_FAKE_PCI_H

#include "fake_hw.h"

#define FAKE_PCI_FNS 16

struct fake_pci_fn {
	uint8_t bus, dev, fn;
	uint8_t cfg[256];
	uint64_t bar_size[6]; /* 0: not implemented; a 64-bit BAR: size in [i] */
};

struct fake_pci {
	struct fake_model model;
	struct fake_pci_fn fns[FAKE_PCI_FNS];
	unsigned int nfns;
	uint32_t addr;
	unsigned int dword_writes_at_cmd; /* 32-bit writes at offset 4 (clobber status) */
};

void fake_pci_init(struct fake_pci *p);
struct fake_pci_fn *fake_pci_add(struct fake_pci *p, uint8_t bus, uint8_t dev, uint8_t fn,
				 uint16_t vendor, uint16_t device, uint32_t class_rev,
				 uint8_t header_type);
void fake_pci_bar(struct fake_pci_fn *f, int i, uint32_t low_bits, uint64_t base, uint64_t size);
void fake_cfg_write(struct fake_pci_fn *f, unsigned int off, uint32_t v, int size);

#endif
