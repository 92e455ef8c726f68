/*
 * The memory hypercalls through their guest-facing entry points: arguments
 * are placed in the guest's memory and read back through copy_*_guest, as
 * a guest would see them.  Covers decoding, partial completion (`done`),
 * flush flags and every error code a malformed request earns.
 *
 * Guest layout (domU, RAM 0..255): L4 1, L3 2, L2 3, L1 4; VA(n) maps
 * frame 16+n writable.  Arguments live at VA(0) (array), VA(1) (done).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <asm/guest_read.h>
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/hypercall.h>
#include <hospes/pv.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include "../shadow/harness.h"

#define VA(n) (0x400000UL + (unsigned long)(n)*PAGE_SIZE)
#define RWP   (PTE_P | PTE_RW)
#define ARGS  VA(0)
#define DONE  VA(1)

extern unsigned long fake_cache_flushes;
extern paddr_t fake_cr3;

static struct domain *d, *other;
static struct vcpu *v;

struct domain *domain_lookup(domid_t id)
{
	return other && other->id == id ? other : NULL;
}

/* References on `other`: counted, never freed (tests check the balance). */
struct domain *domain_get(domid_t id)
{
	struct domain *t = domain_lookup(id);

	return t ? domain_get_ref(t) : NULL;
}

void domain_put(struct domain *t)
{
	assert_true(t->refcnt > 0);
	t->refcnt--;
}

static int setup(void **state)
{
	mm_machine_init(4096);
	d = mm_make_domain(1, 256, false, 64);
	other = mm_make_domain(2, 16, false, 32);
	v = d->vcpu[0];
	mm_set_current(NULL); /* handlers must use the vCPU they are given */
	fake_cr3 = 0;	      /* nothing loaded by an earlier test */
	gtable(d, _gfn(1))[0] = gpte(2, RWP);
	gtable(d, _gfn(2))[0] = gpte(3, RWP);
	gtable(d, _gfn(3))[2] = gpte(4, RWP);
	for (int n = 0; n < 8; n++)
		gtable(d, _gfn(4))[n] = gpte(16 + n, RWP);
	assert_int_equal(shadow_set_roots(v, _gfn(1), INVALID_GFN), 0);
	assert_true(cpu_access(v, false, VA(0), 0).ok); /* frames 1-4 are now page tables */
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(mm_check_isolation(d), 0);
	assert_int_equal(other->refcnt, 0); /* every call dropped its reference */
	mm_free_domain(other);
	other = NULL;
	mm_free_domain(d);
	mm_machine_fini();
	return 0;
}

static void put(unsigned long va, const void *p, size_t n)
{
	assert_int_equal(copy_to_guest_vcpu(v, va, p, n), 0);
}

static unsigned int done_count(void)
{
	unsigned int n;

	assert_int_equal(copy_from_guest_vcpu(v, &n, DONE, sizeof(n)), 0);
	return n;
}

static uint64_t pte_ptr(unsigned long table, unsigned int idx)
{
	return (table << PAGE_SHIFT) + idx * 8;
}

static void test_mmu_update_partial_completion(void **state)
{
	struct mmu_update reqs[3] = {
		{pte_ptr(4, 10) | MMU_NORMAL_PT_UPDATE, gpte(40, RWP)},
		{pte_ptr(4, 11) | MMU_NORMAL_PT_UPDATE, gpte(9000, RWP)}, /* beyond the p2m */
		{pte_ptr(4, 12) | MMU_NORMAL_PT_UPDATE, gpte(41, RWP)},
	};

	put(ARGS, reqs, sizeof(reqs));
	assert_int_equal(do_mmu_update(v, ARGS, 3, DONE, DOMID_SELF, 0), -XEN_EINVAL);
	assert_int_equal(done_count(), 1);
	assert_int_equal(gtable(d, _gfn(4))[10], gpte(40, RWP));
	assert_int_equal(gtable(d, _gfn(4))[12], 0);
	assert_int_equal(do_mmu_update(v, ARGS + 32, 1, DONE, DOMID_SELF, 0), 0);
	assert_int_equal(done_count(), 1);
	assert_int_equal(do_mmu_update(v, ARGS, 0, DONE, DOMID_SELF, 0), 0);
	assert_int_equal(done_count(), 0);
}

