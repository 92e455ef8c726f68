/*
 * Directed tests of the PV MMU, the p2m and guest access: every error path
 * with Xen's error code, and the behaviours the random workload cannot
 * name (user roots, the m2p view, grants, warm CR3 switches, ballooning
 * accounting, 1 GiB guest pages, the isolation checker itself).
 *
 * Guest layout used by most tests (domU, RAM 0..255): L4 at 1, L3 at 2,
 * L2 at 3, L1 at 4; va 0x400000 + n*4K maps data frame 16+n.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <asm/guest_read.h>
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <public/errno.h>
#include "../shadow/harness.h"

#define VA(n) (0x400000UL + (unsigned long)(n)*PAGE_SIZE)
#define RWP   (PTE_P | PTE_RW)

static struct domain *d;
static struct vcpu *v;
static unsigned long free_at_start;

static int setup(void **state)
{
	mm_machine_init(4096);
	free_at_start = frame_free_count();
	d = mm_make_domain(1, 256, false, 64);
	v = d->vcpu[0];
	mm_set_current(v);
	gtable(d, _gfn(1))[0] = gpte(2, RWP);
	gtable(d, _gfn(2))[0] = gpte(3, RWP);
	gtable(d, _gfn(3))[2] = gpte(4, RWP);
	for (int n = 0; n < 8; n++)
		gtable(d, _gfn(4))[n] = gpte(16 + n, RWP);
	assert_int_equal(shadow_set_roots(v, _gfn(1), INVALID_GFN), 0);
	return 0;
}

static int teardown(void **state)
{
	assert_int_equal(mm_check_isolation(d), 0);
	mm_free_domain(d);
	assert_int_equal(frame_free_count(), free_at_start);
	mm_machine_fini();
	return 0;
}

static unsigned long mfn_of(struct domain *dd, unsigned long g)
{
	return mfn_x(p2m_lookup(dd, _gfn(g)).mfn);
}

static void test_access_and_ad_bits(void **state)
{
	struct cpu_result r = cpu_access(v, false, VA(1), 0);

	assert_true(r.ok);
	assert_int_equal(r.mfn, mfn_of(d, 17));
	assert_int_equal(r.hidden, 1);
	assert_true(gtable(d, _gfn(4))[1] & PTE_A);
	assert_false(gtable(d, _gfn(4))[1] & PTE_D);
	r = cpu_access(v, false, VA(1), PFEC_W); /* clean page: one more hidden fault sets D */
	assert_true(r.ok && r.hidden == 1);
	assert_true(gtable(d, _gfn(4))[1] & PTE_D);
	r = cpu_access(v, false, VA(1), PFEC_W);
	assert_true(r.ok && r.hidden == 0);
}

static void test_bounces_carry_guest_error_code(void **state)
{
	struct cpu_result r = cpu_access(v, false, VA(9), 0); /* L1 entry empty */

	assert_false(r.ok);
	assert_int_equal(r.ec, 0);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 9, gpte(25, PTE_P | PTE_NX), false, 0), 0);
	r = cpu_access(v, false, VA(9), PFEC_W);
	assert_int_equal(r.ec, PFEC_P | PFEC_W);
	r = cpu_access(v, false, VA(9), PFEC_I);
	assert_int_equal(r.ec, PFEC_P | PFEC_I);
	struct shadow_fault_verdict vd;
	shadow_page_fault(v, 0x800000000000UL, PFEC_U, &vd); /* non-canonical */
	assert_int_equal(vd.kind, SHADOW_BOUNCE);
}

static void test_mmu_update_errors(void **state)
{
	uint64_t *l1 = gtable(d, _gfn(4)), *l4 = gtable(d, _gfn(1));

	/* Frame 4 is an L1 (shadowed after a fault through it). */
	assert_true(cpu_access(v, false, VA(0), 0).ok);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(300, PTE_P), false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(4, RWP), false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(30, PTE_P | PTE_PCD), false, 0),
			 -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(30, PTE_P) | (1UL << 62), false, 0),
			 -XEN_EINVAL);
	assert_int_equal(l1[3], gpte(19, RWP)); /* unchanged by refusals */
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(4, PTE_P), false, 0), 0); /* RO ok */
	/* L4: hypervisor slots, superpages, cache bits. */
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 256, 0, false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 271, gpte(2, RWP), false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 5, gpte(2, RWP | PTE_PS), false, 0),
			 -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 5, gpte(2, RWP | PTE_PWT), false, 0),
			 -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 5, gpte(999, RWP), false, 0), -XEN_EINVAL);
	assert_int_equal(l4[5], 0);
	assert_int_equal(pv_pt_update(d, d, _gfn(1), 272, gpte(2, RWP), false, 0), 0);
	/* L2: misaligned superpage, G on a table link. */
	assert_true(cpu_access(v, false, VA(0), 0).ok);
	assert_int_equal(pv_pt_update(d, d, _gfn(3), 7, gpte(2, RWP | PTE_PS), false, 0),
			 -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(3), 7, gpte(4, RWP | PTE_G), false, 0),
			 -XEN_EINVAL);
	/* A frame that is no page table takes any value (as in Xen). */
	assert_int_equal(pv_pt_update(d, d, _gfn(40), 0, 0xdeadbeefUL, false, 0), 0);
	assert_int_equal(gtable(d, _gfn(40))[0], 0xdeadbeefUL);
	/* A table frame outside the domain's RAM. */
	assert_int_equal(pv_pt_update(d, d, _gfn(5000), 0, 0, false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 512, 0, false, 0), -XEN_EINVAL);
}

