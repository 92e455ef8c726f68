/*
 * Which virtual addresses a guest owns: the check that keeps a ring-0
 * read on a guest's behalf (asm/guest_read.h) out of the hypervisor's
 * slots.  A guest owns the lower half, 0 .. 2^47-1, and the part of the
 * upper half above the hypervisor's slots, HYPERVISOR_VIRT_END .. 2^64-1;
 * the gap in between is non-canonical, the slots 256-271 are ours
 * (asm/layout.h).
 *
 * The check never forms va + len, which could wrap past 2^64 into the
 * lower half: it compares len with the room left above va in its part
 * (below 2^47, or below 2^64, which is 0 - va in 64-bit arithmetic).  An
 * empty range is fine at any address the guest owns.  Kept apart from
 * guest_read.h (and free of inline assembly) so the host unit tests
 * compile this very function (tests/unit/guest_va); it includes layout.h
 * by its own folder for the same reason.
 */
#ifndef ASM_GUEST_VA_H
#define ASM_GUEST_VA_H

#include <hospes/types.h>
#include "layout.h"

#define GUEST_LOWER_END 0x0000800000000000UL /* first non-canonical address */

/* [va, va+len) lies in the guest's lower half or wholly above the
 * hypervisor's slots.  The first test is the lower half's written so
 * that, for a constant len, it is one comparison of va with a constant
 * (va <= GUEST_LOWER_END - len, which for va below GUEST_LOWER_END is
 * len <= GUEST_LOWER_END - va): the SYSCALL fast path's read of a port. */
static inline bool arch_guest_va_ok(unsigned long va, unsigned long len)
{
	if (len <= GUEST_LOWER_END && va <= GUEST_LOWER_END - len && va < GUEST_LOWER_END)
		return true;
	if (va < GUEST_LOWER_END)
		return false;
	return va >= HYPERVISOR_VIRT_END && len <= 0UL - va;
}

#endif
