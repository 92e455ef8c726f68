/*
 * Host tests of the multiboot1/2 parser (kernel/lib/multiboot.c).
 *
 * "Physical memory" is the array phys[], at physical address PHYS_BASE; the
 * map callback refuses anything outside it, as the hypervisor's does for
 * addresses beyond its early direct map.  mb2_*() build a multiboot2 block
 * tag by tag, mb1_*() a multiboot1 structure with its lists; each test
 * then breaks one thing and checks the parser names it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/boot_info.h>

#define PHYS_BASE 0x10000UL
#define PHYS_SIZE 0x8000UL
#define IMG_START 0x200000UL
#define IMG_END	  0x300000UL

static uint8_t phys[PHYS_SIZE] __attribute__((aligned(4096)));
static struct boot_info bi;
static uint32_t mb2_len; /* bytes of the block built so far */

static const void *map(void *ctx, uint64_t pa, size_t len)
{
	if (pa < PHYS_BASE || pa + len > PHYS_BASE + PHYS_SIZE || pa + len < pa)
		return NULL;
	return phys + (pa - PHYS_BASE);
}

static void mb2_begin(void)
{
	memset(phys, 0, sizeof(phys));
	mb2_len = 8;
}

static uint8_t *mb2_tag(uint32_t type, uint32_t size)
{
	uint8_t *t = phys + mb2_len;
	memcpy(t, &type, 4);
	memcpy(t + 4, &size, 4);
	mb2_len = (mb2_len + size + 7) & ~7u;
	return t;
}

static void mb2_string(uint32_t type, const char *s)
{
	uint8_t *t = mb2_tag(type, 8 + (uint32_t)strlen(s) + 1);
	strcpy((char *)t + 8, s);
}

static void mb2_module(uint32_t start, uint32_t end, const char *s)
{
	uint8_t *t = mb2_tag(3, 16 + (uint32_t)strlen(s) + 1);
	memcpy(t + 8, &start, 4);
	memcpy(t + 12, &end, 4);
	strcpy((char *)t + 16, s);
}

static void mb2_mmap(const uint64_t (*e)[3], unsigned int n)
{
	uint8_t *t = mb2_tag(6, 16 + 24 * n);
	uint32_t esize = 24, ver = 0;
	memcpy(t + 8, &esize, 4);
	memcpy(t + 12, &ver, 4);
	for (unsigned int i = 0; i < n; i++) {
		uint32_t type = (uint32_t)e[i][2];
		memcpy(t + 16 + 24 * i, &e[i][0], 8);
		memcpy(t + 16 + 24 * i + 8, &e[i][1], 8);
		memcpy(t + 16 + 24 * i + 16, &type, 4);
	}
}

static int mb2_finish_and_parse(void)
{
	mb2_tag(0, 8);
	memcpy(phys, &mb2_len, 4);
	return boot_info_parse(MB2_BOOTLOADER_MAGIC, PHYS_BASE, map, NULL, IMG_START, IMG_END, &bi);
}

static const uint64_t bios_map[][3] = {
	{0, 0x9fc00, 1},	  {0x9fc00, 0x400, 2},	   {0xf0000, 0x10000, 2},
	{0x100000, 0x7ee0000, 1}, {0x7fe0000, 0x20000, 2},
};

static void mb2_typical(void)
{
	mb2_begin();
	mb2_string(1, "console=com1 loglvl=all");
	mb2_string(2, "GRUB 2.06");
	mb2_module(0x400000, 0x480000, "dom0 root=/dev/xvda");
	mb2_module(0x480000, 0x481000, "initrd");
	mb2_tag(4, 16); /* basic meminfo: ignored */
	mb2_mmap(bios_map, 5);
	uint8_t *acpi = mb2_tag(14, 8 + 20);
	memcpy(acpi + 8, "RSD PTR ", 8);
	uint8_t *fb = mb2_tag(8, 32);
	uint64_t addr = 0xb8000;
	uint32_t pitch = 160, w = 80, h = 25;
	memcpy(fb + 8, &addr, 8);
	memcpy(fb + 16, &pitch, 4);
	memcpy(fb + 20, &w, 4);
	memcpy(fb + 24, &h, 4);
	fb[28] = 16;
	fb[29] = 2;
}

