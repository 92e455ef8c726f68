/*
 * newlib's heap: malloc asks sbrk for more memory in large steps and never
 * gives any back below what it still uses.  The kernel hands the heap one
 * contiguous range of pages at boot (mm/map.c maps all of the domain's RAM
 * at VA = PFN << 12, so any PFN range is a VA range), and sbrk only moves
 * a break between start and end: no hypercall on this path.
 *
 * Invariant: start <= brk <= end.  A request that would cross either edge
 * fails without moving the break, and sbrk sets ENOMEM.
 */
#include "heap.h"

static uintptr_t start, brk, end;

void heap_init(uintptr_t s, uintptr_t e)
{
	start = brk = s;
	end = e < s ? s : e;
}

void *heap_sbrk(intptr_t incr)
{
	uintptr_t old = brk;
	if (incr >= 0 ? (uintptr_t)incr > end - brk : -(uintptr_t)incr > brk - start)
		return NULL;
	brk += incr;
	return (void *)old;
}
