/*
 * Building shadow entries from guest entries.
 *
 * sh_fill() installs the shadow path for one virtual address after a
 * successful guest walk: at each level the shadow entry points at the shadow
 * of the guest's next table (created if missing) and copies the guest
 * entry's P, RW and NX; U is always set (the guest's kernel and user both
 * run in ring 3).  A guest 2 MiB or 1 GiB page is splintered into 4 KiB
 * shadow entries: the shadow of the superpage entry points at an "FL"
 * shadow keyed by the superpage's first frame and its RW/NX flags.
 *
 * The leaf is where translation and protection happen:
 *   - the guest frame goes through the p2m; a frame the guest does not own
 *     (or hold by grant) can never appear, because the p2m cannot name it;
 *   - RW only if the guest allows it, the p2m entry is writable, the frame
 *     is not a page table (frame_info.pt_refs), and the guest's D bit is
 *     set: a first write to a clean page faults, sets D in the guest entry
 *     and upgrades the shadow entry, which is how dirty bits reach the
 *     guest (accessed bits are set when the entry is first filled);
 *   - G is never set (it would outlive CR3 switches between guests);
 *     cache-control bits pass only for the privileged driver domain.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>

#include "shadow_private.h"

static uint64_t hv_l4[512];

void shadow_set_hypervisor_l4(const uint64_t *idle_l4)
{
	for (unsigned int s = HV_SLOT_FIRST; s <= HV_SLOT_LAST; s++)
		hv_l4[s] = idle_l4[s] & ~PTE_US;
}

uint64_t sh_hv_l4e(unsigned int slot, struct domain *d)
{
	mfn_t m2p = m2p_l3_mfn(d);

	if (slot == HV_SLOT_FIRST)
		return mfn_eq(m2p, INVALID_MFN) ? 0 : mfn_to_paddr(m2p) | PTE_P | PTE_US | PTE_A;
	return hv_l4[slot];
}

/* The shadow L1 entry for guest frame gfn under guest leaf entry ge. */
uint64_t sh_leaf_entry(struct domain *d, uint64_t ge, gfn_t gfn, bool splinter)
{
	return sh_leaf_from(d, ge, p2m_get(d, gfn), splinter);
}

static uint64_t sh_link_entry(const struct shadow_page *child, uint64_t flags)
{
	return mfn_to_paddr(child->smfn) | PTE_P | PTE_US | PTE_A | (flags & (PTE_RW | PTE_NX));
}

/* The shadow below entry idx of a hardware level-`hw` table on the walk. */
static struct shadow_page *sh_child(struct shadow_domain *sd, struct guest_walk *w,
				    struct shadow_page *sp, unsigned int hw, unsigned int idx,
				    uint64_t *flags)
{
	unsigned long span = 1UL << (9 * (w->leaf - 1));
	unsigned long base = gfn_x(w->gfn) & ~(span - 1);
	unsigned long key;
	unsigned int level;
	struct shadow_page *child;

	if (sp->level == SH_FL2) { /* inside a 1 GiB page: its 2 MiB pieces */
		key = sp->key + idx * 512UL;
		level = SH_FL1;
		*flags = sp->key_flags;
	} else if (hw == w->leaf) { /* the guest superpage entry itself */
		key = base;
		level = hw == 3 ? SH_FL2 : SH_FL1;
		*flags = w->e[hw] & SH_FL_KEY_FLAGS;
	} else {
		key = gfn_x(pte_gfn(w->e[hw]));
		level = hw - 1;
		*flags = w->e[hw];
	}
	child = sh_lookup(sd, key, level, level > 4 ? *flags : 0);
	if (!child)
		child = sh_create(sd, key, level, level > 4 ? *flags : 0,
				  level > 4 ? INVALID_MFN : w->tmfn[level]);
	return child;
}

/*
 * Install the shadow links for va below root, L4 to L2, and return the L1
 * shadow they lead to.  The caller holds the shadow lock, made room for 3
 * pages and set the guest's A bits along the walk.
 */
static struct shadow_page *sh_fill_links(struct shadow_domain *sd, struct shadow_page *root,
					 unsigned long va, struct guest_walk *w)
{
	struct shadow_page *sp = root;
	uint64_t flags;

	for (unsigned int hw = 4; hw >= 2; hw--) {
		unsigned int idx = va_index(va, hw);
		struct shadow_page *child = sh_child(sd, w, sp, hw, idx, &flags);
		uint64_t link = sh_link_entry(child, flags), old = sh_table(sp)[idx];

		if (old && old != link)
			sh_changed(sd); /* a stale link replaced */
		sh_table(sp)[idx] = link;
		sp = child;
	}
	return sp;
}

/*
 * Install the shadow path for va below root (locked, room for 3 pages, A/D
 * bits set).  Returns the new leaf entry, or 0 if the guest's leaf names a
 * frame it may not map.
 */
uint64_t sh_fill(struct shadow_domain *sd, struct shadow_page *root, unsigned long va,
		 struct guest_walk *w)
{
	struct shadow_page *sp = sh_fill_links(sd, root, va, w);
	uint64_t leaf = sh_leaf_entry(sd->d, w->e[w->leaf], w->gfn, w->leaf > 1);

	sh_set_l1e(sd, sp, va_index(va, 1), leaf);
	return leaf;
}

/*
 * After a walk that found L4-L2 present and the L1 entry not present
 * (w->np_level == 1): the path with a "guest not present" leaf, so the
 * guest's next fault there bounces without a walk (fault.c).  Same
 * conditions as sh_fill; the guest's A bits are set on L4-L2, as the CPU's
 * walk would.
 */
void sh_fill_gnp(struct shadow_domain *sd, struct shadow_page *root, unsigned long va,
		 struct guest_walk *w)
{
	struct shadow_page *sp;

	w->leaf = 1; /* no superpage on the way */
	w->gfn = INVALID_GFN;
	sp = sh_fill_links(sd, root, va, w);
	sh_set_l1e(sd, sp, va_index(va, 1), sh_gnp_entry);
}
