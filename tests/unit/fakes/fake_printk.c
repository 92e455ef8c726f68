/*
 * Host printk (and console_line_part) and panic for unit tests.  printk goes to stderr only when
 * HOSPES_TEST_VERBOSE is set; panic is a test failure through cmocka,
 * unless a test expects it (fake_panic.h: EXPECT_PANIC).
 */
#include <hospes/console.h>
#include <hospes/lib.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <fake_panic.h>

int vprintk(const char *fmt, va_list ap)
{
	if (!getenv("HOSPES_TEST_VERBOSE"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void console_line_part(unsigned int owner, const char *prefix, const char *text, bool end)
{
	(void)owner;
	printk("%s%s%s", prefix, text, end ? "\n" : "");
}

jmp_buf *fake_panic_catch;
char fake_panic_msg[512];

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(fake_panic_msg, sizeof(fake_panic_msg), fmt, ap);
	va_end(ap);
	if (fake_panic_catch) {
		jmp_buf *j = fake_panic_catch;
		fake_panic_catch = NULL;
		longjmp(*j, 1);
	}
	fail_msg("hypervisor panic: %s", fake_panic_msg);
	abort();
}