static void test_mmu_update_errors(void **state)
{
	struct mmu_update r = {pte_ptr(4, 10) | 4, gpte(40, RWP)};

	put(ARGS, &r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 1, DONE, DOMID_SELF, 0), -XEN_ENOSYS);
	assert_int_equal(do_mmu_update(v, 0x800000000000UL, 1, DONE, DOMID_SELF, 0), -XEN_EFAULT);
	assert_int_equal(done_count(), 0);
	assert_int_equal(do_mmu_update(v, VA(7) + 4090, 1, DONE, DOMID_SELF, 0), -XEN_EFAULT);
	assert_int_equal(do_mmu_update(v, ARGS, 1, DONE, 2, 0), -XEN_EPERM);
	assert_int_equal(do_mmu_update(v, ARGS, 1, DONE, 3UL << 16, 0), -XEN_EPERM);
	r.ptr = pte_ptr(4, 10);
	put(ARGS, &r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 1, 0xffff800000000000UL, DOMID_SELF, 0), 0);
	/* L4 slot of the hypervisor; an L2 entry to a frame outside RAM. */
	r = (struct mmu_update){pte_ptr(1, 260), 0};
	put(ARGS, &r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 1, DONE, DOMID_SELF, 0), -XEN_EINVAL);
	r = (struct mmu_update){pte_ptr(3, 5), gpte(700, RWP)};
	put(ARGS, &r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 1, DONE, DOMID_SELF, 0), -XEN_EINVAL);
}

static void test_mmu_update_machphys_and_preserve_ad(void **state)
{
	struct mmu_update r[2] = {
		{(40UL << PAGE_SHIFT) + 120 + MMU_MACHPHYS_UPDATE, 77},
		{pte_ptr(4, 0) | MMU_PT_UPDATE_PRESERVE_AD, gpte(16, RWP)},
	};

	put(ARGS, r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 2, DONE, DOMID_SELF, 0), 0);
	assert_int_equal(m2p_get(d, _gfn(40)), 77);
	assert_true(gtable(d, _gfn(4))[0] & PTE_A); /* set by the access in setup() */
	r[0].ptr = (9000UL << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
	put(ARGS, r, sizeof(r));
	assert_int_equal(do_mmu_update(v, ARGS, 2, DONE, DOMID_SELF, 0), -XEN_EINVAL);
	assert_int_equal(done_count(), 0);
}

/* The single-request path and the batch both read requests and write
 * `done` within one page and across a page boundary, and skip a NULL done. */
static void test_mmu_update_done_across_pages(void **state)
{
	const unsigned long straddle = VA(2) - 2; /* done: 2 bytes in each page */
	struct mmu_update r[2] = {
		{pte_ptr(4, 13) | MMU_NORMAL_PT_UPDATE, gpte(42, RWP)},
		{pte_ptr(4, 14) | MMU_NORMAL_PT_UPDATE, gpte(43, RWP)},
	};
	unsigned int n = 0xffffffffU;

	put(straddle, &n, sizeof(n)); /* every byte of the counter must change */
	put(VA(1) - 8, r, sizeof(r)); /* the first request across VA(0)/VA(1) */
	assert_int_equal(do_mmu_update(v, VA(1) - 8, 1, straddle, DOMID_SELF, 0), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &n, straddle, sizeof(n)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(gtable(d, _gfn(4))[13], gpte(42, RWP));
	assert_int_equal(do_mmu_update(v, VA(1) - 8, 2, straddle, DOMID_SELF, 0), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &n, straddle, sizeof(n)), 0);
	assert_int_equal(n, 2);
	assert_int_equal(gtable(d, _gfn(4))[14], gpte(43, RWP));
	put(DONE, &n, sizeof(n));
	assert_int_equal(do_mmu_update(v, VA(1) - 8, 1, 0, DOMID_SELF, 0), 0);
	assert_int_equal(done_count(), 2); /* no pointer, nothing written */
}

/* The fast path's moves through the loaded tables, counted by byte. */
static void *(*cr3_move)(unsigned long va, bool write);
static unsigned long bytes_moved, bytes_missed;

static void *counting_move(unsigned long va, bool write)
{
	void *p = cr3_move(va, write);

	*(p ? &bytes_moved : &bytes_missed) += 1;
	return p;
}

/* A fast path's handler with v's kernel tables in CR3 (its conditions),
 * or with every move faulting (loaded false); `done` preset to 0xdead. */
static long fast_call(hypercall_fn fn, bool loaded, unsigned long args, unsigned long count,
		      unsigned long done_va, unsigned long fd)
{
	unsigned int n = 0xdead;
	long rc;

	put(DONE, &n, sizeof(n));
	harness_load_cr3(v, false);
	cr3_move = fake_guest_move;
	fake_guest_move = loaded ? counting_move : NULL;
	bytes_moved = bytes_missed = 0;
	rc = fn(v, args, count, done_va, fd, 0);
	harness_unload_cr3();
	return rc;
}

