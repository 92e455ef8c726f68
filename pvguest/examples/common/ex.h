/*
 * What the guide's stages 2 and later share (stage 1 stands alone on
 * purpose): hypercalls through the hypercall page, printing through
 * console_io, the end of the domain, and the shared_info page mapped over
 * a page of our own image.  Header-only and small, so each stage's
 * folder still reads on its own.
 */
#ifndef EXAMPLES_COMMON_EX_H
#define EXAMPLES_COMMON_EX_H

#include <public/callback.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include <stdint.h>

extern char hypercall_page[4096];

/* Hypercall nr: arguments in rdi, rsi, rdx, r10, r8; result in rax. */
static inline long hypercall(unsigned int nr, unsigned long a1, unsigned long a2, unsigned long a3,
			     unsigned long a4)
{
	register unsigned long r10 __asm__("r10") = a4;
	long ret;
	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
			 : [entry] "r"(hypercall_page + nr * 32)
			 : "memory", "rcx", "r11", "r8", "r9");
	return ret;
}

/* The few string functions the stages need (there is no C library). */
static inline unsigned long ex_strlen(const char *s)
{
	unsigned long n = 0;
	while (s[n])
		n++;
	return n;
}

static inline int ex_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static inline void ex_memcpy(void *dst, const void *src, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		((volatile char *)dst)[i] = ((const char *)src)[i];
}

static inline void print(const char *s)
{
	hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, ex_strlen(s), (unsigned long)s, 0);
}

static inline void print_num(unsigned long v, unsigned int base)
{
	char buf[24];
	int i = sizeof(buf) - 1;
	buf[i] = '\0';
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (base == 16) {
		buf[--i] = 'x';
		buf[--i] = '0';
	}
	print(&buf[i]);
}

static inline __attribute__((noreturn)) void shutdown(unsigned int reason)
{
	struct sched_shutdown s = {.reason = reason};
	for (;;)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&s, 0, 0);
}

/* Map machine frame mfn over a page-aligned page of our own image with
 * update_va_mapping (the PTE is the machine address plus present,
 * writable, user). */
static inline void *map_frame(void *page, unsigned long mfn)
{
	if (hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)page, (mfn << 12) | 7,
		      UVMF_INVLPG, 0))
		shutdown(SHUTDOWN_crash);
	return page;
}

/* shared_info lives in a machine frame outside our RAM; we map it over a
 * page of our own. */
static inline struct shared_info *map_shared_info(struct start_info *si)
{
	static char page[4096] __attribute__((aligned(4096)));
	return map_frame(page, si->shared_info >> 12);
}

#endif
