/*
 * Reverse maps: from a machine frame to the shadow entries that map it, and
 * from a guest page-table frame to the shadows built from it.
 *
 * Guest table -> shadows needs no extra structure: the shadows of guest
 * frame G are the cache entries (G, 1..4).
 *
 * Machine frame -> shadow L1 entries is kept as counts in the frame table
 * (smap_count, smap_writable) maintained by sh_set_l1e(), the only place a
 * shadow L1 entry changes.  A lookup scans the domain's L1 shadows and stops
 * as soon as the count says every mapping has been seen; most frames have
 * none or one, and a frame with no mappings costs nothing.  The counts also
 * let the isolation checker and the frame release path prove that nothing
 * maps a frame any more.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>

#include "shadow_private.h"

void sh_set_l1e(struct shadow_domain *sd, struct shadow_page *sp, unsigned int idx, uint64_t e)
{
	uint64_t *t = sh_table(sp);
	uint64_t old = t[idx];
	struct frame_info *fi;

	if (old == e)
		return;
	if (sh_is_gnp(old))
		old = 0; /* maps nothing; no translation went through it */
	if (old & PTE_P)
		sh_changed(sd);
	/* (device memory beyond RAM has no frame_info: nothing to count; a
	 * guest-not-present entry maps nothing) */
	if ((old & PTE_P) && (fi = frame_info(paddr_to_mfn(old & PTE_ADDR_MASK)))) {
		fi->smap_count--;
		if (old & PTE_RW)
			fi->smap_writable--;
	}
	if ((e & PTE_P) && !sh_is_gnp(e) && (fi = frame_info(paddr_to_mfn(e & PTE_ADDR_MASK)))) {
		fi->smap_count++;
		if (e & PTE_RW)
			fi->smap_writable++;
	}
	t[idx] = e;
}

/*
 * Visit the shadow L1 entries of sd mapping m; fn may change the entry
 * (through sh_set_l1e).  `writable_only` limits the search to writable
 * entries.  Stops when the frame's count of such entries is exhausted.
 */
static bool sh_for_each_mapping(struct shadow_domain *sd, mfn_t m, bool writable_only,
				uint64_t (*fn)(uint64_t))
{
	struct frame_info *fi = frame_info(m);
	uint32_t *left = writable_only ? &fi->smap_writable : &fi->smap_count;
	uint64_t want = mfn_to_paddr(m);
	bool changed = false;

	for (unsigned int i = 0; i < sd->max && *left; i++) {
		struct shadow_page *sp = &sd->pages[i];
		uint64_t *t;

		if (!sp->level || sh_hw_level(sp) != 1)
			continue;
		t = sh_table(sp);
		for (unsigned int s = 0; s < 512 && *left; s++) {
			uint64_t e = t[s];

			if (!(e & PTE_P) || (e & PTE_ADDR_MASK) != want)
				continue;
			if (writable_only && !(e & PTE_RW))
				continue;
			sh_set_l1e(sd, sp, s, fn(e));
			changed = true;
		}
	}
	return changed;
}

static uint64_t sh_clear_rw(uint64_t e)
{
	return e & ~PTE_RW;
}

static uint64_t sh_clear_all(uint64_t e)
{
	(void)e;
	return 0;
}

/* Remove write access to gmfn from every shadow of sd; true if any changed. */
bool sh_write_protect(struct shadow_domain *sd, mfn_t gmfn)
{
	if (!frame_info(gmfn)->smap_writable)
		return false;
	return sh_for_each_mapping(sd, gmfn, true, sh_clear_rw);
}

/* Zero every entry of a hardware level-`hwlevel` shadow that points at smfn. */
static void sh_unlink(struct shadow_domain *sd, mfn_t smfn, unsigned int hwlevel)
{
	uint64_t want = mfn_to_paddr(smfn);

	for (unsigned int i = 0; i < sd->max; i++) {
		struct shadow_page *sp = &sd->pages[i];

		if (!sp->level || sh_hw_level(sp) != hwlevel)
			continue;
		for (unsigned int s = 0; s < 512; s++)
			if ((sh_table(sp)[s] & (PTE_ADDR_MASK | PTE_P)) == (want | PTE_P)) {
				sh_table(sp)[s] = 0;
				sh_changed(sd);
			}
	}
}

/*
 * Throw away the shadows built from guest table gfn (all levels) that are
 * not a vCPU's root, so the frame stops being a page table.  Parents are
 * found by scanning the next level up; the caller flushes TLBs.
 */
void sh_unshadow(struct shadow_domain *sd, gfn_t gfn)
{
	for (unsigned int level = 1; level <= 4; level++) {
		struct shadow_page *sp = sh_lookup(sd, gfn_x(gfn), level, 0);

		if (!sp || sp->pins)
			continue;
		if (level < 4)
			sh_unlink(sd, sp->smfn, level + 1);
		sh_free(sd, sp);
	}
}

/* Is gmfn pinned, or a guest root some vCPU of the domain has loaded? */
bool sh_frame_is_live_table(struct shadow_domain *sd, mfn_t gmfn)
{
	if (frame_info(gmfn)->pin_level)
		return true;
	for (unsigned int i = 0; i < sd->max; i++)
		if (sd->pages[i].level == 4 && sd->pages[i].pins && mfn_eq(sd->pages[i].gmfn, gmfn))
			return true;
	return false;
}

/*
 * Remove every shadow entry of d mapping machine frame m (the frame is
 * leaving d: ballooned out, grant unmapped, domain dying), and the shadows
 * built from it if it was a page table.  The caller flushes TLBs.
 */
void shadow_drop_frame(struct domain *d, mfn_t m)
{
	struct shadow_domain *sd = sh_dom(d);
	struct frame_info *fi = frame_info(m);

	if (!sd || !fi)
		return;
	spin_lock(&sd->lock);
	sh_for_each_mapping(sd, m, false, sh_clear_all);
	for (unsigned int i = 0; i < sd->max && fi->pt_refs; i++) {
		struct shadow_page *sp = &sd->pages[i];

		if (sp->level && sp->level <= 4 && !sp->pins && mfn_eq(sp->gmfn, m))
			sh_unshadow(sd, _gfn(sp->key));
	}
	if (sd->nr_dead)
		sh_flush(sd); /* their frames go back only once no CPU can walk them */
	spin_unlock(&sd->lock);
}
