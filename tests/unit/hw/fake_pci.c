/*
 * The fake PCI configuration space (fake_pci.h).  A BAR write keeps the
 * address bits above the BAR's size and the BAR's fixed low bits, as
 * hardware does, so all-ones reads back as the size mask.
 */
#include "fake_pci.h"
#include <string.h>

static struct fake_pci_fn *selected(struct fake_pci *p)
{
	if (!(p->addr & 0x80000000u))
		return NULL;
	uint8_t bus = p->addr >> 16, dev = (p->addr >> 11) & 31, fn = (p->addr >> 8) & 7;
	for (unsigned int i = 0; i < p->nfns; i++)
		if (p->fns[i].bus == bus && p->fns[i].dev == dev && p->fns[i].fn == fn)
			return &p->fns[i];
	return NULL;
}

static uint32_t bar_write(struct fake_pci_fn *f, int i, uint32_t v)
{
	uint32_t old;
	memcpy(&old, &f->cfg[0x10 + 4 * i], 4);
	/* The upper half of a 64-bit BAR: size in the BAR before it. */
	if (i > 0 && f->bar_size[i] == 0 && (f->cfg[0x10 + 4 * (i - 1)] & 7) == 4) {
		uint64_t mask = ~(f->bar_size[i - 1] - 1);
		return v & (uint32_t)(mask >> 32);
	}
	if (!f->bar_size[i])
		return 0;
	uint32_t fixed = old & ((old & 1) ? 3 : 0xf);
	return (v & ~(uint32_t)(f->bar_size[i] - 1) & ~((old & 1) ? 3u : 0xfu)) | fixed;
}

void fake_cfg_write(struct fake_pci_fn *f, unsigned int off, uint32_t v, int size)
{
	if (off >= 0x10 && off < 0x28 && size == 4) {
		v = bar_write(f, (off - 0x10) / 4, v);
	} else if (off < 4 || (off >= 8 && off < 0x0c)) {
		return; /* IDs and class are read-only */
	}
	memcpy(&f->cfg[off], &v, size);
}

static uint32_t pci_in(struct fake_model *m, uint16_t port, int size)
{
	struct fake_pci *p = m->ctx;
	if (port == 0xcf8 && size == 4)
		return p->addr;
	struct fake_pci_fn *f = selected(p);
	unsigned int off = (p->addr & 0xfc) + (port & 3);
	uint32_t v = 0;
	if (port < 0xcfc || !f)
		return 0xffffffffu >> (32 - 8 * size);
	memcpy(&v, &f->cfg[off], size);
	return v;
}

static void pci_out(struct fake_model *m, uint16_t port, uint32_t v, int size)
{
	struct fake_pci *p = m->ctx;
	if (port == 0xcf8 && size == 4) {
		p->addr = v;
		return;
	}
	struct fake_pci_fn *f = selected(p);
	if (port < 0xcfc || !f)
		return;
	unsigned int off = (p->addr & 0xfc) + (port & 3);
	if (off == 4 && size == 4)
		p->dword_writes_at_cmd++;
	fake_cfg_write(f, off, v, size);
}

void fake_pci_init(struct fake_pci *p)
{
	memset(p, 0, sizeof(*p));
	p->model = (struct fake_model){
		.port_lo = 0xcf8, .port_hi = 0xcff, .in = pci_in, .out = pci_out, .ctx = p};
	fake_hw_add(&p->model);
}

struct fake_pci_fn *fake_pci_add(struct fake_pci *p, uint8_t bus, uint8_t dev, uint8_t fn,
				 uint16_t vendor, uint16_t device, uint32_t class_rev,
				 uint8_t header_type)
{
	struct fake_pci_fn *f = &p->fns[p->nfns++];
	memset(f, 0, sizeof(*f));
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	memcpy(&f->cfg[0], &vendor, 2);
	memcpy(&f->cfg[2], &device, 2);
	memcpy(&f->cfg[8], &class_rev, 4);
	f->cfg[0x0e] = header_type;
	return f;
}

void fake_pci_bar(struct fake_pci_fn *f, int i, uint32_t low_bits, uint64_t base, uint64_t size)
{
	uint32_t lo = (uint32_t)base | low_bits, hi = (uint32_t)(base >> 32);
	f->bar_size[i] = size;
	memcpy(&f->cfg[0x10 + 4 * i], &lo, 4);
	if ((low_bits & 7) == 4)
		memcpy(&f->cfg[0x14 + 4 * i], &hi, 4);
}
