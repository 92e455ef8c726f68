/*
 * dom0's console input (see console_in.h).
 *
 * The hypervisor buffers serial input and raises VIRQ_CONSOLE when bytes
 * arrive.  A reader takes what is buffered with CONSOLEIO_read; if there
 * is nothing, it blocks until the VIRQ handler wakes it.  The check and
 * the block happen with events masked, so a VIRQ between them is not
 * lost: the handler runs only once the reader is off the CPU and marked
 * blocked, and then wakes it.  If VIRQ_CONSOLE cannot be bound the reader
 * polls every 20 ms instead.  One reader at a time (the prompt).
 */
#include "console_in.h"
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <core/evtchn.h>
#include <core/kernel.h>
#include <core/sched.h>

#define POLL_NS (20 * 1000 * 1000)

static struct thread *waiter;
static bool have_virq;

static void console_virq(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	if (waiter)
		thread_wake(waiter);
}

int console_in_init(void)
{
	struct evtchn_bind_virq b = {.virq = VIRQ_CONSOLE, .vcpu = 0};
	long rc = hv_event_channel_op(EVTCHNOP_bind_virq, &b);
	if (rc)
		return (int)rc;
	evtchn_set_handler(b.port, console_virq, NULL);
	have_virq = true;
	return 0;
}

size_t console_in_poll(char *buf, size_t len)
{
	long n = hv_console_read(buf, (unsigned int)len);
	return n > 0 ? (size_t)n : 0;
}

size_t console_in_read(char *buf, size_t len)
{
	for (;;) {
		uint8_t f = irq_save();
		size_t n = console_in_poll(buf, len);
		if (n == 0 && have_virq) {
			waiter = thread_current();
			thread_block();
			waiter = NULL;
		}
		irq_restore(f);
		if (n)
			return n;
		if (!have_virq)
			thread_sleep_ns(POLL_NS);
	}
}
