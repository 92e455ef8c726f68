/*
 * x86-64 page-table entries and the hypervisor's own mappings
 * (kernel/arch/x86_64/paging.c).
 *
 * Hypervisor page tables are 4-level.  In the hypervisor's PML4 slots
 * (256-271) every non-leaf entry is present, writable and user: the leaf
 * entry alone decides access (supervisor-only everywhere except the
 * read-only m2p, which guests may read), as in Xen.  The L3 tables of
 * those slots exist from boot on and never change, so a shadow that copies
 * the 16 PML4 entries sees every later hypervisor mapping.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <hospes/types.h>

#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_NX       (1UL << 63)
#define PTE_ADDR_MASK  0x000FFFFFFFFFF000UL

/* Leaf flags for map_pages().  NX is dropped on CPUs without it. */
#define PAGE_HYPERVISOR_RW                                                                         \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_HYPERVISOR_RX (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL)
#define PAGE_HYPERVISOR_UC (PAGE_HYPERVISOR_RW | _PAGE_PCD | _PAGE_PWT)
#define PAGE_GUEST_RO	   (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER | _PAGE_NX) /* the m2p */

/* Map nr 4 KiB frames from mfn at va (hypervisor half); 0 or -XEN_ENOMEM. */
int map_pages(unsigned long va, mfn_t mfn, unsigned long nr, uint64_t flags);

/* Uncached mapping of MMIO [pa, pa + size) in the ioremap window; NULL if full. */
void *ioremap(paddr_t pa, size_t size);

/* The hypervisor's PML4 (machine address), for shadows to copy slots 256-271. */
paddr_t hypervisor_pml4_maddr(void);
const uint64_t *hypervisor_pml4(void);

/* Build and load the final page tables (kernel/core/start.c calls it once). */
struct boot_info;
void paging_init(const struct boot_info *bi);

#endif