static long fast(bool loaded, unsigned long reqs, unsigned long count, unsigned long done_va,
		 unsigned long fd)
{
	return fast_call(do_mmu_update_fast, loaded, reqs, count, done_va, fd);
}

/* Guest bytes at VA(page) + off written behind the shadow's back (the page
 * need not be in it yet). */
static void poke(unsigned int page, unsigned int off, const void *p, size_t n)
{
	memcpy((char *)gtable(d, _gfn(16 + page)) + off, p, n);
}

static uint32_t peek32(unsigned int page, unsigned int off)
{
	uint32_t x;

	memcpy(&x, (char *)gtable(d, _gfn(16 + page)) + off, sizeof(x));
	return x;
}

/* The fast path takes one plain update by two loads and one store; a
 * request or counter the shadow does not map yet (or that spans into
 * such a page) is read or written by the walk, with the same result. */
static void test_mmu_update_fast_moves(void **state)
{
	struct mmu_update r = {pte_ptr(4, 10) | MMU_NORMAL_PT_UPDATE, gpte(40, RWP)};

	put(ARGS, &r, sizeof(r));
	assert_int_equal(fast(true, ARGS, 1, DONE, DOMID_SELF), 0);
	assert_int_equal(bytes_moved, 20); /* request 16, done 4: no walk */
	assert_int_equal(bytes_missed, 0);
	assert_int_equal(gtable(d, _gfn(4))[10], gpte(40, RWP));
	assert_int_equal(done_count(), 1);
	for (int loaded = 1; loaded >= 0; loaded--) {
		r.val = gpte(41 + loaded, RWP);
		poke(3, 4088, &r, 8); /* ptr in VA(3), val in VA(4): neither shadowed */
		poke(4, 0, &r.val, 8);
		assert_int_equal(fast(loaded, VA(4) - 8, 1, VA(5) + 2, DOMID_SELF), 0);
		assert_true(!loaded || (bytes_missed > 0 && bytes_moved == 0));
		assert_int_equal(gtable(d, _gfn(4))[10], gpte(41 + loaded, RWP));
		assert_int_equal(peek32(5, 2), 1);
	}
	/* the request now in the shadow, the counter not: loads, then the walk */
	r.val = gpte(43, RWP);
	poke(4, 64, &r, sizeof(r));
	assert_int_equal(fast(true, VA(4) + 64, 1, VA(6), DOMID_SELF), 0);
	assert_true(bytes_moved == 16 && bytes_missed == 1);
	assert_int_equal(gtable(d, _gfn(4))[10], gpte(43, RWP));
	assert_int_equal(peek32(6, 0), 1);
}

/* Whatever the fast path does not take gives do_mmu_update's result, and
 * it never moves outside the guest's half. */
static void test_mmu_update_fast_refusals(void **state)
{
	struct mmu_update r = {pte_ptr(4, 0) | MMU_PT_UPDATE_PRESERVE_AD, gpte(16, RWP)};
	const unsigned long hv = 0xffff800000000000UL;

	put(ARGS, &r, sizeof(r)); /* another command: the full decode */
	assert_int_equal(fast(true, ARGS, 1, DONE, DOMID_SELF), 0);
	assert_int_equal(done_count(), 1);
	assert_true(gtable(d, _gfn(4))[0] & PTE_A); /* preserved from setup()'s access */
	r.ptr = pte_ptr(4, 10) | 4;
	put(ARGS, &r, sizeof(r));
	assert_int_equal(fast(true, ARGS, 1, DONE, DOMID_SELF), -XEN_ENOSYS);
	assert_int_equal(done_count(), 0);
	assert_int_equal(fast(true, hv, 1, DONE, DOMID_SELF), -XEN_EFAULT);
	assert_int_equal(bytes_moved + bytes_missed, 0);
	assert_int_equal(fast(true, VA(7) + 4090, 1, DONE, DOMID_SELF), -XEN_EFAULT);
	assert_int_equal(done_count(), 0);
	r = (struct mmu_update){pte_ptr(4, 11) | MMU_NORMAL_PT_UPDATE, gpte(9000, RWP)};
	put(ARGS, &r, sizeof(r));
	assert_int_equal(fast(true, ARGS, 1, DONE, DOMID_SELF), -XEN_EINVAL);
	assert_int_equal(done_count(), 0); /* written by the store: none done */
	assert_int_equal(gtable(d, _gfn(4))[11], 0);
	r.val = gpte(44, RWP);
	put(ARGS, &r, sizeof(r));
	assert_int_equal(fast(true, ARGS, 1, DONE, 2), -XEN_EPERM);
	assert_int_equal(fast(true, ARGS, 1, DONE, 3UL << 16), -XEN_EPERM);
	assert_int_equal(fast(true, ARGS, 0, DONE, DOMID_SELF), 0);
	assert_int_equal(done_count(), 0);
	assert_int_equal(gtable(d, _gfn(4))[11], 0);
	assert_int_equal(fast(true, ARGS, 1, hv, DOMID_SELF), 0); /* a bad counter: ignored */
	assert_int_equal(bytes_moved, 16);
	assert_int_equal(gtable(d, _gfn(4))[11], gpte(44, RWP));
	assert_int_equal(fast(true, ARGS, 0x80000001UL, DONE, DOMID_SELF), 0); /* the marker bit */
	assert_int_equal(done_count(), 1);
}