static void test_update_is_seen_without_flush(void **state)
{
	assert_int_equal(cpu_access(v, false, VA(2), 0).mfn, mfn_of(d, 18));
	assert_int_equal(pv_update_va_mapping(v, VA(2), gpte(50, RWP)), 0);
	assert_int_equal(cpu_access(v, false, VA(2), 0).mfn, mfn_of(d, 50));
	assert_int_equal(pv_update_va_mapping(v, VA(2), 0), 0);
	assert_false(cpu_access(v, false, VA(2), 0).ok);
	/* No L1 on the path, or a bad entry. */
	assert_int_equal(pv_update_va_mapping(v, 0x40000000UL, gpte(50, RWP)), -XEN_EINVAL);
	assert_int_equal(pv_update_va_mapping(v, VA(2), gpte(5000, RWP)), -XEN_EINVAL);
	assert_int_equal(pv_update_va_mapping(v, 0xffff800000000000UL, 0), -XEN_EINVAL);
	/* preserve_ad keeps the accessed/dirty bits already in the entry. */
	assert_true(cpu_access(v, false, VA(3), PFEC_W).ok);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 3, gpte(19, RWP), true, 0), 0);
	assert_int_equal(gtable(d, _gfn(4))[3] & (PTE_A | PTE_D), PTE_A | PTE_D);
}

static void test_pin_unpin(void **state)
{
	gtable(d, _gfn(60))[0] = gpte(5000, PTE_P); /* invalid as an L1 */
	assert_int_equal(pv_pin_table(d, _gfn(60), 1), -XEN_EINVAL);
	gtable(d, _gfn(60))[0] = gpte(61, PTE_P);
	assert_int_equal(pv_pin_table(d, _gfn(60), 1), 0);
	assert_int_equal(pv_pin_table(d, _gfn(60), 1), -XEN_EINVAL);
	assert_int_equal(pv_pin_table(d, _gfn(60), 2), -XEN_EINVAL);
	/* While pinned it is a table: no writable mapping of it, updates validated. */
	assert_int_equal(pv_update_va_mapping(v, VA(5), gpte(60, RWP)), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(60), 1, gpte(5000, PTE_P), false, 0), -XEN_EINVAL);
	assert_int_equal(pv_unpin_table(d, _gfn(60)), 0);
	assert_int_equal(pv_unpin_table(d, _gfn(60)), -XEN_EINVAL);
	assert_int_equal(pv_pin_table(d, _gfn(5000), 1), -XEN_EINVAL);
	assert_int_equal(pv_pin_table(d, _gfn(60), 5), -XEN_EINVAL);
	assert_int_equal(pv_update_va_mapping(v, VA(5), gpte(60, RWP)), 0);
}

static void test_pinned_table_is_write_protected(void **state)
{
	assert_true(cpu_access(v, false, VA(6), PFEC_W).ok); /* frame 22, writable */
	gtable(d, _gfn(22))[0] = 0;
	assert_int_equal(pv_pin_table(d, _gfn(22), 1), 0);
	struct cpu_result r = cpu_access(v, false, VA(6), PFEC_W);
	assert_false(r.ok);
	assert_int_equal(r.ec, PFEC_P | PFEC_W);
	assert_true(cpu_access(v, false, VA(6), 0).ok);
	assert_int_equal(pv_unpin_table(d, _gfn(22)), 0);
	assert_true(cpu_access(v, false, VA(6), PFEC_W).ok);
}

