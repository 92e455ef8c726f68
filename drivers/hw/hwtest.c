/*
 * The hardware self-test (hwtest.h).
 *
 * Disk, through the device table's block interface of "sata0": checksum
 * (FNV-1a, 32 bits) of the first 8 sectors as found, so the host can
 * compare with the image it made; then a known pattern written to
 * HWTEST_LBA.., flushed, read back (most of it into an odd address, the
 * glue's bounce path) and compared, and its checksum printed, so the host
 * can check the image after QEMU exits.  The 256 sectors go as several
 * requests in flight.
 *
 * MSI: dom0's tries at rewriting a function's MSI capability (through
 * the ports and, on q35, ECAM) leave it as the hypervisor wrote it, and
 * the disk interrupts afterwards.  ECAM: dom0's stores to its read-only
 * mapping, emulated by the hypervisor, reach the device.
 *
 * Network: an ARP request for the QEMU user-network gateway 10.0.2.2
 * from 10.0.2.15, broadcast; the check passes when an ARP reply from
 * 10.0.2.2 addressed to our MAC comes back within two seconds.
 */
#include "hwtest.h"
#include "ahci.h"
#include "e1000.h"
#include "hw.h"
#include "pci.h"
#include <core/device.h>
#include <core/kernel.h>
#include <dom0/shell/shell.h>
#include <public/sched.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HWTEST_LBA     2048
#define HWTEST_SECTORS 256

static unsigned int failures;
static const char *const word = "hwtest";

static void verdict(bool ok, const char *what)
{
	hw_log("hwtest: %s - %s\n", ok ? "ok" : "not ok", what);
	failures += !ok;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void pattern(uint8_t *b, size_t n)
{
	uint32_t x = 0x12345678;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (uint8_t)(x >> 16);
	}
}

static void test_disk(void)
{
	struct device *d = device_find("sata0");
	if (!d || d->kind != DEV_BLOCK || !d->block) {
		verdict(false, "disk: no block device sata0");
		return;
	}
	const struct block_ops *ops = d->block;
	size_t len = HWTEST_SECTORS * AHCI_SECTOR;
	uint8_t *out = malloc(len), *in = malloc(len + 1);
	if (!out || !in || d->sectors < HWTEST_LBA + HWTEST_SECTORS) {
		verdict(false, "disk: too small, or no memory");
		goto out;
	}
	int rc = ops->read(d, 0, 8, in);
	hw_log("hwtest: disk sectors 0-7 fnv %08x\n", fnv1a(in, 8 * AHCI_SECTOR));
	verdict(rc == 0, "disk: read sectors 0-7");
	pattern(out, len);
	rc = ops->write(d, HWTEST_LBA, HWTEST_SECTORS, out);
	verdict(rc == 0, "disk: write 256 sectors");
	verdict(ops->flush(d) == 0, "disk: flush");
	memset(in, 0, len + 1);
	/* Read back to an odd address (the glue's bounce path), in two parts. */
	rc = ops->read(d, HWTEST_LBA, HWTEST_SECTORS - 1, in + 1);
	rc = rc ? rc : ops->read(d, HWTEST_LBA + HWTEST_SECTORS - 1, 1, in + 1 + len - AHCI_SECTOR);
	verdict(rc == 0 && memcmp(in + 1, out, len) == 0,
		"disk: read back equals what was written");
	hw_log("hwtest: disk sectors %u-%u fnv %08x\n", HWTEST_LBA, HWTEST_LBA + HWTEST_SECTORS - 1,
	       fnv1a(in + 1, len));
out:
	free(out);
	free(in);
}

static const uint8_t my_ip[4] = {10, 0, 2, 15}, gw_ip[4] = {10, 0, 2, 2};

static size_t arp_request(const struct e1000 *n, uint8_t *f)
{
	static const uint8_t hdr[8] = {0, 1, 8, 0, 6, 4, 0, 1};
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, n->mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, hdr, 8);
	memcpy(f + 22, n->mac, 6);
	memcpy(f + 28, my_ip, 4);
	memcpy(f + 38, gw_ip, 4);
	return 60;
}

