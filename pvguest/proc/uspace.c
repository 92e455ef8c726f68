/*
 * Process address spaces.
 *
 * x86-64 PV gives a vCPU two page-table roots: the kernel's (start_info's
 * pt_base here) and a user one, set with MMUEXT_NEW_USER_BASEPTR, which
 * the hypervisor loads whenever it enters guest user mode (an iret to a
 * CS with RPL 3) and drops again on every bounce back into the kernel.
 * The guest kernel and its processes both run in ring 3, so the two roots
 * are what protects the kernel: a user root maps nothing but the
 * process's own pages.
 *
 * Each process has a user L4 whose entry 0 leads, through one L3 entry,
 * to one L2 table: the user range is [USER_BASE, USER_TOP), below 1 GiB.
 * L1 tables appear as pages are mapped.  Every edit goes through
 * mmu_update, which validates it; the L4 is pinned once when it is built,
 * so loading it later costs no validation.  Two processes never share a
 * frame, so neither can see the other's memory; the kernel reaches a
 * process's memory by walking that process's tables in software
 * (uspace_ptr: L2 entry -> L1 -> frame, machine frames turned back into
 * PFNs with the machine-to-physical table) and then through its own
 * VA = PFN << 12 map.  It never loads a user root to do so.
 *
 * Frames come from the kernel's page allocator, zeroed (a process never
 * sees another's leftovers), at most USER_PAGES_MAX leaf pages per
 * process, so one process cannot take every frame the kernel has.  Teardown walks the L2 and gives back every
 * leaf, every L1, then L2, L3 and the unpinned L4.  A freed table frame
 * may still have a cached shadow in the hypervisor; zeroing it when it is
 * allocated again is a write the shadow code answers by dropping that
 * shadow (see docs/memory.md), so the frame can be mapped writable again.
 */
#include "uspace.h"
#include "abi.h"
#include <asm/hypercall.h>
#include <core/kernel.h>
#include <errno.h>
#include <mm/mm.h>
#include <mm/pages.h>
#include <string.h>

#define PT_ENTRIES 512
#define TABLE_PTE  (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)
#define L2_SHIFT   21

static unsigned long new_frame(void)
{
	unsigned long pfn = pages_alloc(1);
	if (pfn != NO_PFN)
		memset(pfn_to_virt(pfn), 0, PAGE_SIZE);
	return pfn;
}

static unsigned long pfn_of_pte(uint64_t pte)
{
	return machine_to_phys_mapping[(pte & PTE_ADDR_MASK) >> PAGE_SHIFT];
}

static uint64_t pte_for(unsigned long pfn)
{
	return (pfn_to_mfn(pfn) << PAGE_SHIFT) | TABLE_PTE;
}

/* Machine address of entry idx of the table at PFN table. */
static uint64_t slot(unsigned long table, unsigned int idx)
{
	return (pfn_to_mfn(table) << PAGE_SHIFT) + idx * sizeof(uint64_t);
}

static int set_entries(struct mmu_update *req, unsigned int n)
{
	unsigned int done = 0;
	long rc = hv_mmu_update(req, n, &done);
	if (rc < 0 || done != n) {
		printk("uspace: mmu_update %ld (%u of %u)\n", rc, done, n);
		return -ENOMEM;
	}
	return 0;
}

static long mmuext(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = {.cmd = cmd};
	op.arg1.mfn = mfn;
	return hypercall5(__HYPERVISOR_mmuext_op, (unsigned long)&op, 1, 0, DOMID_SELF, 0);
}

static void free_frame(unsigned long pfn)
{
	if (pfn != NO_PFN && pfn != 0)
		pages_free(pfn, 1);
}

int uspace_create(struct uspace *us)
{
	*us = (struct uspace){0};
	unsigned long l4 = new_frame(), l3 = new_frame(), l2 = new_frame();
	if (l4 != NO_PFN && l3 != NO_PFN && l2 != NO_PFN) {
		struct mmu_update req[2] = {
			{.ptr = slot(l3, 0) | MMU_NORMAL_PT_UPDATE, .val = pte_for(l2)},
			{.ptr = slot(l4, 0) | MMU_NORMAL_PT_UPDATE, .val = pte_for(l3)},
		};
		long rc = set_entries(req, 2);
		if (!rc && (rc = mmuext(MMUEXT_PIN_L4_TABLE, pfn_to_mfn(l4))) != 0)
			printk("uspace: pin L4: %ld\n", rc);
		if (!rc) {
			us->l4 = l4, us->l3 = l3, us->l2 = l2;
			return 0;
		}
	}
	free_frame(l4);
	free_frame(l3);
	free_frame(l2);
	return -ENOMEM;
}

static bool user_range(unsigned long va, unsigned long len)
{
	return va >= USER_BASE && va < USER_TOP && len <= USER_TOP - va;
}