static void test_mb2_valid(void **state)
{
	mb2_typical();
	assert_int_equal(mb2_finish_and_parse(), 0);
	assert_null(bi.error);
	assert_int_equal(bi.protocol, 2);
	assert_string_equal(bi.cmdline, "console=com1 loglvl=all");
	assert_string_equal(bi.loader, "GRUB 2.06");
	assert_int_equal(bi.nr_modules, 2);
	assert_int_equal(bi.modules[0].start, 0x400000);
	assert_int_equal(bi.modules[0].end, 0x480000);
	assert_string_equal(bi.modules[0].cmdline, "dom0 root=/dev/xvda");
	assert_string_equal(bi.modules[1].cmdline, "initrd");
	assert_int_equal(bi.nr_mem, 5);
	assert_int_equal(bi.mem[3].start, 0x100000);
	assert_int_equal(bi.mem[3].type, BOOT_MEM_RAM);
	assert_int_equal(boot_info_ram_bytes(&bi), 0x9fc00 + 0x7ee0000);
	assert_int_equal(bi.rsdp_len, 20);
	assert_memory_equal(bi.rsdp, "RSD PTR ", 8);
	assert_true(bi.has_fb);
	assert_int_equal(bi.fb.type, BOOT_FB_EGA_TEXT);
	assert_int_equal(bi.fb.width, 80);
	assert_false(bi.truncated);
}

static void test_mb2_acpi_v2_preferred(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	uint8_t *v2 = mb2_tag(15, 8 + 36);
	v2[8 + 15] = 2; /* revision */
	uint8_t *v1 = mb2_tag(14, 8 + 20);
	v1[8 + 15] = 0;
	assert_int_equal(mb2_finish_and_parse(), 0);
	assert_int_equal(bi.rsdp_len, 36);
	assert_int_equal(bi.rsdp[15], 2);
	assert_int_equal(bi.nr_modules, 0);
}

static void test_mb2_no_acpi(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	assert_int_equal(mb2_finish_and_parse(), 0);
	assert_int_equal(bi.rsdp_len, 0);
	assert_false(bi.has_fb);
}

static void test_mb2_efi_mmap_fallback(void **state)
{
	mb2_begin();
	uint8_t *t = mb2_tag(17, 16 + 2 * 40);
	uint32_t dsize = 40;
	memcpy(t + 8, &dsize, 4);
	uint32_t types[2] = {7, 4}; /* conventional, boot services data: both RAM */
	uint64_t starts[2] = {0x100000, 0x800000}, pages[2] = {0x100, 0x10};
	for (int i = 0; i < 2; i++) {
		memcpy(t + 16 + 40 * i, &types[i], 4);
		memcpy(t + 16 + 40 * i + 8, &starts[i], 8);
		memcpy(t + 16 + 40 * i + 24, &pages[i], 8);
	}
	assert_int_equal(mb2_finish_and_parse(), 0);
	assert_int_equal(bi.nr_mem, 2);
	assert_int_equal(boot_info_ram_bytes(&bi), 0x110 * 4096);
}

static void test_mb2_truncated_no_end_tag(void **state)
{
	mb2_typical();
	memcpy(phys, &mb2_len, 4); /* total size set, but no end tag */
	assert_int_equal(boot_info_parse(MB2_BOOTLOADER_MAGIC, PHYS_BASE, map, NULL, IMG_START,
					 IMG_END, &bi),
			 -1);
	assert_non_null(strstr(bi.error, "truncated"));
}

static void test_mb2_total_size_beyond_memory(void **state)
{
	mb2_typical();
	mb2_tag(0, 8);
	uint32_t huge = PHYS_SIZE + 64;
	memcpy(phys, &huge, 4);
	assert_int_equal(boot_info_parse(MB2_BOOTLOADER_MAGIC, PHYS_BASE, map, NULL, IMG_START,
					 IMG_END, &bi),
			 -1);
	assert_non_null(strstr(bi.error, "not accessible"));
}

