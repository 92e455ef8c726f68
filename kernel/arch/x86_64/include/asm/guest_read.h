/*
 * A read of guest memory through the guest's own mapping: the loaded
 * shadow, with the running vCPU's page tables in CR3.
 *
 * The move may fault (a page the shadow has not filled yet, a page the
 * guest has not mapped, a reserved-bit marker); the fault goes to
 * do_trap, which finds the move in the exception-fixup table and resumes
 * after it with the result still false.  The caller then takes the
 * software walk (kernel/mm/guest_access.c), which fills the shadow or
 * says -EFAULT: a failed probe never decides anything by itself.
 *
 * Only for the vCPU this CPU runs, in guest kernel mode, at an address
 * the guest owns (arch_guest_va_ok): the hypervisor's own slots are in
 * every shadow and a ring-0 move would reach them.
 */
#ifndef ASM_GUEST_READ_H
#define ASM_GUEST_READ_H

#include <asm/layout.h>
#include <asm/traps.h>
#include <hospes/types.h>

/* [va, va+len) lies in the guest's lower half or above the hypervisor's
 * slots, without wrapping (va + len alone could wrap past 2^64 into the
 * lower half). */
static inline bool arch_guest_va_ok(unsigned long va, unsigned long len)
{
	const unsigned long lower_end = 0x0000800000000000UL;

	if (va < lower_end)
		return len <= lower_end - va;
	return va >= HYPERVISOR_VIRT_END && va + len > va;
}

/* The 4 bytes at guest va through the loaded tables (0 .. 2^32-1), or -1
 * if the move faulted (a 32-bit move clears the register's upper half). */
static inline long arch_read_guest_u32(unsigned long va)
{
	long x = -1;

	__asm__ __volatile__("1:\tmovl (%1), %k0\n"
			     "2:\n" EXTABLE_ENTRY(1b, 2b)
			     : "+r"(x)
			     : "r"(va)
			     : "memory");
	return x;
}

#endif
