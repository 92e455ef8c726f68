/*
 * Arch glue of MSI PIRQs (hospes/pirq.h): the hypervisor, which owns the
 * local APICs, writes a PCI function's MSI message itself, as Xen does;
 * dom0 only names the function (bus, devfn) in PHYSDEVOP_map_pirq.
 *
 * - Configuration space: mechanism #1 (ports 0xCF8/0xCFC), enough for the
 *   MSI capability, which lies in the first 256 bytes.  dom0 uses the same
 *   ports (emulated, kernel/arch/x86_64/io_emul.c) or ECAM; the hypervisor
 *   saves and restores the address port around each access, so a dom0
 *   access interrupted between its 0xCF8 write and its 0xCFC access by a
 *   hypercall of its own still reads what it selected.  cfg_lock keeps two
 *   CPUs of the hypervisor apart.
 * - The message: address 0xFEE00000 with the destination APIC id in bits
 *   19:12 (physical mode, no redirection hint) = the CPU that maps it;
 *   data = the slot's vector, fixed delivery, edge.  Single message (MME
 *   0).  Enabling sets MSI enable and INTx disable in the command
 *   register; disabling clears MSI enable and gives INTx back.
 * - Vectors: slot s is vector MSI_VECTOR_BASE + s (0x90-0xaf), between the
 *   GSIs' (0x40-0x7f) and the IPIs (0xf0 and up); the handler hands the
 *   slot to pirq_msi_interrupt() and ends the interrupt at the LAPIC.
 *
 * Invariant: a slot's message is written only while the slot is being
 * mapped (under pirq_lock); the function's MSI is enabled exactly while
 * the PIRQ is bound.  MSI-X and multi-message MSI are refused before this
 * layer is asked.
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <hospes/ecam_emul.h>
#include <hospes/pci_cfg.h>
#include <hospes/pirq.h>
#include <hospes/printk.h>
#include <hospes/spinlock.h>
#include <public/errno.h>

#define MSI_VECTOR_BASE 0x90

#define PCI_COMMAND	 0x04
#define PCI_CMD_INTX_OFF (1u << 10)
#define MSI_CTRL	 2 /* offsets in the capability */
#define MSI_ADDR_LO	 4
#define MSI_CTRL_EN	 (1u << 0)
#define MSI_CTRL_MME	 (7u << 4)
#define MSI_ADDR_BASE	 0xfee00000u

static spinlock_t cfg_lock = SPINLOCK_INIT;
static unsigned long dropped_writes; /* dom0's writes to MSI capabilities */

static uint32_t cfg_addr(uint16_t sbdf, unsigned int off)
{
	return PCI_CFG_ENABLE | (uint32_t)sbdf << 8 | (off & 0xfc);
}

/* One configuration access of size 2 or 4 at off (aligned to size). */
static uint32_t cfg_rw(uint16_t sbdf, unsigned int off, unsigned int size, bool write, uint32_t v)
{
	uint16_t port = (uint16_t)(PCI_CFG_DATA + (size == 2 ? off & 2 : 0));
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t saved = inl(PCI_CFG_ADDR);

	outl(PCI_CFG_ADDR, cfg_addr(sbdf, off));
	if (write && size == 4)
		outl(port, v);
	else if (write)
		outw(port, (uint16_t)v);
	else
		v = size == 4 ? inl(port) : inw(port);
	outl(PCI_CFG_ADDR, saved);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

static uint32_t cfg_read32(uint16_t sbdf, unsigned int off)
{
	return cfg_rw(sbdf, off, 4, false, 0);
}

static void cfg_write32(uint16_t sbdf, unsigned int off, uint32_t v)
{
	cfg_rw(sbdf, off, 4, true, v);
}

static uint16_t cfg_read16(uint16_t sbdf, unsigned int off)
{
	return (uint16_t)cfg_rw(sbdf, off, 2, false, 0);
}

static void cfg_write16(uint16_t sbdf, unsigned int off, uint16_t v)
{
	cfg_rw(sbdf, off, 2, true, v);
}

static uint32_t locked_read32(void *ctx, uint16_t sbdf, unsigned int off)
{
	(void)ctx;
	return cfg_read32(sbdf, off);
}

/* With cfg_lock held; leaves the address port changed. */
static uint32_t raw_read32(void *ctx, uint16_t sbdf, unsigned int off)
{
	(void)ctx;
	outl(PCI_CFG_ADDR, cfg_addr(sbdf, off));
	return inl(PCI_CFG_DATA);
}

/* The config offset of the function's MSI capability, 0 if none. */
static unsigned int msi_cap(uint16_t sbdf)
{
	return pci_cfg_find_cap(locked_read32, NULL, sbdf, PCI_CAP_ID_MSI);
}

uint32_t arch_pci_cfg_in(unsigned int port, unsigned int size)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t v = port_in((uint16_t)port, size);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return v;
}

