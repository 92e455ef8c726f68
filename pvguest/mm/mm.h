/*
 * Guest memory: frame numbers, the mapping of all RAM, and page-table
 * edits through the hypervisor (mm/map.c).
 */
#ifndef PVGUEST_MM_MM_H
#define PVGUEST_MM_MM_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PFN_UP(x)  (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)

#define _PAGE_PRESENT 0x001UL
#define _PAGE_RW      0x002UL
#define _PAGE_USER    0x004UL
#define _PAGE_PWT     0x008UL
#define _PAGE_PCD     0x010UL
#define PTE_ADDR_MASK 0x000ffffffffff000UL

/* VA = PFN << 12 for every page of RAM once mm_init() has run. */
static inline void *pfn_to_virt(unsigned long pfn)
{
	return (void *)(pfn << PAGE_SHIFT);
}

unsigned long pfn_to_mfn(unsigned long pfn);
/* The machine frame holding byte p of RAM (what grants and copies name). */
unsigned long va_to_mfn(const void *p);
/* The machine frames of the n pages from the page holding p, into mfn[]. */
void va_to_mfns(const void *p, unsigned int n, unsigned long *mfn);
/* Maps all RAM, sets up the page allocator and the heap. */
void mm_init(void);
/* Maps machine frame mfn at va (a page outside RAM's range), or panics. */
void map_machine_page(unsigned long va, unsigned long mfn);

/* Maps n machine frames from mfn at va with the given PTE flags, owned by
 * dom (DOMID_IO for device memory); 0 or the hypervisor's error. */
long map_foreign_pages(unsigned long va, unsigned long mfn, unsigned long n, uint64_t flags,
		       uint16_t dom);

/* Clears the n PTEs from va (mappings made by map_foreign_pages). */
void unmap_pages(unsigned long va, unsigned long n);

/*
 * `pages` pages of virtual addresses above RAM, never handed out twice,
 * whose page-table entries exist and are empty (grant maps need that).
 */
#define MAP_WINDOW_VA 0x7f0040000000UL
unsigned long map_window_alloc(unsigned long pages);

#endif
