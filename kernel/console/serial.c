/*
 * The 16550 UART console (com1 = I/O port 0x3f8 on every PC and in QEMU).
 *
 * Polled output only: wait until the transmit holding register is empty,
 * then write the byte.  "\n" goes out as "\r\n".  The line is programmed
 * from the com1= option (default 115200,8n1): divisor latch = 115200 /
 * baud.  It is on from the first line of start of day (so every boot
 * failure is visible) until options say console= without com1.
 *
 * Input is interrupt-driven (serial_input_init, once the interrupt
 * controllers are up): the receive interrupt drains the UART into the
 * console input buffer and raises VIRQ_CONSOLE for dom0, which reads
 * with CONSOLEIO_read.  COM1 and its IRQ stay the hypervisor's; dom0's
 * own UART driver takes another port.
 */
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/traps.h>
#include <hospes/console.h>
#include <hospes/console_input.h>
#include <hospes/event.h>
#include <public/xen.h>

#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_DLAB     0x80
#define LSR_DR	     0x01 /* a received byte is waiting */
#define LSR_THRE     0x20
#define IER_RDA	     0x01 /* interrupt when received data is available */
#define MCR_OUT2     0x08 /* gates the UART's interrupt line on PCs */
#define RX_DRAIN_MAX 64	  /* bytes per interrupt: a stuck LSR cannot hold the CPU */
#define FCR_ENABLE   0x07 /* enable and clear both FIFOs */
#define MCR_DTR_RTS  0x03
#define UART_CLOCK   115200
#define TX_SPIN_MAX  100000 /* give up on a missing UART instead of hanging */

static uint16_t serial_port;
static bool serial_off;
static unsigned int serial_irq;

static void serial_putc(char c)
{
	for (unsigned int i = 0; i < TX_SPIN_MAX; i++)
		if (inb(serial_port + UART_LSR) & LSR_THRE)
			break;
	outb(serial_port + UART_THR, (uint8_t)c);
}

static void serial_write(struct console *con, const char *s, size_t n)
{
	if (serial_off)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

static struct console serial_console = {.name = "com1", .write = serial_write};

static uint8_t line_control(const struct serial_config *cfg)
{
	uint8_t lcr = (uint8_t)((cfg->data_bits - 5) & 3);
	if (cfg->stop_bits == 2)
		lcr |= 0x04;
	if (cfg->parity == 'o')
		lcr |= 0x08;
	else if (cfg->parity == 'e')
		lcr |= 0x18;
	return lcr;
}

void serial_disable(void)
{
	serial_off = true;
}

void serial_init(const struct serial_config *cfg)
{
	uint16_t div = (uint16_t)(cfg->baud ? UART_CLOCK / cfg->baud : 1);
	bool first = serial_port == 0;

	serial_port = cfg->port;
	outb(serial_port + UART_IER, 0);
	outb(serial_port + UART_LCR, LCR_DLAB);
	outb(serial_port + UART_DLL, div & 0xff);
	outb(serial_port + UART_DLM, div >> 8);
	outb(serial_port + UART_LCR, line_control(cfg));
	outb(serial_port + UART_FCR, FCR_ENABLE);
	outb(serial_port + UART_MCR, MCR_DTR_RTS);
	if (first)
		console_register(&serial_console);
}

static void serial_rx_interrupt(struct cpu_regs *regs)
{
	(void)regs;
	unsigned int got = 0;
	while (got < RX_DRAIN_MAX && (inb(serial_port + UART_LSR) & LSR_DR)) {
		console_input_put((char)inb(serial_port + UART_RBR));
		got++;
	}
	isa_irq_eoi(serial_irq);
	if (got)
		evtchn_send_global_virq(VIRQ_CONSOLE);
}

void serial_input_init(void)
{
	if (serial_off || !serial_port)
		return;
	/* The PC's standard wiring: COM1/COM3 on IRQ 4, COM2/COM4 on IRQ 3. */
	serial_irq = (serial_port == 0x2f8 || serial_port == 0x2e8) ? 3 : 4;
	uint8_t vec = isa_irq_route(serial_irq, VEC_IRQ_BASE + serial_irq, lapic_id());
	if (!vec)
		return;
	irq_set_handler(vec, serial_rx_interrupt);
	while (inb(serial_port + UART_LSR) & LSR_DR) /* stale bytes from the firmware */
		inb(serial_port + UART_RBR);
	outb(serial_port + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(serial_port + UART_IER, IER_RDA);
}