/*
 * dom0's out to 0xCF8..0xCFF, under cfg_lock so that the address it
 * latched cannot change between the check and the write: a write to the
 * data port that reaches an MSI capability is dropped (and counted; the
 * first few are logged).
 */
void arch_pci_cfg_out(unsigned int port, unsigned int size, uint32_t value)
{
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t cf8 = inl(PCI_CFG_ADDR);
	bool drop =
		port >= PCI_CFG_DATA && pci_cfg_write_blocked(raw_read32, NULL, cf8, port, size);
	if (port >= PCI_CFG_DATA)
		outl(PCI_CFG_ADDR, cf8); /* the walk moved it */
	if (!drop)
		port_out((uint16_t)port, size, value);
	spin_unlock_irqrestore(&cfg_lock, flags);
	if (drop && ++dropped_writes <= 8)
		printk(LOG_WARN "pci: dom0's write to %02x:%02x.%u +%#x (MSI, the hypervisor's) "
				"dropped\n",
		       (cf8 >> 16) & 0xff, (cf8 >> 11) & 0x1f, (cf8 >> 8) & 7,
		       (cf8 & 0xfc) + (port & 3));
}

/*
 * The hypervisor's own mapping of ECAM (segment 0's window, its first
 * ECAM_MAP_BUSES buses: what dom0 maps too), for dom0's emulated stores.
 */
#define ECAM_MAP_BUSES 16
static volatile uint8_t *ecam_va;
static unsigned int ecam_first, ecam_nbus;

void arch_ecam_setup(uint64_t base, unsigned int first, unsigned int last)
{
	unsigned int nbus = last - first + 1;

	if (ecam_va)
		return; /* one window is enough for every machine we boot on */
	nbus = nbus > ECAM_MAP_BUSES ? ECAM_MAP_BUSES : nbus;
	ecam_va = ioremap(base, (size_t)nbus << 20);
	if (!ecam_va || ecam_add_window(base, first, first + nbus - 1)) {
		ecam_va = NULL;
		return;
	}
	ecam_first = first;
	ecam_nbus = nbus;
}

/* The hypervisor's address of off in function sbdf's ECAM page, NULL if unmapped or misaligned. */
static volatile uint8_t *ecam_at(uint16_t sbdf, unsigned int off, unsigned int size)
{
	unsigned int bus = sbdf >> 8;

	if (!ecam_va || bus - ecam_first >= ecam_nbus || off > 0xfff || off % size)
		return NULL;
	return ecam_va + ((size_t)(bus - ecam_first) << 20) + ((size_t)(sbdf & 0xff) << 12) + off;
}

int arch_pci_cfg_read(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t *value)
{
	volatile uint8_t *at = ecam_at(sbdf, off, size);

	if (!at)
		return -1;
	if (size == 8) /* two dword reads, as the configuration requests are */
		*value = *(volatile uint32_t *)at | (uint64_t) * (volatile uint32_t *)(at + 4)
							    << 32;
	else if (size == 4)
		*value = *(volatile uint32_t *)at;
	else if (size == 2)
		*value = *(volatile uint16_t *)at;
	else
		*value = *at;
	return 0;
}

