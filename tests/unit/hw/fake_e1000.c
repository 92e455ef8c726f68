/*
 * The fake e1000 (fake_e1000.h).  Transmit runs in step(); receive runs
 * when a test injects a frame.  The interrupt fires when ICR & IMS.
 */
#include "fake_e1000.h"
#include <hw/e1000.h>
#include <string.h>

#define R(off) f->regs[(off) / 4]

static void raise(struct fake_e1000 *f, uint32_t cause)
{
	R(0xc0) |= cause;
	if (R(0xc0) & R(0xd0))
		fake_hw_fire_irq(f->irq);
}

static void reset(struct fake_e1000 *f)
{
	memset(f->regs, 0, sizeof(f->regs));
	R(0x0008) = 0x2 | 0x80; /* LU, 1000 Mb/s */
	if (f->ral_loaded) {
		R(0x5400) = f->eeprom[0] | (uint32_t)f->eeprom[1] << 16;
		R(0x5404) = f->eeprom[2] | 1u << 31;
	}
}

static uint32_t e_read(struct fake_model *m, uint32_t off)
{
	struct fake_e1000 *f = m->ctx;
	uint32_t v = f->regs[off / 4];
	if (off == 0xc0)
		R(0xc0) = 0;
	return v;
}

static void eerd(struct fake_e1000 *f, uint32_t v)
{
	if (!(v & 1))
		return;
	unsigned int word = f->e1000e ? (v >> 2) & 0x3fff : (v >> 8) & 0xff;
	uint32_t done = f->e1000e ? 1u << 1 : 1u << 4;
	R(0x14) = (word < 64 ? (uint32_t)f->eeprom[word] << 16 : 0) | done;
}

static void e_write(struct fake_model *m, uint32_t off, uint32_t v)
{
	struct fake_e1000 *f = m->ctx;
	switch (off) {
	case 0x0000:
		if ((v & (1u << 26)) && !f->stuck_reset) {
			reset(f);
			R(0) = v & ~(1u << 26);
		} else {
			R(0) = v;
		}
		break;
	case 0x0014:
		eerd(f, v);
		break;
	case 0x00d0:
		R(0xd0) |= v;
		break;
	case 0x00d8:
		R(0xd0) &= ~v;
		break;
	case 0x00c0:
	case 0x0008:
		break;
	default:
		f->regs[off / 4] = v;
	}
}

static void tx_step(struct fake_model *m)
{
	struct fake_e1000 *f = m->ctx;
	unsigned int n = R(0x3808) / 16;
	if (!(R(0x400) & 2) || !n || f->tx_stalled)
		return;
	struct e1000_tx_desc *ring =
		(struct e1000_tx_desc *)(uintptr_t)((uint64_t)R(0x3804) << 32 | R(0x3800));
	bool any = false;
	while (R(0x3810) != R(0x3818)) {
		struct e1000_tx_desc *d = &ring[R(0x3810)];
		if (d->length > 2048 || !(d->cmd & 1))
			f->bad_tx++;
		else if (f->nsent < FAKE_E1000_SENT) {
			memcpy(f->sent[f->nsent], (void *)(uintptr_t)d->addr, d->length);
			f->sent_len[f->nsent++] = d->length;
		}
		if (d->cmd & 8)
			d->status |= 1;
		R(0x3810) = (R(0x3810) + 1) % n;
		any = true;
	}
	if (any)
		raise(f, 1u << 0);
}

bool fake_e1000_inject(struct fake_e1000 *f, const void *frame, uint16_t len)
{
	unsigned int n = R(0x2808) / 16;
	if (!(R(0x100) & 2) || !n || R(0x2810) == R(0x2818)) {
		f->rx_missed++;
		return false;
	}
	struct e1000_rx_desc *ring =
		(struct e1000_rx_desc *)(uintptr_t)((uint64_t)R(0x2804) << 32 | R(0x2800));
	struct e1000_rx_desc *d = &ring[R(0x2810)];
	memcpy((void *)(uintptr_t)d->addr, frame, len);
	d->length = f->force_rx_len > 0 ? (uint16_t)f->force_rx_len : len;
	f->force_rx_len = 0;
	d->errors = 0;
	d->status = 0x3;
	R(0x2810) = (R(0x2810) + 1) % n;
	raise(f, 1u << 7);
	return true;
}

void fake_e1000_init(struct fake_e1000 *f, bool e1000e, bool ral_loaded)
{
	memset(f, 0, sizeof(*f));
	f->e1000e = e1000e;
	f->ral_loaded = ral_loaded;
	f->irq = 10;
	const uint16_t mac[3] = {0x5452, 0x1200, 0x5634}; /* 52:54:00:12:34:56 */
	memcpy(f->eeprom, mac, sizeof(mac));
	f->model = (struct fake_model){.mmio_base = FAKE_E1000_BASE,
				       .mmio_len = sizeof(f->regs),
				       .mmio = f->regs,
				       .mmio_read = e_read,
				       .mmio_write = e_write,
				       .step = tx_step,
				       .ctx = f};
	reset(f);
	fake_hw_add(&f->model);
}
