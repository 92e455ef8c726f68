/*
 * Host tests of the STAC/CLAC patcher (kernel/lib/insn_patch.c) on a
 * buffer standing in for the hypervisor's text: each listed site, a NOP
 * as assembled, becomes the instruction its form names (nopl (%rax) a
 * stac, nopl (%rcx) a clac) and nothing else changes; a table with one
 * bad site writes nothing and names it; a second run finds only the
 * instructions and writes nothing; the writable alias is what gets
 * written, at the offset of each address.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/insn_patch.h>

#define BASE 0xffff82d080200000ULL /* where the "text" pretends to be linked */

static uint8_t text[64];

static uint8_t *alias(uint64_t addr, void *ctx)
{
	uint8_t *buf = ctx;
	if (addr < BASE || addr + INSN_SMAP_LEN > BASE + sizeof(text))
		return NULL;
	return buf + (addr - BASE);
}

/* movq (%rsi), %rax; [stac]; movl (%rdi), %eax; [clac]; ret; nopl 8(%rax); filler:
 * the sites as asm/smap.h assembles them, NOPs of the two forms. */
static void fill(void)
{
	static const uint8_t code[] = {0x48, 0x8b, 0x06, 0x0f, 0x1f, 0x00, 0x8b, 0x07,
				       0x0f, 0x1f, 0x01, 0xc3, 0x0f, 0x1f, 0x40, 0x08};
	memset(text, 0xcc, sizeof(text));
	memcpy(text, code, sizeof(code));
}

static void test_patches_each_site_only(void **state)
{
	uint64_t sites[] = {BASE + 3, BASE + 8}, bad = 0;
	uint8_t want[sizeof(text)];

	fill();
	memcpy(want, text, sizeof(text));
	memcpy(want + 3, "\x0f\x01\xcb", 3); /* stac */
	memcpy(want + 8, "\x0f\x01\xca", 3); /* clac */
	assert_int_equal(insn_patch_smap(sites, 2, alias, text, &bad), 2);
	assert_memory_equal(text, want, sizeof(text));
	/* Again: only the instructions found, nothing written. */
	assert_int_equal(insn_patch_smap(sites, 2, alias, text, &bad), 0);
	assert_memory_equal(text, want, sizeof(text));
}

static void test_bad_site_writes_nothing(void **state)
{
	uint64_t sites[] = {BASE + 3, BASE + 6, BASE + 8}, bad = 0;
	uint8_t before[sizeof(text)];

	fill();
	memcpy(before, text, sizeof(text));
	assert_int_equal(insn_patch_smap(sites, 3, alias, text, &bad), -1);
	assert_int_equal(bad, BASE + 6); /* movl (%rdi), %eax: not a STAC/CLAC */
	assert_memory_equal(text, before, sizeof(text));
}

static void test_site_outside_the_text(void **state)
{
	uint64_t sites[] = {BASE + 3, BASE + sizeof(text) - 1}, bad = 0;
	uint8_t before[sizeof(text)];

	fill();
	memcpy(before, text, sizeof(text));
	assert_int_equal(insn_patch_smap(sites, 2, alias, text, &bad), -1);
	assert_int_equal(bad, BASE + sizeof(text) - 1);
	assert_memory_equal(text, before, sizeof(text));
}

static void test_empty_table(void **state)
{
	uint64_t bad = 0;

	fill();
	assert_int_equal(insn_patch_smap(NULL, 0, alias, text, &bad), 0);
}

static void test_half_a_site_is_refused(void **state)
{
	uint64_t sites[] = {BASE + 4}, bad = 0; /* inside the first NOP, at 1f 00 */

	fill();
	assert_int_equal(insn_patch_smap(sites, 1, alias, text, &bad), -1);
	assert_int_equal(bad, BASE + 4);
}

/* Another NOP of the same opcode (nopl 8(%rax): 0f 1f 40 08) is no site. */
static void test_other_nop_is_refused(void **state)
{
	uint64_t sites[] = {BASE + 3, BASE + 12}, bad = 0;
	uint8_t before[sizeof(text)];

	fill();
	memcpy(before, text, sizeof(text));
	assert_int_equal(insn_patch_smap(sites, 2, alias, text, &bad), -1);
	assert_int_equal(bad, BASE + 12);
	assert_memory_equal(text, before, sizeof(text));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_patches_each_site_only),
		cmocka_unit_test(test_bad_site_writes_nothing),
		cmocka_unit_test(test_site_outside_the_text),
		cmocka_unit_test(test_empty_table),
		cmocka_unit_test(test_half_a_site_is_refused),
		cmocka_unit_test(test_other_nop_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
