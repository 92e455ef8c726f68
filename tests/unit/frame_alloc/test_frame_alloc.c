/*
 * Host tests of the frame allocator's core: the buddy allocator
 * (kernel/mm/buddy.c) and the usable-memory computation from the boot
 * memory map (kernel/mm/memmap.c).  Each buddy test runs on its own
 * instance over a span of NR frames.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fake_panic.h>
#include <hospes/buddy.h>
#include <hospes/memmap.h>

#define NR 1024UL

static struct buddy b;
static struct buddy_frame meta[NR];

static void fresh(unsigned long start, unsigned long count)
{
	memset(meta, 0, sizeof(meta));
	buddy_init(&b, meta, NR);
	buddy_add_range(&b, start, count);
}

static void test_add_range_counts_and_alignment(void **state)
{
	fresh(3, 1000); /* unaligned start and end */
	assert_int_equal(b.nr_free, 1000);
	assert_int_equal(b.nr_total, 1000);
	for (unsigned int i = 0; i < 1000; i++) {
		mfn_t m = buddy_alloc(&b, 0);
		assert_true(mfn_x(m) >= 3 && mfn_x(m) < 1003);
	}
	assert_int_equal(b.nr_free, 0);
	assert_true(mfn_eq(buddy_alloc(&b, 0), INVALID_MFN));
}

static void test_block_alignment(void **state)
{
	fresh(0, NR);
	for (unsigned int order = 0; order <= 6; order++) {
		mfn_t m = buddy_alloc(&b, order);
		assert_false(mfn_eq(m, INVALID_MFN));
		assert_int_equal(mfn_x(m) & ((1UL << order) - 1), 0);
	}
}

static void test_exhaustion_and_recovery(void **state)
{
	fresh(0, NR);
	mfn_t got[NR / 16];
	unsigned int n = 0;
	for (;;) {
		mfn_t m = buddy_alloc(&b, 4);
		if (mfn_eq(m, INVALID_MFN))
			break;
		got[n++] = m;
	}
	assert_int_equal(n, NR / 16);
	assert_int_equal(b.nr_free, 0);
	assert_true(mfn_eq(buddy_alloc(&b, 0), INVALID_MFN));
	assert_true(mfn_eq(buddy_alloc(&b, BUDDY_MAX_ORDER + 1), INVALID_MFN));
	for (unsigned int i = 0; i < n; i++)
		buddy_free(&b, got[i], 4);
	assert_int_equal(b.nr_free, NR);
	/* everything coalesced back: one order-10 block serves a 1024-frame request */
	assert_int_equal(mfn_x(buddy_alloc(&b, 10)), 0);
}

static void test_fragmentation_then_coalescing(void **state)
{
	fresh(0, 64);
	mfn_t one[64];
	for (unsigned int i = 0; i < 64; i++)
		one[i] = buddy_alloc(&b, 0);
	/* free every other frame: 32 frames free, but no two adjacent */
	for (unsigned int i = 0; i < 64; i += 2)
		buddy_free(&b, one[i], 0);
	assert_int_equal(b.nr_free, 32);
	assert_true(mfn_eq(buddy_alloc(&b, 1), INVALID_MFN));
	/* freeing the rest merges everything into one 64-frame block */
	for (unsigned int i = 1; i < 64; i += 2)
		buddy_free(&b, one[i], 0);
	mfn_t big = buddy_alloc(&b, 6);
	assert_int_equal(mfn_x(big), 0);
	assert_int_equal(b.nr_free, 0);
}

static void test_no_merge_across_missing_frames(void **state)
{
	fresh(0, 4);
	buddy_add_range(&b, 5, 3); /* frame 4 was never given */
	assert_int_equal(b.nr_free, 7);
	assert_true(mfn_eq(buddy_alloc(&b, 3), INVALID_MFN));
	mfn_t m = buddy_alloc(&b, 2);
	assert_int_equal(mfn_x(m), 0);
}

static void test_double_free_caught(void **state)
{
	fresh(0, NR);
	mfn_t m = buddy_alloc(&b, 2);
	buddy_free(&b, m, 2);
	EXPECT_PANIC(buddy_free(&b, m, 2), "double free");
	assert_int_equal(b.nr_free, NR); /* the lists were not touched */
}

static void test_bad_frees_caught(void **state)
{
	fresh(0, NR);
	mfn_t m = buddy_alloc(&b, 3);
	EXPECT_PANIC(buddy_free(&b, m, 2), "allocated with order 3");
	EXPECT_PANIC(buddy_free(&b, _mfn(mfn_x(m) + 1), 0), "not handed out");
	EXPECT_PANIC(buddy_free(&b, _mfn(NR + 5), 0), "outside");
	buddy_free(&b, m, 3);
	assert_int_equal(b.nr_free, NR);
}

