/*
 * The memory side of grants, over the p2m and the PV MMU (kernel/mm/).
 *
 * A granter names its frames in its own frame space; gnttab_mm_frame
 * turns such a name into a machine frame after checking it is RAM the
 * granter owns (and may write, for a writable use); each use holds the
 * frame (mm_frame_grant_get), so a dying granter's frame is freed only by
 * the last use to let go (kernel/mm/frame_table.c).  Grant-table frames
 * are hypervisor pages shared with their domain (p2m type "shared").  A
 * mapped grant enters the mapper's p2m as a foreign frame (a frame of the
 * domU's window, or the real frame number in the identity-mapped driver
 * domain) and then its page tables, through the same validated path as
 * update_va_mapping; unmapping clears the PTE and takes the frame out of
 * the p2m, which drops every shadow entry of it and flushes the TLBs.
 * The driver domain's device-only mappings skip both (device_only()).
 */
#include "grant_private.h"

#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv_mmu.h>
#include <hospes/shadow.h>

int gnttab_mm_frame(struct domain *owner, xen_pfn_t frame, bool write, mfn_t *mfn)
{
	struct p2m_lookup lk = p2m_lookup(owner, _gfn(frame));
	struct frame_info *fi;

	if (lk.type != P2M_RAM || !(fi = frame_info(lk.mfn)) || fi->owner != owner->id)
		return GNTST_bad_page;
	if (write && (!lk.writable || fi->pt_levels))
		return GNTST_general_error; /* no writable grant of a page table */
	*mfn = lk.mfn;
	return GNTST_okay;
}

void gnttab_mm_frame_get(mfn_t mfn)
{
	mm_frame_grant_get(mfn);
}

void gnttab_mm_frame_put(mfn_t mfn)
{
	mm_frame_grant_put(mfn);
}

int gnttab_mm_alloc_shared(struct domain *d, mfn_t *mfn, xen_pfn_t *frame)
{
	mfn_t m = mm_alloc_frames(d->id, FRAME_SHARED, 0);
	gfn_t g;

	if (mfn_eq(m, INVALID_MFN))
		return GNTST_general_error;
	memset(mfn_to_virt(m), 0, PAGE_SIZE);
	g = p2m_add_shared(d, m);
	if (gfn_eq(g, INVALID_GFN)) {
		mm_free_frames(m, 0);
		return GNTST_general_error;
	}
	*mfn = m;
	*frame = gfn_x(g);
	return GNTST_okay;
}

void gnttab_mm_free_shared(struct domain *d, mfn_t mfn, xen_pfn_t frame)
{
	p2m_remove_shared(d, _gfn(frame));
	mm_free_frames(mfn, 0);
}

/*
 * A domain mapping a grant of its own frame (a driver domain serving
 * itself, as Xen allows) needs no foreign entry when its p2m already
 * names the frame by its own number (the identity p2m): the mapping goes
 * through that name, and the unmap finds a RAM entry and leaves it alone.
 */
static gfn_t own_name(struct domain *d, mfn_t mfn)
{
	struct p2m_lookup lk = p2m_lookup(d, _gfn(mfn_x(mfn)));

	return lk.type == P2M_RAM && mfn_eq(lk.mfn, mfn) ? _gfn(mfn_x(mfn)) : INVALID_GFN;
}

/*
 * A device-only mapping (no host_map) by the privileged driver domain,
 * whose p2m is the identity on machine frames: the bus address is the
 * machine frame, and the frame enters neither its p2m nor its page
 * tables, so the unmap has no shadow entry to drop and no TLB to flush
 * (blkback maps every data segment of every request this way).  dom0 may
 * map any domain's RAM anyway (p2m_map_priv); the mapping still holds the
 * grant and the frame until it is undone.
 */
static bool device_only(const struct domain *d, unsigned long va, bool host)
{
	return !host && !va && d->is_privileged;
}

int gnttab_mm_map(struct vcpu *v, unsigned long va, bool host, mfn_t mfn, bool ro, xen_pfn_t *frame)
{
	if (device_only(v->domain, va, host)) {
		*frame = mfn_x(mfn);
		return GNTST_okay;
	}
	gfn_t g = own_name(v->domain, mfn);

	if (gfn_eq(g, INVALID_GFN))
		g = p2m_add_foreign(v->domain, mfn, !ro);
	if (gfn_eq(g, INVALID_GFN))
		return GNTST_no_space;
	if (host) {
		uint64_t pte = (gfn_x(g) << PAGE_SHIFT) | PTE_P | PTE_A | (ro ? 0 : PTE_RW | PTE_D);

		if (pv_update_va_mapping(v, va, pte)) {
			p2m_remove_foreign(v->domain, g);
			return GNTST_bad_virt_addr;
		}
		pv_invlpg(v->domain, va);
	}
	*frame = gfn_x(g);
	return GNTST_okay;
}

void gnttab_mm_unmap(struct domain *d, struct vcpu *v, unsigned long va, xen_pfn_t frame)
{
	if (device_only(d, va, false))
		return;
	if (v && va && !pv_update_va_mapping(v, va, 0))
		pv_invlpg(d, va);
	p2m_remove_foreign(d, _gfn(frame));
}
