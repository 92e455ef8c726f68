/*
 * Host tests of dom0's boot-module reader (pvguest/dom0/bootmod.c) against
 * packages laid out by the hypervisor's own code (kernel/domain/modpack.c),
 * plus hand-made malformed ones: lookups by name, arguments, listing, and
 * descriptors pointing outside the package.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <public/xen.h>
#include <hospes/modpack.h>
#include <dom0/bootmod.h>

struct start_info *start_info;

static uint8_t pkg[5 * 4096] __attribute__((aligned(4096)));
static struct start_info si;

/* Build a package the way the hypervisor does, into pkg. */
static size_t make(const struct modpack_module *m, unsigned int n)
{
	static uint8_t header[MODPACK_HEADER_MAX];
	struct modpack_piece pieces[MODPACK_MAX + 1];
	size_t size = modpack_layout(m, n, header, sizeof(header), pieces);

	assert_true(size > 0 && size <= sizeof(pkg));
	memset(pkg, 0, sizeof(pkg));
	for (unsigned int i = 0; i <= n; i++)
		memcpy(pkg + pieces[i].offset, pieces[i].data, pieces[i].len);
	return size;
}

static void test_find(void **state)
{
	const struct modpack_module m[3] = {{"echo hi\n", 8, "rc-demo"},
					    {"\x7f"
					     "ELF",
					     4, "pvguest-domU name=web  mem=8"},
					    {"x", 1, "pvguest-domU2"}};
	size_t size = make(m, 3), len;
	const char *args;
	const uint8_t *p;

	p = bootmod_find_in(pkg, size, "pvguest-domU", &len, &args);
	assert_non_null(p);
	assert_int_equal(len, 4);
	assert_memory_equal(p,
			    "\x7f"
			    "ELF",
			    4);
	assert_string_equal(args, "name=web  mem=8");
	p = bootmod_find_in(pkg, size, "rc-demo", &len, &args);
	assert_int_equal(len, 8);
	assert_string_equal(args, "");
	assert_null(bootmod_find_in(pkg, size, "rc", &len, &args)); /* whole names only */
	assert_null(bootmod_find_in(pkg, size, "nothing", NULL, NULL));
	assert_non_null(bootmod_find_in(pkg, size, "pvguest-domU2", NULL, NULL));
	/* listing */
	const char *cmd;
	assert_non_null(bootmod_get_in(pkg, size, 2, &len, &cmd));
	assert_string_equal(cmd, "pvguest-domU2");
	assert_null(bootmod_get_in(pkg, size, 3, &len, &cmd));
	/* through start_info, only with SIF_MULTIBOOT_MOD */
	start_info = &si;
	si.mod_start = (unsigned long)pkg;
	si.mod_len = size;
	assert_null(bootmod_find("rc-demo", &len, NULL));
	si.flags = SIF_MULTIBOOT_MOD;
	assert_non_null(bootmod_find("rc-demo", &len, NULL));
	assert_non_null(bootmod_get(0, NULL, NULL));
	si.mod_start = 0;
	assert_null(bootmod_get(0, NULL, NULL));
	start_info = NULL;
	assert_null(bootmod_find("rc-demo", &len, NULL));
}

static void test_malformed(void **state)
{
	const struct modpack_module m[2] = {{"abc", 3, "one"}, {"def", 3, "two"}};
	size_t size = make(m, 2);
	struct xen_multiboot_mod_list *d = (void *)pkg;
	size_t len;

	assert_null(bootmod_find_in(pkg, 20, "one", &len, NULL)); /* descriptor cut off */
	d[0].mod_end = (uint32_t)size;				  /* past the end */
	assert_null(bootmod_get_in(pkg, size, 0, &len, NULL));
	d[0].mod_end = d[0].mod_start - 2; /* ends before it starts */
	assert_null(bootmod_get_in(pkg, size, 0, &len, NULL));
	d[0].mod_end = d[0].mod_start + 2;
	d[0].cmdline = (uint32_t)size; /* command line outside */
	assert_null(bootmod_get_in(pkg, size, 0, &len, NULL));
	d[0].cmdline = (uint32_t)size - 1; /* last byte, no NUL after it */
	pkg[size - 1] = 'x';
	assert_null(bootmod_get_in(pkg, size, 0, &len, NULL));
	assert_null(bootmod_get_in(NULL, size, 0, &len, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests_name("bootmod", tests, NULL, NULL);
}
