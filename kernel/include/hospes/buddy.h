/*
 * A binary buddy allocator over a span of machine frames [0, nr_frames).
 *
 * The core of the frame allocator (kernel/mm/frame_alloc.c wraps one global
 * instance with a lock, zeroing and the boot-time set-up), kept free of
 * globals so the host tests can run many instances side by side.
 *
 * A block of order k is 2^k frames starting at a multiple of 2^k.  Free
 * blocks sit on one doubly-linked list per order, linked through a small
 * per-frame record (struct buddy_frame) indexed by frame number; only the
 * first frame of a block carries its state:
 *   BUDDY_FREE   head of a free block of order .order (on list .order)
 *   BUDDY_ALLOC  head of an allocated block of order .order
 * Freeing checks the head is BUDDY_ALLOC with the same order, so a double
 * free or a free with the wrong order panics with a clear message instead
 * of corrupting the lists.  On free a block merges with its buddy (the
 * block at head ^ 2^k) while that is a free block of the same order.
 * No locking here: the caller serializes.
 */
#ifndef HOSPES_BUDDY_H
#define HOSPES_BUDDY_H

#include <hospes/types.h>

#define BUDDY_MAX_ORDER 18 /* 1 GiB blocks */
#define BUDDY_NONE	0xffffffffu

enum { BUDDY_UNUSED = 0, BUDDY_FREE = 1, BUDDY_ALLOC = 2 };

struct buddy_frame {
	uint32_t next, prev; /* free-list links (frame numbers), BUDDY_NONE = end */
	uint8_t state;
	uint8_t order;
};

struct buddy {
	struct buddy_frame *frames; /* nr_frames records, zeroed by the caller */
	unsigned long nr_frames;
	uint32_t head[BUDDY_MAX_ORDER + 1];
	unsigned long nr_free;	/* frames on the free lists */
	unsigned long nr_total; /* frames ever handed to buddy_add_range */
};

void buddy_init(struct buddy *b, struct buddy_frame *frames, unsigned long nr_frames);

/* Give the frames [start, start + count) to the allocator. */
void buddy_add_range(struct buddy *b, unsigned long start, unsigned long count);

/* First frame of a free block of 2^order frames, or INVALID_MFN. */
mfn_t buddy_alloc(struct buddy *b, unsigned int order);

/* Return a block exactly as allocated (same first frame and order). */
void buddy_free(struct buddy *b, mfn_t mfn, unsigned int order);

#endif
