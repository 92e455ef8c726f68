/*
 * The isolation invariant and the end of a domain's memory.
 *
 * Invariant: no shadow entry of domain D maps a machine frame that D
 * neither owns nor holds through its p2m (a grant or hypervisor-shared
 * page), and every link between shadow tables points at one of D's own
 * shadow pages.  mm_check_isolation() checks exactly that by reading the
 * shadows as the CPU would; tests run it after every operation.
 *
 * domain_relinquish_memory() tears a dying domain down in the only safe
 * order: first every shadow (so no CPU can reach any frame through D's
 * tables once the TLBs are flushed), then the foreign and shared window
 * entries, then D's own frames go back to the allocator, except frames
 * another domain still has mapped by grant: those are orphaned and freed
 * by the last unmap (mm_release_guest_frame).
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/printk.h>
#include <hospes/shadow.h>

#include "shadow/shadow_private.h"

/* Does d's p2m hold frame m as something other than its own RAM? */
static bool p2m_holds(struct domain *d, mfn_t m)
{
	struct p2m *p = d->p2m;

	for (unsigned long g = p->identity ? mfn_x(m) : p->window; g < p->size; g++) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(g));

		if (lk.type != P2M_INVALID && lk.type != P2M_RAM && mfn_eq(lk.mfn, m))
			return true;
		if (p->identity)
			break;
	}
	return false;
}

static bool frame_allowed(struct domain *d, mfn_t m, bool writable)
{
	struct frame_info *fi = frame_info(m);

	if (!fi || fi->use == FRAME_MMIO)
		return d->is_privileged && p2m_lookup(d, _gfn(mfn_x(m))).type == P2M_MMIO;
	if (fi->owner == d->id && fi->use == FRAME_RAM)
		return !(writable && fi->pt_refs);
	return p2m_holds(d, m);
}

static bool is_own_shadow(struct shadow_domain *sd, mfn_t m)
{
	for (unsigned int i = 0; i < sd->max; i++)
		if (sd->pages[i].level && mfn_eq(sd->pages[i].smfn, m))
			return true;
	return false;
}

static int check_entry(struct domain *d, struct shadow_page *sp, unsigned int s, uint64_t e)
{
	mfn_t m = paddr_to_mfn(e & PTE_ADDR_MASK);
	struct shadow_domain *sd = sh_dom(d);
	bool ok;

	if (!(e & PTE_P) || (sh_hw_level(sp) == 1 && sh_is_gnp(e)))
		return 0; /* nothing, or "guest not present" (maps no frame) */
	if (sh_hw_level(sp) == 4 && s >= HV_SLOT_FIRST && s <= HV_SLOT_LAST)
		ok = e == sh_hv_l4e(s, d);
	else if (sh_hw_level(sp) == 1)
		ok = frame_allowed(d, m, e & PTE_RW);
	else
		ok = is_own_shadow(sd, m) && !(e & PTE_PS);
	if (!ok)
		printk(LOG_ERR "isolation: d%u shadow %#lx (level %u) slot %u maps %#lx\n", d->id,
		       mfn_x(sp->smfn), sp->level, s, (unsigned long)e);
	return ok ? 0 : -1;
}

int mm_check_isolation(struct domain *d)
{
	struct shadow_domain *sd = sh_dom(d);

	if (!sd)
		return 0;
	for (unsigned int i = 0; i < sd->max; i++) {
		struct shadow_page *sp = &sd->pages[i];

		for (unsigned int s = 0; sp->level && s < 512; s++)
			if (check_entry(d, sp, s, sh_table(sp)[s]))
				return -1;
	}
	return 0;
}

/*
 * Return d's RAM to the allocator; shadows are already gone.  First every
 * mmu_update mapping the privileged domain has of d's RAM goes, and one
 * flush covers them all (a flush per frame made a destroy cost a TLB
 * flush on every CPU per page dom0's builder had mapped); then the frames.
 */
static void release_frames(struct domain *d)
{
	struct p2m *p = d->p2m;
	bool revoked = false;

	for (unsigned long g = 0; !p->identity && g < p->size; g++) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(g));

		if (lk.type == P2M_RAM)
			revoked |= p2m_revoke_priv(lk.mfn);
	}
	if (revoked)
		p2m_flush_revoked(d, true);
	for (unsigned long g = 0; g < p->size; g++) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(g));

		if (lk.type == P2M_INVALID)
			continue;
		p->map[g] = 0;
		if (lk.type != P2M_RAM)
			continue;
		mm_release_guest_frame(lk.mfn); /* or when the last grant map of it goes */
		d->tot_pages--;
	}
}

void domain_relinquish_memory(struct domain *d)
{
	for (unsigned int i = 0; i < d->max_vcpus && i < HOSPES_MAX_VCPUS; i++)
		if (d->vcpu[i])
			shadow_vcpu_destroy(d->vcpu[i]);
	shadow_domain_destroy(d);
	arch_flush_tlb_domain(d);
	if (d->p2m) {
		release_frames(d);
		p2m_domain_destroy(d);
	}
}
