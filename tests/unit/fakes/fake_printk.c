/*
 * Host printk and panic for unit tests.  printk goes to stderr only when
 * HOSPES_TEST_VERBOSE is set; panic is a test failure through cmocka.
 */
#include <hospes/lib.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

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

void panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fail_msg("hypervisor panic: %s", buf);
	abort();
}
