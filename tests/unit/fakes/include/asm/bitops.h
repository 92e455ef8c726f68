/* Host version of <asm/bitops.h>: the same bit-string operations in portable C atomics. */
#ifndef FAKE_ASM_BITOPS_H
#define FAKE_ASM_BITOPS_H

#include <hospes/types.h>

static inline bool arch_test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	unsigned long bit = 1UL << (nr % 64);

	return __atomic_fetch_or(&addr[nr / 64], bit, __ATOMIC_SEQ_CST) & bit;
}

static inline bool arch_test_bit(unsigned long nr, const unsigned long *addr)
{
	return (__atomic_load_n(&addr[nr / 64], __ATOMIC_RELAXED) >> (nr % 64)) & 1;
}

#endif
