/*
 * The buddy allocator's operations (the idea and invariants are in
 * hospes/buddy.h).  Every operation is O(BUDDY_MAX_ORDER).
 */
#include <hospes/buddy.h>
#include <hospes/lib.h>

void buddy_init(struct buddy *b, struct buddy_frame *frames, unsigned long nr_frames)
{
	ASSERT(nr_frames < BUDDY_NONE);
	b->frames = frames;
	b->nr_frames = nr_frames;
	for (unsigned int k = 0; k <= BUDDY_MAX_ORDER; k++)
		b->head[k] = BUDDY_NONE;
	b->nr_free = 0;
	b->nr_total = 0;
}

static void list_push(struct buddy *b, unsigned long f, unsigned int order)
{
	struct buddy_frame *bf = &b->frames[f];
	bf->state = BUDDY_FREE;
	bf->order = (uint8_t)order;
	bf->prev = BUDDY_NONE;
	bf->next = b->head[order];
	if (bf->next != BUDDY_NONE)
		b->frames[bf->next].prev = (uint32_t)f;
	b->head[order] = (uint32_t)f;
	b->nr_free += 1UL << order;
}

static void list_remove(struct buddy *b, unsigned long f)
{
	struct buddy_frame *bf = &b->frames[f];
	if (bf->prev != BUDDY_NONE)
		b->frames[bf->prev].next = bf->next;
	else
		b->head[bf->order] = bf->next;
	if (bf->next != BUDDY_NONE)
		b->frames[bf->next].prev = bf->prev;
	bf->state = BUDDY_UNUSED;
	b->nr_free -= 1UL << bf->order;
}

/* Put block f of the given order on the free lists, merging with buddies. */
static void free_block(struct buddy *b, unsigned long f, unsigned int order)
{
	while (order < BUDDY_MAX_ORDER) {
		unsigned long buddy = f ^ (1UL << order);
		if (buddy >= b->nr_frames)
			break;
		const struct buddy_frame *bf = &b->frames[buddy];
		if (bf->state != BUDDY_FREE || bf->order != order)
			break;
		list_remove(b, buddy);
		f &= ~(1UL << order);
		order++;
	}
	list_push(b, f, order);
}

void buddy_add_range(struct buddy *b, unsigned long start, unsigned long count)
{
	ASSERT(start <= b->nr_frames && count <= b->nr_frames - start);
	unsigned long end = start + count;
	while (start < end) {
		unsigned int order = 0;
		while (order < BUDDY_MAX_ORDER && !(start & (1UL << order)) &&
		       start + (2UL << order) <= end)
			order++;
		b->nr_total += 1UL << order;
		free_block(b, start, order);
		start += 1UL << order;
	}
}

mfn_t buddy_alloc(struct buddy *b, unsigned int order)
{
	if (order > BUDDY_MAX_ORDER)
		return INVALID_MFN;
	unsigned int k = order;
	while (k <= BUDDY_MAX_ORDER && b->head[k] == BUDDY_NONE)
		k++;
	if (k > BUDDY_MAX_ORDER)
		return INVALID_MFN;
	unsigned long f = b->head[k];
	list_remove(b, f);
	while (k > order) { /* split: keep the lower half, free the upper */
		k--;
		list_push(b, f + (1UL << k), k);
	}
	b->frames[f].state = BUDDY_ALLOC;
	b->frames[f].order = (uint8_t)order;
	return _mfn(f);
}

void buddy_free(struct buddy *b, mfn_t mfn, unsigned int order)
{
	unsigned long f = mfn_x(mfn);
	if (f >= b->nr_frames || order > BUDDY_MAX_ORDER)
		panic("frame_free: mfn %#lx order %u is outside the allocator", f, order);
	struct buddy_frame *bf = &b->frames[f];
	if (bf->state == BUDDY_FREE)
		panic("frame_free: double free of mfn %#lx (order %u)", f, order);
	if (bf->state != BUDDY_ALLOC)
		panic("frame_free: mfn %#lx was not handed out by frame_alloc", f);
	if (bf->order != order)
		panic("frame_free: mfn %#lx freed with order %u, allocated with order %u", f, order,
		      bf->order);
	bf->state = BUDDY_UNUSED;
	free_block(b, f, order);
}
