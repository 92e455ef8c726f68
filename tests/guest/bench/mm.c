/*
 * Memory-virtualization benchmarks: mmu_update per PTE in batches of 1,
 * 32 and 512 (each entry of one L1 table rewritten with its own value: a
 * full validate-store-update-shadow update), update_va_mapping with
 * INVLPG, a hidden fault (an update without the A bit drops the shadow
 * entry; the next touch refills it and sets A), a page fault bounced to the guest's handler and back (a page the
 * guest unmapped), and NEW_BASEPTR between two pinned, already shadowed
 * address spaces (a warm switch).
 */
#include "bench.h"
#include <public/errno.h>

#define PTE_FLAGS 0x63UL /* P, RW, A, D */

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_hole[4096] __attribute__((aligned(4096)));
static uint64_t l4_copy[512] __attribute__((aligned(4096)));
static struct mmu_update req[512];

static long uvm(const void *va, uint64_t pte, unsigned long flags)
{
	return hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)va, pte, flags, 0, 0);
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
	static struct mmuext_op op;
	op.cmd = cmd;
	op.arg1.mfn = mfn;
	return hypercall(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
}

/* `batch` entries of page_a's L1 table, each rewritten with its value. */
static void bench_mmu_batch(const char *name, unsigned int batch, unsigned int calls)
{
	uint64_t *l1 = bench_pte_ptr(page_a) - (((unsigned long)page_a >> 12) & 511);
	uint64_t base = bench_pte_maddr(page_a) & ~0xfffUL;
	unsigned int first = batch == 1 ? ((unsigned long)page_a >> 12) & 511 : 0;
	static unsigned int done;
	bool ok = true;

	for (unsigned int i = 0; i < batch; i++) {
		req[i].ptr = base + 8 * (first + i); /* MMU_NORMAL_PT_UPDATE */
		req[i].val = l1[first + i];
	}
	uint64_t t = rdtsc();
	for (unsigned int c = 0; c < calls; c++)
		ok &= hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, batch,
				(unsigned long)&done, DOMID_SELF, 0) == 0;
	bench_report(name, rdtsc() - t, (unsigned long)batch * calls);
	tg_check(ok && done == batch, "every mmu_update batch completed");
}

static void bench_uvm(void)
{
	volatile uint8_t *a = page_a;
	uint64_t pte = (bench_mfn_of(page_a) << 12) | PTE_FLAGS;
	bool ok = true;

	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		ok &= uvm(page_a, pte, UVMF_INVLPG) == 0;
	bench_report("uvm_invlpg", rdtsc() - t, ROUNDS);
	/* Without A the shadow entry cannot stand for the new one (the first
	 * access must set A): the touch after the update is a hidden fault. */
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		ok &= uvm(page_a, pte & ~0x20UL, UVMF_INVLPG) == 0;
	uint64_t uvm_cost = rdtsc() - t;
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++) {
		ok &= uvm(page_a, pte & ~0x20UL, UVMF_INVLPG) == 0;
		(void)a[0]; /* the shadow entry is gone: a hidden fault refills it */
	}
	uint64_t both = rdtsc() - t;
	bench_report("hidden_fault", both > uvm_cost ? both - uvm_cost : 1, ROUNDS);
	ok &= uvm(page_a, pte, UVMF_INVLPG) == 0;
	tg_check(ok, "every update_va_mapping succeeded");
}

static void bench_bounced_fault(void)
{
	volatile uint32_t *hole = (volatile uint32_t *)page_hole;
	uint64_t pte = (bench_mfn_of(page_hole) << 12) | PTE_FLAGS;

	tg_expect(uvm(page_hole, 0, UVMF_INVLPG), 0, "unmap a page to fault on");
	tg_trap_skip = 2; /* mov (%rdx), %eax */
	tg_trap_vec = 0;
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		__asm__ volatile("mov (%%rdx), %%eax" ::"d"(hole) : "rax", "rcx", "r11", "memory");
	bench_report("bounced_page_fault", rdtsc() - t, ROUNDS);
	tg_expect(tg_trap_vec, 14, "the faults reached the guest's #PF handler");
	tg_expect(uvm(page_hole, pte, UVMF_INVLPG), 0, "map the page back");
	tg_trap_skip = 0;
}

static void bench_new_baseptr(void)
{
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;
	unsigned long boot = bench_mfn_of(boot_l4), copy = bench_mfn_of(l4_copy);
	bool ok = true;

	for (int i = 0; i < 512; i++)
		l4_copy[i] = (i >= 256 && i < 272) ? 0 : boot_l4[i];
	tg_expect(mmuext(MMUEXT_PIN_L4_TABLE, copy), 0, "pin a copy of the boot L4");
	ok &= mmuext(MMUEXT_NEW_BASEPTR, copy) == 0; /* cold: shadows built here */
	ok &= mmuext(MMUEXT_NEW_BASEPTR, boot) == 0;
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS / 2; i++) {
		ok &= mmuext(MMUEXT_NEW_BASEPTR, copy) == 0;
		ok &= mmuext(MMUEXT_NEW_BASEPTR, boot) == 0;
	}
	bench_report("new_baseptr_warm", rdtsc() - t, ROUNDS);
	tg_check(ok, "every NEW_BASEPTR succeeded");
	tg_expect(mmuext(MMUEXT_UNPIN_TABLE, copy), 0, "unpin the copy");
}

void bench_mm(void)
{
	bench_mmu_batch("mmu_update_1", 1, ROUNDS);
	bench_mmu_batch("mmu_update_32", 32, ROUNDS / 32);
	bench_mmu_batch("mmu_update_512", 512, 8);
	bench_uvm();
	bench_bounced_fault();
	bench_new_baseptr();
}
