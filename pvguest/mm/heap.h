/*
 * The heap behind newlib's sbrk: one contiguous, already mapped range of
 * guest virtual memory and a break inside it.  Pure logic, host-tested.
 */
#ifndef PVGUEST_MM_HEAP_H
#define PVGUEST_MM_HEAP_H

#include <stddef.h>
#include <stdint.h>

void heap_init(uintptr_t start, uintptr_t end);
/* Moves the break by incr bytes; the old break, or NULL (break unchanged)
 * when the range would be left. */
void *heap_sbrk(intptr_t incr);

#endif
