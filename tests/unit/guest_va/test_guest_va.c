/*
 * Host tests of arch_guest_va_ok (kernel/arch/x86_64/include/asm/guest_va.h),
 * the check that keeps the hypervisor's ring-0 reads on a guest's behalf
 * in the guest's own addresses.  The test compiles the real header (by
 * path: the host's <asm/...> folder holds fakes) and walks every edge:
 * address 0, the top of the lower half, the non-canonical gap, the
 * hypervisor's slots and their ends, the top of the address space, and
 * lengths that would wrap past 2^64 if added to va.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include "../../../kernel/arch/x86_64/include/asm/guest_va.h"

#define LOWER_END 0x0000800000000000UL
#define HV_START  0xFFFF800000000000UL
#define HV_END	  0xFFFF880000000000UL
#define TOP	  0xFFFFFFFFFFFFFFFFUL

/* The layout the check relies on (asm/layout.h) is the one tested here. */
static void test_layout(void **state)
{
	(void)state;
	assert_true(GUEST_LOWER_END == LOWER_END);
	assert_true(HYPERVISOR_VIRT_START == HV_START);
	assert_true(HYPERVISOR_VIRT_END == HV_END);
}

static void test_lower_half(void **state)
{
	(void)state;
	assert_true(arch_guest_va_ok(0, 0));
	assert_true(arch_guest_va_ok(0, 4));
	assert_true(arch_guest_va_ok(0, LOWER_END));	  /* the whole lower half */
	assert_false(arch_guest_va_ok(0, LOWER_END + 1)); /* one byte into the gap */
	assert_true(arch_guest_va_ok(LOWER_END - 4, 4));  /* the last four bytes */
	assert_false(arch_guest_va_ok(LOWER_END - 4, 5));
	assert_false(arch_guest_va_ok(LOWER_END - 3, 4)); /* straddles the top */
	assert_true(arch_guest_va_ok(LOWER_END - 1, 1));
	assert_true(arch_guest_va_ok(LOWER_END - 1, 0));
	assert_true(arch_guest_va_ok(0x1000, 0x1000));
}

/* Lengths that wrap when added to va: va + len lands back in the lower
 * half (or on a small number), which a naive va + len <= end accepts. */
static void test_wrapping_lengths(void **state)
{
	(void)state;
	assert_false(arch_guest_va_ok(0x1000, TOP));
	assert_false(arch_guest_va_ok(0x1000, 0UL - 0x1000)); /* sum is exactly 2^64 = 0 */
	assert_false(arch_guest_va_ok(0x1000, 0UL - 0x800));  /* sum wraps to 0x800 */
	assert_false(arch_guest_va_ok(LOWER_END - 4, TOP));
	assert_false(arch_guest_va_ok(HV_END, TOP));
	assert_false(arch_guest_va_ok(HV_END, 0UL - HV_END + 1)); /* one past 2^64 */
	assert_false(arch_guest_va_ok(TOP, 2));			  /* wraps to 0 */
	assert_false(arch_guest_va_ok(TOP - 3, 0x1000));	  /* wraps into the lower half */
	assert_false(arch_guest_va_ok(0, TOP));
}

static void test_non_canonical_gap(void **state)
{
	(void)state;
	assert_false(arch_guest_va_ok(LOWER_END, 0));
	assert_false(arch_guest_va_ok(LOWER_END, 1));
	assert_false(arch_guest_va_ok(0x0000900000000000UL, 4));
	assert_false(arch_guest_va_ok(0x8000000000000000UL, 4));
	assert_false(arch_guest_va_ok(HV_START - 4, 4)); /* last bytes of the gap */
	assert_false(arch_guest_va_ok(HV_START - 1, 1));
}

static void test_hypervisor_slots(void **state)
{
	(void)state;
	assert_false(arch_guest_va_ok(HV_START, 0));
	assert_false(arch_guest_va_ok(HV_START, 4));
	assert_false(arch_guest_va_ok(0xFFFF82D080000000UL, 4)); /* the image */
	assert_false(arch_guest_va_ok(0xFFFF830000000000UL, 8)); /* the direct map */
	assert_false(arch_guest_va_ok(HV_END - 4, 4));		 /* last bytes of the slots */
	assert_false(arch_guest_va_ok(HV_END - 1, 2));		 /* straddles the end */
	assert_false(arch_guest_va_ok(HV_END - 0x1000, 0x2000));
}

static void test_upper_guest_range(void **state)
{
	(void)state;
	assert_true(arch_guest_va_ok(HV_END, 0));
	assert_true(arch_guest_va_ok(HV_END, 4));
	assert_true(arch_guest_va_ok(0xFFFFFFFF80000000UL, 0x1000)); /* a Linux-style kernel */
	assert_true(arch_guest_va_ok(TOP - 3, 4));		     /* ends exactly at 2^64 */
	assert_true(arch_guest_va_ok(HV_END, 0UL - HV_END));	     /* the whole upper part */
	assert_true(arch_guest_va_ok(TOP, 1));
	assert_true(arch_guest_va_ok(TOP, 0));
	assert_false(arch_guest_va_ok(TOP - 3, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),		 cmocka_unit_test(test_lower_half),
		cmocka_unit_test(test_wrapping_lengths), cmocka_unit_test(test_non_canonical_gap),
		cmocka_unit_test(test_hypervisor_slots), cmocka_unit_test(test_upper_guest_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