static void test_update_va_mapping_flags(void **state)
{
	unsigned long fl = fake_tlb_flushes, inv = fake_tlb_invlpgs, mask = 1;

	assert_int_equal(do_update_va_mapping(v, VA(5), gpte(45, RWP), UVMF_INVLPG, 0, 0), 0);
	assert_int_equal(fake_tlb_invlpgs, inv + 1);
	assert_int_equal(cpu_access(v, false, VA(5), 0).mfn, mfn_x(p2m_lookup(d, _gfn(45)).mfn));
	assert_int_equal(
		do_update_va_mapping(v, VA(5), gpte(46, RWP), UVMF_TLB_FLUSH | UVMF_ALL, 0, 0), 0);
	assert_int_equal(fake_tlb_flushes, fl + 1);
	put(VA(2), &mask, sizeof(mask));
	assert_int_equal(do_update_va_mapping(v, VA(5), 0, UVMF_TLB_FLUSH | VA(2), 0, 0), 0);
	assert_int_equal(fake_tlb_flushes, fl + 2);
	assert_int_equal(do_update_va_mapping(v, VA(5), 0, UVMF_INVLPG | 0x800000000000UL, 0, 0),
			 -XEN_EFAULT);
	inv = fake_tlb_invlpgs;
	fl = fake_tlb_flushes;
	assert_int_equal(do_update_va_mapping(v, VA(5), 0, UVMF_NONE, 0, 0), 0);
	assert_int_equal(do_update_va_mapping(v, VA(5), 0, UVMF_FLUSHTYPE_MASK, 0, 0), 0);
	assert_true(fake_tlb_invlpgs == inv && fake_tlb_flushes == fl);
	/* A failed update flushes nothing and reports the error. */
	assert_int_equal(do_update_va_mapping(v, VA(5), gpte(4, RWP), UVMF_INVLPG, 0, 0),
			 -XEN_EINVAL);
	assert_int_equal(fake_tlb_invlpgs, inv);
}

/* The mmuext tests run twice: by do_mmuext_op, and by the fast path's
 * do_mmuext_op_fast with the op read through the loaded tables. */
static bool ext_fast;

static long ext(unsigned int cmd, unsigned long a1, unsigned long a2)
{
	struct mmuext_op op = {.cmd = cmd};
	long rc;

	op.arg1.mfn = a1;
	op.arg2.src_mfn = a2;
	put(ARGS, &op, sizeof(op));
	if (!ext_fast)
		return do_mmuext_op(v, ARGS, 1, DONE, DOMID_SELF, 0);
	rc = fast_call(do_mmuext_op_fast, true, ARGS, 1, DONE, DOMID_SELF);
	assert_int_equal(bytes_moved, 24 + 4); /* the op, then done: no walk */
	assert_int_equal(done_count(), rc == 0);
	return rc;
}

static int setup_fast(void **state)
{
	ext_fast = true;
	return setup(state);
}

static int teardown_fast(void **state)
{
	ext_fast = false;
	return teardown(state);
}

