/*
 * Stage 1 of the guest-kernel guide: print who we are through console_io
 * and power off.  Everything comes from start_info: the magic string, the
 * number of pages, the flags and the command line.
 */
#include <public/sched.h>
#include <public/xen.h>
#include <stdint.h>

extern char hypercall_page[4096];

static long hypercall3(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;
	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 : [entry] "r"(hypercall_page + nr * 32)
			 : "memory", "rcx", "r11", "r8", "r9", "r10");
	return ret;
}

static void print(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, n, (unsigned long)s);
}

static void print_dec(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	print(&buf[i]);
}

void hello_main(struct start_info *si)
{
	print("hello from a PV guest: ");
	print(si->magic);
	print(", ");
	print_dec(si->nr_pages);
	print(" pages, ");
	print(si->flags & SIF_INITDOMAIN ? "dom0" : "domU");
	print(", command line \"");
	print((const char *)si->cmd_line);
	print("\"\n");
	struct sched_shutdown s = {.reason = SHUTDOWN_poweroff};
	for (;;)
		hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&s, 0);
}
