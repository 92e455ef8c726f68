/*
 * The PV MMU seen from inside a guest: the m2p view, update_va_mapping
 * remapping a page of the guest's own image (and putting it back), a
 * mmu_update batch stopping at a bad entry with the right `done`, refusal
 * of a writable mapping of a page table, a second address space (a copy of
 * the boot L4) pinned, loaded with NEW_BASEPTR, used and left, and
 * ballooning one frame out and back in; spaces.c adds eight address
 * spaces switched round-robin and the protection of pinned tables.  Every access after a remap or a
 * root switch goes through shadows the hypervisor fills on demand.
 *
 * The image runs with VIRT_BASE 0, so the VA of a guest pfn is pfn * 4K
 * and its frame is mfn_list[pfn].
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/memory.h>

const char test_title[] = "mm";

#define PTE_FLAGS 0x63UL /* P, RW, A, D */

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint64_t l4_copy[512] __attribute__((aligned(4096)));

static unsigned long *mfn_list(void)
{
	return (unsigned long *)tg_start_info->mfn_list;
}

static long uvm(const void *va, uint64_t pte, unsigned long flags)
{
	return hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)va, pte, flags, 0, 0);
}

static void test_m2p(void)
{
	const unsigned long *m2p = (const unsigned long *)0xffff800000000000UL;
	bool ok = true;

	for (unsigned long pfn = 0; pfn < tg_start_info->nr_pages; pfn += 97)
		ok = ok && m2p[mfn_list()[pfn]] == pfn;
	tg_check(ok, "m2p[mfn_list[pfn]] == pfn");
}

static void test_remap(void)
{
	volatile uint64_t *a = (volatile uint64_t *)page_a;
	unsigned long ma = tg_mfn_of(page_a), mb = tg_mfn_of(page_b);

	page_a[0] = 0xaa;
	page_b[0] = 0xbb;
	tg_expect(uvm(page_a, (mb << 12) | PTE_FLAGS, UVMF_INVLPG), 0,
		  "remap page_a to page_b's frame");
	tg_expect(a[0], 0xbb, "page_a now reads page_b's frame");
	a[1] = 0x1234;
	tg_expect(uvm(page_a, (ma << 12) | PTE_FLAGS, UVMF_INVLPG), 0, "map page_a back");
	tg_expect(page_a[0], 0xaa, "page_a reads its own frame again");
	tg_expect(((volatile uint64_t *)page_b)[1], 0x1234, "the write landed in page_b's frame");
	tg_expect(uvm((void *)0xffff800000000000UL, 0, 0), -XEN_EINVAL,
		  "update_va_mapping in the hypervisor range");
	/* (dom0 may map device memory, every frame above RAM up to 256 TiB: take one beyond) */
	tg_expect(uvm(page_a, (1UL << 38) << 12 | PTE_FLAGS, 0), -XEN_EINVAL,
		  "update_va_mapping to a frame the guest does not own");
	tg_expect(uvm(page_a, (tg_mfn_of((void *)tg_start_info->pt_base) << 12) | PTE_FLAGS, 0),
		  -XEN_EINVAL, "writable mapping of the loaded L4 refused");
}

static void test_batch(void)
{
	static struct mmu_update req[3];
	static unsigned int done;
	unsigned long l4 = tg_mfn_of((void *)tg_start_info->pt_base);
	unsigned long mb = tg_mfn_of(page_b);

	req[0].ptr = (mb << 12) | MMU_MACHPHYS_UPDATE;
	req[0].val = (unsigned long)page_b >> 12;
	req[1].ptr = (l4 << 12) + 8 * 260; /* a hypervisor slot of the L4 */
	req[1].val = 0;
	req[2] = req[0];
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, 3, (unsigned long)&done,
			    DOMID_SELF, 0),
		  -XEN_EINVAL, "mmu_update stops at the bad entry");
	tg_expect(done, 1, "done counts the entries before it");
}

static void test_second_address_space(void)
{
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;
	unsigned long boot = tg_mfn_of(boot_l4), copy = tg_mfn_of(l4_copy);
	static volatile unsigned long probe = 42;

	for (int i = 0; i < 512; i++)
		l4_copy[i] = (i >= 256 && i < 272) ? 0 : boot_l4[i];
	tg_expect(tg_mmuext(MMUEXT_PIN_L4_TABLE, copy), 0, "pin a copy of the boot L4");
	for (int round = 0; round < 4; round++) {
		tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, copy), 0, "switch to the copy");
		tg_expect(probe, 42, "data reads the same in the copy");
		tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, boot), 0, "switch back to the boot L4");
	}
	page_b[8] = 1; /* entry 1: present, frame 0: not a valid L4 entry for a dom0 */
	tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, tg_mfn_of(page_b)), -XEN_EINVAL,
		  "NEW_BASEPTR to a frame that is no valid L4");
	tg_expect(tg_mmuext(MMUEXT_UNPIN_TABLE, copy), 0, "unpin the copy");
	tg_expect(tg_mmuext(MMUEXT_UNPIN_TABLE, copy), -XEN_EINVAL, "unpin twice");
}

static void test_balloon(void)
{
	static xen_pfn_t frame;
	static struct xen_memory_reservation r;
	static domid_t self = DOMID_SELF;
	long before = hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
				(unsigned long)&self, 0, 0, 0);

	tg_expect(before, (long)tg_start_info->nr_pages, "current_reservation is nr_pages");
	r.extent_start.p = &frame;
	r.nr_extents = 1;
	r.domid = DOMID_SELF;
	frame = mfn_list()[tg_start_info->nr_pages - 1]; /* the last frame: past the image */
	tg_expect(hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (unsigned long)&r,
			    0, 0, 0),
		  1, "decrease_reservation of one frame");
	tg_expect(hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
			    (unsigned long)&self, 0, 0, 0),
		  before - 1, "one frame fewer");
	tg_expect(hypercall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation, (unsigned long)&r,
			    0, 0, 0),
		  0, "the same frame again: nothing done");
	tg_expect(hypercall(__HYPERVISOR_memory_op, XENMEM_populate_physmap, (unsigned long)&r, 0,
			    0, 0),
		  1, "populate_physmap gives a frame back");
	tg_expect(hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation,
			    (unsigned long)&self, 0, 0, 0),
		  before, "back to nr_pages");
}

void test_spaces(void); /* spaces.c */

void test_main(void)
{
	test_m2p();
	test_remap();
	test_batch();
	test_second_address_space();
	test_balloon();
	test_spaces();
}
