/*
 * Things every part of the hypervisor uses: panic, assertions, the string
 * functions.  The hypervisor build gets them from kernel/lib/ and
 * kernel/core/; the host unit tests from libc and tests/unit/fakes/.
 */
#ifndef HOSPES_LIB_H
#define HOSPES_LIB_H

#include <hospes/compiler.h>
#include <hospes/printk.h>
#include <hospes/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Stop the machine: message, registers of the caller, backtrace. */
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Internal invariants (not guest input): on in every build. */
#define ASSERT(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(!(cond)))                                                             \
			panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__);        \
	} while (0)
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)

#endif
