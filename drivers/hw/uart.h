/*
 * 16550 UARTs (COM2 and up: the hypervisor keeps COM1 for its log).
 * See uart.c.
 */
#ifndef DRIVERS_HW_UART_H
#define DRIVERS_HW_UART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_COM2     0x2f8
#define UART_COM2_IRQ 3
#define UART_RXBUF    256

struct uart {
	uint16_t base;
	bool fifo; /* a 16550A with working FIFOs */
	uint8_t rx[UART_RXBUF];
	unsigned int rx_head, rx_tail; /* ring of received bytes */
	unsigned long overruns, irqs;
	bool irq;
};

/* Finds a UART at base (scratch register and loopback test), programs
 * 115200 8N1 with FIFOs; 0 or -ENODEV. */
int uart_init(struct uart *u, uint16_t base);
/* Sends len bytes (waits, bounded, for room); returns bytes sent. */
size_t uart_write(struct uart *u, const void *buf, size_t len);
/* Moves what has arrived into the ring and returns up to len bytes. */
size_t uart_read(struct uart *u, void *buf, size_t len);
int uart_enable_irq(struct uart *u, unsigned int line);

#endif
