/*
 * dom0's hardware at start of day (init level DOM0_INIT_HW): ask for I/O
 * privilege, enumerate PCI, then start each driver on what it finds and
 * put what it provides in the device table:
 *
 *   sata0, sata1 ...  AHCI disks (DEV_BLOCK, block_ops: read, write, flush,
 *                     submit_bus, rw_vec)
 *   eth0              the e1000/e1000e NIC (DEV_NET: read/write whole
 *                     Ethernet frames, without FCS)
 *   com2              the 16550 at 0x2F8 (DEV_CONSOLE, read/write bytes)
 *   kbd               the PS/2 keyboard (DEV_CONSOLE, read: the bytes a
 *                     terminal would send for the keys typed)
 *   screen            VGA text mode, when the hypervisor hands the screen
 *                     over in start_info (DEV_CONSOLE, write)
 *
 * Every driver that cannot start says why in one line and dom0 goes on
 * without it.  Interrupts: MSI when the function has the capability (not
 * with "nomsi" on dom0's command line), else the legacy line from PCI
 * config (the firmware's routing), shared when several devices are on it
 * (hw.h); when the hypervisor refuses both the driver polls, and says so.
 */
#include "acpi.h"
#include "ahci.h"
#include "e1000.h"
#include "hw.h"
#include "hwtest.h"
#include "pci.h"
#include "ps2.h"
#include "uart.h"
#include "vga.h"
#include <core/kernel.h>
#include <core/device.h>
#include <core/sched.h>
#include <dom0/init.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECAM_BUSES_MAX 16 /* mapped: 1 MiB of configuration space per bus */

static struct pci_cfg pci_cfg = {.ecam = NULL, .first_bus = 0, .last_bus = 255};

/* ECAM from the ACPI MCFG table when there is one (all 4 KiB of each
 * function, PCIe extended capabilities); ports 0xCF8/0xCFC otherwise. */
static void choose_config_access(void)
{
	uint32_t len;
	uint64_t base;
	uint8_t first, last;
	const void *mcfg = acpi_table("MCFG", &len);
	if (!mcfg || pci_parse_mcfg(mcfg, len, &base, &first, &last)) {
		hw_log("pci: no ECAM (no usable ACPI MCFG), configuration through ports\n");
		return;
	}
	unsigned int nbus = last - first + 1u;
	nbus = nbus > ECAM_BUSES_MAX ? ECAM_BUSES_MAX : nbus;
	uint64_t at = base + ((uint64_t)first << 20);
	volatile void *ecam = hw_map_mmio_ro(at, (size_t)nbus << 20);
	if (!ecam) {
		hw_log("pci: ECAM at %#llx cannot be mapped, configuration through ports\n",
		       (unsigned long long)base);
		return;
	}
	pci_cfg = (struct pci_cfg){.ecam = ecam,
				   .first_bus = first,
				   .last_bus = (uint8_t)(first + nbus - 1),
				   .ecam_ro = true,
				   .ecam_maddr = at};
	hw_log("pci: ECAM at %#llx, buses %u-%u (read-only: writes through ports)\n",
	       (unsigned long long)base, first, pci_cfg.last_bus);
}

static struct ahci_hba ahci;
static struct e1000 nic;
static char disk_names[AHCI_PORTS][8];
static struct device disk_devs[AHCI_PORTS];

static bool msi_allowed = true;

/* MSI when the function has the capability and the hypervisor maps it,
 * the legacy line (shared if another driver has it) otherwise. */
static void bind_irq(const char *what, const struct pci_dev *d,
		     int (*enable)(void *drv, const struct hw_irq_src *src), void *drv)
{
	struct hw_irq_src src = {
		.msi = true, .bus = d->bus, .devfn = (uint8_t)(d->dev << 3 | d->fn)};
	int rc = -ENODEV;
	if (d->cap_msi && msi_allowed) {
		rc = enable(drv, &src);
		if (!rc) {
			hw_log("%s: MSI\n", what);
			return;
		}
		hw_log("%s: no MSI (%d), trying the legacy line\n", what, rc);
	}
	src = (struct hw_irq_src){.line = d->irq_line};
	rc = d->irq_pin ? enable(drv, &src) : -ENODEV;
	if (rc)
		hw_log("%s: no interrupt (%d), polling\n", what, rc);
	else if (hw_irq_sharers(&src) > 1)
		hw_log("%s: interrupt line %u, shared\n", what, d->irq_line);
	else
		hw_log("%s: interrupt line %u\n", what, d->irq_line);
}

static int ahci_enable_irq_fn(void *drv, const struct hw_irq_src *src)
{
	return ahci_enable_irq(drv, src);
}

static int e1000_enable_irq_fn(void *drv, const struct hw_irq_src *src)
{
	return e1000_enable_irq(drv, src);
}

/* The block interface of the device table.  AHCI's PRDs need 2-byte
 * aligned buffers; any other buffer goes through a bounce buffer. */