/* What the fast path does not take, or cannot read, is do_mmuext_op's. */
static void test_mmuext_fast_fallbacks(void **state)
{
	struct mmuext_op ops[2] = {{.cmd = MMUEXT_PIN_L1_TABLE}, {.cmd = MMUEXT_UNPIN_TABLE}};
	unsigned long fl = fake_tlb_flushes;

	ops[0].arg1.mfn = ops[1].arg1.mfn = 60;
	put(ARGS, ops, sizeof(ops));
	assert_int_equal(fast_call(do_mmuext_op_fast, true, ARGS, 2, DONE, DOMID_SELF), 0);
	assert_int_equal(done_count(), 2); /* a batch: the loop */
	assert_int_equal(fast_call(do_mmuext_op_fast, true, ARGS, 1, DONE, 2), -XEN_EPERM);
	assert_int_equal(done_count(), 0);
	assert_int_equal(fast_call(do_mmuext_op_fast, false, ARGS, 1, DONE, DOMID_SELF), 0);
	assert_int_equal(done_count(), 1); /* every move faulted: the walk, same result */
	assert_int_equal(ext(MMUEXT_UNPIN_TABLE, 60, 0), 0);
	assert_int_equal(
		fast_call(do_mmuext_op_fast, true, 0xffff800000000000UL, 1, DONE, DOMID_SELF),
		-XEN_EFAULT);
	assert_int_equal(bytes_moved + bytes_missed, 0); /* none in the hypervisor's half */
	ops[0] = (struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL};
	poke(3, 4088, &ops[0], sizeof(ops[0])); /* across into VA(4), not in the shadow yet */
	assert_int_equal(fast_call(do_mmuext_op_fast, true, VA(4) - 8, 1, DONE, DOMID_SELF), 0);
	assert_true(bytes_missed > 0 && done_count() == 1 && fake_tlb_flushes == fl + 1);
}

static void test_mmuext_pins_and_roots(void **state)
{
	struct mmuext_op ops[2] = {{.cmd = MMUEXT_PIN_L1_TABLE}, {.cmd = MMUEXT_PIN_L1_TABLE}};

	ops[0].arg1.mfn = ops[1].arg1.mfn = 60;
	put(ARGS, ops, sizeof(ops));
	assert_int_equal(do_mmuext_op(v, ARGS, 2, DONE, DOMID_SELF, 0), -XEN_EINVAL);
	assert_int_equal(done_count(), 1);
	assert_int_equal(ext(MMUEXT_UNPIN_TABLE, 60, 0), 0);
	assert_int_equal(ext(MMUEXT_UNPIN_TABLE, 60, 0), -XEN_EINVAL);
	assert_int_equal(ext(MMUEXT_PIN_L4_TABLE, 9000, 0), -XEN_EINVAL);
	/* A second address space, loaded into CR3 because v is running. */
	memcpy(gtable(d, _gfn(5)), gtable(d, _gfn(1)), PAGE_SIZE);
	assert_int_equal(ext(MMUEXT_PIN_L4_TABLE, 5, 0), 0);
	assert_int_equal(ext(MMUEXT_NEW_BASEPTR, 5, 0), 0);
	assert_int_equal(gfn_x(shadow_guest_root(v, false)), 5);
	assert_int_equal(fake_cr3, 0); /* v is not running: CR3 untouched */
	assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, 1, 0), 0);
	assert_int_equal(gfn_x(shadow_guest_root(v, true)), 1);
	assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, 0, 0), 0);
	assert_int_equal(gfn_x(shadow_guest_root(v, true)), INVALID_GFN_RAW);
	assert_int_equal(ext(MMUEXT_NEW_BASEPTR, 9000, 0), -XEN_EINVAL);
	gtable(d, _gfn(6))[3] = gpte(9000, PTE_P); /* not a valid L4 */
	assert_int_equal(ext(MMUEXT_NEW_BASEPTR, 6, 0), -XEN_EINVAL);
	assert_int_equal(ext(MMUEXT_NEW_USER_BASEPTR, 6, 0), -XEN_EINVAL);
	assert_int_equal(gfn_x(shadow_guest_root(v, false)), 5);
	assert_int_equal(do_mmuext_op(v, ARGS, 1, DONE, 2, 0), -XEN_EPERM);
	mm_set_current(v); /* now it runs: the new root goes into CR3 */
	assert_int_equal(ext(MMUEXT_NEW_BASEPTR, 1, 0), 0);
	assert_int_equal(fake_cr3, shadow_activate(v, false));
	mm_set_current(NULL);
	assert_int_equal(ext(MMUEXT_UNPIN_TABLE, 5, 0), 0);
}

