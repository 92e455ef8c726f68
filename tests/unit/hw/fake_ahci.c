/*
 * The fake AHCI HBA (fake_ahci.h).  Registers live in regs[]; reads and
 * writes come through the model's MMIO hooks so PxIS/HBA IS clear on a
 * written 1, GHC.HR resets, and PxCMD.CR/FR follow ST/FRE.  A step runs
 * up to per_step commands of each port whose ST is set, highest slot
 * first, then raises the interrupt if enabled.  A failing command sets
 * TFD.ERR and PxIS.TFES and halts the port (its CI bit stays) until ST
 * is cleared, as hardware does.
 */
#include "fake_ahci.h"
#include <string.h>

#define R(off)	  a->regs[(off) / 4]
#define P(n, off) a->regs[(0x100 + 0x80 * (n) + (off)) / 4]
#define CMD_ST	  1u
#define CMD_FRE	  (1u << 4)
#define CMD_FR	  (1u << 14)
#define CMD_CR	  (1u << 15)

struct hdr {
	uint16_t flags, prdtl;
	uint32_t prdbc;
	uint64_t ctba;
	uint32_t rsv[4];
};

struct prd {
	uint64_t dba;
	uint32_t rsv, dbc;
};

static void reset(struct fake_ahci *a)
{
	memset(a->regs, 0, sizeof(a->regs));
	R(0x00) = (a->ncq ? 1u << 30 : 0) | 1u << 31 | 31u << 8 | (FAKE_AHCI_PORTS - 1);
	R(0x0c) = a->pi;
	R(0x10) = 0x10300;
	for (int n = 0; n < FAKE_AHCI_PORTS; n++) {
		bool disk = a->present & (1u << n), cd = a->atapi & (1u << n);
		P(n, 0x28) = disk || cd ? 0x123 : 0;
		P(n, 0x24) = 0xffffffff; /* until FIS receive is on */
		P(n, 0x20) = 0x50;
		a->halted[n] = false;
	}
}

static uint32_t ahci_read(struct fake_model *m, uint32_t off)
{
	struct fake_ahci *a = m->ctx;
	if (off >= 0x100 && (off - 0x100) % 0x80 == 0x38)
		a->ci_reads++;
	return a->regs[off / 4];
}

static void ahci_write(struct fake_model *m, uint32_t off, uint32_t v)
{
	struct fake_ahci *a = m->ctx;
	uint32_t port_off = (off - 0x100) % 0x80;
	if (off == 0x08 || (off >= 0x100 && (port_off == 0x10 || port_off == 0x30))) {
		a->regs[off / 4] &= ~v; /* IS, PxIS, PxSERR: write 1 to clear */
	} else if (off >= 0x100 && (port_off == 0x34 || port_off == 0x38)) {
		a->regs[off / 4] |= v; /* SACT, CI: the driver only sets bits */
		if (port_off == 0x38)
			a->ci_writes++;
		else
			a->sact_writes++;
	} else if (off >= 0x100 && port_off == 0x18) {
		unsigned int n = (off - 0x100) / 0x80;
		a->regs[off / 4] = v & ~(CMD_FR | CMD_CR);
		if (v & CMD_FRE) {
			bool disk = a->present & (1u << n), cd = a->atapi & (1u << n);
			P(n, 0x24) = disk ? 0x101 : cd ? 0xeb140101 : 0xffffffff;
		}
		if (!(v & CMD_ST)) {
			a->halted[n] = false;
			P(n, 0x38) = 0;
			P(n, 0x34) = 0;
			P(n, 0x20) = 0x50;
		}
	} else if (off == 0x00 || off == 0x0c || (off >= 0x100 && port_off == 0x28)) {
		return; /* read-only */
	} else {
		a->regs[off / 4] = v;
	}
}

static void identify(struct fake_ahci *a, uint16_t *id)
{
	const char model[] = "HOSPES FAKE DISK                        ";
	memset(id, 0, 512);
	for (int i = 0; i < 20; i++)
		id[27 + i] = (uint16_t)(model[2 * i] << 8 | model[2 * i + 1]);
	id[75] = 31;
	id[76] = a->ncq ? 1u << 8 : 0;
	id[83] = 1u << 10;
	id[100] = FAKE_AHCI_SECTORS;
}

/* Moves len bytes between the disk at byte pos and the PRDs; false if
 * the PRDs do not add up to len. */
static bool dma(struct fake_ahci *a, struct prd *prd, int n, uint8_t *disk, uint32_t len,
		bool to_disk)
{
	uint32_t done = 0;
	for (int i = 0; i < n; i++) {
		uint32_t c = (prd[i].dbc & 0x3fffff) + 1;
		if ((c & 1) || done + c > len)
			return false;
		uint8_t *mem = (uint8_t *)(uintptr_t)prd[i].dba;
		if (to_disk)
			memcpy(disk + done, mem, c);
		else
			memcpy(mem, disk + done, c);
		done += c;
	}
	return done == len;
}