static void test_user_root(void **state)
{
	/* User root 8 maps only VA(0) through its own L3/L2 (9, 10) and the L1 at 4. */
	gtable(d, _gfn(8))[0] = gpte(9, RWP);
	gtable(d, _gfn(9))[0] = gpte(10, RWP);
	gtable(d, _gfn(10))[2] = gpte(11, RWP);
	gtable(d, _gfn(11))[0] = gpte(16, RWP);
	assert_int_equal(shadow_set_roots(v, _gfn(1), _gfn(8)), 0);
	assert_true(cpu_access(v, true, VA(0), 0).ok);
	struct cpu_result r = cpu_access(v, true, VA(1), PFEC_W);
	assert_false(r.ok);
	assert_int_equal(r.ec, PFEC_U | PFEC_W);
	assert_true(cpu_access(v, false, VA(1), 0).ok);
	assert_int_equal(gfn_x(shadow_guest_root(v, true)), 8);
	assert_int_equal(shadow_set_roots(v, _gfn(1), _gfn(5000)), -XEN_EINVAL);
	assert_int_equal(shadow_set_roots(v, _gfn(300), INVALID_GFN), -XEN_EINVAL);
	assert_int_equal(gfn_x(shadow_guest_root(v, false)), 1);
}

static void test_m2p_view(void **state)
{
	unsigned long va = 0xffff800000000000UL + 8 * 37;
	struct cpu_result r = cpu_access(v, false, va, 0);
	unsigned long *m2p;

	assert_true(r.ok);
	m2p = mfn_to_virt(_mfn(r.mfn));
	assert_int_equal(m2p[37], 37);
	assert_int_equal(m2p_get(d, _gfn(37)), 37);
	assert_int_equal(m2p_get(d, _gfn(256)), ~0UL); /* the window */
	r = cpu_access(v, false, va, PFEC_W);
	assert_false(r.ok);
	assert_int_equal(r.ec, PFEC_P | PFEC_W);
	assert_int_equal(pv_machphys_update(d, _gfn(37), 99), 0);
	assert_int_equal(m2p[37], 99);
	assert_int_equal(pv_machphys_update(d, _gfn(400), 1), -XEN_EINVAL);
	/* Other hypervisor slots: never reachable, not even through a guest entry. */
	assert_false(cpu_access(v, false, 0xffff830000000000UL, 0).ok);
}

static void test_foreign_map_and_unmap(void **state)
{
	struct domain *b = mm_make_domain(2, 16, false, 32);
	mfn_t theirs = p2m_lookup(b, _gfn(3)).mfn;
	unsigned long flushes;
	gfn_t g = p2m_add_foreign(d, theirs, true);

	assert_true(gfn_x(g) >= 256 && gfn_x(g) < 256 + P2M_WINDOW_FRAMES);
	assert_int_equal(m2p_get(d, g), ~0UL);
	assert_int_equal(pv_update_va_mapping(v, VA(7), gpte(gfn_x(g), RWP)), 0);
	assert_int_equal(cpu_access(v, false, VA(7), PFEC_W).mfn, mfn_x(theirs));
	assert_int_equal(mm_check_isolation(d), 0);
	flushes = fake_tlb_flushes;
	assert_int_equal(p2m_remove_foreign(d, g), 0);
	assert_true(fake_tlb_flushes > flushes);
	assert_int_equal(frame_info(theirs)->smap_count, 0);
	struct cpu_result r = cpu_access(v, false, VA(7), 0);
	assert_false(r.ok);
	assert_int_equal(r.ec, PFEC_P | PFEC_RSVD);
	assert_int_equal(p2m_remove_foreign(d, g), -XEN_EINVAL);
	assert_int_equal(p2m_remove_foreign(d, _gfn(3)), -XEN_EINVAL); /* RAM, not foreign */
	/* The checker does catch a shadow entry to another domain's frame. */
	assert_true(cpu_access(v, false, VA(0), 0).ok);
	uint64_t *sl4 = mfn_to_virt(paddr_to_mfn(shadow_activate(v, false)));
	uint64_t *sl3 = mfn_to_virt(paddr_to_mfn(sl4[0] & PTE_ADDR_MASK));
	uint64_t *sl2 = mfn_to_virt(paddr_to_mfn(sl3[0] & PTE_ADDR_MASK));
	uint64_t *sl1 = mfn_to_virt(paddr_to_mfn(sl2[2] & PTE_ADDR_MASK));
	uint64_t saved = sl1[0];
	sl1[0] = mfn_to_paddr(theirs) | PTE_P | PTE_US;
	assert_int_equal(mm_check_isolation(d), -1);
	sl1[0] = saved;
	mm_free_domain(b);
}

static void test_shared_page(void **state)
{
	mfn_t hv = mm_alloc_frames(DOMID_XEN, FRAME_SHARED, 0);
	gfn_t g = p2m_add_shared(d, hv);

	assert_int_equal(pv_update_va_mapping(v, VA(7), gpte(gfn_x(g), RWP)), 0);
	assert_int_equal(cpu_access(v, false, VA(7), PFEC_W).mfn, mfn_x(hv));
	assert_int_equal(mm_check_isolation(d), 0);
	assert_int_equal(p2m_remove_shared(d, g), 0);
	assert_false(cpu_access(v, false, VA(7), 0).ok);
	mm_free_frames(hv, 0);
}

