/* The fake 16550 (fake_uart.h). */
#include "fake_uart.h"
#include <string.h>

static void push(struct fake_uart *u, uint8_t c)
{
	if (u->rx_n < sizeof(u->rxq))
		u->rxq[u->rx_n++] = c;
}

static uint32_t u_in(struct fake_model *m, uint16_t port, int size)
{
	struct fake_uart *u = m->ctx;
	bool dlab = u->lcr & 0x80;
	switch (port - m->port_lo) {
	case 0:
		if (dlab)
			return u->dll;
		if (!u->rx_n)
			return 0;
		uint8_t c = u->rxq[0];
		memmove(u->rxq, u->rxq + 1, --u->rx_n);
		return c;
	case 1:
		return dlab ? u->dlm : u->ier;
	case 2:
		return (u->fifo && (u->fcr & 1)) ? 0xc1 : 0x01;
	case 3:
		return u->lcr;
	case 4:
		return u->mcr;
	case 5:
		return (u->rx_n ? 0x01 : 0) | (u->tx_stuck ? 0 : 0x60);
	case 7:
		return u->scr;
	}
	return 0xff;
}

static void u_out(struct fake_model *m, uint16_t port, uint32_t v, int size)
{
	struct fake_uart *u = m->ctx;
	bool dlab = u->lcr & 0x80;
	switch (port - m->port_lo) {
	case 0:
		if (dlab)
			u->dll = (uint8_t)v;
		else if (u->mcr & 0x10)
			push(u, (uint8_t)v);
		else if (u->nsent < sizeof(u->sent))
			u->sent[u->nsent++] = (uint8_t)v;
		break;
	case 1:
		if (dlab)
			u->dlm = (uint8_t)v;
		else
			u->ier = (uint8_t)v;
		break;
	case 2:
		u->fcr = (uint8_t)v;
		break;
	case 3:
		u->lcr = (uint8_t)v;
		break;
	case 4:
		u->mcr = (uint8_t)v;
		break;
	case 7:
		u->scr = (uint8_t)v;
		break;
	}
}

void fake_uart_init(struct fake_uart *u, uint16_t base, bool fifo)
{
	memset(u, 0, sizeof(*u));
	u->fifo = fifo;
	u->irq = 3;
	u->model = (struct fake_model){
		.port_lo = base, .port_hi = base + 7, .in = u_in, .out = u_out, .ctx = u};
	fake_hw_add(&u->model);
}

void fake_uart_inject(struct fake_uart *u, const char *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		push(u, (uint8_t)s[i]);
	if ((u->ier & 1) && (u->mcr & 0x08))
		fake_hw_fire_irq(u->irq);
}