static void test_mb2_tag_size_overruns_block(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	uint8_t *t = mb2_tag(1, 16);
	uint32_t bad = 4096; /* claims to run past the end tag and the block */
	memcpy(t + 4, &bad, 4);
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "outside"));
}

static void test_mb2_tag_size_too_small(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	uint8_t *t = mb2_tag(1, 16);
	uint32_t bad = 4;
	memcpy(t + 4, &bad, 4);
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "outside"));
}

static void test_mb2_unterminated_string(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	uint8_t *t = mb2_tag(1, 8 + 8);
	memcpy(t + 8, "abcdefgh", 8); /* no NUL inside the tag */
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "command line"));
}

static void test_mb2_bad_mmap_entry_size(void **state)
{
	mb2_begin();
	uint8_t *t = mb2_tag(6, 16 + 24);
	uint32_t esize = 12;
	memcpy(t + 8, &esize, 4);
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "entry size"));
}

static void test_mb2_short_module_tag(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	mb2_tag(3, 12);
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "module tag too short"));
}

static void test_mb2_overlapping_modules(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	mb2_module(0x400000, 0x480000, "a");
	mb2_module(0x47f000, 0x500000, "b");
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_string_equal(bi.error, "two modules overlap");
}

static void test_mb2_module_overlaps_image(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	mb2_module(0x1ff000, 0x201000, "a");
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_string_equal(bi.error, "a module overlaps the hypervisor image");
}

static void test_mb2_empty_module(void **state)
{
	mb2_begin();
	mb2_mmap(bios_map, 5);
	mb2_module(0x400000, 0x400000, "a");
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "empty"));
}

static void test_mb2_no_memory_map(void **state)
{
	mb2_begin();
	mb2_string(1, "x");
	assert_int_equal(mb2_finish_and_parse(), -1);
	assert_non_null(strstr(bi.error, "no memory map"));
}

static void test_mb2_misaligned_and_bad_magic(void **state)
{
	assert_int_equal(boot_info_parse(MB2_BOOTLOADER_MAGIC, PHYS_BASE + 4, map, NULL, IMG_START,
					 IMG_END, &bi),
			 -1);
	assert_non_null(strstr(bi.error, "aligned"));
	assert_int_equal(boot_info_parse(0x12345678, PHYS_BASE, map, NULL, IMG_START, IMG_END, &bi),
			 -1);
	assert_non_null(strstr(bi.error, "magic"));
}

static void test_mb2_long_cmdline_truncated(void **state)
{
	static char longline[BOOT_CMDLINE_MAX + 100];
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	mb2_begin();
	mb2_mmap(bios_map, 5);
	mb2_string(1, longline);
	assert_int_equal(mb2_finish_and_parse(), 0);
	assert_true(bi.truncated);
	assert_int_equal(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}

/* Multiboot1: the info structure at PHYS_BASE, lists and strings after it. */
#define MB1_CMDLINE 0x100
#define MB1_LOADER  0x180
#define MB1_MODS    0x200
#define MB1_MODSTR  0x280
#define MB1_MMAP    0x300

static void put32(uint32_t off, uint32_t v)
{
	memcpy(phys + off, &v, 4);
}

static void mb1_typical(void)
{
	memset(phys, 0, sizeof(phys));
	put32(0, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9)); /* flags */
	put32(4, 639);
	put32(8, 130048);
	put32(16, PHYS_BASE + MB1_CMDLINE);
	strcpy((char *)phys + MB1_CMDLINE, "/hospes.bin selftest=boot");
	put32(64, PHYS_BASE + MB1_LOADER);
	strcpy((char *)phys + MB1_LOADER, "qemu");
	put32(20, 1);
	put32(24, PHYS_BASE + MB1_MODS);
	put32(MB1_MODS, 0x400000);
	put32(MB1_MODS + 4, 0x410000);
	put32(MB1_MODS + 8, PHYS_BASE + MB1_MODSTR);
	strcpy((char *)phys + MB1_MODSTR, "dom0.elf console=hvc0");
	put32(44, 5 * 24);
	put32(48, PHYS_BASE + MB1_MMAP);
	for (unsigned int i = 0; i < 5; i++) {
		put32(MB1_MMAP + 24 * i, 20);
		memcpy(phys + MB1_MMAP + 24 * i + 4, &bios_map[i][0], 8);
		memcpy(phys + MB1_MMAP + 24 * i + 12, &bios_map[i][1], 8);
		put32(MB1_MMAP + 24 * i + 20, (uint32_t)bios_map[i][2]);
	}
}