int arch_pci_cfg_write(uint16_t sbdf, unsigned int off, unsigned int size, uint64_t value)
{
	volatile uint8_t *at = ecam_at(sbdf, off, size);

	if (!at)
		return -1;
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	uint32_t cf8 = inl(PCI_CFG_ADDR);
	bool drop = pci_cfg_write_refused(raw_read32, NULL, sbdf, off, size);
	outl(PCI_CFG_ADDR, cf8); /* the walk moved it */
	if (!drop && size == 8) {
		*(volatile uint32_t *)at = (uint32_t)value;
		*(volatile uint32_t *)(at + 4) = (uint32_t)(value >> 32);
	} else if (!drop && size == 4) {
		*(volatile uint32_t *)at = (uint32_t)value;
	} else if (!drop && size == 2) {
		*(volatile uint16_t *)at = (uint16_t)value;
	} else if (!drop) {
		*at = (uint8_t)value;
	}
	spin_unlock_irqrestore(&cfg_lock, flags);
	if (drop && ++dropped_writes <= 8)
		printk(LOG_WARN "pci: dom0's ECAM write to %02x:%02x.%u +%#x (MSI, the "
				"hypervisor's) dropped\n",
		       sbdf >> 8, (sbdf >> 3) & 0x1f, sbdf & 7, off);
	return 0;
}

static void msi_irq(struct cpu_regs *regs)
{
	pirq_msi_interrupt((unsigned int)regs->vector - MSI_VECTOR_BASE);
	lapic_eoi();
}

int arch_msi_setup(uint16_t sbdf, unsigned int slot)
{
	unsigned int cap = msi_cap(sbdf);
	uint32_t dest = lapic_id();

	if (!cap)
		return -XEN_ENODEV;
	if (slot >= PIRQ_MSI_NR || dest > 0xff)
		return -XEN_ENOSPC;
	uint16_t ctrl = cfg_read16(sbdf, cap + MSI_CTRL);
	ctrl &= (uint16_t) ~(MSI_CTRL_EN | MSI_CTRL_MME);
	cfg_write16(sbdf, cap + MSI_CTRL, ctrl);
	irq_set_handler(MSI_VECTOR_BASE + slot, msi_irq);
	cfg_write32(sbdf, cap + MSI_ADDR_LO, MSI_ADDR_BASE | dest << 12);
	unsigned int data = cap + MSI_ADDR_LO + 4;
	if (ctrl & PCI_MSI_CTRL_64) {
		cfg_write32(sbdf, cap + MSI_ADDR_LO + 4, 0);
		data += 4;
	}
	cfg_write16(sbdf, data, (uint16_t)(MSI_VECTOR_BASE + slot));
	return 0;
}

void arch_msi_enable(uint16_t sbdf, bool on)
{
	unsigned int cap = msi_cap(sbdf);
	if (!cap)
		return;
	uint16_t cmd = cfg_read16(sbdf, PCI_COMMAND);
	uint16_t ctrl = cfg_read16(sbdf, cap + MSI_CTRL);
	if (on) {
		cfg_write16(sbdf, PCI_COMMAND, cmd | PCI_CMD_INTX_OFF);
		cfg_write16(sbdf, cap + MSI_CTRL, ctrl | MSI_CTRL_EN);
	} else {
		cfg_write16(sbdf, cap + MSI_CTRL, ctrl & (uint16_t)~MSI_CTRL_EN);
		cfg_write16(sbdf, PCI_COMMAND, cmd & (uint16_t)~PCI_CMD_INTX_OFF);
	}
}

void arch_msi_teardown(uint16_t sbdf, unsigned int slot)
{
	unsigned int cap = msi_cap(sbdf);
	if (cap) {
		uint16_t ctrl = cfg_read16(sbdf, cap + MSI_CTRL);
		cfg_write16(sbdf, cap + MSI_CTRL, ctrl & (uint16_t)~MSI_CTRL_EN);
		cfg_write32(sbdf, cap + MSI_ADDR_LO, 0);
	}
	(void)slot; /* the vector's handler stays: a late message finds no PIRQ */
}
