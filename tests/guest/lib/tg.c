/*
 * The test guest's runtime: hypercalls, console output, verdict lines.
 *
 * Output goes through console_io in whole lines; the hypervisor prefixes
 * each with the domain, and tests/scenarios/guest.sh strips that to get
 * the TAP lines back.
 */
#include <stdarg.h>
#include "tg.h"
#include <public/domctl.h>
#include <public/sched.h>
#include <public/sysctl.h>
#include <public/vcpu.h>

struct start_info *tg_start_info;
static unsigned int passed, failed, skipped;

long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;
	void *entry = hypercall_page + nr * 32;
	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
			 : [entry] "c"(entry)
			 : "memory", "r9", "r11");
	return ret;
}

long hypercall_int82(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	long ret;
	__asm__ volatile("int $0x82"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
			 : "a"((unsigned long)nr)
			 : "memory", "r10", "r8");
	return ret;
}

long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(a1), "+S"(a2)
			 : "a"(nr)
			 : "memory", "rcx", "r11", "rdx", "r10", "r8");
	return ret;
}

/* 4 MiB aligned, at least 512 KiB after the boot stack. */
bool tg_others_running(void)
{
	static struct xen_domctl_getdomaininfo info[16];
	static struct xen_sysctl sc;

	sc = (struct xen_sysctl){.cmd = XEN_SYSCTL_getdomaininfolist,
				 .interface_version = XEN_SYSCTL_INTERFACE_VERSION};
	sc.u.getdomaininfolist.first_domain = 1;
	sc.u.getdomaininfolist.max_domains = 16;
	sc.u.getdomaininfolist.buffer.p = info;
	if (hypercall(__HYPERVISOR_sysctl, (unsigned long)&sc, 0, 0, 0, 0))
		return false;
	for (uint32_t i = 0; i < sc.u.getdomaininfolist.num_domains; i++)
		if (!(info[i].flags & XEN_DOMINF_shutdown))
			return true;
	return false;
}

unsigned long tg_mapping_end(void)
{
	unsigned long stack_end = tg_start_info->pt_base + (tg_start_info->nr_pt_frames + 1) * 4096;
	unsigned long end = (stack_end + 0x3fffff) & ~0x3fffffUL;
	return end - stack_end < 0x80000 ? end + 0x400000 : end;
}

long tg_mmuext(unsigned int cmd, unsigned long mfn)
{
	static struct mmuext_op op;

	op.cmd = cmd;
	op.arg1.mfn = mfn;
	return hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
}

/* ---- output ------------------------------------------------------------- */

static char line[256];
static unsigned int len;

static void flush(void)
{
	hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (unsigned long)line, 0, 0);
	len = 0;
}

static void put(char c)
{
	line[len++] = c;
	if (c == '\n' || len == sizeof(line))
		flush();
}

static void put_num(unsigned long v, unsigned int base, bool neg)
{
	char buf[24];
	int n = 0;
	if (neg)
		put('-');
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put(buf[--n]);
}

static void format(const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(*fmt);
			continue;
		}
		bool lng = fmt[1] == 'l';
		fmt += lng + 1;
		long v;
		switch (*fmt) {
		case 's':
			for (const char *s = va_arg(ap, const char *); *s; s++)
				put(*s);
			break;
		case 'd':
			v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_num(v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0);
			break;
		case 'u':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 10,
				false);
			break;
		case 'x':
			put_num(lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int), 16,
				false);
			break;
		default:
			put(*fmt);
		}
	}
}

void tg_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	format(fmt, ap);
	va_end(ap);
}

/* ---- verdicts ----------------------------------------------------------- */

void tg_check(bool ok, const char *name)
{
	if (ok)
		passed++;
	else
		failed++;
	tg_printf("%s - %s: %s\n", ok ? "ok" : "not ok", test_title, name);
}

void tg_expect(long got, long want, const char *name)
{
	tg_check(got == want, name);
	if (got != want)
		tg_printf("# got %ld, want %ld\n", got, want);
}

void tg_skip(const char *name, const char *why)
{
	skipped++;
	tg_printf("ok - %s: %s # SKIP %s\n", test_title, name, why);
}

void tg_start(struct start_info *si);
void tg_start(struct start_info *si)
{
	tg_start_info = si;
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	tg_printf("# hospes test guest: %s (%s)\n", test_title,
		  si->flags & SIF_INITDOMAIN ? "dom0" : "domU");
	tg_printf("# running on the CPU with APIC id %u\n", b >> 24);
	test_main();
	tg_printf("# %s: %u passed, %u failed, %u skipped\n", test_title, passed, failed, skipped);
	tg_printf("# verdict: %s\n", failed ? "FAILURE" : "SUCCESS");
	struct sched_shutdown s = {.reason = failed ? SHUTDOWN_crash : SHUTDOWN_poweroff};
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&s, 0, 0, 0);
	for (;;)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
}

long tg_vcpu_up(struct vcpu_guest_context *ctx, unsigned int id, void (*entry)(unsigned long),
		uint8_t *stack, size_t stack_bytes, unsigned long cr3)
{
	__builtin_memset(ctx, 0, sizeof(*ctx));
	ctx->user_regs.rip = (unsigned long)entry;
	ctx->user_regs.rsp = (unsigned long)&stack[stack_bytes - 8];
	ctx->user_regs.rdi = id;
	ctx->flags = VGCF_in_kernel;
	ctx->kernel_ss = FLAT_KERNEL_SS;
	ctx->kernel_sp = (unsigned long)&stack[stack_bytes / 2];
	ctx->ctrlreg[3] = cr3;
	long rc = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id, (unsigned long)ctx, 0, 0);
	return rc ?: hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, id, 0, 0, 0);
}