static void test_warm_switch_builds_nothing(void **state)
{
	struct shadow_stats a, b;

	memcpy(gtable(d, _gfn(5)), gtable(d, _gfn(1)), PAGE_SIZE); /* a second address space */
	assert_int_equal(shadow_set_roots(v, _gfn(5), INVALID_GFN), 0);
	assert_true(cpu_access(v, false, VA(0), 0).ok);
	assert_int_equal(shadow_set_roots(v, _gfn(1), INVALID_GFN), 0);
	assert_true(cpu_access(v, false, VA(0), 0).ok);
	shadow_get_stats(d, &a);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(shadow_set_roots(v, _gfn(i & 1 ? 1 : 5), INVALID_GFN), 0);
		assert_int_equal(cpu_access(v, false, VA(0), 0).hidden, 0);
	}
	shadow_get_stats(d, &b);
	assert_int_equal(a.pages_built, b.pages_built);
	assert_int_equal(a.hidden_faults, b.hidden_faults);
}

static void test_balloon_accounting(void **state)
{
	gfn_t out;
	unsigned long tot = d->tot_pages, free;

	assert_int_equal(tot, 256);
	assert_int_equal(p2m_populate(d, _gfn(3), 0, &out), -XEN_EINVAL); /* occupied */
	assert_int_equal(p2m_increase(d, 0, &out), -XEN_ENOMEM);	  /* at max_pages */
	assert_int_equal(p2m_decrease(d, _gfn(300), 0), -XEN_EINVAL);	  /* window */
	assert_int_equal(p2m_decrease(d, _gfn(33), 1), -XEN_EINVAL);	  /* misaligned */
	assert_true(cpu_access(v, false, VA(4), PFEC_W).ok);		  /* frame 20 mapped */
	free = frame_free_count();
	assert_int_equal(p2m_decrease(d, _gfn(20), 2), 0); /* 20..23 */
	assert_int_equal(d->tot_pages, 252);
	assert_int_equal(frame_free_count(), free + 4);
	assert_int_equal(cpu_access(v, false, VA(4), 0).ec, PFEC_P | PFEC_RSVD);
	assert_int_equal(p2m_populate(d, _gfn(256), 0, &out), -XEN_EINVAL); /* window */
	assert_int_equal(p2m_populate(d, _gfn(21), 0, &out), 0);
	assert_int_equal(gfn_x(out), 21);
	assert_int_equal(p2m_increase(d, 1, &out), 0);
	assert_int_equal(gfn_x(out), 22);
	assert_int_equal(d->tot_pages, 255);
	assert_true(cpu_access(v, false, VA(5), 0).ok);
	assert_int_equal(pv_pin_table(d, _gfn(30), 1), 0);
	assert_int_equal(p2m_decrease(d, _gfn(30), 0), -XEN_EINVAL); /* pinned */
	assert_int_equal(p2m_decrease(d, _gfn(1), 0), -XEN_EBUSY);   /* the loaded root */
	assert_int_equal(pv_unpin_table(d, _gfn(30)), 0);
}

static void test_gigabyte_page(void **state)
{
	assert_int_equal(pv_pt_update(d, d, _gfn(2), 1, gpte(0, RWP | PTE_PS), false, 0), 0);
	for (unsigned long g = 0; g < 256; g += 37) {
		struct cpu_result r = cpu_access(v, false, 0x40000000UL + g * PAGE_SIZE, 0);

		assert_true(r.ok);
		assert_int_equal(r.mfn, mfn_of(d, g));
	}
	assert_int_equal(cpu_access(v, false, 0x40000000UL + 300 * PAGE_SIZE, 0).ec,
			 PFEC_P | PFEC_RSVD);
	/* Writing through it to a page-table frame (4) is refused while it is loaded. */
	assert_int_equal(cpu_access(v, false, 0x40000000UL + 1 * PAGE_SIZE, PFEC_W).ec,
			 PFEC_P | PFEC_W);
}

