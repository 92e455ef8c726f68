/*
 * PCI enumeration for dom0.
 *
 * Configuration space is reached one of two ways.  Port I/O: write
 * 0x80000000 | bus << 16 | device << 11 | function << 8 | offset to port
 * 0xCF8, then read or write the data at 0xCFC + (offset & 3); this reaches
 * the first 256 bytes of every function on every machine.  ECAM (PCI
 * Express): the whole 4 KiB of a function is memory at
 * base + (bus - first_bus) << 20 | device << 15 | function << 12, where
 * the ACPI MCFG table gives base and the bus range.  Under Hospes dom0
 * may map ECAM read-only only (cfg->ecam_ro): reads then use ECAM, writes
 * to the first 256 bytes the ports, writes above them (extended space)
 * ECAM, where each store faults and the hypervisor emulates it (with the
 * same MSI rule as the ports; docs/driver-domain.md).
 *
 * The scan starts at the host bridge's bus and follows every PCI-PCI
 * bridge to its secondary bus; a bitmap of buses seen stops a bridge that
 * points back at an earlier bus.  Function 0 says (header type bit 7)
 * whether functions 1-7 exist.  A BAR's size is what the device keeps of
 * an all-ones write; decoding is off while the BAR holds all ones, so
 * the device answers at no stray address meanwhile.
 *
 * Nothing here trusts the device: a capability list that loops or points
 * below the header ends the search; a BAR whose size is not a power of
 * two is recorded as absent.
 */
#include "pci.h"
#include "hw.h"
#include <errno.h>
#include <string.h>

#define CFG_ADDR 0xcf8
#define CFG_DATA 0xcfc

struct pci_dev pci_devs[PCI_DEVS_MAX];
unsigned int pci_ndevs;

static volatile uint8_t *ecam_addr(const struct pci_dev *d, uint16_t off)
{
	const struct pci_cfg *c = d->cfg;
	return c->ecam + ((uint64_t)(d->bus - c->first_bus) << 20) + ((uint64_t)d->dev << 15) +
	       ((uint64_t)d->fn << 12) + (off & 0xfff);
}

volatile uint8_t *pci_ecam_reg(const struct pci_dev *d, uint16_t off)
{
	return d->cfg->ecam ? ecam_addr(d, off) : NULL;
}

static void port_select(const struct pci_dev *d, uint16_t off)
{
	hw_outl(CFG_ADDR, 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 |
				  (uint32_t)d->fn << 8 | (off & 0xfc));
}

uint32_t pci_read32(const struct pci_dev *d, uint16_t off)
{
	if (d->cfg->ecam)
		return *(volatile uint32_t *)ecam_addr(d, off & ~3);
	if (off > 0xfc)
		return ~0u;
	port_select(d, off);
	return hw_inl(CFG_DATA);
}

uint16_t pci_read16(const struct pci_dev *d, uint16_t off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, uint16_t off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

/* Extended space has no port: a read-only ECAM's stores there are emulated. */
static bool ecam_writes(const struct pci_dev *d, uint16_t off)
{
	return d->cfg->ecam && (!d->cfg->ecam_ro || off > 0xff);
}

void pci_write32(const struct pci_dev *d, uint16_t off, uint32_t v)
{
	if (ecam_writes(d, off)) {
		*(volatile uint32_t *)ecam_addr(d, off & ~3) = v;
	} else if (off <= 0xfc) {
		port_select(d, off);
		hw_outl(CFG_DATA, v);
	}
}

/* A 16-bit write, so the RW1C status bits next to the command register
 * are not written back. */
void pci_write16(const struct pci_dev *d, uint16_t off, uint16_t v)
{
	if (ecam_writes(d, off)) {
		*(volatile uint16_t *)ecam_addr(d, off & ~1) = v;
	} else if (off <= 0xfe) {
		port_select(d, off);
		hw_outw(CFG_DATA + (off & 2), v);
	}
}

void pci_enable(const struct pci_dev *d, uint16_t cmd_bits)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | cmd_bits);
}

