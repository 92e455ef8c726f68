/*
 * Harness for the mm unit tests (see harness.h).  The reference walk and
 * the simulated CPU are written independently of kernel/mm/shadow/walk.c so
 * that they check it rather than repeat it.
 */
#include "harness.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <asm/guest_read.h>
#include <hospes/arch.h>

static struct vcpu *cur;

struct vcpu *current_vcpu(void)
{
	return cur;
}

void mm_set_current(struct vcpu *v)
{
	cur = v;
}

void mm_machine_init(unsigned long frames)
{
	fake_mem_init(frames);
	fake_frame_init();
	assert_int_equal(frame_table_init(frames), 0);
	shadow_set_phys_bits(HARNESS_PHYS_BITS);
	fake_tlb_flushes = fake_tlb_invlpgs = 0;
}

void mm_machine_fini(void)
{
	fake_mem_fini();
}

struct domain *mm_make_domain(domid_t id, unsigned long nr_pages, bool privileged,
			      unsigned int pool)
{
	struct domain *d = calloc(1, sizeof(*d));
	struct vcpu *v = calloc(1, sizeof(*v));

	assert_non_null(d);
	assert_non_null(v);
	d->id = id;
	d->is_privileged = privileged;
	d->max_vcpus = 1;
	d->vcpu[0] = v;
	v->domain = d;
	assert_int_equal(p2m_domain_init(d, nr_pages), 0);
	assert_int_equal(shadow_domain_init(d, pool), 0);
	assert_int_equal(shadow_vcpu_init(v), 0);
	return d;
}

void mm_free_domain(struct domain *d)
{
	struct vcpu *v = d->vcpu[0];

	domain_relinquish_memory(d);
	free(v);
	free(d);
}

uint64_t *gtable(struct domain *d, gfn_t g)
{
	struct p2m_lookup lk = p2m_lookup(d, g);

	assert_int_equal(lk.type, P2M_RAM);
	return mfn_to_virt(lk.mfn);
}

uint64_t gpte(unsigned long gfn, uint64_t flags)
{
	return (gfn << 12) | flags;
}

static unsigned int idx(unsigned long va, int level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static struct ref_result ref_fail(unsigned int access, unsigned int bits)
{
	return (struct ref_result){.ok = false, .ec = access | bits};
}

struct ref_result ref_walk(struct domain *d, unsigned long root, unsigned long va,
			   unsigned int access)
{
	struct ref_result r = {0};
	unsigned long table = root;
	bool rw = true, nx = false;
	int level;

	if (((long)(va << 16) >> 16) != (long)va || (idx(va, 4) >= 256 && idx(va, 4) < 272))
		return ref_fail(access, 0);
	for (level = 4; level >= 1; level--) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(table));
		uint64_t e;

		if (lk.type != P2M_RAM)
			return ref_fail(access, PFEC_P | PFEC_RSVD);
		r.path[level] = table;
		e = ((uint64_t *)mfn_to_virt(lk.mfn))[idx(va, level)];
		if (!(e & PTE_P))
			return ref_fail(access, 0);
		if (level == 4 && (e & PTE_PS))
			return ref_fail(access, PFEC_P | PFEC_RSVD);
		rw &= !!(e & PTE_RW);
		nx |= !!(e & PTE_NX);
		if (level == 1 || (level < 4 && (e & PTE_PS))) {
			unsigned long pages = 1UL << (9 * (level - 1));
			unsigned long base = ((e & PTE_ADDR_MASK) >> 12) & ~(pages - 1);

			r.gfn = base + ((va >> 12) & (pages - 1));
			r.leaf = e;
			break;
		}
		table = (e & PTE_ADDR_MASK) >> 12;
	}
	if ((access & PFEC_W) && !rw)
		return ref_fail(access, PFEC_P);
	if ((access & PFEC_I) && nx)
		return ref_fail(access, PFEC_P);
	if (p2m_lookup(d, _gfn(r.gfn)).type == P2M_INVALID) {
		struct ref_result f = ref_fail(access, PFEC_P | PFEC_RSVD);
		memcpy(f.path, r.path, sizeof(r.path));
		return f;
	}
	r.ok = true;
	return r;
}

/* The CPU's walk of the shadow: ring 3, CR0.WP, EFER.NX, no PS expected;
 * a present entry with an address bit at or above HARNESS_PHYS_BITS is a
 * reserved-bit fault (P and RSVD set). */
static bool hw_walk(paddr_t cr3, unsigned long va, unsigned int access, unsigned long *mfn,
		    unsigned int *ec)
{
	uint64_t table = cr3 >> 12;
	bool rw = true, nx = false, us = true;

	for (int level = 4; level >= 1; level--) {
		uint64_t e = ((uint64_t *)mfn_to_virt(_mfn(table)))[idx(va, level)];

		if (!(e & PTE_P)) {
			*ec = access | PFEC_U;
			return false;
		}
		if (e & PTE_ADDR_MASK & ~((1UL << HARNESS_PHYS_BITS) - 1)) {
			*ec = access | PFEC_U | PFEC_P | PFEC_RSVD;
			return false;
		}
		assert_false(level > 1 && (e & PTE_PS)); /* shadows never use superpages */
		rw &= !!(e & PTE_RW);
		nx |= !!(e & PTE_NX);
		us &= !!(e & PTE_US);
		table = (e & PTE_ADDR_MASK) >> 12;
	}
	if (!us || ((access & PFEC_W) && !rw) || ((access & PFEC_I) && nx)) {
		*ec = access | PFEC_U | PFEC_P;
		return false;
	}
	*mfn = table;
	return true;
}

/* A move at va through the fake CR3: one walk of the loaded shadow, no
 * fault handled (a fault is the copy's fix-up: NULL). */
static void *move_through_cr3(unsigned long va, bool write)
{
	unsigned long mfn;
	unsigned int ec;

	if (!fake_loaded_cr3 || !hw_walk(fake_loaded_cr3, va, write ? PFEC_W : 0, &mfn, &ec))
		return NULL;
	return (char *)mfn_to_virt(_mfn(mfn)) + (va & (PAGE_SIZE - 1));
}

void harness_load_cr3(struct vcpu *v, bool user)
{
	fake_loaded_cr3 = shadow_activate(v, user);
	fake_guest_move = move_through_cr3;
}

void harness_unload_cr3(void)
{
	fake_loaded_cr3 = 0;
	fake_guest_move = NULL;
}

struct cpu_result cpu_access(struct vcpu *v, bool user, unsigned long va, unsigned int access)
{
	struct cpu_result r = {0};
	paddr_t cr3 = shadow_activate(v, user);

	for (int tries = 0; tries < 8; tries++) {
		struct shadow_fault_verdict vd;
		unsigned int ec;

		if (cr3 && hw_walk(cr3, va, access, &r.mfn, &ec)) {
			r.ok = true;
			return r;
		}
		if (!cr3)
			ec = access | PFEC_U;
		shadow_page_fault(v, va, ec, &vd);
		if (vd.kind == SHADOW_NOMEM) {
			r.nomem = true;
			return r;
		}
		if (vd.kind == SHADOW_BOUNCE) {
			r.ec = vd.ec;
			return r;
		}
		r.hidden++;
	}
	fail_msg("va %#lx: fault not resolved after 8 hidden faults", va);
	return r;
}