static void test_guest_access(void **state)
{
	char buf[6000], back[6000];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)i;
	assert_int_equal(copy_to_guest(VA(0) + 100, buf, sizeof(buf)), 0);
	assert_int_equal(copy_from_guest(back, VA(0) + 100, sizeof(back)), 0);
	assert_memory_equal(buf, back, sizeof(buf));
	assert_true(gtable(d, _gfn(4))[1] & PTE_D);
	assert_int_equal(copy_from_guest(back, VA(7) + 4000, 200), -XEN_EFAULT); /* into VA(8) */
	assert_int_equal(copy_from_guest(back, 0xffff800000000000UL, 8), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(back, 0x800000000000UL, 8), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(back, ~0UL - 3, 8), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(back, VA(0), 0), 0);
	/* Read-only page: nothing written, not even the part that would fit. */
	assert_int_equal(pv_update_va_mapping(v, VA(7), gpte(23, PTE_P)), 0);
	memset(gtable(d, _gfn(22)), 0, PAGE_SIZE);
	assert_int_equal(copy_to_guest(VA(6) + 4000, buf, 200), -XEN_EFAULT);
	assert_int_equal(gtable(d, _gfn(22))[500], 0);
	assert_int_equal(copy_from_guest(back, VA(7), 8), 0);
	/* A page-table frame is never written, even through a writable guest
	 * entry (forged by a direct store, so on a page no copy has touched:
	 * copies fill the shadow as the CPU would, and the shadow is right
	 * only while table changes go through the hypervisor). */
	gtable(d, _gfn(4))[5] = gpte(1, RWP); /* the loaded root */
	assert_int_equal(copy_to_guest(VA(5), buf, 8), -XEN_EFAULT);
	mm_set_current(NULL);
	assert_int_equal(copy_from_guest(back, VA(0), 8), -XEN_EFAULT);
	mm_set_current(v);
}

/* Copies remember translations (sh_xlate): each change that could make
 * one wrong is seen by the very next copy. */
/* One-page copies move through the loaded tables first (the fake CR3
 * walks the loaded shadow as the CPU would); a fault falls back to the
 * software walk, a failed copy copies nothing, and no move is tried
 * where it could reach the wrong tables or the hypervisor. */
static void test_direct_moves(void **state)
{
	uint64_t x = 0, y = 0x5eed, pat = 0xabababababababab;
	unsigned long moves;

	gtable(d, _gfn(17))[0] = 0x1717;
	gtable(d, _gfn(17))[511] = 0x2727;
	harness_load_cr3(v, false);
	moves = fake_guest_moves;
	/* not in the shadow yet: the move faults, the walk fills it */
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x1717);
	assert_int_equal(fake_guest_moves, moves + 1);
	/* now the move itself reads it: change the frame behind the walk's
	 * remembered translation's back... the move sees the frame */
	gtable(d, _gfn(17))[0] = 0x1718;
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x1718);
	assert_int_equal(fake_guest_moves, moves + 2);
	/* writes: the first finds the shadow read-only (not dirty yet) and
	 * falls back, which sets D; then the move writes */
	assert_int_equal(copy_to_guest(VA(1), &y, 8), 0);
	assert_true(gtable(d, _gfn(4))[1] & PTE_D);
	assert_int_equal(write_guest_u32(v, VA(1) + 8, 0x77), 0);
	assert_int_equal(gtable(d, _gfn(17))[0], 0x5eed);
	assert_int_equal(gtable(d, _gfn(17))[1], 0x77);
	assert_int_equal(fake_guest_moves, moves + 4);
	/* read-only now: the move faults and the walk refuses; nothing written */
	assert_int_equal(pv_update_va_mapping(v, VA(1), gpte(17, PTE_P)), 0);
	assert_int_equal(copy_to_guest(VA(1), &pat, 8), -XEN_EFAULT);
	assert_int_equal(gtable(d, _gfn(17))[0], 0x5eed);
	/* unmapped: the move faults, the walk fails, dst untouched */
	assert_int_equal(pv_update_va_mapping(v, VA(1), 0), 0);
	x = pat;
	assert_int_equal(copy_from_guest(&x, VA(1), 8), -XEN_EFAULT);
	assert_int_equal(x, pat);
	/* no move across a page, into the hypervisor's half, from another
	 * vCPU's context or through a root that is not v's kernel root */
	assert_int_equal(pv_update_va_mapping(v, VA(1), gpte(17, RWP)), 0);
	moves = fake_guest_moves;
	assert_int_equal(copy_from_guest(&x, VA(1) - 4, 8), 0);
	assert_int_equal(copy_from_guest(&x, 0xffff800000001000UL, 8), -XEN_EFAULT);
	mm_set_current(NULL);
	assert_int_equal(copy_from_guest_vcpu(v, &x, VA(1) + 4088, 8), 0);
	assert_int_equal(x, 0x2727);
	mm_set_current(v);
	fake_loaded_cr3 += PAGE_SIZE; /* a user root, or a bounce before its CR3 load */
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x5eed);
	assert_int_equal(fake_guest_moves, moves);
	harness_unload_cr3();
}

/* guest_loaded_ok (may the bounce frames' stores be tried): yes only for
 * the running vCPU on its kernel root, in one page; a store it allows may
 * still fault and then writes nothing. */
