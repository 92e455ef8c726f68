/*
 * Mapping the domain's RAM: from the bootstrap tables to VA = PFN << 12
 * for every page.
 *
 * The builder maps the image and its own structures up to a 4 MiB
 * boundary with at least 512 KiB to spare past the bootstrap page tables.
 * mm_init() extends that mapping to all nr_pages frames: it walks the
 * tables from pt_base, and where a level is missing takes the next free
 * PFN (always inside what is already mapped, since each new L1 maps 512
 * pages and consumes one), zeroes it, makes its own mapping read-only
 * (the hypervisor accepts only read-only mappings of page tables) and
 * links it with mmu_update.  Leaf entries are written in batches of one
 * L1 table per hypercall.  A table is found again through the m2p view
 * (machine frame -> PFN -> VA).
 *
 * After that the free PFNs above the tables go to the page allocator and
 * half of them, as one range, to the heap.  Pages outside RAM (shared
 * info, foreign frames) are mapped in a window above RAM by
 * map_machine_page(); device memory (DOMID_IO) and other domains' frames
 * by map_foreign_pages(), which reports a refusal instead of panicking.
 *
 * TLB: as in Xen, a PTE written by mmu_update is not flushed by the
 * hypervisor, and no switch or idle period flushes one either (a CPU
 * keeps a vCPU's tables while it idles).  So a mapping that is replaced
 * or removed is flushed here, on every vCPU: otherwise a window reused
 * for another domain's frames would still write to the old ones.
 */
#include "mm.h"
#include "heap.h"
#include "pages.h"
#include <asm/hypercall.h>
#include <core/kernel.h>
#include <string.h>

#define PT_ENTRIES  512
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define LEAF_FLAGS  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

static unsigned long next_free_pfn;
static bool allocator_ready; /* then page tables come from pages_alloc() */

unsigned long pfn_to_mfn(unsigned long pfn)
{
	return ((unsigned long *)start_info->mfn_list)[pfn];
}

unsigned long va_to_mfn(const void *p)
{
	return pfn_to_mfn((uintptr_t)p >> PAGE_SHIFT);
}

void va_to_mfns(const void *p, unsigned int n, unsigned long *mfn)
{
	const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
	unsigned long pfn = (uintptr_t)p >> PAGE_SHIFT;

	for (unsigned int i = 0; i < n; i++)
		mfn[i] = p2m[pfn + i];
}

static uint64_t *table_of(uint64_t entry)
{
	unsigned long mfn = (entry & PTE_ADDR_MASK) >> PAGE_SHIFT;
	return pfn_to_virt(machine_to_phys_mapping[mfn]);
}

static void mmu_update_or_panic(struct mmu_update *req, unsigned int n)
{
	unsigned int done = 0;
	long rc = hv_mmu_update(req, n, &done);
	if (rc < 0 || done != n)
		panic("mmu_update: %ld (%u of %u done)", rc, done, n);
}

static void mmuext_or_panic(unsigned int cmd, unsigned long va)
{
	struct mmuext_op op = {.cmd = cmd};
	op.arg1.linear_addr = va;
	long rc = hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
	if (rc < 0)
		panic("mmuext_op %u: %ld", cmd, rc);
}

static uint64_t machine_addr_of(const uint64_t *p)
{
	unsigned long pfn = (uintptr_t)p >> PAGE_SHIFT;
	return (pfn_to_mfn(pfn) << PAGE_SHIFT) | ((uintptr_t)p & (PAGE_SIZE - 1));
}