static void test_mmuext_flushes_pages_and_refusals(void **state)
{
	unsigned long fl = fake_tlb_flushes, inv = fake_tlb_invlpgs, mask = 1;
	struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_MULTI};

	assert_int_equal(ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0);
	assert_int_equal(ext(MMUEXT_INVLPG_ALL, VA(3), 0), 0);
	assert_true(fake_tlb_flushes == fl + 1 && fake_tlb_invlpgs == inv + 1);
	put(VA(2), &mask, sizeof(mask));
	op.arg2.vcpumask.p = (const void *)VA(2);
	put(ARGS, &op, sizeof(op));
	assert_int_equal(do_mmuext_op(v, ARGS, 1, DONE, DOMID_SELF, 0), 0);
	op.arg2.vcpumask.p = (const void *)0xffff800000001000UL;
	put(ARGS, &op, sizeof(op));
	assert_int_equal(do_mmuext_op(v, ARGS, 1, DONE, DOMID_SELF, 0), -XEN_EFAULT);
	assert_int_equal(ext(MMUEXT_FLUSH_CACHE, 0, 0), -XEN_EACCES);
	assert_int_equal(fake_cache_flushes, 0);
	assert_int_equal(ext(MMUEXT_SET_LDT, 0, 0), 0);
	assert_int_equal(ext(MMUEXT_SET_LDT, VA(2), 16), -XEN_EINVAL);
	assert_int_equal(ext(MMUEXT_SET_LDT, VA(2) + 8, 0), -XEN_EINVAL);
	assert_int_equal(ext(14, 0, 0), -XEN_ENOSYS);
	assert_int_equal(ext(99, 0, 0), -XEN_ENOSYS);
	assert_int_equal(ext(MMUEXT_MARK_SUPER, 16, 0), -XEN_EOPNOTSUPP);
	/* CLEAR_PAGE / COPY_PAGE: data frames only. */
	gtable(d, _gfn(50))[3] = 0x1234;
	assert_int_equal(ext(MMUEXT_COPY_PAGE, 51, 50), 0);
	assert_int_equal(gtable(d, _gfn(51))[3], 0x1234);
	assert_int_equal(ext(MMUEXT_CLEAR_PAGE, 51, 0), 0);
	assert_int_equal(gtable(d, _gfn(51))[3], 0);
	assert_int_equal(ext(MMUEXT_CLEAR_PAGE, 4, 0), -XEN_EINVAL); /* a page table */
	assert_int_equal(ext(MMUEXT_COPY_PAGE, 1, 50), -XEN_EINVAL);
	assert_int_equal(ext(MMUEXT_COPY_PAGE, 51, 9000), -XEN_EINVAL);
	assert_int_equal(ext(MMUEXT_CLEAR_PAGE, 300, 0), -XEN_EINVAL); /* the window */
}

static long memop(unsigned int cmd, unsigned long arg)
{
	return do_memory_op(v, cmd, arg, 0, 0, 0);
}

static void test_memory_op_balloon(void **state)
{
	xen_pfn_t frames[3] = {100, 9000, 101};
	struct xen_memory_reservation r = {.nr_extents = 3, .domid = DOMID_SELF};

	r.extent_start.p = (xen_pfn_t *)VA(2);
	put(VA(2), frames, sizeof(frames));
	put(ARGS, &r, sizeof(r));
	assert_int_equal(memop(XENMEM_decrease_reservation, ARGS), 1); /* stops at 9000 */
	assert_int_equal(d->tot_pages, 255);
	assert_int_equal(memop(XENMEM_current_reservation, ARGS + 24), 255); /* &r.domid */
	assert_int_equal(memop(XENMEM_maximum_reservation, ARGS + 24), 256);
	/* Continuation index: start at extent 2. */
	assert_int_equal(memop(XENMEM_decrease_reservation | (2 << MEMOP_EXTENT_SHIFT), ARGS), 3);
	assert_int_equal(d->tot_pages, 254);
	r.nr_extents = 1;
	put(ARGS, &r, sizeof(r));
	assert_int_equal(memop(XENMEM_populate_physmap, ARGS), 1); /* frame 100 again */
	assert_int_equal(p2m_lookup(d, _gfn(100)).type, P2M_RAM);
	assert_int_equal(memop(XENMEM_increase_reservation, ARGS), 1);
	assert_int_equal(copy_from_guest_vcpu(v, frames, VA(2), 8), 0);
	assert_int_equal(frames[0], 101);
	assert_int_equal(memop(XENMEM_increase_reservation, ARGS), 0); /* at max_pages */
	/* Refusals. */
	r.domid = 2;
	put(ARGS, &r, sizeof(r));
	assert_int_equal(memop(XENMEM_populate_physmap, ARGS), -XEN_EPERM);
	r.domid = DOMID_SELF;
	r.extent_order = 10;
	put(ARGS, &r, sizeof(r));
	assert_int_equal(memop(XENMEM_decrease_reservation, ARGS), 0);
	r.extent_order = 0;
	r.nr_extents = ~0UL;
	put(ARGS, &r, sizeof(r));
	assert_int_equal(memop(XENMEM_decrease_reservation, ARGS), 0);
	assert_int_equal(memop(XENMEM_populate_physmap, 0x800000000000UL), -XEN_EFAULT);
}