static int mb1_parse(void)
{
	return boot_info_parse(MB1_BOOTLOADER_MAGIC, PHYS_BASE, map, NULL, IMG_START, IMG_END, &bi);
}

static void test_mb1_valid(void **state)
{
	mb1_typical();
	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.protocol, 1);
	assert_string_equal(bi.cmdline, "/hospes.bin selftest=boot");
	assert_string_equal(bi.loader, "qemu");
	assert_int_equal(bi.nr_modules, 1);
	assert_int_equal(bi.modules[0].end, 0x410000);
	assert_string_equal(bi.modules[0].cmdline, "dom0.elf console=hvc0");
	assert_int_equal(bi.nr_mem, 5);
	assert_int_equal(boot_info_ram_bytes(&bi), 0x9fc00 + 0x7ee0000);
	assert_int_equal(bi.rsdp_len, 0); /* multiboot1 carries no RSDP */
}

static void test_mb1_meminfo_only(void **state)
{
	mb1_typical();
	put32(0, 1 << 0);
	assert_int_equal(mb1_parse(), 0);
	assert_int_equal(bi.nr_mem, 2);
	assert_int_equal(boot_info_ram_bytes(&bi), (639 + 130048) * 1024UL);
}

static void test_mb1_bad_pointers(void **state)
{
	mb1_typical();
	put32(16, 0x7000000); /* command line outside memory */
	assert_int_equal(mb1_parse(), -1);
	assert_non_null(strstr(bi.error, "command line"));

	mb1_typical();
	put32(44, 0x100000); /* memory map longer than memory */
	assert_int_equal(mb1_parse(), -1);
	assert_non_null(strstr(bi.error, "memory map"));

	mb1_typical();
	put32(MB1_MMAP, 0x1000); /* an entry size running past the map */
	assert_int_equal(mb1_parse(), -1);
	assert_non_null(strstr(bi.error, "entry size"));

	mb1_typical();
	put32(20, 1000); /* too many modules */
	assert_int_equal(mb1_parse(), -1);
	assert_non_null(strstr(bi.error, "modules"));

	mb1_typical();
	put32(0, 0); /* nothing valid */
	assert_int_equal(mb1_parse(), -1);
	assert_non_null(strstr(bi.error, "no memory map"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mb2_valid),
		cmocka_unit_test(test_mb2_acpi_v2_preferred),
		cmocka_unit_test(test_mb2_no_acpi),
		cmocka_unit_test(test_mb2_efi_mmap_fallback),
		cmocka_unit_test(test_mb2_truncated_no_end_tag),
		cmocka_unit_test(test_mb2_total_size_beyond_memory),
		cmocka_unit_test(test_mb2_tag_size_overruns_block),
		cmocka_unit_test(test_mb2_tag_size_too_small),
		cmocka_unit_test(test_mb2_unterminated_string),
		cmocka_unit_test(test_mb2_bad_mmap_entry_size),
		cmocka_unit_test(test_mb2_short_module_tag),
		cmocka_unit_test(test_mb2_overlapping_modules),
		cmocka_unit_test(test_mb2_module_overlaps_image),
		cmocka_unit_test(test_mb2_empty_module),
		cmocka_unit_test(test_mb2_no_memory_map),
		cmocka_unit_test(test_mb2_misaligned_and_bad_magic),
		cmocka_unit_test(test_mb2_long_cmdline_truncated),
		cmocka_unit_test(test_mb1_valid),
		cmocka_unit_test(test_mb1_meminfo_only),
		cmocka_unit_test(test_mb1_bad_pointers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
