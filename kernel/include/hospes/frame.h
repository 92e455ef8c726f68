/*
 * The machine frame allocator's interface (engineer A's buddy allocator
 * implements it; host unit tests link tests/unit/fakes/fake_frame.c).
 *
 * frame_alloc(order) returns the first of 2^order contiguous, zeroed
 * machine frames, or INVALID_MFN when memory is exhausted; frame_free()
 * returns them.  Ownership and page-table types of frames are not the
 * allocator's business: kernel/mm/frame_table.c tracks those.
 */
#ifndef HOSPES_FRAME_H
#define HOSPES_FRAME_H

#include <hospes/types.h>

mfn_t frame_alloc(unsigned int order);
void frame_free(mfn_t mfn, unsigned int order);
unsigned long frame_free_count(void); /* frames currently free */

/* kernel/mm/frame_alloc.c (engineer A): set-up and totals. */
struct boot_info;
void frame_alloc_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end);
void frame_alloc_add_high(void);       /* RAM above 4 GiB, once all RAM is mapped */
unsigned long frame_total_count(void); /* frames ever given to the allocator */
unsigned long frame_span(void);	       /* 1 + highest frame number of RAM */

#endif
