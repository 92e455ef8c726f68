/*
 * Page allocator over the domain's pseudo-physical frames.
 *
 * At boot the hypervisor gives the domain start_info.nr_pages frames; the
 * image, the p2m list, start_info, the console and store pages and the
 * bootstrap page tables sit at the low end, up to pt_base + nr_pt_frames
 * (plus the boot stack page).  Every PFN above that is ours to hand out.
 * One bit per PFN says "in use"; a hint remembers the lowest PFN that may
 * be free, so the common one-page allocation does not rescan the low,
 * full part of the map.  Not a hot path: the heap grows in big steps.
 *
 * Invariant: bit set <=> PFN in use or outside [first, end).  Single vCPU
 * and only called from thread context: no lock.
 */
#include "pages.h"

#define BITS 64

static uint64_t used[PAGES_MAX / BITS];
static unsigned long lo, hi, hint, nr_free;

static bool is_used(unsigned long pfn)
{
	return used[pfn / BITS] & (1UL << (pfn % BITS));
}

static void mark(unsigned long pfn, unsigned long n, bool in_use)
{
	for (unsigned long p = pfn; p < pfn + n; p++) {
		if (in_use)
			used[p / BITS] |= 1UL << (p % BITS);
		else
			used[p / BITS] &= ~(1UL << (p % BITS));
	}
}

void pages_init(unsigned long first, unsigned long end)
{
	if (end > PAGES_MAX)
		end = PAGES_MAX;
	if (first > end)
		first = end;
	mark(0, PAGES_MAX, true);
	mark(first, end - first, false);
	lo = hint = first;
	hi = end;
	nr_free = end - first;
}

unsigned long pages_alloc(unsigned long n)
{
	if (n == 0 || n > nr_free)
		return NO_PFN;
	unsigned long run = 0;
	for (unsigned long p = hint; p < hi; p++) {
		run = is_used(p) ? 0 : run + 1;
		if (run == n) {
			unsigned long first = p + 1 - n;
			mark(first, n, true);
			nr_free -= n;
			if (first == hint)
				hint = p + 1;
			return first;
		}
	}
	return NO_PFN;
}

bool pages_free(unsigned long pfn, unsigned long n)
{
	if (pfn < lo || pfn > hi || n > hi - pfn)
		return false;
	for (unsigned long p = pfn; p < pfn + n; p++)
		if (!is_used(p))
			return false;
	mark(pfn, n, false);
	nr_free += n;
	if (pfn < hint)
		hint = pfn;
	return true;
}

unsigned long pages_free_count(void)
{
	return nr_free;
}