static void test_loaded_store(void **state)
{
	uint64_t w[7] = {1, 2, 3, 4, 5, 6, 7}, zero[7] = {0};

	memset(gtable(d, _gfn(17)), 0, PAGE_SIZE);
	harness_load_cr3(v, false);
	/* not in the shadow yet: allowed, but the store faults */
	assert_true(guest_loaded_ok(v, VA(1), sizeof(w)));
	assert_false(arch_write_guest_frame7(VA(1), 1, 2, 3, 4, 5, 6, 7));
	assert_memory_equal(gtable(d, _gfn(17)), zero, sizeof(zero));
	/* once a walk has made the shadow entry writable, the store writes */
	assert_int_equal(copy_to_guest(VA(1) + 64, w, 8), 0);
	assert_true(arch_write_guest_frame7(VA(1), 1, 2, 3, 4, 5, 6, 7));
	assert_memory_equal(gtable(d, _gfn(17)), w, sizeof(w));
	/* declined: across a page, the hypervisor's half, another root in
	 * CR3, not the running vCPU */
	assert_false(guest_loaded_ok(v, VA(1) + 4088, 16));
	assert_false(guest_loaded_ok(v, 0xffff800000001000UL, 56));
	fake_loaded_cr3 += PAGE_SIZE;
	assert_false(guest_loaded_ok(v, VA(1) + 128, sizeof(w)));
	fake_loaded_cr3 -= PAGE_SIZE;
	mm_set_current(NULL);
	assert_false(guest_loaded_ok(v, VA(1) + 128, sizeof(w)));
	mm_set_current(v);
	assert_true(guest_loaded_ok(v, VA(1) + 128, sizeof(w)));
	harness_unload_cr3();
	assert_false(guest_loaded_ok(v, VA(1) + 128, sizeof(w)));
}

static void test_copy_remembers_safely(void **state)
{
	uint64_t x = 0, y = 0x5eed;

	gtable(d, _gfn(17))[0] = 0x1717;
	gtable(d, _gfn(18))[0] = 0x1818;
	for (int i = 0; i < 3; i++) /* miss and fill, shadow hit, remembered */
		assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x1717);
	/* the entry now names another frame: the new one is read */
	assert_int_equal(pv_update_va_mapping(v, VA(1), gpte(18, RWP)), 0);
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x1818);
	/* read-only now: a remembered writable translation must not write */
	assert_int_equal(copy_to_guest(VA(1), &y, 8), 0);
	assert_int_equal(pv_update_va_mapping(v, VA(1), gpte(18, PTE_P)), 0);
	assert_int_equal(copy_to_guest(VA(1), &y, 8), -XEN_EFAULT);
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	/* unmapped: the copy fails */
	assert_int_equal(pv_update_va_mapping(v, VA(1), 0), 0);
	assert_int_equal(copy_from_guest(&x, VA(1), 8), -XEN_EFAULT);
	/* the frame becomes a page table: never written, even if it was */
	assert_int_equal(pv_update_va_mapping(v, VA(1), gpte(18, RWP)), 0);
	assert_int_equal(copy_to_guest(VA(1), &y, 8), 0);
	assert_int_equal(copy_to_guest(VA(1), &y, 8), 0);
	memset(gtable(d, _gfn(18)), 0, PAGE_SIZE);
	assert_int_equal(pv_pin_table(d, _gfn(18), 1), 0);
	assert_int_equal(copy_to_guest(VA(1), &y, 8), -XEN_EFAULT);
	assert_int_equal(pv_unpin_table(d, _gfn(18)), 0);
	/* another root without VA(2): the old root's translation is gone */
	for (int i = 0; i < 2; i++)
		assert_int_equal(copy_from_guest(&x, VA(2), 8), 0);
	memcpy(gtable(d, _gfn(5)), gtable(d, _gfn(1)), PAGE_SIZE);
	gtable(d, _gfn(5))[0] = 0;
	assert_int_equal(shadow_set_roots(v, _gfn(5), INVALID_GFN), 0);
	assert_int_equal(copy_from_guest(&x, VA(2), 8), -XEN_EFAULT);
	assert_int_equal(shadow_set_roots(v, _gfn(1), INVALID_GFN), 0);
	assert_int_equal(copy_from_guest(&x, VA(2), 8), 0);
}