uint8_t pci_find_cap(const struct pci_dev *d, uint8_t id)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	uint8_t ptr = pci_read8(d, PCI_CAP_PTR) & 0xfc;
	/* At most 48 capabilities fit in 192 bytes: more means a loop. */
	for (int n = 0; n < 48 && ptr >= 0x40; n++) {
		if (pci_read8(d, ptr) == id)
			return ptr;
		ptr = pci_read8(d, ptr + 1) & 0xfc;
	}
	return 0;
}

/* Size of a BAR from the address bits (mask) that stayed set after
 * writing all ones: the lowest one kept, provided every bit above it up
 * to bit 31 was kept too (the upper half of a 64-bit BAR may implement
 * fewer bits). */
static uint64_t bar_size(uint64_t kept, uint64_t mask)
{
	kept &= mask;
	if (!kept)
		return 0;
	uint64_t size = kept & -kept, low = 0xffffffffULL;
	return ((kept | (size - 1)) & low) == ((mask | (size - 1)) & low) ? size : 0;
}

/* Reads BAR i (and i + 1 for a 64-bit one); returns how many it used. */
static int read_bar(struct pci_dev *d, int i)
{
	uint16_t off = PCI_BAR0 + 4 * i;
	struct pci_bar *b = &d->bar[i];
	uint32_t lo = pci_read32(d, off), hi = 0, slo, shi = 0xffffffffu;
	b->io = lo & 1;
	b->is64 = !b->io && ((lo >> 1) & 3) == 2 && i + 1 < PCI_BARS;
	b->prefetch = !b->io && (lo & 8);
	pci_write32(d, off, ~0u);
	slo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (b->is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, ~0u);
		shi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	if (b->io) {
		b->base = lo & ~3u;
		b->size = bar_size(slo & 0xffff, 0xfffc);
	} else {
		b->base = ((uint64_t)hi << 32 | lo) & ~0xfULL;
		uint64_t kept = (uint64_t)shi << 32 | (slo & ~0xfu);
		b->size = bar_size(kept, b->is64 ? ~0xfULL : 0xfffffff0ULL);
	}
	return b->is64 ? 2 : 1;
}

static void read_function(struct pci_dev *d)
{
	uint32_t id = pci_read32(d, PCI_VENDOR_ID), cls = pci_read32(d, PCI_CLASS_REV);
	uint32_t irq = pci_read32(d, PCI_INTERRUPT);
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->rev = cls & 0xff;
	d->progif = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class = cls >> 24;
	d->irq_line = irq & 0xff;
	d->irq_pin = (irq >> 8) & 0xff;
	memset(d->bar, 0, sizeof(d->bar));
	if ((pci_read8(d, PCI_HEADER_TYPE) & 0x7f) == 0) {
		uint16_t cmd = pci_read16(d, PCI_COMMAND);
		pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
		for (int i = 0; i < PCI_BARS;)
			i += read_bar(d, i);
		pci_write16(d, PCI_COMMAND, cmd);
	}
	d->cap_msi = pci_find_cap(d, PCI_CAP_MSI);
	d->cap_msix = pci_find_cap(d, PCI_CAP_MSIX);
	d->cap_pcie = pci_find_cap(d, PCI_CAP_PCIE);
}

struct scan {
	const struct pci_cfg *cfg;
	struct pci_dev *out;
	unsigned int max, found;
	uint8_t seen[32]; /* bitmap of buses scanned */
};

static void scan_bus(struct scan *s, unsigned int bus);

static void scan_function(struct scan *s, struct pci_dev *probe)
{
	if (s->found < s->max) {
		s->out[s->found] = *probe;
		read_function(&s->out[s->found]);
	}
	s->found++;
	if ((pci_read8(probe, PCI_HEADER_TYPE) & 0x7f) == 1)
		scan_bus(s, pci_read8(probe, PCI_SECONDARY_BUS));
}

