/*
 * dom0's hardware at start of day (init level DOM0_INIT_HW): ask for I/O
 * privilege, enumerate PCI, then start each driver on what it finds and
 * put what it provides in the device table:
 *
 *   sata0, sata1 ...  AHCI disks (DEV_BLOCK; see hw_disk_* below)
 *   eth0              the e1000/e1000e NIC (DEV_NET: read/write whole
 *                     Ethernet frames, without FCS)
 *   com2              the 16550 at 0x2F8 (DEV_CONSOLE, read/write bytes)
 *   kbd               the PS/2 keyboard (DEV_CONSOLE, read: the bytes a
 *                     terminal would send for the keys typed)
 *   screen            VGA text mode, when the hypervisor hands the screen
 *                     over in start_info (DEV_CONSOLE, write)
 *
 * Every driver that cannot start says why in one line and dom0 goes on
 * without it.  A device's interrupt line comes from PCI config (the
 * firmware's routing); when the hypervisor refuses to bind it the driver
 * polls, and says so.
 */
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
#include <dom0/init.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const struct pci_cfg port_cfg = {.ecam = NULL, .first_bus = 0, .last_bus = 255};

static struct ahci_hba ahci;
static struct e1000 nic;
static char disk_names[AHCI_PORTS][8];
static struct device disk_devs[AHCI_PORTS];

static void bind_irq(const char *what, const struct pci_dev *d,
		     int (*enable)(void *drv, unsigned int line), void *drv)
{
	int rc = d->irq_pin ? enable(drv, d->irq_line) : -ENODEV;
	if (rc)
		hw_log("%s: no interrupt (%d), polling\n", what, rc);
	else
		hw_log("%s: interrupt line %u\n", what, d->irq_line);
}

static int ahci_enable_irq_fn(void *drv, unsigned int line)
{
	return ahci_enable_irq(drv, line);
}

static int e1000_enable_irq_fn(void *drv, unsigned int line)
{
	return e1000_enable_irq(drv, line);
}

struct ahci_port *hw_disk(unsigned int i)
{
	unsigned int seen = 0;
	for (unsigned int n = 0; n < AHCI_PORTS; n++)
		if (ahci.port[n] && seen++ == i)
			return ahci.port[n];
	return NULL;
}

/* The device table's block operations on an AHCI port (512-byte sectors). */
static int disk_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	return ahci_rw(d->priv, sector, buf, count, false);
}

static int disk_write(struct device *d, uint64_t sector, uint32_t count, const void *buf)
{
	return ahci_rw(d->priv, sector, (void *)(uintptr_t)buf, count, true);
}

static int disk_flush(struct device *d)
{
	return ahci_flush(d->priv);
}

static const struct block_ops disk_ops = {
	.read = disk_read, .write = disk_write, .flush = disk_flush, .discard = NULL};

static void register_disks(void)
{
	unsigned int i = 0;
	for (unsigned int n = 0; n < AHCI_PORTS; n++) {
		if (!ahci.port[n])
			continue;
		snprintf(disk_names[i], sizeof(disk_names[i]), "sata%u", i);
		disk_devs[i] = (struct device){.name = disk_names[i],
					       .kind = DEV_BLOCK,
					       .priv = ahci.port[n],
					       .block = &disk_ops,
					       .sectors = ahci.port[n]->sectors,
					       .sector_size = 512};
		device_register(&disk_devs[i]);
		i++;
	}
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

static struct device eth0 = {
	.name = "eth0", .kind = DEV_NET, .priv = &nic, .read = eth_read, .write = eth_write};

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

static int hw_start(void)
{
	start_screen(); /* memory only: works without port access */
	int rc = hw_init();
	if (!rc) {
		start_legacy();
		pci_list_init(&port_cfg);
		start_ahci();
		start_nic();
	}
	hwtest_run_if_asked();
	return rc ? -EPERM : 0;
}
DOM0_INITCALL(DOM0_INIT_HW, hw_start);
