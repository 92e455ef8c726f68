/*
 * The hypervisor's reading of PCI configuration space (see
 * hospes/pci_cfg.h): the capability walk, the MSI capability's layout,
 * and the rule that keeps dom0's configuration writes off the MSI
 * messages the hypervisor programs.
 *
 * Nothing read from a device is trusted: the walk stops after 48 hops
 * (the most capabilities 192 bytes can hold) or at a pointer into the
 * header.  The rule is decided on the whole write: if any byte of it
 * falls in the owned range, none of it is written (a 32-bit write at the
 * capability's start also covers the control word).
 */
#include <hospes/pci_cfg.h>

#define PCI_VENDOR     0x00
#define PCI_STATUS_REG 0x04 /* dword holding command (low) and status (high) */
#define PCI_STATUS_CAP (1u << (16 + 4))
#define PCI_CAP_PTR    0x34
#define PCI_CAP_HOPS   48
#define MSI_CTRL       2

unsigned int pci_cfg_find_cap(pci_cfg_read32_fn rd, void *ctx, uint16_t sbdf, uint8_t id)
{
	if ((rd(ctx, sbdf, PCI_VENDOR) & 0xffff) == 0xffff)
		return 0; /* no such function */
	if (!(rd(ctx, sbdf, PCI_STATUS_REG) & PCI_STATUS_CAP))
		return 0;
	unsigned int at = rd(ctx, sbdf, PCI_CAP_PTR) & 0xfc;
	for (unsigned int hops = 0; at >= 0x40 && hops < PCI_CAP_HOPS; hops++) {
		uint32_t head = rd(ctx, sbdf, at);
		if ((head & 0xff) == id)
			return at;
		at = (head >> 8) & 0xfc;
	}
	return 0;
}

unsigned int pci_msi_cap_len(uint16_t ctrl)
{
	unsigned int len = (ctrl & PCI_MSI_CTRL_64) ? 14 : 10; /* header, ctrl, address, data */
	if (ctrl & PCI_MSI_CTRL_PVM)
		len += 10; /* padding to a dword, mask, pending */
	return len;
}

bool pci_msi_write_owned(unsigned int cap, uint16_t ctrl, unsigned int off, unsigned int size)
{
	unsigned int first = cap + MSI_CTRL, end = cap + pci_msi_cap_len(ctrl);
	return off < end && off + size > first;
}

bool pci_msix_write_owned(unsigned int cap, unsigned int off, unsigned int size)
{
	return off < cap + 4 && off + size > cap + MSI_CTRL;
}

bool pci_cf8_decode(uint32_t cf8, unsigned int port, uint16_t *sbdf, unsigned int *off)
{
	if (!(cf8 & PCI_CFG_ENABLE) || port < PCI_CFG_DATA || port > PCI_CFG_DATA + 3)
		return false;
	*sbdf = (uint16_t)(cf8 >> 8);
	*off = (cf8 & 0xfc) + (port - PCI_CFG_DATA);
	return true;
}

bool pci_cfg_write_refused(pci_cfg_read32_fn rd, void *ctx, uint16_t sbdf, unsigned int off,
			   unsigned int size)
{
	unsigned int cap = pci_cfg_find_cap(rd, ctx, sbdf, PCI_CAP_ID_MSI);
	if (cap && pci_msi_write_owned(cap, (uint16_t)(rd(ctx, sbdf, cap) >> 16), off, size))
		return true;
	cap = pci_cfg_find_cap(rd, ctx, sbdf, PCI_CAP_ID_MSIX);
	return cap && pci_msix_write_owned(cap, off, size);
}

bool pci_cfg_write_blocked(pci_cfg_read32_fn rd, void *ctx, uint32_t cf8, unsigned int port,
			   unsigned int size)
{
	uint16_t sbdf;
	unsigned int off;
	return pci_cf8_decode(cf8, port, &sbdf, &off) &&
	       pci_cfg_write_refused(rd, ctx, sbdf, off, size);
}