static int sata_rw(struct device *d, uint64_t sector, uint32_t count, void *buf, bool write)
{
	struct ahci_port *p = d->priv;
	if ((uintptr_t)buf & 1) {
		size_t len = (size_t)count * AHCI_SECTOR;
		uint8_t *b = malloc(len);
		if (!b)
			return -ENOMEM;
		if (write)
			memcpy(b, buf, len);
		int rc = ahci_rw(p, sector, b, count, write);
		if (!rc && !write)
			memcpy(buf, b, len);
		free(b);
		return rc;
	}
	return ahci_rw(p, sector, buf, count, write);
}

static int sata_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	return sata_rw(d, sector, count, buf, false);
}

static int sata_write(struct device *d, uint64_t sector, uint32_t count, const void *buf)
{
	return sata_rw(d, sector, count, (void *)buf, true);
}

static int sata_flush(struct device *d)
{
	return ahci_flush(d->priv);
}

static int sata_submit_bus(struct device *d, struct block_io *ios, unsigned int n)
{
	return ahci_rw_bus(d->priv, ios, n);
}

static int sata_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	int rc = block_vec_check(d, write, v, n);
	return rc ? rc : ahci_rw_vec(d->priv, write, v, n);
}

static const struct block_ops sata_ops = {.read = sata_read,
					  .write = sata_write,
					  .flush = sata_flush,
					  .submit_bus = sata_submit_bus,
					  .rw_vec = sata_rw_vec};
/* An HBA without 64-bit addressing cannot reach any frame a domU may grant. */
static const struct block_ops sata_ops_32 = {
	.read = sata_read, .write = sata_write, .flush = sata_flush, .rw_vec = sata_rw_vec};

static void register_disks(void)
{
	unsigned int i = 0;
	for (unsigned int n = 0; n < AHCI_PORTS; n++) {
		if (!ahci.port[n])
			continue;
		snprintf(disk_names[i], sizeof(disk_names[i]), "sata%u", i);
		disk_devs[i] =
			(struct device){.name = disk_names[i],
					.kind = DEV_BLOCK,
					.priv = ahci.port[n],
					.block = ahci_dma64(&ahci) ? &sata_ops : &sata_ops_32,
					.sectors = ahci.port[n]->sectors,
					.sector_size = AHCI_SECTOR};
		device_register(&disk_devs[i]);
		i++;
	}
}

struct ahci_hba *hw_ahci(void)
{
	return ahci.abar ? &ahci : NULL;
}

static int start_ahci(void)
{
	const struct pci_dev *d = pci_find_class(1, 6, 0, NULL);
	if (!d) {
		hw_log("ahci: no SATA controller\n");
		return -ENODEV;
	}
	if (d->progif != 1 || !d->bar[5].size || d->bar[5].io) {
		hw_log("ahci: %02x:%02x.%u is not in AHCI mode\n", d->bus, d->dev, d->fn);
		return -ENODEV;
	}
	pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	volatile void *abar = hw_map_mmio(d->bar[5].base, d->bar[5].size);
	if (!abar)
		return -EIO;
	int rc = ahci_init(&ahci, abar);
	if (rc) {
		hw_log("ahci: no usable disk (%d)\n", rc);
		return rc;
	}
	bind_irq("ahci", d, ahci_enable_irq_fn, &ahci);
	register_disks();
	return 0;
}

static struct event_counter eth0_rx_ev;

static void eth0_rx_notify(void *ev)
{
	event_signal(ev);
}

static ssize_t eth_read(struct device *dev, void *buf, size_t len)
{
	struct e1000 *n = dev->priv;
	e1000_poll(n);
	return e1000_recv(n, buf, len);
}

static ssize_t eth_write(struct device *dev, const void *buf, size_t len)
{
	struct e1000 *n = dev->priv;
	int rc = e1000_send(n, buf, len);
	e1000_poll(n);
	return rc ? rc : (ssize_t)len;
}

static int eth_promisc(struct device *dev, bool on)
{
	e1000_set_promisc(dev->priv, on);
	return 0;
}

static struct device eth0 = {.name = "eth0",
			     .kind = DEV_NET,
			     .priv = &nic,
			     .read = eth_read,
			     .write = eth_write,
			     .set_promisc = eth_promisc};

static const struct {
	uint16_t device;
	bool e1000e;
} nic_ids[] = {{0x100e, false}, {0x100f, false}, {0x10d3, true}};

static const struct pci_dev *find_nic(bool *e1000e)
{
	for (unsigned int i = 0; i < pci_ndevs; i++)
		for (unsigned int j = 0; j < sizeof(nic_ids) / sizeof(nic_ids[0]); j++)
			if (pci_devs[i].vendor == 0x8086 &&
			    pci_devs[i].device == nic_ids[j].device) {
				*e1000e = nic_ids[j].e1000e;
				return &pci_devs[i];
			}
	return NULL;
}