static void test_random_alloc_free_keeps_counts(void **state)
{
	fresh(0, NR);
	struct {
		mfn_t m;
		unsigned int order;
	} live[256];
	unsigned int nlive = 0;
	unsigned long used = 0;
	srand(1);
	for (unsigned int step = 0; step < 5000; step++) {
		if (nlive < 256 && (rand() & 1)) {
			unsigned int order = (unsigned int)rand() % 4;
			mfn_t m = buddy_alloc(&b, order);
			if (mfn_eq(m, INVALID_MFN))
				continue;
			for (unsigned int i = 0; i < nlive; i++) /* never overlaps a live block */
				assert_true(mfn_x(m) + (1UL << order) <= mfn_x(live[i].m) ||
					    mfn_x(live[i].m) + (1UL << live[i].order) <= mfn_x(m));
			live[nlive].m = m;
			live[nlive++].order = order;
			used += 1UL << order;
		} else if (nlive) {
			unsigned int i = (unsigned int)rand() % nlive;
			buddy_free(&b, live[i].m, live[i].order);
			used -= 1UL << live[i].order;
			live[i] = live[--nlive];
		}
		assert_int_equal(b.nr_free + used, NR);
	}
}

/* memmap_usable */
static struct boot_info bi;

static void map_add(uint64_t start, uint64_t size, uint32_t type)
{
	bi.mem[bi.nr_mem++] = (struct boot_mem_range){start, size, type};
}

static void test_usable_respects_reserved(void **state)
{
	memset(&bi, 0, sizeof(bi));
	map_add(0, 0x9fc00, BOOT_MEM_RAM);
	map_add(0x9fc00, 0x400, BOOT_MEM_RESERVED);
	map_add(0x100000, 0x7ee0000, BOOT_MEM_RAM);
	map_add(0x7fe0000, 0x20000, BOOT_MEM_RESERVED);
	map_add(0x3000000, 0x2000, BOOT_MEM_ACPI); /* inside the RAM range: not RAM wins */
	const struct phys_range excl[] = {
		{0, 0x100000},	      /* the first MiB */
		{0x200000, 0x280123}, /* image, end not page-aligned */
		{0x400000, 0x480000}, /* a module */
	};
	struct phys_range out[16];
	unsigned int dropped;
	unsigned int n = memmap_usable(&bi, excl, 3, out, 16, &dropped);
	assert_int_equal(dropped, 0);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].start, 0x100000);
	assert_int_equal(out[0].end, 0x200000);
	assert_int_equal(out[1].start, 0x281000);
	assert_int_equal(out[1].end, 0x400000);
	assert_int_equal(out[2].start, 0x480000);
	assert_int_equal(out[2].end, 0x3000000);
	assert_int_equal(out[3].start, 0x3002000);
	assert_int_equal(out[3].end, 0x7fe0000);
}

static void test_usable_unaligned_and_overlapping_ram(void **state)
{
	memset(&bi, 0, sizeof(bi));
	map_add(0x100800, 0x10000, BOOT_MEM_RAM); /* [0x100800, 0x110800) */
	map_add(0x108000, 0x20000, BOOT_MEM_RAM); /* overlaps the first */
	map_add(0x200000, 0x800, BOOT_MEM_RAM);	  /* less than a page */
	map_add(0x127800, 0x100, BOOT_MEM_NVS);	  /* partial page: the whole page goes */
	struct phys_range out[8];
	unsigned int n = memmap_usable(&bi, NULL, 0, out, 8, NULL);
	assert_int_equal(n, 1); /* [0x101000, 0x128000) minus the NVS page */
	assert_int_equal(out[0].start, 0x101000);
	assert_int_equal(out[0].end, 0x127000);
}

static void test_usable_output_full(void **state)
{
	memset(&bi, 0, sizeof(bi));
	for (unsigned int i = 0; i < 10; i++)
		map_add(0x100000 * (i + 1), 0x10000, BOOT_MEM_RAM);
	struct phys_range out[4];
	unsigned int dropped;
	unsigned int n = memmap_usable(&bi, NULL, 0, out, 4, &dropped);
	assert_int_equal(n, 4);
	assert_int_equal(dropped, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_range_counts_and_alignment),
		cmocka_unit_test(test_block_alignment),
		cmocka_unit_test(test_exhaustion_and_recovery),
		cmocka_unit_test(test_fragmentation_then_coalescing),
		cmocka_unit_test(test_no_merge_across_missing_frames),
		cmocka_unit_test(test_double_free_caught),
		cmocka_unit_test(test_bad_frees_caught),
		cmocka_unit_test(test_random_alloc_free_keeps_counts),
		cmocka_unit_test(test_usable_respects_reserved),
		cmocka_unit_test(test_usable_unaligned_and_overlapping_ram),
		cmocka_unit_test(test_usable_output_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
