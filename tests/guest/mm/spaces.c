/*
 * Many address spaces and page-table protection, from inside a guest.
 *
 * Eight address spaces are built by hand: each is a copy of the boot L4
 * whose slot 1 (VA 512 GiB) leads through its own L3, L2 and L1 to its own
 * data page.  All eight are pinned and then loaded round-robin with
 * NEW_BASEPTR many times; at every switch the guest reads the same virtual
 * address and must see that space's data, and a write there must land in
 * that space's frame only.  Shadows are cached per guest table, so after
 * the first round no switch builds anything; correctness is what this test
 * checks (the warm-switch cost is a benchmark).
 *
 * Then the Xen PV rule for page tables: while a table is pinned the guest
 * may not write it directly.  A plain store to a pinned L1 is bounced to
 * the guest's #PF handler with a protection-violation write error code and
 * leaves the table as it was; the same change made with mmu_update is
 * accepted and takes effect; once unpinned the page is ordinary memory
 * again.  A read of a hole in one of the spaces bounces a not-present
 * fault with the faulting address in vcpu_info's CR2.
 */
#include "../lib/tg.h"
#include <public/errno.h>

#define NSPACES	  8
#define ROUNDS	  25
#define PTE_FLAGS 0x63UL /* P, RW, A, D */
#define SLOT_VA	  (1UL << 39)
#define PF_PROT	  0x1UL
#define PF_WRITE  0x2UL

struct space {
	uint64_t l4[512], l3[512], l2[512], l1[512], data[512];
};
static struct space spaces[NSPACES] __attribute__((aligned(4096)));
static uint8_t si_page[4096] __attribute__((aligned(4096)));

static void build_space(struct space *s, unsigned int i)
{
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;

	for (int e = 0; e < 512; e++) {
		s->l4[e] = (e >= 256 && e < 272) ? 0 : boot_l4[e];
		s->l3[e] = s->l2[e] = s->l1[e] = 0;
		s->data[e] = 0x5ace0000UL + i;
	}
	s->l1[0] = (tg_mfn_of(s->data) << 12) | PTE_FLAGS;
	s->l2[0] = (tg_mfn_of(s->l1) << 12) | PTE_FLAGS;
	s->l3[0] = (tg_mfn_of(s->l2) << 12) | PTE_FLAGS;
	s->l4[SLOT_VA >> 39] = (tg_mfn_of(s->l3) << 12) | PTE_FLAGS;
}

static void round_robin(void)
{
	unsigned long boot = tg_mfn_of((void *)tg_start_info->pt_base);
	bool reads = true, writes = true, switches = true;

	for (int r = 0; r < ROUNDS; r++)
		for (unsigned int i = 0; i < NSPACES; i++) {
			switches &= tg_mmuext(MMUEXT_NEW_BASEPTR, tg_mfn_of(spaces[i].l4)) == 0;
			volatile uint64_t *p = (volatile uint64_t *)SLOT_VA;
			reads &= p[0] == 0x5ace0000UL + i + (r ? 0x100 : 0);
			if (r == 0)
				p[0] += 0x100; /* lands in this space's data page only */
			writes &= p[1] == 0x5ace0000UL + i;
		}
	tg_check(switches, "NEW_BASEPTR among 8 pinned address spaces, 25 rounds");
	tg_check(reads, "each space reads its own data at the same virtual address");
	tg_check(writes, "the other words of each data page are untouched");
	tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, boot), 0, "back to the boot address space");
	bool own = true;
	for (unsigned int i = 0; i < NSPACES; i++)
		own &= spaces[i].data[0] == 0x5ace0100UL + i;
	tg_check(own, "every write through the shared address landed in its own space's frame");
}

/* A not-present read at SLOT_VA + 4 KiB in space 0: #PF with CR2 set. */
static void hole_fault(void)
{
	struct shared_info *sh = (struct shared_info *)si_page;
	unsigned long at, boot = tg_mfn_of((void *)tg_start_info->pt_base);
	unsigned long va = SLOT_VA + 4096;

	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0),
		  0, "map shared_info");
	tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, tg_mfn_of(spaces[0].l4)), 0, "into space 0");
	tg_trap_vec = tg_trap_err = ~0UL;
	tg_trap_skip = 3; /* mov (%rax), %rax */
	__asm__ volatile("lea 1f(%%rip), %0; 1: mov (%1), %1"
			 : "=&r"(at), "+a"(va)
			 :
			 : "rcx", "r11", "memory");
	tg_expect(tg_mmuext(MMUEXT_NEW_BASEPTR, boot), 0, "back to the boot address space");
	tg_expect(tg_trap_vec, 14, "a hole in a space bounces #PF to the guest");
	tg_expect(tg_trap_err, 0, "#PF error code: not present, read");
	tg_expect(sh->vcpu_info[0].arch.cr2, SLOT_VA + 4096, "vcpu_info CR2 holds the address");
	tg_expect(tg_trap_rip, at, "#PF frame RIP is the load");
}

