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

#endif
