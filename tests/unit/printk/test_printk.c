/*
 * Host tests of the formatter (kernel/lib/vsnprintf.c) and the log ring
 * (kernel/console/log_ring.c).  The hypervisor's vsnprintf replaces libc's
 * in this binary (the %p test tells them apart: glibc prints 0x1000), so
 * every expectation below is a literal string.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/lib.h>
#include <hospes/log_ring.h>

static char out[128];

/*
 * Through a va_list, so the compiler neither checks the deliberately odd
 * formats below nor folds the calls into constants with its own builtin.
 */
static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

#define CHECK(expect, ...)                                                                         \
	do {                                                                                       \
		int n_ = fmt(out, sizeof(out), __VA_ARGS__);                                       \
		assert_string_equal(out, expect);                                                  \
		assert_int_equal(n_, (int)strlen(expect));                                         \
	} while (0)

static void test_integers(void **state)
{
	CHECK("0 -1 42", "%d %i %u", 0, -1, 42u);
	CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
	CHECK("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	CHECK("ff FF 0xff 0XFF 17 017", "%x %X %#x %#X %o %#o", 255, 255, 255, 255, 15, 15);
	CHECK("-1 255 -1 65535", "%hhd %hhu %hd %hu", 255, 255, 65535, 65535);
	CHECK("123 456 789", "%zu %td %llu", (size_t)123, (ptrdiff_t)456, 789ULL);
	CHECK("0", "%#x", 0);
}

static void test_width_precision_flags(void **state)
{
	CHECK("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	CHECK("[  -42][-0042][+42][ 42]", "[%5d][%05d][%+d][% d]", -42, -42, 42, 42);
	CHECK("[  007][0x002a]", "[%5.3d][%#06x]", 7, 42);
	CHECK("[    7]", "[%*d]", 5, 7);
	CHECK("[7    ]", "[%*d]", -5, 7);
	CHECK("[]", "[%.0d]", 0);
	CHECK("[0x00000000deadbeef]", "[%#018lx]", 0xdeadbeefUL);
}

static void test_strings_chars_pointers(void **state)
{
	CHECK("[abc][  abc][abc  ][ab]", "[%s][%5s][%-5s][%.2s]", "abc", "abc", "abc", "abcdef");
	CHECK("(null)", "%s", (char *)NULL);
	CHECK("[x][  y]", "[%c][%3c]", 'x', 'y');
	CHECK("0x0000000000001000", "%p", (void *)0x1000);
	CHECK("100%", "100%%");
	CHECK("[ab]", "[%.*s]", 2, "abcd");
}

static void test_truncation(void **state)
{
	char small[6];
	memset(small, 'Z', sizeof(small));
	int n = fmt(small, sizeof(small), "hello world");
	assert_int_equal(n, 11);
	assert_string_equal(small, "hello");

	memset(small, 'Z', sizeof(small));
	n = fmt(small, 0, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(small[0], 'Z'); /* size 0: nothing written */

	n = fmt(small, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(small[0], '\0');
}

static void test_unknown_conversion(void **state)
{
	CHECK("%q", "%q");
	CHECK("a%", "a%");
}

static char ring_mem[16];

static void test_ring_read_follows_writer(void **state)
{
	struct log_ring r = {ring_mem, sizeof(ring_mem), 0};
	char buf[32];
	uint64_t pos = 0;

	assert_int_equal(ring_read(&r, &pos, buf, sizeof(buf)), 0);
	ring_write(&r, "hello", 5);
	assert_int_equal(ring_read(&r, &pos, buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(ring_read(&r, &pos, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "lo", 2);
	assert_int_equal(pos, 5);
	assert_int_equal(ring_read(&r, &pos, buf, sizeof(buf)), 0);
}

static void test_ring_overrun_skips_to_oldest(void **state)
{
	struct log_ring r = {ring_mem, sizeof(ring_mem), 0};
	char buf[32];
	uint64_t pos = 0;

	ring_write(&r, "0123456789", 10);
	ring_write(&r, "abcdefghij", 10); /* 20 bytes into a 16-byte ring */
	size_t n = ring_read(&r, &pos, buf, sizeof(buf));
	assert_int_equal(n, 16);
	assert_memory_equal(buf, "456789abcdefghij", 16);
	assert_int_equal(pos, 20);

	uint64_t ahead = 1000; /* a position beyond the writer is clamped */
	assert_int_equal(ring_read(&r, &ahead, buf, sizeof(buf)), 0);
	assert_int_equal(ahead, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_precision_flags),
		cmocka_unit_test(test_strings_chars_pointers),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_unknown_conversion),
		cmocka_unit_test(test_ring_read_follows_writer),
		cmocka_unit_test(test_ring_overrun_skips_to_oldest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