static void test_driver_domain_identity(void **state)
{
	struct domain *z = mm_make_domain(0, 32, true, 32);

	for (unsigned long i = 0; i < 32; i++) {
		gfn_t g = p2m_ram_frame(z, i);

		assert_int_equal(mfn_of(z, gfn_x(g)), gfn_x(g));
		assert_int_equal(m2p_get(z, g), i);
	}
	assert_int_equal(gfn_x(p2m_ram_frame(z, 32)), INVALID_GFN_RAW);
	/* A grant map in the driver domain is the real frame number. */
	mfn_t theirs = p2m_lookup(d, _gfn(50)).mfn;
	assert_int_equal(gfn_x(p2m_add_foreign(z, theirs, false)), mfn_x(theirs));
	assert_int_equal(p2m_remove_foreign(z, _gfn(mfn_x(theirs))), 0);
	mm_free_domain(z);
}

/* An L1 update rewrites the shadow entry in place: same value, no change
 * at all; a new frame, seen without a fault; no A bit, refilled by a
 * fault that sets it, as the CPU would. */
static void test_update_in_place(void **state)
{
	const uint64_t ad = PTE_A | PTE_D;
	struct shadow_stats st0, st1;

	assert_true(cpu_access(v, false, VA(1), PFEC_W).ok);
	shadow_get_stats(d, &st0);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gtable(d, _gfn(4))[1], false, 0), 0);
	assert_int_equal(cpu_access(v, false, VA(1), PFEC_W).hidden, 0);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(30, RWP | ad), false, 0), 0);
	struct cpu_result r = cpu_access(v, false, VA(1), PFEC_W);
	assert_true(r.ok && r.hidden == 0 && r.mfn == mfn_of(d, 30));
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(31, RWP | PTE_A), false, 0), 0);
	r = cpu_access(v, false, VA(1), 0); /* clean: read-only in the shadow */
	assert_true(r.ok && r.hidden == 0 && r.mfn == mfn_of(d, 31));
	r = cpu_access(v, false, VA(1), PFEC_W);
	assert_true(r.ok && r.hidden == 1 && (gtable(d, _gfn(4))[1] & PTE_D));
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(32, RWP), false, 0), 0);
	r = cpu_access(v, false, VA(1), 0);
	assert_true(r.ok && r.hidden == 1 && r.mfn == mfn_of(d, 32));
	assert_true(gtable(d, _gfn(4))[1] & PTE_A);
	shadow_get_stats(d, &st1);
	assert_int_equal(st1.hidden_faults, st0.hidden_faults + 2);
	/* a frame that became a page table is never mapped writable in place */
	memset(gtable(d, _gfn(33)), 0, PAGE_SIZE);
	assert_int_equal(pv_pin_table(d, _gfn(33), 1), 0);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(33, RWP | ad), false, 0), -XEN_EINVAL);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(33, PTE_P | ad), false, 0), 0);
	assert_int_equal(cpu_access(v, false, VA(1), PFEC_W).ec, PFEC_P | PFEC_W);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, 0, false, 0), 0);
	assert_int_equal(pv_unpin_table(d, _gfn(33)), 0);
}

/* An entry made not present bounces the next fault without a guest walk
 * (the CPU reports RSVD on the "guest not present" entry), with the error
 * code the walk would give; without a usable reserved bit, the same
 * verdict the slow way. */
static void test_guest_not_present_fast(void **state)
{
	struct shadow_fault_verdict vd;

	for (int round = 0; round < 2; round++) {
		shadow_set_phys_bits(round ? 52 : HARNESS_PHYS_BITS);
		assert_true(cpu_access(v, false, VA(2), 0).ok);
		assert_int_equal(pv_update_va_mapping(v, VA(2), 0), 0);
		gtable(d, _gfn(4))[1] = 0x1234000; /* the L1's neighbour: untouched */
		struct cpu_result r = cpu_access(v, false, VA(2), PFEC_W);
		assert_true(!r.ok && r.hidden == 0 && r.ec == PFEC_W);
		assert_int_equal(cpu_access(v, false, VA(2), PFEC_I).ec, PFEC_I);
		shadow_page_fault(v, VA(2), PFEC_P | PFEC_RSVD | PFEC_U, &vd);
		assert_int_equal(vd.kind, SHADOW_BOUNCE);
		assert_int_equal(vd.ec, 0);
		assert_int_equal(cpu_access(v, true, VA(2), 0).ec, PFEC_U); /* (no user root) */
		(void)shadow_activate(v, false);
		assert_int_equal(pv_update_va_mapping(v, VA(2), gpte(18, RWP | PTE_A)), 0);
		r = cpu_access(v, false, VA(2), 0);
		assert_true(r.ok && r.hidden == 0 && r.mfn == mfn_of(d, 18));
		gtable(d, _gfn(4))[1] = gpte(17, RWP);
	}
	shadow_set_phys_bits(HARNESS_PHYS_BITS);
	/* an entry never mapped: the first fault walks and leaves the
	 * not-present entry, the second takes the fast verdict */
	unsigned int gec = 99;
	assert_false(shadow_gnp_fault(v, VA(9), PFEC_P | PFEC_RSVD | PFEC_U, &gec));
	assert_int_equal(cpu_access(v, false, VA(9), 0).ec, 0);
	assert_true(shadow_gnp_fault(v, VA(9), PFEC_P | PFEC_RSVD | PFEC_U | PFEC_W, &gec));
	assert_int_equal(gec, PFEC_W);
	assert_int_equal(cpu_access(v, false, VA(9), PFEC_W).ec, PFEC_W);
	assert_int_equal(pv_update_va_mapping(v, VA(9), gpte(19, RWP | PTE_A)), 0);
	assert_true(cpu_access(v, false, VA(9), 0).ok);
	/* RSVD on an ordinary entry (none is built): the full path decides */
	shadow_page_fault(v, VA(3), PFEC_P | PFEC_RSVD | PFEC_U, &vd);
	assert_int_equal(vd.kind, SHADOW_FIXED);
	assert_true(cpu_access(v, false, VA(3), 0).ok);
}