/* The L1 table for va (created if create), as a PFN, or NO_PFN. */
static unsigned long l1_of(struct uspace *us, unsigned long va, bool create)
{
	uint64_t *l2 = pfn_to_virt(us->l2);
	unsigned int idx = (va >> L2_SHIFT) & (PT_ENTRIES - 1);
	if (l2[idx] & _PAGE_PRESENT)
		return pfn_of_pte(l2[idx]);
	if (!create)
		return NO_PFN;
	unsigned long l1 = new_frame();
	struct mmu_update u = {.ptr = slot(us->l2, idx) | MMU_NORMAL_PT_UPDATE, .val = pte_for(l1)};
	if (l1 == NO_PFN || set_entries(&u, 1)) {
		free_frame(l1);
		return NO_PFN;
	}
	return l1;
}

int uspace_map(struct uspace *us, unsigned long va, unsigned long len)
{
	static struct mmu_update req[PT_ENTRIES];
	unsigned long end = (va + len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	if (!user_range(va, len))
		return -EFAULT;
	if ((end - (va & ~(PAGE_SIZE - 1))) / PAGE_SIZE > USER_PAGES_MAX - us->pages)
		return -ENOMEM;
	for (va &= ~(PAGE_SIZE - 1); va < end;) {
		unsigned long l1 = l1_of(us, va, true);
		if (l1 == NO_PFN)
			return -ENOMEM;
		const uint64_t *t = pfn_to_virt(l1);
		unsigned int n = 0;
		int rc = 0;
		do {
			unsigned int idx = (va >> PAGE_SHIFT) & (PT_ENTRIES - 1);
			unsigned long pfn = (t[idx] & _PAGE_PRESENT) ? 0 : new_frame();
			if (pfn == NO_PFN) {
				rc = -ENOMEM;
				break;
			}
			if (pfn) {
				req[n].ptr = slot(l1, idx) | MMU_NORMAL_PT_UPDATE;
				req[n++].val = pte_for(pfn);
			}
			va += PAGE_SIZE;
		} while (va < end && (va & ((1UL << L2_SHIFT) - 1)));
		if (n && set_entries(req, n))
			rc = -ENOMEM; /* a refused batch: its frames are lost, logged */
		us->pages += n;
		if (rc)
			return rc;
	}
	return 0;
}

void *uspace_ptr(const struct uspace *us, unsigned long va)
{
	if (!us->l4 || !user_range(va, 1))
		return NULL;
	const uint64_t *l2 = pfn_to_virt(us->l2);
	uint64_t e = l2[(va >> L2_SHIFT) & (PT_ENTRIES - 1)];
	if (!(e & _PAGE_PRESENT))
		return NULL;
	const uint64_t *l1 = pfn_to_virt(pfn_of_pte(e));
	e = l1[(va >> PAGE_SHIFT) & (PT_ENTRIES - 1)];
	if (!(e & _PAGE_PRESENT))
		return NULL;
	return (char *)pfn_to_virt(pfn_of_pte(e)) + (va & (PAGE_SIZE - 1));
}

void uspace_activate(const struct uspace *us)
{
	static unsigned long loaded;
	unsigned long mfn = us && us->l4 ? pfn_to_mfn(us->l4) : 0;
	if (mfn == loaded)
		return;
	long rc = mmuext(MMUEXT_NEW_USER_BASEPTR, mfn);
	if (rc)
		panic("NEW_USER_BASEPTR %#lx: %ld", mfn, rc);
	loaded = mfn;
}

void uspace_destroy(struct uspace *us)
{
	if (!us->l4)
		return;
	long rc = mmuext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(us->l4));
	if (rc)
		printk("uspace: unpin L4: %ld\n", rc);
	const uint64_t *l2 = pfn_to_virt(us->l2);
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		if (!(l2[i] & _PAGE_PRESENT))
			continue;
		unsigned long l1 = pfn_of_pte(l2[i]);
		const uint64_t *t = pfn_to_virt(l1);
		for (unsigned int j = 0; j < PT_ENTRIES; j++)
			if (t[j] & _PAGE_PRESENT)
				free_frame(pfn_of_pte(t[j]));
		free_frame(l1);
	}
	free_frame(us->l2);
	free_frame(us->l3);
	free_frame(us->l4);
	*us = (struct uspace){0};
}

int copy_from_user(const struct uspace *us, void *dst, unsigned long src, size_t len)
{
	while (len) {
		const char *p = uspace_ptr(us, src);
		size_t n = PAGE_SIZE - (src & (PAGE_SIZE - 1));
		if (!p)
			return -EFAULT;
		n = n < len ? n : len;
		memcpy(dst, p, n);
		dst = (char *)dst + n, src += n, len -= n;
	}
	return 0;
}

int copy_to_user(const struct uspace *us, unsigned long dst, const void *src, size_t len)
{
	while (len) {
		char *p = uspace_ptr(us, dst);
		size_t n = PAGE_SIZE - (dst & (PAGE_SIZE - 1));
		if (!p)
			return -EFAULT;
		n = n < len ? n : len;
		memcpy(p, src, n);
		src = (const char *)src + n, dst += n, len -= n;
	}
	return 0;
}

long copy_str_from_user(const struct uspace *us, char *dst, unsigned long src, size_t max)
{
	for (size_t i = 0; i < max; i++) {
		const char *p = uspace_ptr(us, src + i);
		if (!p)
			return -EFAULT;
		dst[i] = *p;
		if (!*p)
			return (long)i;
	}
	return -ENAMETOOLONG;
}
