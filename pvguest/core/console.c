/*
 * Kernel output, console input, and the end of the domain.
 *
 * printk formats into a line buffer with newlib's vsnprintf and hands
 * whole chunks to console_write.  Output is unbuffered across calls, so
 * nothing is lost when the domain dies right after.  panic prints and
 * shuts the domain down with SHUTDOWN_crash.
 *
 * Where the bytes go.  dom0 writes with console_io (the hypervisor
 * prefixes each line with the domain).  A domU that dom0's builder made
 * has a console ring (start_info.console.domU: its page and event
 * channel) served by dom0's console backend, as in Xen; once
 * console_ring_init() has run (after all RAM is mapped) output goes into
 * the ring's out queue and input comes from its in queue.  When the ring
 * is full the writer notifies and yields until the backend makes room;
 * while the page says the backend is not connected (or the backend
 * closed it), and in a domU the hypervisor built (its console event
 * channel is 0: no backend), output falls back to console_io.  The
 * domU's page frame number is its pseudo-physical one (its p2m is the
 * identity), so the page is reached at pfn_to_virt().
 *
 * Input: console_read() waits for the in queue (the console event wakes
 * it) and turns a typed carriage return into a newline, so programs that
 * read lines (the shell) see what a terminal would give them.  No echo:
 * the shell echoes each line it runs.
 *
 * In dom0, once a driver has registered the device "screen" (the screen
 * the hypervisor handed over, drivers/hw/), the same output goes there
 * too, with events masked so an event handler's printk cannot interleave
 * with a line being drawn.
 */
#include "device.h"
#include "evtchn.h"
#include "kernel.h"
#include "sched.h"
#include "xencons.h"
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <mm/mm.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static struct xencons_interface *ring; /* NULL: console_io */
static evtchn_port_t ring_port;
static struct event_counter ring_ev;

static void screen_write(const char *s, size_t len)
{
	static struct device *screen;
	if (!screen && !(start_info->flags & SIF_INITDOMAIN))
		return;
	if (!screen)
		screen = device_find("screen");
	if (screen && screen->write) {
		uint8_t f = irq_save();
		screen->write(screen, s, len);
		irq_restore(f);
	}
}

static bool ring_usable(void)
{
	return ring && __atomic_load_n(&ring->connection, __ATOMIC_ACQUIRE) == XENCONSOLE_CONNECTED;
}

/* Into the out queue; false if the ring stopped being usable (the rest goes to console_io). */
static bool ring_write(const char **s, size_t *len)
{
	struct xencons_q q = xencons_out(ring);
	while (*len) {
		long n = xencons_put(&q, *s, *len);
		if (n < 0)
			return false;
		if (n > 0) {
			*s += n;
			*len -= (size_t)n;
			continue;
		}
		evtchn_notify(ring_port); /* full: let the backend drain it */
		hv_sched_op(SCHEDOP_yield, NULL);
		if (!ring_usable())
			return false;
	}
	evtchn_notify(ring_port);
	return true;
}

void console_write(const char *s, size_t len)
{
	screen_write(s, len);
	if (ring_usable() && ring_write(&s, &len))
		return;
	while (len) {
		unsigned int n = len > 1024 ? 1024 : (unsigned int)len;
		if (hv_console_write(s, n) < 0)
			return;
		s += n;
		len -= n;
	}
}

static void ring_event(evtchn_port_t port, void *data)
{
	(void)port;
	(void)data;
	event_signal(&ring_ev);
}

void console_ring_init(void)
{
	const struct start_info *si = start_info;
	if ((si->flags & SIF_INITDOMAIN) || !si->console.domU.mfn || !si->console.domU.evtchn ||
	    si->console.domU.mfn >= si->nr_pages)
		return;
	ring_port = si->console.domU.evtchn;
	evtchn_set_handler(ring_port, ring_event, NULL);
	ring = pfn_to_virt(si->console.domU.mfn);
}

ssize_t console_read(char *buf, size_t len)
{
	if (!ring || !len)
		return 0; /* no input: end of file, as before the ring */
	struct xencons_q q = xencons_in(ring);
	for (;;) {
		unsigned long seen = ring_ev.count;
		long n = xencons_get(&q, buf, len);
		if (n < 0)
			return -EIO;
		if (n > 0) {
			for (long i = 0; i < n; i++)
				if (buf[i] == '\r')
					buf[i] = '\n';
			evtchn_notify(ring_port); /* room in the in queue */
			return n;
		}
		event_wait(&ring_ev, seen);
	}
}

static void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > 0)
		console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

void printk(const char *fmt, ...)
{
	va_list ap;
	/* Code shared with the hypervisor (kernel/domain/elf.c) logs with a level prefix. */
	if (fmt[0] == '<' && fmt[1] >= '0' && fmt[1] <= '7' && fmt[2] == '>')
		fmt += 3;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	printk("pvguest panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	kernel_shutdown(SHUTDOWN_crash);
}

void kernel_shutdown(unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};
	for (;;)
		hv_sched_op(SCHEDOP_shutdown, &s);
}
