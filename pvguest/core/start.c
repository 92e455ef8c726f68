/*
 * Start of day of the pvguest kernel, entered from head.S with the
 * start_info pointer the hypervisor passed in rsi.
 *
 * Order matters: check start_info; install the trap table and callbacks
 * (and clear CR0.TS: newlib's printf uses SSE); map all RAM (the page
 * allocator and heap need it); map shared_info (events and time need
 * it); register the hypervisor console as device "console"; start
 * threads and the clock; unmask events; then run main() with the command
 * line split into words.  main()'s return value picks the shutdown
 * reason: 0 powers off, anything else reports a crash.
 */
#include "device.h"
#include "kernel.h"
#include "sched.h"
#include <asm/arch.h>
#include <asm/hypercall.h>
#include <mm/mm.h>
#include <string.h>

#define SHARED_INFO_VA 0x7f0000000000UL /* above any RAM we map */
#define MAX_ARGS       32

struct start_info *start_info;
struct shared_info *shared_info;

static ssize_t hv_console_dev_write(struct device *d, const void *buf, size_t len)
{
	(void)d;
	console_write(buf, len);
	return (ssize_t)len;
}

static ssize_t hv_console_dev_read(struct device *d, void *buf, size_t len)
{
	(void)d;
	return console_read(buf, len);
}

static struct device hv_console = {.name = "console",
				   .kind = DEV_CONSOLE,
				   .read = hv_console_dev_read,
				   .write = hv_console_dev_write};

static int split_cmdline(char *line, char **argv)
{
	int argc = 0;
	argv[argc++] = "pvguest";
	for (char *p = line; *p && argc < MAX_ARGS;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p)
			argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[argc] = NULL;
	return argc;
}

void kernel_start(struct start_info *si)
{
	static char cmdline[MAX_GUEST_CMDLINE];
	static char *argv[MAX_ARGS + 1];
	start_info = si;
	if (memcmp(si->magic, "xen-3.0-x86_64", 14) != 0)
		kernel_shutdown(SHUTDOWN_crash);
	traps_init();
	printk("pvguest: %lu pages, %s, command line \"%s\"\n", si->nr_pages,
	       (si->flags & SIF_INITDOMAIN) ? "dom0" : "domU", (const char *)si->cmd_line);
	mm_init();
	console_ring_init();
	map_machine_page(SHARED_INFO_VA, si->shared_info >> PAGE_SHIFT);
	shared_info = (struct shared_info *)SHARED_INFO_VA;
	device_register(&hv_console);
	sched_init();
	clock_init();
	irq_restore(0);
	memcpy(cmdline, si->cmd_line, sizeof(cmdline) - 1);
	int rc = main(split_cmdline(cmdline, argv), argv);
	printk("pvguest: main returned %d\n", rc);
	kernel_shutdown(rc == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
