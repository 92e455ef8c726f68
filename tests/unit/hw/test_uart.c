/*
 * The 16550 driver against the fake UART: detection (nothing there, a
 * UART there, with and without FIFOs), line settings, sending, a stuck
 * transmitter (bounded), receiving through the ring with overruns
 * counted, the interrupt path, and no port I/O without I/O privilege.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "fake_uart.h"
#include "tests.h"
#include <hw/uart.h>

static struct fake_uart fake;
static struct uart u;

static void test_uart_absent(void **state)
{
	fake_hw_reset();
	assert_int_equal(uart_init(&u, UART_COM2), -ENODEV);
	fake_uart_init(&fake, UART_COM2, true);
	fake_hw_deny_io();
	assert_int_equal(uart_init(&u, UART_COM2), -ENODEV);
	assert_int_equal(fake.scr, 0); /* not even probed */
}

static void test_uart_init_and_send(void **state)
{
	fake_hw_reset();
	fake_uart_init(&fake, UART_COM2, true);
	assert_int_equal(uart_init(&u, UART_COM2), 0);
	assert_true(u.fifo);
	assert_int_equal(fake.dll, 1);
	assert_int_equal(fake.dlm, 0);
	assert_int_equal(fake.lcr, 0x03);
	assert_int_equal(fake.mcr & 0x10, 0); /* loopback off again */
	assert_int_equal(fake.nsent, 0);      /* the probe byte stayed inside */
	assert_int_equal(uart_write(&u, "dom0\n", 5), 5);
	assert_memory_equal(fake.sent, "dom0\n", 5);
	fake.tx_stuck = true;
	assert_int_equal(uart_write(&u, "x", 1), 0);
	assert_true(fake_hw_logged("16550A"));
}

static void test_uart_without_fifo(void **state)
{
	fake_hw_reset();
	fake_uart_init(&fake, UART_COM2, false);
	assert_int_equal(uart_init(&u, UART_COM2), 0);
	assert_false(u.fifo);
}

static void test_uart_receive(void **state)
{
	fake_hw_reset();
	fake_uart_init(&fake, UART_COM2, true);
	assert_int_equal(uart_init(&u, UART_COM2), 0);
	char buf[600];
	fake_uart_inject(&fake, "hello", 5);
	assert_int_equal(uart_read(&u, buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(uart_read(&u, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "lo", 2);
	assert_int_equal(uart_read(&u, buf, sizeof(buf)), 0);
	/* More than the ring holds: the excess is counted, not stored. */
	char many[300];
	memset(many, 'a', sizeof(many));
	fake_uart_inject(&fake, many, sizeof(many));
	assert_int_equal(uart_read(&u, buf, sizeof(buf)), UART_RXBUF - 1);
	assert_int_equal(u.overruns, sizeof(many) - (UART_RXBUF - 1));
}

static void test_uart_interrupt(void **state)
{
	fake_hw_reset();
	fake_uart_init(&fake, UART_COM2, true);
	assert_int_equal(uart_init(&u, UART_COM2), 0);
	assert_int_equal(uart_enable_irq(&u, UART_COM2_IRQ), 0);
	assert_int_equal(fake.ier, 1);
	fake_uart_inject(&fake, "k", 1);
	assert_int_equal(u.irqs, 1);
	char c;
	assert_int_equal(uart_read(&u, &c, 1), 1);
	assert_int_equal(c, 'k');
	assert_int_equal(fake_hw_eois(UART_COM2_IRQ), 1);
}

const struct CMUnitTest uart_tests[] = {
	cmocka_unit_test(test_uart_absent),	  cmocka_unit_test(test_uart_init_and_send),
	cmocka_unit_test(test_uart_without_fifo), cmocka_unit_test(test_uart_receive),
	cmocka_unit_test(test_uart_interrupt),
};
const size_t uart_ntests = sizeof(uart_tests) / sizeof(uart_tests[0]);
