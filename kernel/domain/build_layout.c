/*
 * The PV boot layout (xen-pv-abi.md section 3.3), computed before any frame
 * is touched.
 *
 * A new PV domain starts inside one contiguous mapped region
 * [v_start = VIRT_BASE, v_end) in which VA = VIRT_BASE + pfn * 4 KiB.  After
 * the kernel image come, each page-aligned: the module (if mapped), the p2m
 * list (nr_pages 8-byte entries), start_info, for a domU the xenstore and
 * console pages, the bootstrap page tables (the L4 first), one page of boot
 * stack.  v_end is the next 4 MiB boundary leaving at least 512 KiB of
 * mapped slack after the stack.
 *
 * The number of page-table frames depends on v_end and v_end on it, so the
 * computation counts up from the smallest possible table set until the
 * tables needed to map [v_start, v_end) fit in the frames reserved (Xen's
 * dom0 builder does the same).  A 64 MiB dom0 with a small image gets
 * v_end = 4 MiB and 5 frames: L4, L3, L2 and two L1s.
 *
 * The tables map every page read-write except the page-table frames
 * themselves, which are read-only (the PV rule that guest page tables are
 * never writable).  Entries hold the guest's own frame numbers (mfn()).
 */
#include <hospes/build_layout.h>
#include <hospes/lib.h>
#include <public/errno.h>

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39

#define PTE_P	  0x001UL
#define PTE_RW	  0x002UL
#define PTE_U	  0x004UL
#define PTE_A	  0x020UL
#define PTE_D	  0x040UL
#define PTE_UPPER (PTE_P | PTE_RW | PTE_U | PTE_A | PTE_D)

#define GUEST_LOW_END	 (1UL << 47)	      /* end of the lower canonical half */
#define GUEST_HIGH_START 0xFFFF880000000000UL /* above the hypervisor's L4 slots 256-271 */

/* Number of (1 << shift)-sized slots [lo, hi) touches. */
static unsigned long nr_slots(uint64_t lo, uint64_t hi, unsigned int shift)
{
	uint64_t mask = (1UL << shift) - 1;
	return (unsigned long)((((hi + mask) & ~mask) - (lo & ~mask)) >> shift);
}

static unsigned long tables_needed(uint64_t lo, uint64_t hi)
{
	return 1 + nr_slots(lo, hi, L4_SHIFT) + nr_slots(lo, hi, L3_SHIFT) +
	       nr_slots(lo, hi, L2_SHIFT);
}

static uint64_t v_end_after(uint64_t stack_end)
{
	uint64_t end = ALIGN_UP(stack_end, PV_LAYOUT_ALIGN);
	if (end - stack_end < PV_LAYOUT_SLACK)
		end += PV_LAYOUT_ALIGN;
	return end;
}

int pv_layout_compute(const struct pv_layout_req *req, struct pv_layout *l)
{
	memset(l, 0, sizeof(*l));
	if (req->virt_base % PAGE_SIZE || req->virt_kstart < req->virt_base ||
	    req->virt_kend < req->virt_kstart || req->nr_pages == 0 ||
	    req->nr_pages > (1UL << 28) || req->mod_len > (1UL << 32))
		return -XEN_EINVAL;
	/* The region lies in the lower canonical half or above the hypervisor's slots. */
	bool low = req->virt_base < GUEST_LOW_END;
	if (!low && req->virt_base < GUEST_HIGH_START)
		return -XEN_EINVAL;
	l->v_start = req->virt_base;
	l->nr_pages = req->nr_pages;
	uint64_t va = ALIGN_UP(req->virt_kend, PAGE_SIZE);
	if (req->mod_len) {
		l->mod_start = va;
		va += ALIGN_UP(req->mod_len, PAGE_SIZE);
	}
	l->p2m_start = va;
	l->p2m_pages = ALIGN_UP(req->nr_pages * 8, PAGE_SIZE) >> PAGE_SHIFT;
	va += l->p2m_pages * PAGE_SIZE;
	l->start_info = va;
	va += PAGE_SIZE;
	if (!req->dom0) {
		l->xenstore = va;
		l->console = va + PAGE_SIZE;
		va += 2 * PAGE_SIZE;
	}
	l->pt_start = va;
	for (l->nr_pt_frames = 2;; l->nr_pt_frames++) {
		l->stack = l->pt_start + l->nr_pt_frames * PAGE_SIZE;
		l->v_end = v_end_after(l->stack + PAGE_SIZE);
		if (tables_needed(l->v_start, l->v_end) <= l->nr_pt_frames)
			break;
	}
	if (l->v_end <= l->v_start || (low && l->v_end > GUEST_LOW_END))
		return -XEN_EINVAL;
	if ((l->v_end - l->v_start) >> PAGE_SHIFT > req->nr_pages)
		return -XEN_ENOMEM;
	return 0;
}

/* Frame index (from pt_start) of the table of level 'shift' covering va. */
static unsigned long table_index(const struct pv_layout *l, uint64_t va, unsigned int shift)
{
	unsigned long n3 = nr_slots(l->v_start, l->v_end, L4_SHIFT);
	unsigned long n2 = nr_slots(l->v_start, l->v_end, L3_SHIFT);
	switch (shift) {
	case L4_SHIFT:
		return 0;
	case L3_SHIFT:
		return 1 + (va >> L4_SHIFT) - (l->v_start >> L4_SHIFT);
	case L2_SHIFT:
		return 1 + n3 + (va >> L3_SHIFT) - (l->v_start >> L3_SHIFT);
	default: /* the L1 */
		return 1 + n3 + n2 + (va >> L2_SHIFT) - (l->v_start >> L2_SHIFT);
	}
}

static uint64_t *table(const struct pv_layout *l, unsigned long idx, pv_frame_fn frame, void *ctx)
{
	ASSERT(idx < l->nr_pt_frames);
	return frame(ctx, pv_layout_pfn(l, l->pt_start) + idx);
}

void pv_layout_write_tables(const struct pv_layout *l, pv_frame_fn frame, pv_mfn_fn mfn, void *ctx)
{
	static const unsigned int shifts[] = {L4_SHIFT, L3_SHIFT, L2_SHIFT};
	unsigned long pt_pfn = pv_layout_pfn(l, l->pt_start);
	for (unsigned long i = 0; i < l->nr_pt_frames; i++)
		memset(table(l, i, frame, ctx), 0, PAGE_SIZE);
	for (uint64_t va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
		for (unsigned int s = 0; s < ARRAY_SIZE(shifts); s++) {
			uint64_t *t = table(l, table_index(l, va, shifts[s]), frame, ctx);
			unsigned long below = table_index(l, va, shifts[s] - 9);
			t[(va >> shifts[s]) & 511] =
				(mfn(ctx, pt_pfn + below) << PAGE_SHIFT) | PTE_UPPER;
		}
		unsigned long pfn = pv_layout_pfn(l, va);
		bool is_pt = pfn >= pt_pfn && pfn < pt_pfn + l->nr_pt_frames;
		uint64_t *l1 = table(l, table_index(l, va, L2_SHIFT - 9), frame, ctx);
		l1[(va >> L1_SHIFT) & 511] =
			(mfn(ctx, pfn) << PAGE_SHIFT) | PTE_P | PTE_A | (is_pt ? 0 : PTE_RW);
	}
}