static void test_memory_op_queries(void **state)
{
	struct xen_machphys_mapping m;
	struct xen_memory_map map = {.nr_entries = 4};
	struct xen_e820_entry e;
	struct xen_machphys_mfn_list l = {.max_extents = 8};
	domid_t other_id = 2;

	assert_int_equal(memop(XENMEM_maximum_ram_page, 0), 256 + P2M_WINDOW_FRAMES);
	assert_int_equal(memop(XENMEM_machphys_mapping, ARGS), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &m, ARGS, sizeof(m)), 0);
	assert_true(m.v_start == 0xffff800000000000UL && m.v_end == 0xffff804000000000UL);
	assert_int_equal(m.max_mfn, 256 + P2M_WINDOW_FRAMES - 1);
	map.buffer.p = (void *)VA(2);
	put(ARGS, &map, sizeof(map));
	assert_int_equal(memop(XENMEM_memory_map, ARGS), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &map, ARGS, sizeof(map)), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &e, VA(2), sizeof(e)), 0);
	assert_true(map.nr_entries == 1 && e.addr == 0 && e.size == 256UL << 12 && e.type == 1);
	l.extent_start.p = (xen_pfn_t *)VA(2);
	put(ARGS, &l, sizeof(l));
	assert_int_equal(memop(XENMEM_machphys_mfn_list, ARGS), 0);
	assert_int_equal(copy_from_guest_vcpu(v, &l, ARGS, sizeof(l)), 0);
	assert_int_equal(l.nr_extents, 0); /* a domU's frame space holds no m2p frames */
	put(ARGS, &other_id, sizeof(other_id));
	assert_int_equal(memop(XENMEM_current_reservation, ARGS), -XEN_EPERM);
	assert_int_equal(memop(XENMEM_add_to_physmap, ARGS), -XEN_EACCES);
	assert_int_equal(memop(8, ARGS), -XEN_ENOSYS);
	assert_int_equal(memop(XENMEM_exchange, ARGS), -XEN_ENOSYS);
	assert_int_equal(memop(XENMEM_memory_map, 0), -XEN_EFAULT);
}

static void test_privileged_caller_names_other_domains(void **state)
{
	domid_t id = 2;

	d->is_privileged = true;
	put(ARGS, &id, sizeof(id));
	assert_int_equal(memop(XENMEM_current_reservation, ARGS), 16);
	id = 77;
	put(ARGS, &id, sizeof(id));
	assert_int_equal(memop(XENMEM_current_reservation, ARGS), -XEN_ESRCH);
	assert_int_equal(ext(MMUEXT_FLUSH_CACHE, 0, 0), 0);
	assert_int_equal(fake_cache_flushes, 1);
	d->is_privileged = false;
}

/* ---- set_gdt / update_descriptor (kernel/hypercall/descriptor.c) ------- */

#define CODE64_DPL0 0x00af9b000000ffffULL
#define CODE64_DPL3 0x00affb000000ffffULL
#define DATA_DPL1   0x00cfb3000000ffffULL
#define DATA_DPL3   0x00cff3000000ffffULL
#define CALL_GATE   0x0000ec0000080000ULL /* present, DPL 3, type 0xc */
#define TSS_DESC    0x0000890000000067ULL
#define NOT_PRESENT 0x00af1b000000ffffULL

extern unsigned int fake_gdt_loads;
void (*sched_kick_cpu)(unsigned int cpu); /* kernel/sched is not linked here: never set */

static long gdt_call(unsigned long frames_va, unsigned long entries)
{
	return do_set_gdt(v, frames_va, entries, 0, 0, 0);
}

static long upd(uint64_t maddr, uint64_t desc)
{
	return do_update_descriptor(v, maddr, desc, 0, 0, 0);
}

static void test_descriptor_check(void **state)
{
	uint64_t d1 = CODE64_DPL0, d2 = DATA_DPL1, d3 = NOT_PRESENT, d4 = CALL_GATE, d5 = TSS_DESC;
	uint64_t d6 = 0x0000800000000000ULL; /* present, system, type 0: harmless */
	assert_true(pv_check_descriptor(&d1));
	assert_int_equal(d1, CODE64_DPL3); /* DPL raised to 3 */
	assert_true(pv_check_descriptor(&d2));
	assert_int_equal(d2, DATA_DPL3);
	assert_true(pv_check_descriptor(&d3));
	assert_int_equal(d3, NOT_PRESENT); /* untouched */
	assert_false(pv_check_descriptor(&d4));
	assert_false(pv_check_descriptor(&d5));
	assert_true(pv_check_descriptor(&d6));
}