static bool is_arp_reply(const struct e1000 *n, const uint8_t *f, ssize_t len)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
	       memcmp(f, n->mac, 6) == 0 && memcmp(f + 28, gw_ip, 4) == 0 &&
	       memcmp(f + 38, my_ip, 4) == 0;
}

static void test_net(void)
{
	struct e1000 *n = hw_nic();
	uint8_t f[E1000_MTU_FRAME];
	if (!n) {
		verdict(false, "net: no NIC");
		return;
	}
	verdict(e1000_send(n, f, arp_request(n, f)) == 0, "net: send ARP request for 10.0.2.2");
	uint64_t deadline = hw_now_ns() + 2000000000ULL;
	struct hw_waiter w;
	hw_waiter_start(&w);
	while (hw_now_ns() < deadline) {
		e1000_poll(n);
		ssize_t len = e1000_recv(n, f, sizeof(f));
		if (is_arp_reply(n, f, len)) {
			hw_log("hwtest: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", f[22],
			       f[23], f[24], f[25], f[26], f[27]);
			verdict(true, "net: ARP reply from 10.0.2.2");
			return;
		}
		if (len == -EAGAIN)
			hw_wait(&w);
	}
	verdict(false, "net: ARP reply from 10.0.2.2");
}

/*
 * The hypervisor owns every MSI capability (it writes the messages): for
 * each function that has one, dom0 tries to overwrite the message address
 * and data and to flip the enable bit, through its configuration writes
 * (the ports: ECAM it may map read-only only); the capability must read
 * back unchanged.  Likewise the enable bit of an MSI-X capability.  And a writable mapping of ECAM must be refused.
 */
static void test_msi_owned(void)
{
	unsigned int tried = 0;
	for (unsigned int i = 0; i < pci_ndevs && i < PCI_DEVS_MAX; i++) {
		const struct pci_dev *d = &pci_devs[i];
		uint16_t c = d->cap_msi;
		if (!c)
			continue;
		uint32_t head = pci_read32(d, c), addr = pci_read32(d, c + 4);
		uint16_t data_at = (uint16_t)(c + ((head >> 16) & (1u << 7) ? 12 : 8));
		uint16_t data = pci_read16(d, data_at);
		pci_write32(d, c + 4, addr ^ (1u << 12)); /* another CPU: harmless if it stuck */
		pci_write16(d, data_at, (uint16_t)(data ^ 1));
		pci_write16(d, c + 2, (uint16_t)((head >> 16) ^ 1));
		bool kept = pci_read32(d, c) == head && pci_read32(d, c + 4) == addr &&
			    pci_read16(d, data_at) == data;
		hw_log("hwtest: %02x:%02x.%u MSI: address %#x, data %#x, enabled %u\n", d->bus,
		       d->dev, d->fn, addr, data, (head >> 16) & 1);
		verdict(kept, "msi: dom0's writes to an MSI capability are dropped");
		tried++;
	}
	verdict(tried > 0, "msi: a function with an MSI capability was tried");
	for (unsigned int i = 0; i < pci_ndevs && i < PCI_DEVS_MAX; i++) {
		const struct pci_dev *d = &pci_devs[i];
		if (!d->cap_msix)
			continue;
		uint16_t ctrl = pci_read16(d, d->cap_msix + 2);
		pci_write16(d, d->cap_msix + 2, ctrl | 0x8000); /* MSI-X enable */
		verdict(pci_read16(d, d->cap_msix + 2) == ctrl,
			"msi: dom0 cannot enable MSI-X (the hypervisor maps none)");
	}
	const struct pci_cfg *cfg = pci_ndevs ? pci_devs[0].cfg : NULL;
	if (cfg && cfg->ecam)
		verdict(!hw_map_mmio(cfg->ecam_maddr, 4096),
			"msi: a writable mapping of ECAM is refused");
}

