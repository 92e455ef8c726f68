/*
 * Atomic operations on bit strings longer than a word, up to 4096 bits,
 * as the 2-level event ABI keeps them (evtchn_pending, evtchn_mask).
 *
 * BTS and BT with a register bit offset and a memory operand address the
 * whole string: the CPU finds the word of bit nr itself, so a caller need
 * not split nr into a word and a bit (kernel/event/ saves the shifts on
 * every send).  The host build has a portable version with the same
 * meaning (tests/unit/fakes/include/asm/bitops.h).
 */
#ifndef ASM_BITOPS_H
#define ASM_BITOPS_H

#include <hospes/types.h>

/* What the operand names: the longest string these are for (the asm
 * statements tell the compiler they may touch any of its words). */
typedef struct {
	unsigned long w[64];
} arch_bits4096_t;

/* Set bit nr (below 4096) of the string at addr, atomically (a full
 * barrier); true if it was set. */
static inline bool arch_test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	bool was;

	__asm__ __volatile__("lock btsq %2, %1"
			     : "=@ccc"(was), "+m"(*(arch_bits4096_t *)addr)
			     : "r"(nr)
			     : "memory");
	return was;
}

/* Bit nr (below 4096) of the string at addr (one read of its word; no barrier). */
static inline bool arch_test_bit(unsigned long nr, const unsigned long *addr)
{
	bool set;

	__asm__ __volatile__("btq %2, %1"
			     : "=@ccc"(set)
			     : "m"(*(const arch_bits4096_t *)addr), "r"(nr));
	return set;
}

#endif
