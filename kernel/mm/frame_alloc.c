/*
 * The machine frame allocator: one buddy allocator (hospes/buddy.h) over
 * all RAM, behind one lock.
 *
 * Set-up (frame_alloc_init, once, on the boot CPU, before anything else
 * allocates):
 *   1. free memory = the loader's RAM ranges minus firmware/ACPI/reserved
 *      ranges, the first MiB (real-mode trampolines, BIOS data), the image
 *      and the modules (hospes/memmap.h).  The loader's information block
 *      needs no reservation: kernel/lib/multiboot.c copied it already.
 *   2. the per-frame records (12 bytes a frame, 0.3% of RAM) are carved
 *      from the top of the largest free range below 4 GiB, which the early
 *      direct map reaches.
 *   3. free frames below 4 GiB are handed to the buddy allocator; those
 *      above wait for frame_alloc_add_high(), called once the final page
 *      tables map all RAM (frame_alloc zeroes frames through the direct
 *      map, so it may only hand out mapped frames).
 *
 * frame_alloc returns zeroed frames; the zeroing happens outside the lock.
 */
#include <hospes/arch.h>
#include <hospes/buddy.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/memmap.h>
#include <hospes/spinlock.h>

#define MAX_RANGES	 (BOOT_MAX_MEM + 2 * (BOOT_MAX_MODULES + 4))
#define EARLY_LIMIT	 (4UL << 30)
#define LOW_RESERVED_END 0x100000UL

static struct buddy heap;
static spinlock_t heap_lock = SPINLOCK_INIT;
static struct phys_range ranges[MAX_RANGES];
static unsigned int nr_ranges;
static unsigned long reserved_frames;

/* Take the record array from the top of the largest range below 4 GiB. */
static struct buddy_frame *carve_records(unsigned long nr_frames)
{
	size_t bytes = ALIGN_UP(nr_frames * sizeof(struct buddy_frame), PAGE_SIZE);
	struct phys_range *best = NULL;
	for (unsigned int i = 0; i < nr_ranges; i++) {
		struct phys_range *r = &ranges[i];
		paddr_t end = MIN(r->end, EARLY_LIMIT);
		if (end > r->start && end - r->start >= bytes &&
		    (!best || end - best->start > MIN(best->end, EARLY_LIMIT) - best->start))
			best = r;
	}
	if (!best)
		panic("frame_alloc: no room below 4 GiB for %zu bytes of frame records", bytes);
	paddr_t end = MIN(best->end, EARLY_LIMIT);
	paddr_t start = end - bytes;
	if (end == best->end) {
		best->end = start;
	} else { /* the range crosses 4 GiB: keep both sides */
		ASSERT(nr_ranges < MAX_RANGES);
		ranges[nr_ranges++] = (struct phys_range){end, best->end};
		best->end = start;
	}
	reserved_frames += bytes >> PAGE_SHIFT;
	void *va = maddr_to_virt(start);
	memset(va, 0, bytes);
	return va;
}

/* Hand the parts of every range within [lo, hi) to the buddy allocator. */
static void add_ranges(paddr_t lo, paddr_t hi)
{
	for (unsigned int i = 0; i < nr_ranges; i++) {
		paddr_t s = MAX(ranges[i].start, lo), e = MIN(ranges[i].end, hi);
		if (s < e)
			buddy_add_range(&heap, s >> PAGE_SHIFT, (e - s) >> PAGE_SHIFT);
	}
}

void frame_alloc_init(const struct boot_info *bi, paddr_t image_start, paddr_t image_end)
{
	struct phys_range excl[BOOT_MAX_MODULES + 2];
	unsigned int n = 0, dropped;
	excl[n++] = (struct phys_range){0, LOW_RESERVED_END};
	excl[n++] = (struct phys_range){image_start, image_end};
	for (unsigned int i = 0; i < bi->nr_modules; i++)
		excl[n++] = (struct phys_range){bi->modules[i].start, bi->modules[i].end};

	nr_ranges = memmap_usable(bi, excl, n, ranges, MAX_RANGES - 1, &dropped);
	if (dropped)
		printk(LOG_WARN "frames: %u free ranges ignored (memory map too fragmented)\n",
		       dropped);
	if (!nr_ranges)
		panic("frame_alloc: the memory map leaves no free RAM");

	unsigned long nr_frames = ranges[nr_ranges - 1].end >> PAGE_SHIFT;
	struct buddy_frame *records = carve_records(nr_frames);
	buddy_init(&heap, records, nr_frames);
	add_ranges(0, EARLY_LIMIT);
}

void frame_alloc_add_high(void)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	add_ranges(EARLY_LIMIT, ~0UL);
	spin_unlock_irqrestore(&heap_lock, flags);
}

mfn_t frame_alloc(unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	mfn_t m = buddy_alloc(&heap, order);
	spin_unlock_irqrestore(&heap_lock, flags);
	if (!mfn_eq(m, INVALID_MFN))
		memset(mfn_to_virt(m), 0, PAGE_SIZE << order);
	return m;
}

void frame_free(mfn_t mfn, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&heap_lock);
	buddy_free(&heap, mfn, order);
	spin_unlock_irqrestore(&heap_lock, flags);
}

unsigned long frame_free_count(void)
{
	return READ_ONCE(heap.nr_free);
}

unsigned long frame_total_count(void)
{
	return READ_ONCE(heap.nr_total);
}

unsigned long frame_span(void)
{
	return heap.nr_frames;
}
