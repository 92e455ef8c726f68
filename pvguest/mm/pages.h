/*
 * The pvguest page allocator: which pseudo-physical frames of the domain
 * are free.  A bitmap over PFNs; pure logic, host-tested.
 */
#ifndef PVGUEST_MM_PAGES_H
#define PVGUEST_MM_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#define PAGES_MAX (1UL << 18) /* PFNs the bitmap covers: 1 GiB of guest RAM */
#define NO_PFN	  (~0UL)

/* Frees PFNs [first, end) (capped at PAGES_MAX); everything else is used. */
void pages_init(unsigned long first, unsigned long end);
/* n contiguous free PFNs (lowest first fit) or NO_PFN. */
unsigned long pages_alloc(unsigned long n);
/* Returns n PFNs from pfn; false (nothing changed) if any was not in use
 * or out of the managed range. */
bool pages_free(unsigned long pfn, unsigned long n);
unsigned long pages_free_count(void);

#endif
