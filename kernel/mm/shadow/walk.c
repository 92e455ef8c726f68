/*
 * Walking a guest's own page tables in software.
 *
 * The walk follows the guest's entries from its L4, translating each table's
 * guest frame through the p2m, exactly as the CPU would if the guest's
 * frames were machine frames.  It is the single source of truth for "what
 * does the guest's address space say": the fault handler uses it to decide
 * between a hidden fault and a bounce, guest_access.c to reach hypercall
 * arguments, update_va_mapping to find the L1 entry, and the unit tests'
 * reference model is checked against the shadows it produces.
 *
 * Permission rules (64-bit PV): writable only if RW is set at every level;
 * not executable if NX is set at any level; the U bit is ignored because
 * the hypervisor forces it on (guest kernel and user both run in ring 3 and
 * are separated by having different roots).  PS in an L4 entry is a
 * reserved-bit fault.  L4 slots 256-271 are the hypervisor's and never
 * come from the guest.  A table whose frame is not the guest's RAM is
 * reported as a reserved-bit fault: the guest wrote a bad entry.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/p2m.h>

#include "shadow_private.h"

static bool va_canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

static int walk_fail(struct guest_walk *w, unsigned int access, unsigned int extra)
{
	w->ec = (access & (PFEC_W | PFEC_U | PFEC_I)) | extra;
	return -1;
}

int guest_walk(struct domain *d, gfn_t root, unsigned long va, unsigned int access,
	       struct guest_walk *w)
{
	gfn_t table = root;
	bool rw = true, nx = false;

	w->np_level = 0;
	if (!va_canonical(va) ||
	    (va_index(va, 4) >= HV_SLOT_FIRST && va_index(va, 4) <= HV_SLOT_LAST))
		return walk_fail(w, access, 0);
	for (unsigned int level = 4; level >= 1; level--) {
		struct p2m_lookup t = p2m_get(d, table);
		uint64_t *tp, e;

		if (t.type != P2M_RAM)
			return walk_fail(w, access, PFEC_P | PFEC_RSVD);
		tp = (uint64_t *)mfn_to_virt(t.mfn) + va_index(va, level);
		e = READ_ONCE(*tp);
		w->tgfn[level] = table;
		w->tmfn[level] = t.mfn;
		w->e[level] = e;
		w->ep[level] = tp;
		if (!(e & PTE_P)) {
			w->np_level = level;
			return walk_fail(w, access, 0);
		}
		if (level == 4 && (e & PTE_PS))
			return walk_fail(w, access, PFEC_P | PFEC_RSVD);
		rw = rw && (e & PTE_RW);
		nx = nx || (e & PTE_NX);
		if (level == 1 || (level <= 3 && (e & PTE_PS))) {
			unsigned long span = 1UL << (9 * (level - 1));

			w->leaf = level;
			w->gfn = _gfn((gfn_x(pte_gfn(e)) & ~(span - 1)) +
				      ((va >> PAGE_SHIFT) & (span - 1)));
			break;
		}
		table = pte_gfn(e);
	}
	if ((access & PFEC_W) && !rw)
		return walk_fail(w, access, PFEC_P);
	if ((access & PFEC_I) && nx)
		return walk_fail(w, access, PFEC_P);
	w->ec = 0;
	return 0;
}

/* Set accessed bits along a successful walk, and dirty on the leaf for a write. */
void guest_walk_set_ad(struct guest_walk *w, bool write)
{
	for (unsigned int level = 4; level >= w->leaf; level--) {
		uint64_t bits = PTE_A | (write && level == w->leaf ? PTE_D : 0);

		if ((w->e[level] & bits) != bits) {
			__atomic_fetch_or(w->ep[level], bits, __ATOMIC_RELAXED);
			w->e[level] |= bits;
		}
	}
}

/* The guest frame of the L1 table that maps va (no superpage on the way). */
int guest_l1_table(struct domain *d, gfn_t root, unsigned long va, gfn_t *l1)
{
	gfn_t table = root;

	if (!va_canonical(va) ||
	    (va_index(va, 4) >= HV_SLOT_FIRST && va_index(va, 4) <= HV_SLOT_LAST))
		return -1;
	for (unsigned int level = 4; level >= 2; level--) {
		struct p2m_lookup t = p2m_get(d, table);
		uint64_t e;

		if (t.type != P2M_RAM)
			return -1;
		e = READ_ONCE(((uint64_t *)mfn_to_virt(t.mfn))[va_index(va, level)]);
		if (!(e & PTE_P) || (e & PTE_PS))
			return -1;
		table = pte_gfn(e);
	}
	*l1 = table;
	return 0;
}