static void test_set_gdt_and_update_descriptor(void **state)
{
	static struct arch_vcpu av;
	memset(&av, 0, sizeof(av));
	v->arch = &av;
	fake_gdt_loads = 0;
	uint64_t *g = gtable(d, _gfn(17)); /* VA(1)'s frame: two descriptors */
	g[0] = 0;
	g[1] = CODE64_DPL0;
	g[2] = DATA_DPL3;
	unsigned long frames[2] = {17, 18};
	put(ARGS, frames, sizeof(frames));
	assert_int_equal(gdt_call(ARGS, 3), 0);
	assert_non_null(av.gdt);
	assert_int_equal(av.gdt_ents, 3);
	assert_int_equal(av.gdt[1], CODE64_DPL3);
	assert_int_equal(av.gdt[2], DATA_DPL3);
	assert_int_equal(av.gdt_frames[0], 17);
	assert_int_equal(fake_gdt_loads, 1);
	/* update_descriptor: into the guest frame and the live copy */
	assert_int_equal(upd((17UL << PAGE_SHIFT) + 16, DATA_DPL1), 0);
	assert_int_equal(g[2], DATA_DPL3); /* written with its DPL fixed up */
	assert_int_equal(av.gdt[2], DATA_DPL3);
	assert_int_equal(fake_gdt_loads, 2);
	assert_int_equal(upd((17UL << PAGE_SHIFT) + 8 * 100, CODE64_DPL3), 0); /* past gdt_ents */
	assert_int_equal(g[100], CODE64_DPL3);
	assert_int_equal(av.gdt[100], 0);
	/* refusals */
	assert_int_equal(upd((17UL << PAGE_SHIFT) + 4, DATA_DPL3), -XEN_EINVAL); /* misaligned */
	assert_int_equal(upd((17UL << PAGE_SHIFT) + 8, CALL_GATE), -XEN_EINVAL);
	assert_int_equal(upd(1UL << PAGE_SHIFT, DATA_DPL3), -XEN_EINVAL);      /* a page table */
	assert_int_equal(upd(100000UL << PAGE_SHIFT, DATA_DPL3), -XEN_EINVAL); /* not its RAM */
	assert_int_equal(gdt_call(ARGS, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL);
	assert_int_equal(gdt_call(0xdead000000UL, 3), -XEN_EFAULT);
	g[1] = TSS_DESC;
	assert_int_equal(gdt_call(ARGS, 3), -XEN_EINVAL);
	assert_int_equal(av.gdt[1], CODE64_DPL3); /* the old GDT stays */
	frames[1] = 100000;
	put(ARGS, frames, sizeof(frames));
	g[1] = 0;
	assert_int_equal(gdt_call(ARGS, 513), -XEN_EINVAL); /* second frame not its RAM */
	/* two frames, then none; every copy is freed (teardown checks no leak) */
	frames[1] = 18;
	put(ARGS, frames, sizeof(frames));
	assert_int_equal(gdt_call(ARGS, 600), 0);
	assert_int_equal(av.gdt_ents, 600);
	assert_int_equal(gdt_call(ARGS, 0), 0);
	assert_null(av.gdt);
	pv_gdt_release(v);
	v->arch = NULL;
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_mmu_update_partial_completion),
		T(test_mmu_update_errors),
		T(test_mmu_update_done_across_pages),
		T(test_mmu_update_machphys_and_preserve_ad),
		T(test_mmu_update_fast_moves),
		T(test_mmu_update_fast_refusals),
		T(test_update_va_mapping_flags),
		T(test_mmuext_pins_and_roots),
		T(test_mmuext_flushes_pages_and_refusals),
		cmocka_unit_test_setup_teardown(test_mmuext_pins_and_roots, setup_fast,
						teardown_fast),
		cmocka_unit_test_setup_teardown(test_mmuext_flushes_pages_and_refusals, setup_fast,
						teardown_fast),
		T(test_mmuext_fast_fallbacks),
		T(test_memory_op_balloon),
		T(test_memory_op_queries),
		T(test_privileged_caller_names_other_domains),
		T(test_descriptor_check),
		T(test_set_gdt_and_update_descriptor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