/* A new, empty, read-only page table linked at *slot. */
static uint64_t *new_table(uint64_t *slot)
{
	unsigned long pfn = allocator_ready ? pages_alloc(1) : next_free_pfn++;
	if (pfn == NO_PFN)
		panic("out of pages for a page table");
	unsigned long mfn = pfn_to_mfn(pfn);
	uint64_t *t = pfn_to_virt(pfn);
	memset(t, 0, PAGE_SIZE);
	long rc = hv_update_va_mapping(
		(uintptr_t)t, (mfn << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER, UVMF_INVLPG);
	if (rc)
		panic("cannot make page table %#lx read-only: %ld", pfn, rc);
	struct mmu_update u = {.ptr = machine_addr_of(slot) | MMU_NORMAL_PT_UPDATE,
			       .val = (mfn << PAGE_SHIFT) | TABLE_FLAGS};
	mmu_update_or_panic(&u, 1);
	return t;
}

/* The L1 table covering va, created with its parents as needed. */
static uint64_t *l1_for(unsigned long va)
{
	uint64_t *t = (uint64_t *)start_info->pt_base;
	for (int level = 3; level >= 1; level--) {
		uint64_t *slot = &t[(va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1)];
		t = (*slot & _PAGE_PRESENT) ? table_of(*slot) : new_table(slot);
	}
	return t;
}

/* Maps PFNs [pfn, end) that are not mapped yet, one L1 table per batch. */
static void map_range(unsigned long pfn, unsigned long end)
{
	static struct mmu_update req[PT_ENTRIES];
	while (pfn < end) {
		uint64_t *l1 = l1_for(pfn << PAGE_SHIFT);
		unsigned int n = 0;
		do {
			uint64_t *pte = &l1[pfn & (PT_ENTRIES - 1)];
			if (!(*pte & _PAGE_PRESENT)) {
				req[n].ptr = machine_addr_of(pte) | MMU_NORMAL_PT_UPDATE;
				req[n].val = (pfn_to_mfn(pfn) << PAGE_SHIFT) | LEAF_FLAGS;
				n++;
			}
			pfn++;
		} while (pfn < end && (pfn & (PT_ENTRIES - 1)));
		if (n)
			mmu_update_or_panic(req, n);
	}
}

void map_machine_page(unsigned long va, unsigned long mfn)
{
	uint64_t *pte = &l1_for(va)[(va >> PAGE_SHIFT) & (PT_ENTRIES - 1)];
	bool replaced = *pte & _PAGE_PRESENT;
	struct mmu_update u = {.ptr = machine_addr_of(pte) | MMU_NORMAL_PT_UPDATE,
			       .val = (mfn << PAGE_SHIFT) | LEAF_FLAGS};
	mmu_update_or_panic(&u, 1);
	if (replaced)
		mmuext_or_panic(MMUEXT_INVLPG_ALL, va);
}

long map_foreign_pages(unsigned long va, unsigned long mfn, unsigned long n, uint64_t flags,
		       uint16_t dom)
{
	bool replaced = false;
	long rc = 0;
	for (unsigned long i = 0; i < n && rc >= 0; i++) {
		unsigned long a = va + i * PAGE_SIZE;
		uint64_t *pte = &l1_for(a)[(a >> PAGE_SHIFT) & (PT_ENTRIES - 1)];
		replaced |= (*pte & _PAGE_PRESENT) != 0;
		struct mmu_update u = {.ptr = machine_addr_of(pte) | MMU_NORMAL_PT_UPDATE,
				       .val = ((mfn + i) << PAGE_SHIFT) | flags};
		unsigned int done = 0;
		rc = hv_mmu_update_foreign(&u, 1, &done, dom);
	}
	if (replaced)
		mmuext_or_panic(MMUEXT_TLB_FLUSH_ALL, 0);
	return rc < 0 ? rc : 0;
}

void unmap_pages(unsigned long va, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		unsigned long a = va + i * PAGE_SIZE;
		uint64_t *pte = &l1_for(a)[(a >> PAGE_SHIFT) & (PT_ENTRIES - 1)];
		struct mmu_update u = {.ptr = machine_addr_of(pte) | MMU_NORMAL_PT_UPDATE,
				       .val = 0};
		mmu_update_or_panic(&u, 1);
	}
	if (n)
		mmuext_or_panic(MMUEXT_TLB_FLUSH_ALL, 0);
}

unsigned long map_window_alloc(unsigned long pages)
{
	static unsigned long next_va = MAP_WINDOW_VA;
	unsigned long va = next_va;

	next_va += pages << PAGE_SHIFT;
	for (unsigned long p = va; p < next_va; p += PAGE_SIZE)
		l1_for(p);
	return va;
}

void mm_init(void)
{
	unsigned long nr = start_info->nr_pages;
	/* The page tables, then the boot stack page the builder put above them. */
	next_free_pfn = PFN_UP(start_info->pt_base) + start_info->nr_pt_frames + 1;
	map_range(next_free_pfn, nr);
	pages_init(next_free_pfn, nr);
	allocator_ready = true;
	unsigned long heap_pages = pages_free_count() / 2;
	unsigned long heap = pages_alloc(heap_pages);
	if (heap == NO_PFN)
		panic("no room for a heap of %lu pages", heap_pages);
	heap_init((uintptr_t)pfn_to_virt(heap), (uintptr_t)pfn_to_virt(heap + heap_pages));
	printk("mm: %lu pages, %lu for the heap, %lu free\n", nr, heap_pages, pages_free_count());
}
