/*
 * Host version of <asm/guest_read.h>: the host has no guest page tables
 * loaded, so the direct read always declines and every guest access in the
 * unit tests takes the software walk (kernel/mm/guest_access.c).
 */
#ifndef FAKE_ASM_GUEST_READ_H
#define FAKE_ASM_GUEST_READ_H

#include <hospes/types.h>

static inline bool arch_guest_va_ok(unsigned long va, unsigned long len)
{
	return va + len <= 0x0000800000000000UL;
}

static inline long arch_read_guest_u32(unsigned long va)
{
	(void)va;
	return -1;
}

static inline bool arch_try_read_guest_u32(unsigned long va, uint32_t *x)
{
	(void)va;
	(void)x;
	return false;
}

#endif
