/*
 * Kernel output and the end of the domain.
 *
 * printk formats into a line buffer with newlib's vsnprintf and hands
 * whole chunks to console_io (the hypervisor prefixes each line with the
 * domain).  Output is unbuffered across calls, so nothing is lost when
 * the domain dies right after.  panic prints and shuts the domain down
 * with SHUTDOWN_crash.
 *
 * In dom0, once a driver has registered the device "screen" (the screen
 * the hypervisor handed over, drivers/hw/), the same output goes there
 * too, with events masked so an event handler's printk cannot interleave
 * with a line being drawn.
 */
#include "device.h"
#include "kernel.h"
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <stdarg.h>
#include <stdio.h>

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

void console_write(const char *s, size_t len)
{
	screen_write(s, len);
	while (len) {
		unsigned int n = len > 1024 ? 1024 : (unsigned int)len;
		if (hv_console_write(s, n) < 0)
			return;
		s += n;
		len -= n;
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
