/*
 * The frame table: one struct frame_info per machine frame.
 *
 * The allocator (hospes/frame.h) only knows free and used.  This table says
 * who owns a used frame and what it is for, which is what every isolation
 * decision rests on: a guest may map a frame only if its p2m names it, and
 * the p2m names only frames whose frame_info says the domain owns them (or
 * that it holds by grant).  Frames the hypervisor never handed out (its
 * image, firmware areas, the table itself) read as DOMID_XEN.
 *
 * The table is allocated from the frame allocator at boot and indexed by
 * mfn.  Fields are documented in hospes/mm.h.
 */
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/printk.h>
#include <hospes/arch.h>

#include "mm_private.h"

struct frame_info *frame_table;
unsigned long frame_table_size;

unsigned int mm_order_for_bytes(unsigned long bytes)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

void *mm_alloc_meta(unsigned int order)
{
	mfn_t m = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, order);

	if (mfn_eq(m, INVALID_MFN))
		return NULL;
	memset(mfn_to_virt(m), 0, PAGE_SIZE << order);
	return mfn_to_virt(m);
}

void mm_free_meta(void *va, unsigned int order)
{
	if (va)
		mm_free_frames(virt_to_mfn(va), order);
}

int frame_table_init(unsigned long nr_frames)
{
	unsigned int order = mm_order_for_bytes(nr_frames * sizeof(struct frame_info));
	mfn_t m = frame_alloc(order);

	if (mfn_eq(m, INVALID_MFN)) {
		printk(LOG_ERR "frame table: no memory for %lu frames\n", nr_frames);
		return -1;
	}
	frame_table = mfn_to_virt(m);
	frame_table_size = nr_frames;
	for (unsigned long i = 0; i < nr_frames; i++)
		frame_table[i] = (struct frame_info){.owner = DOMID_XEN, .use = FRAME_HYPERVISOR};
	return 0;
}

/* Allocated frames start with no page-table role and no shadow mappings. */
mfn_t mm_alloc_frames(domid_t owner, enum frame_use use, unsigned int order)
{
	mfn_t m = frame_alloc(order);

	if (mfn_eq(m, INVALID_MFN))
		return m;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct frame_info *fi = frame_info(_mfn(mfn_x(m) + i));

		if (fi)
			*fi = (struct frame_info){.owner = owner, .use = use};
	}
	return m;
}

/*
 * A frame goes back to the allocator only when nothing maps it: callers
 * remove shadow mappings and flush TLBs first (the isolation invariant).
 */
void mm_free_frames(mfn_t mfn, unsigned int order)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		struct frame_info *fi = frame_info(_mfn(mfn_x(mfn) + i));

		if (!fi)
			continue;
		ASSERT(fi->smap_count == 0 && fi->pt_refs == 0);
		*fi = (struct frame_info){.owner = DOMID_FREE, .use = FRAME_FREE};
	}
	frame_free(mfn, order);
}

void mm_frame_grant_get(mfn_t mfn)
{
	__atomic_add_fetch(&frame_info(mfn)->grant_refs, 1, __ATOMIC_ACQ_REL);
}

static void free_orphan(mfn_t mfn)
{
	frame_info(mfn)->grant_refs = 0;
	mm_free_frames(mfn, 0);
}

void mm_frame_grant_put(mfn_t mfn)
{
	uint32_t old = __atomic_fetch_sub(&frame_info(mfn)->grant_refs, 1, __ATOMIC_ACQ_REL);

	ASSERT(old & ~FRAME_ORPHAN);
	if (old == (FRAME_ORPHAN | 1))
		free_orphan(mfn); /* the owner is gone and this was the last use */
}

void mm_release_guest_frame(mfn_t mfn)
{
	struct frame_info *fi = frame_info(mfn);

	fi->pin_level = 0;
	fi->pt_refs = 0;
	fi->pt_levels = 0;
	fi->owner = DOMID_XEN; /* nobody's RAM any more, until freed */
	if (!(__atomic_fetch_or(&fi->grant_refs, FRAME_ORPHAN, __ATOMIC_ACQ_REL) & ~FRAME_ORPHAN))
		free_orphan(mfn);
}