/* Register off of d read through the ports (the first 256 bytes only). */
static uint32_t port_read32(const struct pci_dev *d, uint16_t off)
{
	hw_outl(0xcf8, 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
			       (uint32_t)d->fn << 8 | (off & 0xfc));
	return hw_inl(0xcfc);
}

/* Offset of d's extended capability id (0 if none); the walk is bounded. */
static uint16_t ext_cap(const struct pci_dev *d, uint16_t id)
{
	uint16_t at = 0x100;
	for (int n = 0; n < 64 && at >= 0x100; n++) {
		uint32_t head = pci_read32(d, at);
		if (head == 0 || head == ~0u)
			return 0;
		if ((head & 0xffff) == id)
			return at;
		at = (uint16_t)((head >> 20) & 0xffc);
	}
	return 0;
}

/*
 * dom0's stores to read-only ECAM are emulated by the hypervisor: a byte
 * and a dword store to the interrupt line (0x3c) read back through ECAM
 * and the ports; or/and/xor with the interrupt line as destination
 * (assembled here: a compiler's volatile `|=` becomes such an instruction)
 * combine with what it holds and leave the flags the CPU would (ZF after
 * the xor that clears it); a 64-bit store at 0x38 writes both dwords; a
 * store to extended space (AER's correctable error mask, where a function
 * has AER) reads back; stores to the MSI capability's message and enable
 * bit through ECAM leave it as it was.
 */
static bool ecam_rmw_line(volatile uint8_t *line)
{
	uint8_t after_or, after_and, zf;

	*line = 0x0f;
	__asm__ __volatile__("orb $0x30, %0" : "+m"(*line));
	after_or = *line;
	__asm__ __volatile__("andb $0xf0, %0" : "+m"(*line));
	after_and = *line;
	__asm__ __volatile__("xorb %2, %0\n\tsetz %1" : "+m"(*line), "=q"(zf) : "q"(after_and));
	hw_log("hwtest: ecam or/and/xor: %#x %#x %#x zf %u\n", after_or, after_and, *line, zf);
	return after_or == 0x3f && after_and == 0x30 && *line == 0 && zf;
}

static bool ecam_store64(const struct pci_dev *d, uint32_t line_was)
{
	uint64_t q = pci_read32(d, 0x38) | (uint64_t)(line_was ^ 0x0a) << 32;

	__asm__ __volatile__("movq %1, %0"
			     : "=m"(*(volatile uint64_t *)pci_ecam_reg(d, 0x38))
			     : "r"(q));
	return pci_read32(d, 0x3c) == (line_was ^ 0x0a) && port_read32(d, 0x38) == (uint32_t)q;
}