/* update_va_mapping finds the L1 through the loaded shadow when it can,
 * else by walking the guest's tables: the same result either way. */
static void test_uvm_paths(void **state)
{
	for (int warm = 0; warm < 2; warm++) {
		if (warm)
			assert_true(cpu_access(v, false, VA(5), 0).ok); /* builds the path */
		assert_int_equal(pv_update_va_mapping(v, VA(5), gpte(40 + warm, RWP | PTE_A)), 0);
		assert_int_equal(gtable(d, _gfn(4))[5], gpte(40 + warm, RWP | PTE_A));
		struct cpu_result r = cpu_access(v, false, VA(5), 0);
		assert_true(r.ok && r.mfn == mfn_of(d, 40 + warm));
		assert_int_equal(pv_update_va_mapping(v, VA(5), gpte(4, RWP)), -XEN_EINVAL);
		assert_int_equal(pv_update_va_mapping(v, VA(5), gpte(999, PTE_P)), -XEN_EINVAL);
		assert_int_equal(gtable(d, _gfn(4))[5], gpte(40 + warm, RWP | PTE_A));
	}
	assert_int_equal(pv_update_va_mapping(v, 0xffff800000001000UL, 0), -XEN_EINVAL);
	assert_int_equal(pv_update_va_mapping(v, 0x800000000000UL, 0), -XEN_EINVAL);
	assert_int_equal(pv_update_va_mapping(v, VA(5) + (1UL << 30), 0), -XEN_EINVAL); /* no L2 */
}

/* Another vCPU's remembered translation dies when the entry it went
 * through is rewritten in place to another frame, not when it is rewritten
 * with its own value. */
static void test_update_vs_other_vcpu(void **state)
{
	struct vcpu *w = calloc(1, sizeof(*w));
	uint64_t x = 0;

	w->domain = d;
	w->id = 1;
	d->vcpu[1] = w;
	d->max_vcpus = 2;
	assert_int_equal(shadow_vcpu_init(w), 0);
	assert_int_equal(shadow_set_roots(w, _gfn(1), INVALID_GFN), 0);
	gtable(d, _gfn(17))[0] = 0x1717;
	gtable(d, _gfn(40))[0] = 0x4040;
	mm_set_current(w);
	for (int i = 0; i < 3; i++)
		assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	mm_set_current(v);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gtable(d, _gfn(4))[1], false, 0), 0);
	mm_set_current(w);
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x1717);
	mm_set_current(v);
	assert_int_equal(pv_pt_update(d, d, _gfn(4), 1, gpte(40, RWP | PTE_A), false, 0), 0);
	mm_set_current(w);
	assert_int_equal(copy_from_guest(&x, VA(1), 8), 0);
	assert_int_equal(x, 0x4040);
	mm_set_current(v);
	shadow_vcpu_destroy(w);
	d->vcpu[1] = NULL;
	d->max_vcpus = 1;
	free(w);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_access_and_ad_bits),
		T(test_bounces_carry_guest_error_code),
		T(test_mmu_update_errors),
		T(test_update_is_seen_without_flush),
		T(test_pin_unpin),
		T(test_pinned_table_is_write_protected),
		T(test_user_root),
		T(test_m2p_view),
		T(test_foreign_map_and_unmap),
		T(test_shared_page),
		T(test_warm_switch_builds_nothing),
		T(test_balloon_accounting),
		T(test_gigabyte_page),
		T(test_guest_access),
		T(test_copy_remembers_safely),
		T(test_direct_moves),
		T(test_loaded_store),
		T(test_driver_domain_identity),
		T(test_update_in_place),
		T(test_guest_not_present_fast),
		T(test_uvm_paths),
		T(test_update_vs_other_vcpu),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
