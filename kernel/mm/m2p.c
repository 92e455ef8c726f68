/*
 * The read-only machine-to-phys table guests read at 0xFFFF800000000000.
 *
 * A PV guest indexes this table by what it calls a machine frame number and
 * reads its own pseudo-physical frame number back.  With per-domain frame
 * namespaces (docs/memory.md) one global table cannot answer every guest, so
 * each domain has its own view, indexed by its own frame numbers:
 *
 *   domU:        m2p[g] = g for its RAM, ~0 for the window and beyond
 *   driver dom.: m2p[mfn] = its pfn for frames it owns, ~0 for the rest
 *
 * The view is a small page-table tree (one L3, L2s, L1s, data frames) built
 * at domain creation; the shadow engine puts its L3 into slot 256 of every
 * shadow root of the domain, user-readable and never writable.  The guest
 * changes entries only through MMU_MACHPHYS_UPDATE (which calls m2p_set).
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/shadow.h>
#include <public/errno.h>

#include "mm_private.h"

#define M2P_PER_FRAME (PAGE_SIZE / sizeof(unsigned long))

struct m2p_view {
	mfn_t l3;
	unsigned long entries;
};

static uint64_t *m2p_table(mfn_t m)
{
	return mfn_to_virt(m);
}

/* The L1 entry of the table tree that maps data frame number i. */
static uint64_t *m2p_l1e(struct m2p_view *v, unsigned long i)
{
	uint64_t *l3 = m2p_table(v->l3);
	uint64_t *l2 = m2p_table(paddr_to_mfn(l3[i >> 18] & PTE_ADDR_MASK));
	uint64_t *l1 = m2p_table(paddr_to_mfn(l2[(i >> 9) & 511] & PTE_ADDR_MASK));

	return &l1[i & 511];
}

/* Make sure table[idx] points at a table (allocating it); its frame. */
static int m2p_ensure(uint64_t *table, unsigned long idx, uint64_t flags, bool data)
{
	mfn_t m;

	if (table[idx] & PTE_P)
		return 0;
	m = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, 0);
	if (mfn_eq(m, INVALID_MFN))
		return -XEN_ENOMEM;
	memset(mfn_to_virt(m), data ? 0xff : 0, PAGE_SIZE);
	table[idx] = mfn_to_paddr(m) | flags;
	return 0;
}

static int m2p_build(struct m2p_view *v)
{
	unsigned long frames = (v->entries + M2P_PER_FRAME - 1) / M2P_PER_FRAME;
	uint64_t *l3 = m2p_table(v->l3);

	for (unsigned long i = 0; i < frames; i++) {
		uint64_t *l2, *l1;

		if (m2p_ensure(l3, i >> 18, PTE_P | PTE_US, false))
			return -XEN_ENOMEM;
		l2 = m2p_table(paddr_to_mfn(l3[i >> 18] & PTE_ADDR_MASK));
		if (m2p_ensure(l2, (i >> 9) & 511, PTE_P | PTE_US, false))
			return -XEN_ENOMEM;
		l1 = m2p_table(paddr_to_mfn(l2[(i >> 9) & 511] & PTE_ADDR_MASK));
		if (m2p_ensure(l1, i & 511, PTE_P | PTE_US | PTE_NX, true))
			return -XEN_ENOMEM;
	}
	return 0;
}

int m2p_domain_init(struct domain *d)
{
	struct m2p_view *v = mm_alloc_meta(0);

	if (!v)
		return -XEN_ENOMEM;
	d->p2m->m2p = v;
	v->entries = d->p2m->size;
	v->l3 = mm_alloc_frames(DOMID_XEN, FRAME_HYPERVISOR, 0);
	if (mfn_eq(v->l3, INVALID_MFN))
		return -XEN_ENOMEM;
	memset(mfn_to_virt(v->l3), 0, PAGE_SIZE);
	return m2p_build(v);
}

/* Free the tree bottom-up; each level only holds what m2p_build put there. */
static void m2p_free_level(mfn_t table, int level)
{
	uint64_t *t = m2p_table(table);

	for (int i = 0; level > 0 && i < 512; i++)
		if (t[i] & PTE_P)
			m2p_free_level(paddr_to_mfn(t[i] & PTE_ADDR_MASK), level - 1);
	mm_free_frames(table, 0);
}

void m2p_domain_destroy(struct domain *d)
{
	struct m2p_view *v = d->p2m ? d->p2m->m2p : NULL;

	if (!v)
		return;
	if (!mfn_eq(v->l3, INVALID_MFN))
		m2p_free_level(v->l3, 3);
	mm_free_meta(v, 0);
	d->p2m->m2p = NULL;
}

void m2p_set(struct domain *d, gfn_t index, unsigned long value)
{
	struct m2p_view *v = d->p2m->m2p;
	unsigned long *data;

	if (!v || gfn_x(index) >= v->entries)
		return;
	data = mfn_to_virt(paddr_to_mfn(*m2p_l1e(v, gfn_x(index) / M2P_PER_FRAME) & PTE_ADDR_MASK));
	data[gfn_x(index) % M2P_PER_FRAME] = value;
}

unsigned long m2p_get(struct domain *d, gfn_t index)
{
	struct m2p_view *v = d->p2m->m2p;
	unsigned long *data;

	if (!v || gfn_x(index) >= v->entries)
		return ~0UL;
	data = mfn_to_virt(paddr_to_mfn(*m2p_l1e(v, gfn_x(index) / M2P_PER_FRAME) & PTE_ADDR_MASK));
	return data[gfn_x(index) % M2P_PER_FRAME];
}

mfn_t m2p_l3_mfn(struct domain *d)
{
	return d->p2m && d->p2m->m2p ? d->p2m->m2p->l3 : INVALID_MFN;
}

/* The data frame starting 2 MiB chunk `chunk` of d's m2p view (machphys_mfn_list). */
mfn_t m2p_chunk_mfn(struct domain *d, unsigned long chunk)
{
	struct m2p_view *v = d->p2m->m2p;
	unsigned long frame = chunk * 512;

	if (!v || frame * M2P_PER_FRAME >= v->entries)
		return INVALID_MFN;
	return paddr_to_mfn(*m2p_l1e(v, frame) & PTE_ADDR_MASK);
}
