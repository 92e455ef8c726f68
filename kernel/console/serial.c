/*
 * The 16550 UART console (com1 = I/O port 0x3f8 on every PC and in QEMU).
 *
 * Polled output only: wait until the transmit holding register is empty,
 * then write the byte.  "\n" goes out as "\r\n".  The line is programmed
 * from the com1= option (default 115200,8n1): divisor latch = 115200 /
 * baud.  It is on from the first line of start of day (so every boot
 * failure is visible) until options say console= without com1.
 * Interrupt-driven input is dom0's business (it owns the UART's
 * IRQ through PHYSDEVOP).
 */
#include <asm/io.h>
#include <hospes/console.h>

#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_DLL 0 /* divisor low (DLAB=1) */
#define UART_IER 1 /* interrupt enable (DLAB=0) */
#define UART_DLM 1 /* divisor high (DLAB=1) */
#define UART_FCR 2 /* FIFO control */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */

#define LCR_DLAB    0x80
#define LSR_THRE    0x20
#define FCR_ENABLE  0x07 /* enable and clear both FIFOs */
#define MCR_DTR_RTS 0x03
#define UART_CLOCK  115200
#define TX_SPIN_MAX 100000 /* give up on a missing UART instead of hanging */

static uint16_t serial_port;
static bool serial_off;

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