static void scan_bus(struct scan *s, unsigned int bus)
{
	if (bus < s->cfg->first_bus || bus > s->cfg->last_bus || (s->seen[bus / 8] & 1 << bus % 8))
		return;
	s->seen[bus / 8] |= 1 << bus % 8;
	for (uint8_t dev = 0; dev < 32; dev++) {
		struct pci_dev probe = {.cfg = s->cfg, .bus = bus, .dev = dev};
		if (pci_read16(&probe, PCI_VENDOR_ID) == 0xffff)
			continue;
		int nfn = (pci_read8(&probe, PCI_HEADER_TYPE) & 0x80) ? 8 : 1;
		for (probe.fn = 0; probe.fn < nfn; probe.fn++)
			if (pci_read16(&probe, PCI_VENDOR_ID) != 0xffff)
				scan_function(s, &probe);
	}
}

unsigned int pci_scan(const struct pci_cfg *cfg, struct pci_dev *out, unsigned int max)
{
	static struct scan s;
	memset(&s, 0, sizeof(s));
	s.cfg = cfg;
	s.out = out;
	s.max = max;
	scan_bus(&s, cfg->first_bus);
	return s.found;
}

static uint8_t checksum(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	while (len--)
		sum += *p++;
	return sum;
}

int pci_parse_mcfg(const void *table, uint32_t len, uint64_t *base, uint8_t *first, uint8_t *last)
{
	const uint8_t *t = table;
	uint32_t tlen;
	if (len < 44 || memcmp(t, "MCFG", 4) != 0)
		return -EINVAL;
	memcpy(&tlen, t + 4, 4);
	if (tlen < 44 || tlen > len || checksum(t, tlen) != 0)
		return -EINVAL;
	for (uint32_t off = 44; off + 16 <= tlen; off += 16) {
		uint16_t seg;
		memcpy(&seg, t + off + 8, 2);
		if (seg != 0 || t[off + 11] < t[off + 10])
			continue;
		memcpy(base, t + off, 8);
		*first = t[off + 10];
		*last = t[off + 11];
		return 0;
	}
	return -EINVAL;
}

const char *pci_class_name(uint8_t class, uint8_t subclass)
{
	static const char *const names[] = {
		"old",	"storage", "network", "display", "multimedia", "memory",    "bridge",
		"comm", "system",  "input",   "dock",	 "cpu",	       "serial-bus"};
	if (class == 1 && subclass == 6)
		return "sata";
	return class < sizeof(names) / sizeof(names[0]) ? names[class] : "other";
}

const struct pci_dev *pci_find_class(uint8_t class, uint8_t subclass, unsigned int from,
				     unsigned int *index)
{
	for (unsigned int i = from; i < pci_ndevs; i++) {
		if (pci_devs[i].class == class && pci_devs[i].subclass == subclass) {
			if (index)
				*index = i;
			return &pci_devs[i];
		}
	}
	return NULL;
}

static void log_dev(const struct pci_dev *d)
{
	hw_log("pci %02x:%02x.%u %04x:%04x %s (%02x.%02x.%02x) irq %u%s%s%s\n", d->bus, d->dev,
	       d->fn, d->vendor, d->device, pci_class_name(d->class, d->subclass), d->class,
	       d->subclass, d->progif, d->irq_pin ? d->irq_line : 0, d->cap_msi ? " msi" : "",
	       d->cap_msix ? " msi-x" : "", d->cap_pcie ? " pcie" : "");
	for (int i = 0; i < PCI_BARS; i++)
		if (d->bar[i].size)
			hw_log("pci   bar%d %s %#llx size %#llx%s\n", i,
			       d->bar[i].io ? "io" : "mem", (unsigned long long)d->bar[i].base,
			       (unsigned long long)d->bar[i].size, d->bar[i].is64 ? " 64-bit" : "");
}

void pci_list_init(const struct pci_cfg *cfg)
{
	unsigned int n = pci_scan(cfg, pci_devs, PCI_DEVS_MAX);
	if (n > PCI_DEVS_MAX)
		hw_log("pci: %u functions, only the first %u are used\n", n, PCI_DEVS_MAX);
	pci_ndevs = n > PCI_DEVS_MAX ? PCI_DEVS_MAX : n;
	for (unsigned int i = 0; i < pci_ndevs; i++)
		log_dev(&pci_devs[i]);
}
