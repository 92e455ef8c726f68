/*
 * PCI and PCI Express: configuration space access (port I/O through
 * 0xCF8/0xCFC, or ECAM memory from the ACPI MCFG table), enumeration of
 * every function behind the host bridge and its PCI-PCI bridges, BARs
 * with their sizes, and the capability list.  See pci.c.
 */
#ifndef DRIVERS_HW_PCI_H
#define DRIVERS_HW_PCI_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_VENDOR_ID	  0x00
#define PCI_COMMAND	  0x04
#define PCI_STATUS	  0x06
#define PCI_CLASS_REV	  0x08
#define PCI_HEADER_TYPE	  0x0e
#define PCI_BAR0	  0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_CAP_PTR	  0x34
#define PCI_INTERRUPT	  0x3c

#define PCI_CMD_IO	    0x0001
#define PCI_CMD_MEMORY	    0x0002
#define PCI_CMD_MASTER	    0x0004
#define PCI_CMD_INTX_OFF    0x0400
#define PCI_STATUS_CAP_LIST 0x0010

#define PCI_CAP_MSI  0x05
#define PCI_CAP_PCIE 0x10
#define PCI_CAP_MSIX 0x11
#define PCI_BARS     6
#define PCI_DEVS_MAX 64

/* Where configuration space is: ecam == NULL means port I/O (the first
 * 256 bytes of each function only). */
struct pci_cfg {
	volatile uint8_t *ecam; /* mapped MCFG window of buses first_bus.. */
	uint8_t first_bus, last_bus;
	/*
	 * ECAM mapped read-only (the hypervisor allows no more: it keeps the
	 * MSI capabilities to itself): reads use ECAM, writes below offset
	 * 256 the ports, writes above ECAM, where the hypervisor emulates
	 * each store (faulting) with the ports' MSI rule.
	 */
	bool ecam_ro;
	uint64_t ecam_maddr; /* machine address of the window (bus first_bus) */
};

struct pci_bar {
	uint64_t base; /* machine address (memory) or port (I/O) */
	uint64_t size; /* 0: not implemented */
	bool io, is64, prefetch;
};

struct pci_dev {
	const struct pci_cfg *cfg;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass, progif, rev;
	uint8_t irq_line, irq_pin; /* pin 0: no legacy interrupt */
	struct pci_bar bar[PCI_BARS];
	uint8_t cap_msi, cap_msix, cap_pcie; /* config offsets, 0: absent */
};

/* The ECAM address of register off of d (NULL without ECAM): for a direct
 * store, which on read-only ECAM the hypervisor emulates. */
volatile uint8_t *pci_ecam_reg(const struct pci_dev *d, uint16_t off);
uint32_t pci_read32(const struct pci_dev *d, uint16_t off);
uint16_t pci_read16(const struct pci_dev *d, uint16_t off);
uint8_t pci_read8(const struct pci_dev *d, uint16_t off);
void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v);

/* Finds every function reachable from bus cfg->first_bus; fills out[]
 * (at most max) and returns how many there are (may exceed max). */
unsigned int pci_scan(const struct pci_cfg *cfg, struct pci_dev *out, unsigned int max);
/* Sets bits in the command register (decoding, bus mastering). */
void pci_enable(const struct pci_dev *d, uint16_t cmd_bits);
/* Offset of capability id in d's list, 0 if absent (a looping or
 * out-of-range list ends the search). */
uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id);

/* The ECAM window of PCI segment 0 from an ACPI MCFG table of len bytes:
 * 0 and the base and bus range, or -EINVAL for a malformed table. */
int pci_parse_mcfg(const void *table, uint32_t len, uint64_t *base, uint8_t *first, uint8_t *last);

/* The devices dom0 found at start of day (drivers/hw/pci.c). */
extern struct pci_dev pci_devs[PCI_DEVS_MAX];
extern unsigned int pci_ndevs;
const struct pci_dev *pci_find_class(uint8_t class, uint8_t subclass, unsigned int from,
				     unsigned int *index);
void pci_list_init(const struct pci_cfg *cfg);
const char *pci_class_name(uint8_t class, uint8_t subclass);

#endif
