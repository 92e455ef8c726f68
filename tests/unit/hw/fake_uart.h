/*
 * A fake 16550 at some base port: divisor latch, loopback, FIFO flag in
 * IIR, a receive queue fed by fake_uart_inject() and a transmit capture.
 */
#ifndef TESTS_UNIT_HW_FAKE_UART_H
#define TESTS_UNIT_HW_FAKE_UART_H

#include "fake_hw.h"

struct fake_uart {
	struct fake_model model;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t rxq[1024];
	unsigned int rx_n;
	uint8_t sent[1024];
	unsigned int nsent;
	bool tx_stuck, fifo;
	unsigned int irq;
};

void fake_uart_init(struct fake_uart *u, uint16_t base, bool fifo);
void fake_uart_inject(struct fake_uart *u, const char *s, unsigned int n);

#endif
