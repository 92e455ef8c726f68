/* The fake i8042 (fake_ps2.h). */
#include "fake_ps2.h"
#include <string.h>

static void put(struct fake_ps2 *p, uint8_t v, bool aux)
{
	if (p->n < sizeof(p->out)) {
		p->aux[p->n] = aux;
		p->out[p->n++] = v;
	}
}

static uint32_t p_in(struct fake_model *m, uint16_t port, int size)
{
	struct fake_ps2 *p = m->ctx;
	if (port == 0x64)
		return (p->n ? 0x01 : 0) | (p->n && p->aux[0] ? 0x20 : 0) | 0x04;
	if (!p->n)
		return 0;
	uint8_t v = p->out[0];
	memmove(p->out, p->out + 1, p->n - 1);
	memmove(p->aux, p->aux + 1, p->n - 1);
	p->n--;
	return v;
}

static void p_out(struct fake_model *m, uint16_t port, uint32_t v, int size)
{
	struct fake_ps2 *p = m->ctx;
	if (port == 0x60) {
		if (p->expect_cfg)
			p->cfg = (uint8_t)v;
		else if (v == 0xf4 && p->port1_on && !p->kbd_absent)
			put(p, 0xfa, false);
		p->expect_cfg = false;
		return;
	}
	switch (v) {
	case 0x20:
		put(p, p->cfg, false);
		break;
	case 0x60:
		p->expect_cfg = true;
		break;
	case 0xaa:
		put(p, p->selftest_bad ? 0xfc : 0x55, false);
		break;
	case 0xad:
		p->port1_on = false;
		break;
	case 0xae:
		p->port1_on = true;
		break;
	}
}

void fake_ps2_init(struct fake_ps2 *p)
{
	memset(p, 0, sizeof(*p));
	p->cfg = 0x61;
	p->data = (struct fake_model){
		.port_lo = 0x60, .port_hi = 0x60, .in = p_in, .out = p_out, .ctx = p};
	p->cmd = (struct fake_model){
		.port_lo = 0x64, .port_hi = 0x64, .in = p_in, .out = p_out, .ctx = p};
	fake_hw_add(&p->data);
	fake_hw_add(&p->cmd);
}

void fake_ps2_keys(struct fake_ps2 *p, const uint8_t *codes, unsigned int n, bool aux)
{
	for (unsigned int i = 0; i < n; i++)
		put(p, codes[i], aux);
	if (p->cfg & 1)
		fake_hw_fire_irq(1);
}