static int start_nic(void)
{
	bool e1000e = false;
	const struct pci_dev *d = find_nic(&e1000e);
	if (!d) {
		hw_log("e1000: no Intel e1000/e1000e NIC\n");
		return -ENODEV;
	}
	if (!d->bar[0].size || d->bar[0].io) {
		hw_log("e1000: BAR 0 is not memory\n");
		return -ENODEV;
	}
	pci_enable(d, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	volatile void *regs = hw_map_mmio(d->bar[0].base, 0x20000);
	if (!regs)
		return -EIO;
	int rc = e1000_init(&nic, regs, e1000e);
	if (rc)
		return rc;
	bind_irq(e1000e ? "e1000e" : "e1000", d, e1000_enable_irq_fn, &nic);
	if (nic.irq) { /* readers sleep until frames come, else they poll */
		nic.rx_notify = eth0_rx_notify;
		nic.rx_notify_arg = &eth0_rx_ev;
		eth0.rx_event = &eth0_rx_ev;
	}
	return device_register(&eth0);
}

struct e1000 *hw_nic(void)
{
	return eth0.priv && nic.regs ? &nic : NULL;
}

static struct uart com2;
static struct kbd kbd;
static struct vga vga;

static ssize_t com2_read(struct device *d, void *buf, size_t len)
{
	return (ssize_t)uart_read(d->priv, buf, len);
}

static ssize_t com2_write(struct device *d, const void *buf, size_t len)
{
	return (ssize_t)uart_write(d->priv, buf, len);
}

static ssize_t kbd_dev_read(struct device *d, void *buf, size_t len)
{
	return (ssize_t)kbd_read(d->priv, buf, len);
}

static ssize_t screen_write(struct device *d, const void *buf, size_t len)
{
	vga_write(d->priv, buf, len);
	return (ssize_t)len;
}

static struct device com2_dev = {
	.name = "com2", .kind = DEV_CONSOLE, .priv = &com2, .read = com2_read, .write = com2_write};
static struct device kbd_dev = {
	.name = "kbd", .kind = DEV_CONSOLE, .priv = &kbd, .read = kbd_dev_read};
static struct device screen_dev = {
	.name = "screen", .kind = DEV_CONSOLE, .priv = &vga, .write = screen_write};

static void start_legacy(void)
{
	if (uart_init(&com2, UART_COM2) == 0) {
		if (uart_enable_irq(&com2, UART_COM2_IRQ))
			hw_log("uart: no interrupt, polling\n");
		device_register(&com2_dev);
	} else {
		hw_log("uart: no 16550 at %#x\n", UART_COM2);
	}
	int rc = kbd_init(&kbd);
	if (rc == 0) {
		if (kbd_enable_irq(&kbd))
			hw_log("ps2: no interrupt, polling\n");
		device_register(&kbd_dev);
	} else {
		hw_log("ps2: no keyboard (%d)\n", rc);
	}
}

static void start_screen(void)
{
	const struct start_info *si = start_info;
	const struct dom0_vga_console_info *info =
		(const void *)((const char *)si + si->console.dom0.info_off);
	if (!si->console.dom0.info_off || si->console.dom0.info_size < sizeof(info->video_type) ||
	    si->console.dom0.info_off + sizeof(*info) > 4096) {
		hw_log("screen: the hypervisor handed over no screen\n");
		return;
	}
	if (info->video_type != XEN_VGATYPE_TEXT_MODE_3) {
		hw_log("screen: video type %#x (framebuffer) not supported, text mode only\n",
		       info->video_type);
		return;
	}
	unsigned int cols = info->u.text_mode_3.columns, rows = info->u.text_mode_3.rows;
	volatile void *mem = hw_map_mmio(VGA_TEXT_BASE, (size_t)cols * rows * 2);
	if (!mem || vga_init(&vga, mem, cols, rows, info->u.text_mode_3.cursor_x,
			     info->u.text_mode_3.cursor_y)) {
		hw_log("screen: %ux%u text mode not usable\n", cols, rows);
		return;
	}
	vga_write(&vga, "\ndom0: screen console\n", 23);
	hw_log("screen: VGA text %ux%u\n", cols, rows);
	device_register(&screen_dev);
}

/* Whether word stands alone on dom0's command line. */
static bool cmdline_has(const char *word)
{
	const char *c = (const char *)start_info->cmd_line;
	size_t l = strlen(word);
	for (const char *p = c; (p = strstr(p, word)); p += l)
		if ((p == c || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' '))
			return true;
	return false;
}

static int hw_start(void)
{
	msi_allowed = !cmdline_has("nomsi");
	start_screen(); /* memory only: works without port access */
	int rc = hw_init();
	if (!rc) {
		start_legacy();
		choose_config_access();
		pci_list_init(&pci_cfg);
		start_ahci();
		start_nic();
	}
	hwtest_run_if_asked();
	return rc ? -EPERM : 0;
}
DOM0_INITCALL(DOM0_INIT_HW, hw_start);
