/*
 * Stage 5 of the guest-kernel guide: page tables.
 *
 * A PV guest's page tables hold machine frame numbers, and the guest may
 * read them but never write them directly: it asks the hypervisor with
 * mmu_update (a list of "machine address of a PTE := value" requests) or
 * update_va_mapping (the PTE mapping one virtual address), and the
 * hypervisor checks every entry first (a frame must be the guest's; a
 * page-table frame may only be mapped read-only).  The builder's
 * bootstrap tables start at start_info.pt_base; the p2m list
 * (start_info.mfn_list) turns our PFNs into machine frames and the
 * hypervisor's machine_to_phys_mapping turns them back.
 *
 * This stage walks its own tables for one address, then maps a new page
 * at 1 GiB: two fresh table frames (L2 and L1, zeroed, remapped
 * read-only, linked by one mmu_update batch) and a data page; it writes
 * through the new mapping and reads the value back through the page's
 * old one, and shows two requests the hypervisor refuses.
 */
#include "../common/ex.h"

#define PRESENT	  1UL
#define RW	  2UL
#define USER	  4UL
#define ADDR_MASK 0x000ffffffffff000UL
#define NEW_VA	  0x40000000UL

static struct start_info *si;

static unsigned long mfn_of(unsigned long pfn)
{
	return ((unsigned long *)si->mfn_list)[pfn];
}

static uint64_t *table_at(uint64_t entry)
{
	unsigned long mfn = (entry & ADDR_MASK) >> 12;
	return (uint64_t *)(machine_to_phys_mapping[mfn] << 12);
}

/* The L1 entry mapping va, by a walk from pt_base. */
static uint64_t walk(unsigned long va)
{
	uint64_t *t = (uint64_t *)si->pt_base;
	for (int level = 4; level > 1; level--)
		t = table_at(t[(va >> (12 + 9 * (level - 1))) & 511]);
	return t[(va >> 12) & 511];
}

static long mmu_update(struct mmu_update *req, unsigned int n)
{
	unsigned int done = 0;
	return hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, n, (unsigned long)&done,
			 DOMID_SELF);
}

/* The machine address of entry idx of the table at PFN pfn. */
static uint64_t pte_addr(unsigned long pfn, unsigned int idx)
{
	return (mfn_of(pfn) << 12) + idx * 8;
}

static void check(int ok, const char *line)
{
	print("pagetables: ");
	print(line);
	print("\n");
	if (!ok)
		shutdown(SHUTDOWN_crash);
}

void example_main(struct start_info *start)
{
	si = start;
	unsigned long va = (unsigned long)example_main, pfn = va >> 12;
	check(((walk(va) & ADDR_MASK) >> 12) == mfn_of(pfn),
	      "the walk from pt_base for example_main agrees with the p2m list");
	/* Free frames: after the bootstrap tables and the boot stack page. */
	unsigned long l2 = (si->pt_base >> 12) + si->nr_pt_frames + 1, l1 = l2 + 1, data = l2 + 2;
	for (unsigned long p = l2; p <= l1; p++) {
		uint64_t *t = (uint64_t *)(p << 12);
		for (int i = 0; i < 512; i++)
			t[i] = 0;
		hypercall(__HYPERVISOR_update_va_mapping, p << 12,
			  (mfn_of(p) << 12) | PRESENT | USER, UVMF_INVLPG, 0);
	}
	uint64_t *l4 = (uint64_t *)si->pt_base, *l3 = table_at(l4[0]);
	unsigned long l3_pfn = (unsigned long)l3 >> 12;
	struct mmu_update req[3] = {
		{pte_addr(l1, 0), (mfn_of(data) << 12) | PRESENT | RW | USER},
		{pte_addr(l2, 0), (mfn_of(l1) << 12) | PRESENT | RW | USER},
		{pte_addr(l3_pfn, (NEW_VA >> 30) & 511), (mfn_of(l2) << 12) | PRESENT | RW | USER},
	};
	check(mmu_update(req, 3) == 0,
	      "mapped a new page at 0x40000000 with one mmu_update of 3 PTEs");
	*(volatile uint64_t *)NEW_VA = 0x1234abcd5678ef00UL;
	check(*(volatile uint64_t *)(data << 12) == 0x1234abcd5678ef00UL,
	      "wrote 0x1234abcd5678ef00 there and read it back at the page's own address");
	struct mmuext_op pin = {.cmd = MMUEXT_PIN_L1_TABLE};
	pin.arg1.mfn = mfn_of(l1);
	check(hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&pin, 1, 0, DOMID_SELF) == 0,
	      "pinned the new L1 table");
	check(hypercall(__HYPERVISOR_update_va_mapping, l1 << 12,
			(mfn_of(l1) << 12) | PRESENT | RW | USER, UVMF_INVLPG, 0) < 0,
	      "a writable mapping of the pinned L1 table is refused");
	/* Machine frame 0x200 (2 MiB) holds the hypervisor's own image: RAM
	 * that is not ours.  (A frame beyond RAM would not do as the example:
	 * dom0 may map device memory there, as Xen's dom0 may.) */
	struct mmu_update foreign = {pte_addr(l1, 1), (0x200UL << 12) | PRESENT | USER};
	check(mmu_update(&foreign, 1) < 0, "a PTE naming a frame that is not ours is refused");
	shutdown(SHUTDOWN_poweroff);
}