static uint64_t read_in_space(unsigned int i, unsigned long va)
{
	tg_mmuext(MMUEXT_NEW_BASEPTR, tg_mfn_of(spaces[i].l4));
	uint64_t seen = *(volatile uint64_t *)va;
	tg_mmuext(MMUEXT_NEW_BASEPTR, tg_mfn_of((void *)tg_start_info->pt_base));
	return seen;
}

/*
 * Writes to a pinned L1 are refused and mmu_update of the same entry is
 * not.  A table that is only reachable from a pinned L4 (not pinned itself,
 * not a loaded root) may be written directly: Hospes drops its shadows and
 * rebuilds them from the new contents (docs/memory.md; Xen would refuse).
 */
static void protected_tables(void)
{
	volatile uint64_t *entry = &spaces[1].l1[1];
	uint64_t pte = (tg_mfn_of(spaces[1].data) << 12) | PTE_FLAGS;
	unsigned long at, addr = (unsigned long)entry;

	tg_expect(tg_mmuext(MMUEXT_PIN_L1_TABLE, tg_mfn_of(spaces[1].l1)), 0,
		  "pin space 1's L1 too");
	tg_trap_vec = tg_trap_err = ~0UL;
	tg_trap_skip = 3; /* mov %rdx, (%rax) */
	__asm__ volatile("lea 1f(%%rip), %0; 1: mov %2, (%1)"
			 : "=&r"(at), "+a"(addr)
			 : "d"(pte)
			 : "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 14, "a store to a pinned L1 table bounces #PF");
	tg_expect(tg_trap_err & (PF_PROT | PF_WRITE), PF_PROT | PF_WRITE,
		  "#PF error code: protection violation on a write");
	tg_expect(tg_trap_rip, at, "#PF frame RIP is the store");
	tg_expect(*entry, 0, "the pinned table is unchanged");

	static struct mmu_update req;
	req.ptr = (tg_mfn_of(spaces[1].l1) << 12) + 8;
	req.val = pte;
	tg_expect(hypercall(__HYPERVISOR_mmu_update, (unsigned long)&req, 1, 0, DOMID_SELF, 0), 0,
		  "mmu_update makes the same change");
	tg_expect(*entry, pte, "the table shows the new entry");
	tg_expect(read_in_space(1, SLOT_VA + 4096), 0x5ace0101UL,
		  "the new mapping is live in space 1");
	tg_expect(tg_mmuext(MMUEXT_UNPIN_TABLE, tg_mfn_of(spaces[1].l1)), 0, "unpin space 1's L1");

	tg_expect(read_in_space(2, SLOT_VA), 0x5ace0102UL, "space 2 is shadowed");
	spaces[2].l1[1] = (tg_mfn_of(spaces[2].data) << 12) | PTE_FLAGS;
	tg_expect(read_in_space(2, SLOT_VA + 4096), 0x5ace0102UL,
		  "a direct write to a table below a pinned L4 is seen in that space");
}

void test_spaces(void)
{
	static struct trap_info traps[] = {
		{.vector = 14, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_pf_handler},
		{0},
	};
	bool pinned = true, unpinned = true;

	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table with a #PF handler");

	for (unsigned int i = 0; i < NSPACES; i++)
		build_space(&spaces[i], i);
	for (unsigned int i = 0; i < NSPACES; i++)
		pinned &= tg_mmuext(MMUEXT_PIN_L4_TABLE, tg_mfn_of(spaces[i].l4)) == 0;
	tg_check(pinned, "pin 8 hand-built L4 tables (each with its own L3, L2, L1)");
	round_robin();
	hole_fault();
	protected_tables();
	for (unsigned int i = 0; i < NSPACES; i++)
		unpinned &= tg_mmuext(MMUEXT_UNPIN_TABLE, tg_mfn_of(spaces[i].l4)) == 0;
	tg_check(unpinned, "unpin all 8");
	spaces[1].l1[2] = 7; /* ordinary memory again: no fault */
	tg_expect(spaces[1].l1[2], 7, "an unpinned table is writable again");
}
