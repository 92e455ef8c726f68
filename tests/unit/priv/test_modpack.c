/*
 * Host tests of the dom0 module package layout (kernel/domain/modpack.c):
 * descriptors, terminator, command lines, page-aligned offsets, inclusive
 * ends, names from multiboot1 paths, and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/modpack.h>

int run_modpack_tests(void);

static void test_layout(void **state)
{
	static uint8_t header[MODPACK_HEADER_MAX];
	struct modpack_piece pieces[4];
	const struct modpack_module m[3] = {
		{"abc", 3, "rc-demo"}, {"", 0, "empty x=1"}, {"0123456789", 5000, "big"}};
	size_t size = modpack_layout(m, 3, header, sizeof(header), pieces);
	const struct xen_multiboot_mod_list *d = (const void *)header;

	assert_int_equal(size, 4 * 4096UL); /* header page, "abc" page, 5000 bytes: 2 pages */
	assert_ptr_equal(pieces[0].data, header);
	assert_int_equal(pieces[0].offset, 0);
	assert_int_equal(d[0].mod_start, 4096);
	assert_int_equal(d[0].mod_end, 4098);
	assert_int_equal(d[1].mod_start, 8192); /* empty: mod_end = mod_start - 1 */
	assert_int_equal(d[1].mod_end, 8191);
	assert_int_equal(d[2].mod_start, 8192);
	assert_int_equal(d[2].mod_end, 8192 + 4999);
	assert_int_equal(d[3].mod_start, 0); /* terminator */
	assert_string_equal((const char *)header + d[0].cmdline, "rc-demo");
	assert_string_equal((const char *)header + d[1].cmdline, "empty x=1");
	assert_int_equal(d[0].cmdline, 4 * sizeof(*d));
	assert_int_equal(pieces[0].len, d[2].cmdline + 4);
	assert_int_equal(pieces[3].offset, 8192);
	assert_int_equal(pieces[3].len, 5000);
	/* limits: too many modules, command lines that do not fit */
	assert_int_equal(modpack_layout(m, MODPACK_MAX + 1, header, sizeof(header), pieces), 0);
	assert_int_equal(modpack_layout(m, 3, header, 4 * 16 + 10, pieces), 0);
	assert_int_equal(modpack_layout(m, 3, header, 16, pieces), 0);
	assert_int_equal(modpack_layout(m, 0, header, sizeof(header), pieces), 4096);
}

static void test_cmdline(void **state)
{
	char out[32];

	modpack_cmdline("/boot/pvguest-domU  name=web mem=8", true, out, sizeof(out));
	assert_string_equal(out, "pvguest-domU name=web mem=8");
	modpack_cmdline("rc-demo", true, out, sizeof(out));
	assert_string_equal(out, "rc-demo");
	modpack_cmdline("dir/", true, out, sizeof(out));
	assert_string_equal(out, "");
	modpack_cmdline("rc-demo a=/x/y", false, out, sizeof(out));
	assert_string_equal(out, "rc-demo a=/x/y");
	modpack_cmdline("/a/very-long-module-name-indeed args", true, out, 10);
	assert_string_equal(out, "very-long");
	modpack_cmdline("x", true, out, 0); /* nothing written, no crash */
}

int run_modpack_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_cmdline),
	};
	return cmocka_run_group_tests_name("modpack", tests, NULL, NULL);
}
