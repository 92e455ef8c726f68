/*
 * PCI configuration space as the hypervisor sees it (kernel/domain/
 * pci_cfg.c, host-tested; the port accesses are in kernel/arch/x86_64/
 * msi.c).
 *
 * The hypervisor writes every MSI message itself (PHYSDEVOP_map_pirq), so
 * it owns each function's MSI capability: control, address, data, mask
 * and pending bits; and the control word of MSI-X, which it never maps.  dom0 reaches configuration space through ports
 * 0xCF8/0xCFC, which it may use only through the hypervisor's emulation
 * (every in/out of dom0 traps), and through ECAM, which it may map
 * read-only (p2m_mmio_readonly), its writes there faulting into the
 * hypervisor's emulation (kernel/domain/ecam_emul.c).  Both paths ask
 * the one policy, pci_cfg_write_refused(): a dom0 write that touches
 * owned bytes is dropped whole; reads are never changed.
 */
#ifndef HOSPES_PCI_CFG_H
#define HOSPES_PCI_CFG_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CFG_ADDR	 0xcf8
#define PCI_CFG_DATA	 0xcfc
#define PCI_CFG_ENABLE	 0x80000000u
#define PCI_CAP_ID_MSI	 0x05
#define PCI_CAP_ID_MSIX	 0x11
#define PCI_MSI_CTRL_64	 (1u << 7) /* 64-bit message address */
#define PCI_MSI_CTRL_PVM (1u << 8) /* per-vector masking: mask and pending registers */

/* One aligned 32-bit read of function sbdf (bus << 8 | devfn) at off. */
typedef uint32_t (*pci_cfg_read32_fn)(void *ctx, uint16_t sbdf, unsigned int off);

/*
 * Offset of the function's first capability `id`, 0 if none (no such
 * function, no list, or a list that loops or points into the header).
 */
unsigned int pci_cfg_find_cap(pci_cfg_read32_fn rd, void *ctx, uint16_t sbdf, uint8_t id);

/* Length in bytes of an MSI capability whose control word is ctrl. */
unsigned int pci_msi_cap_len(uint16_t ctrl);

/*
 * Whether a write of size bytes at off touches what the hypervisor owns
 * of the MSI capability at cap (everything after its ID and next bytes).
 */
bool pci_msi_write_owned(unsigned int cap, uint16_t ctrl, unsigned int off, unsigned int size);

/*
 * Whether a write touches the control word of the MSI-X capability at cap
 * (MSI-X is never mapped by the hypervisor, so dom0 may not enable it).
 */
bool pci_msix_write_owned(unsigned int cap, unsigned int off, unsigned int size);

/*
 * The function and offset an access to data port `port` (0xCFC..0xCFF)
 * reaches with cf8 latched in the address port; false if cf8 selects
 * nothing (its enable bit clear).
 */
bool pci_cf8_decode(uint32_t cf8, unsigned int port, uint16_t *sbdf, unsigned int *off);

/*
 * The policy: whether dom0's write of size bytes at off of function sbdf
 * must be dropped because it reaches what the hypervisor owns (an MSI
 * capability, MSI-X's control word).  Every dom0 configuration write,
 * through the ports or ECAM, is decided here.
 */
bool pci_cfg_write_refused(pci_cfg_read32_fn rd, void *ctx, uint16_t sbdf, unsigned int off,
			   unsigned int size);

/*
 * The same for the ports: whether dom0's write of size bytes to data port `port`, with
 * cf8 latched, must be dropped because it reaches an MSI capability.
 */
bool pci_cfg_write_blocked(pci_cfg_read32_fn rd, void *ctx, uint32_t cf8, unsigned int port,
			   unsigned int size);

/* Arch (kernel/arch/x86_64/msi.c): dom0's accesses to ports 0xCF8..0xCFF. */
uint32_t arch_pci_cfg_in(unsigned int port, unsigned int size);
void arch_pci_cfg_out(unsigned int port, unsigned int size, uint32_t value);
/*
 * dom0's write of size bytes (1, 2, 4 or 8; aligned) at off (0..0xfff) of
 * function sbdf through ECAM, after pci_cfg_write_refused() of all of
 * them (an owned byte drops the whole write; 8 bytes are written as two
 * dwords, low first): 0 if written or dropped by the policy, -1 if the
 * function's bus has no ECAM mapping.
 */
int arch_pci_cfg_write(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t value);
/* The size bytes (1, 2, 4 or 8; aligned) at off of function sbdf through
 * the hypervisor's ECAM mapping (what dom0's own load would read), for a
 * read-modify-write: 0 and *value, -1 if the bus has no ECAM mapping. */
int arch_pci_cfg_read(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t *value);
/* Map segment 0's ECAM window (bus first at machine address base) for it. */
void arch_ecam_setup(uint64_t base, unsigned int first, unsigned int last);

#endif