/* Runs slot s of port n; false when it failed. */
static bool run(struct fake_ahci *a, int n, int s)
{
	struct hdr *h = (struct hdr *)(uintptr_t)((uint64_t)P(n, 0x04) << 32 | P(n, 0x00)) + s;
	uint8_t *t = (uint8_t *)(uintptr_t)h->ctba, *f = t;
	struct prd *prd = (struct prd *)(t + 0x80);
	uint64_t lba = 0;
	for (int i = 0; i < 3; i++)
		lba |= (uint64_t)f[4 + i] << (8 * i) | (uint64_t)f[8 + i] << (24 + 8 * i);
	uint32_t count = f[12] | f[13] << 8;
	bool queued = f[2] == 0x60 || f[2] == 0x61, write = f[2] == 0x35 || f[2] == 0x61;
	if (f[0] != 0x27 || !(f[1] & 0x80))
		return false;
	if (f[2] == 0xec) {
		uint16_t id[256];
		identify(a, id);
		return dma(a, prd, h->prdtl, (uint8_t *)id, 512, false);
	}
	if (f[2] == 0xea) {
		a->flushes++;
		return true;
	}
	if (queued) {
		if ((count >> 3) != (uint32_t)s || !(P(n, 0x34) & (1u << s)))
			return false;
		count = f[3] | f[11] << 8;
		a->queued_cmds++;
	} else if (f[2] == 0x25 || f[2] == 0x35) {
		a->dma_cmds++;
	} else {
		return false;
	}
	a->last_lba = lba;
	a->last_count = count;
	a->last_prdtl = h->prdtl;
	a->last_device = f[7];
	if (!count || lba + count > FAKE_AHCI_SECTORS || (!!(h->flags & 0x40) != write) ||
	    (a->fail_lba >= lba && a->fail_lba < lba + count))
		return false;
	if (!dma(a, prd, h->prdtl, a->disk[n] + lba * 512, count * 512, write)) {
		a->bad_prds++;
		return false;
	}
	h->prdbc = count * 512;
	return true;
}

static void port_step(struct fake_ahci *a, int n)
{
	uint32_t *cmd = &P(n, 0x18);
	*cmd = (*cmd & ~(CMD_FR | CMD_CR)) | (*cmd & CMD_FRE ? CMD_FR : 0) |
	       (*cmd & CMD_ST ? CMD_CR : 0);
	uint32_t inflight = P(n, 0x38) | P(n, 0x34);
	unsigned int k = __builtin_popcount(inflight);
	a->max_in_flight = k > a->max_in_flight ? k : a->max_in_flight;
	if (!(*cmd & CMD_ST) || a->halted[n] || a->never_complete)
		return;
	unsigned int ran = 0;
	for (int s = 31; s >= 0 && ran < a->per_step; s--) {
		if (!(P(n, 0x38) & (1u << s)))
			continue;
		bool queued = P(n, 0x34) & (1u << s);
		ran++;
		if (!run(a, n, s)) {
			P(n, 0x20) = 0x0441;
			P(n, 0x10) |= 1u << 30;
			a->halted[n] = true;
			break;
		}
		P(n, 0x38) &= ~(1u << s);
		P(n, 0x34) &= ~(1u << s);
		P(n, 0x10) |= queued ? 1u << 3 : 1u;
	}
}

static void ahci_step(struct fake_model *m)
{
	struct fake_ahci *a = m->ctx;
	if (R(0x04) & 1) {
		reset(a);
		R(0x04) = 1u << 31;
		return;
	}
	for (int n = 0; n < FAKE_AHCI_PORTS; n++) {
		port_step(a, n);
		if (P(n, 0x10) & P(n, 0x14))
			R(0x08) |= 1u << n;
	}
	if ((R(0x04) & 2) && R(0x08))
		fake_hw_fire_irq(a->irq);
}

void fake_ahci_init(struct fake_ahci *a, uint32_t pi, uint32_t present, bool ncq)
{
	memset(a, 0, sizeof(*a));
	a->pi = pi;
	a->present = present;
	a->ncq = ncq;
	a->per_step = 2;
	a->irq = 11;
	a->fail_lba = ~0ULL;
	a->model = (struct fake_model){.mmio_base = FAKE_AHCI_BASE,
				       .mmio_len = sizeof(a->regs),
				       .mmio = a->regs,
				       .mmio_read = ahci_read,
				       .mmio_write = ahci_write,
				       .step = ahci_step,
				       .ctx = a};
	reset(a);
	fake_hw_add(&a->model);
}
