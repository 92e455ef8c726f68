/*
 * A 16550 UART driven through its eight I/O ports.
 *
 * Detection: the scratch register (7) must keep a value, and in loopback
 * mode (MCR bit 4) a byte written to THR must come back in RBR; a port
 * with nothing behind it reads 0xff and fails both.  Then the divisor
 * latch (LCR bit 7) gets 1 (115200 baud from the 1.8432 MHz clock), LCR
 * 8N1, FCR enables and clears the FIFOs (IIR bits 7:6 say whether they
 * really exist: a plain 16450 has none), MCR raises DTR, RTS and OUT2
 * (OUT2 gates the interrupt line on PC boards).
 *
 * Receiving drains RBR while LSR.DR is set into a small ring; bytes
 * that do not fit are counted as overruns, as are the UART's own (LSR
 * bit 1).  Sending waits for LSR.THRE with a deadline, so a UART that
 * stops answering cannot hang dom0.  With an interrupt, IER asks for
 * "data available"; the handler only notes it and uart_read() does the
 * work (ISA lines are edge-triggered: the UART need not be quiet before
 * the EOI hw sends after the handler).
 */
#include "uart.h"
#include "hw.h"
#include <errno.h>

#define RBR 0
#define THR 0
#define DLL 0
#define IER 1
#define DLM 1
#define FCR 2
#define IIR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

#define LCR_DLAB      0x80
#define LCR_8N1	      0x03
#define MCR_DTR_RTS   0x03
#define MCR_OUT2      0x08
#define MCR_LOOP      0x10
#define LSR_DR	      0x01
#define LSR_OE	      0x02
#define LSR_THRE      0x20
#define FCR_ENABLE    0xc7 /* enable, clear both, 14-byte trigger */
#define IIR_FIFO_MASK 0xc0

static bool probe(uint16_t base)
{
	hw_outb(base + SCR, 0x5a);
	if (hw_inb(base + SCR) != 0x5a)
		return false;
	hw_outb(base + MCR, MCR_LOOP | MCR_DTR_RTS);
	while (hw_inb(base + LSR) & LSR_DR) /* stale input */
		(void)hw_inb(base + RBR);
	hw_outb(base + THR, 0xa5);
	uint64_t deadline = hw_now_ns() + HW_MS(10);
	while (!(hw_inb(base + LSR) & LSR_DR))
		if (hw_now_ns() > deadline)
			return false;
	bool ok = hw_inb(base + RBR) == 0xa5;
	hw_outb(base + MCR, 0);
	return ok;
}

int uart_init(struct uart *u, uint16_t base)
{
	*u = (struct uart){.base = base};
	if (!hw_io_ok() || !probe(base))
		return -ENODEV;
	hw_outb(base + IER, 0);
	hw_outb(base + LCR, LCR_DLAB);
	hw_outb(base + DLL, 1);
	hw_outb(base + DLM, 0);
	hw_outb(base + LCR, LCR_8N1);
	hw_outb(base + FCR, FCR_ENABLE);
	u->fifo = (hw_inb(base + IIR) & IIR_FIFO_MASK) == IIR_FIFO_MASK;
	hw_outb(base + MCR, MCR_DTR_RTS | MCR_OUT2);
	hw_log("uart %#x: 16550%s, 115200 8N1\n", base, u->fifo ? "A" : " without FIFO");
	return 0;
}

size_t uart_write(struct uart *u, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	for (size_t i = 0; i < len; i++) {
		uint64_t deadline = hw_now_ns() + HW_MS(10);
		while (!(hw_inb(u->base + LSR) & LSR_THRE)) {
			if (hw_now_ns() > deadline)
				return i;
		}
		hw_outb(u->base + THR, p[i]);
	}
	return len;
}

static void drain(struct uart *u)
{
	uint8_t lsr;
	/* Bounded: a UART stuck at "data ready" cannot keep us here. */
	for (int n = 0; n < 4 * UART_RXBUF && ((lsr = hw_inb(u->base + LSR)) & LSR_DR); n++) {
		uint8_t c = hw_inb(u->base + RBR);
		u->overruns += !!(lsr & LSR_OE);
		unsigned int next = (u->rx_head + 1) % UART_RXBUF;
		if (next == u->rx_tail) {
			u->overruns++;
			continue;
		}
		u->rx[u->rx_head] = c;
		u->rx_head = next;
	}
}

size_t uart_read(struct uart *u, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t n = 0;
	drain(u);
	while (n < len && u->rx_tail != u->rx_head) {
		p[n++] = u->rx[u->rx_tail];
		u->rx_tail = (u->rx_tail + 1) % UART_RXBUF;
	}
	return n;
}

static void uart_irq(void *arg)
{
	((struct uart *)arg)->irqs++;
}

int uart_enable_irq(struct uart *u, unsigned int line)
{
	int rc = hw_irq_bind(line, uart_irq, u);
	if (rc)
		return rc;
	u->irq = true;
	hw_outb(u->base + IER, 0x01);
	return 0;
}