static void test_ecam_writes(void)
{
	const struct pci_dev *d = NULL;
	for (unsigned int i = 0; i < pci_ndevs && i < PCI_DEVS_MAX && !d; i++)
		if (pci_devs[i].cap_msi && pci_ecam_reg(&pci_devs[i], 0))
			d = &pci_devs[i];
	if (!d)
		return; /* no ECAM (pc): the ports' checks above are all there is */
	volatile uint8_t *line = pci_ecam_reg(d, 0x3c);
	uint32_t was = pci_read32(d, 0x3c);
	*line = (uint8_t)(was ^ 0x05);
	verdict(pci_read32(d, 0x3c) == (was ^ 0x05) && port_read32(d, 0x3c) == (was ^ 0x05),
		"ecam: a byte store to the interrupt line reads back (ECAM and ports)");
	*(volatile uint32_t *)line = was ^ 0x0a;
	verdict(pci_read32(d, 0x3c) == (was ^ 0x0a) && port_read32(d, 0x3c) == (was ^ 0x0a),
		"ecam: a dword store to the interrupt line reads back (ECAM and ports)");
	verdict(ecam_rmw_line(line) && (pci_read32(d, 0x3c) & ~0xffu) == (was & ~0xffu),
		"ecam: or/and/xor on the interrupt line combine with it, ZF as the CPU's");
	verdict(ecam_store64(d, was), "ecam: a 64-bit store at 0x38 writes both dwords");
	*(volatile uint32_t *)line = was;
	const struct pci_dev *a = NULL;
	uint16_t aer = 0;
	for (unsigned int i = 0; i < pci_ndevs && i < PCI_DEVS_MAX && !aer; i++)
		if ((aer = ext_cap(&pci_devs[i], 0x0001)))
			a = &pci_devs[i];
	if (a) {
		uint32_t mask = pci_read32(a, aer + 0x14);
		pci_write32(a, aer + 0x14, mask ^ 1u); /* correctable: receiver error */
		uint32_t now = pci_read32(a, aer + 0x14);
		hw_log("hwtest: %02x:%02x.%u AER at %#x: mask %#x -> %#x\n", a->bus, a->dev, a->fn,
		       aer, mask, now);
		verdict(now == (mask ^ 1u),
			"ecam: a store to extended space (AER mask) reads back");
		pci_write32(a, aer + 0x14, mask);
	}
	uint16_t c = d->cap_msi;
	uint32_t head = pci_read32(d, c), addr = pci_read32(d, c + 4);
	*(volatile uint32_t *)pci_ecam_reg(d, c + 4) = addr ^ (1u << 12);
	*(volatile uint16_t *)pci_ecam_reg(d, c + 2) = (uint16_t)((head >> 16) ^ 1);
	verdict(pci_read32(d, c) == head && pci_read32(d, c + 4) == addr,
		"ecam: dom0's ECAM stores to an MSI capability are dropped");
}

/* The hwtest word of dom0's command line: NULL, or where it starts. */
static const char *asked(void)
{
	const char *c = (const char *)start_info->cmd_line;
	size_t l = strlen(word);
	for (const char *p = c; (p = strstr(p, word)); p += l)
		if ((p == c || p[-1] == ' ') && (p[l] == '\0' || p[l] == ' ' || p[l] == '='))
			return p;
	return NULL;
}

/* After the disk and NIC checks: each device's own interrupts arrived
 * (counted by its handler only when the device was interrupting, so on
 * a shared line each count is that device's). */
static void test_irqs(void)
{
	const struct ahci_hba *a = hw_ahci();
	const struct e1000 *n = hw_nic();
	hw_log("hwtest: interrupts: disk %lu, NIC %lu\n", a ? a->irqs : 0, n ? n->irqs : 0);
	verdict(a && a->irq && a->irqs > 0, "irq: the disk's interrupts arrived");
	verdict(n && n->irq && n->irqs > 0, "irq: the NIC's interrupts arrived");
}

unsigned int hwtest_run(void)
{
	const struct ahci_hba *a = hw_ahci();
	failures = 0;
	test_msi_owned();
	test_ecam_writes();
	unsigned long before = a ? a->irqs : 0;
	test_disk();
	verdict(a && a->irqs > before, "irq: the disk interrupts after dom0's tries at its MSI");
	test_net();
	test_irqs();
	hw_log("hwtest: %u failed\n", failures);
	return failures;
}

void hwtest_run_if_asked(void)
{
	const char *w = asked();
	if (!w)
		return;
	unsigned int failed = hwtest_run();
	if (strncmp(w + strlen(word), "=poweroff", 9) == 0)
		kernel_shutdown(failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}

static int cmd_hwtest(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return hwtest_run() ? 1 : 0;
}
DOM0_COMMAND("hwtest", cmd_hwtest, "check the disk (write, read back) and the NIC (ARP)");

static int cmd_lspci(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (unsigned int i = 0; i < pci_ndevs; i++) {
		const struct pci_dev *d = &pci_devs[i];
		printf("%02x:%02x.%u %04x:%04x %s\n", d->bus, d->dev, d->fn, d->vendor, d->device,
		       pci_class_name(d->class, d->subclass));
	}
	return 0;
}
DOM0_COMMAND("lspci", cmd_lspci, "list the PCI functions dom0 found");
