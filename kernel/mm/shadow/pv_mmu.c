/*
 * The paravirtual MMU: guest page-table changes announced by hypercall.
 *
 * kernel/hypercall/mmu.c decodes and checks the guest's arguments; the
 * functions here validate the new entry against the PV rules (Xen's
 * xen-pv-abi §6.1), store it in the guest's table and keep the shadows
 * coherent by dropping the shadow entry built from the old value (it is
 * rebuilt on the next fault).  Validation happens before anything changes,
 * so a refused update leaves no trace.
 *
 * Which frames are page tables: those with a cached shadow or a pin
 * (frame_info.pt_levels).  An update to any other frame is a plain store,
 * as in Xen; the entries are checked when a shadow is built from them.
 *
 * Deviation from Xen, recorded in docs/memory.md: guest 2 MiB / 1 GiB pages
 * (PS in L2/L3 entries) are accepted and splintered in the shadow.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/pv_mmu.h>
#include <public/errno.h>

#include "shadow_private.h"

#define L1_CACHE_BITS (PTE_PWT | PTE_PCD | PTE_PS)
#define PTE_GRANT_BIT (1UL << 62)

/* The PV rules for a present L1 entry val of fd, whose frame's p2m entry is lk. */
static inline int pv_check_l1_lk(struct domain *fd, uint64_t val, struct p2m_lookup lk)
{
	if ((val & PTE_GRANT_BIT) || ((val & L1_CACHE_BITS) && !fd->is_privileged))
		return -XEN_EINVAL;
	if (lk.type == P2M_INVALID || (lk.type == P2M_MMIO && !fd->is_privileged))
		return -XEN_EINVAL;
	if ((val & PTE_RW) &&
	    (!lk.writable || (lk.type != P2M_MMIO && frame_info(lk.mfn)->pt_refs)))
		return -XEN_EINVAL;
	return 0;
}

static int pv_check_l1(struct domain *fd, uint64_t val)
{
	return pv_check_l1_lk(fd, val, p2m_get(fd, pte_gfn(val)));
}

/* Is new entry val acceptable at index idx of a level-`level` table of d? */
int pv_validate_entry(struct domain *d, struct domain *fd, unsigned int level, unsigned int idx,
		      uint64_t val)
{
	unsigned long span = 1UL << (9 * (level - 1));

	if (level == 4 && idx >= HV_SLOT_FIRST && idx <= HV_SLOT_LAST)
		return -XEN_EINVAL;
	if (!(val & PTE_P))
		return 0;
	if (level == 1)
		return pv_check_l1(fd, val);
	if (val & (PTE_PWT | PTE_PCD))
		return -XEN_EINVAL;
	if (level == 4 && (val & (PTE_PS | PTE_G)))
		return -XEN_EINVAL;
	if (val & PTE_PS) { /* a 2 MiB / 1 GiB page: bit 12 is its PAT bit */
		uint64_t base = val & ~(PTE_PS | (1UL << PAGE_SHIFT));

		if (gfn_x(pte_gfn(base)) & (span - 1))
			return -XEN_EINVAL;
		return pv_check_l1(fd, base);
	}
	if (val & PTE_G)
		return -XEN_EINVAL;
	return p2m_get(d, pte_gfn(val)).type == P2M_RAM ? 0 : -XEN_EINVAL;
}

static unsigned int pv_table_levels(const struct frame_info *fi)
{
	return fi->pt_levels | (fi->pin_level ? 1U << (fi->pin_level - 1) : 0);
}

/*
 * The shadow L1 entry that stands for guest L1 entry ge (validated) after
 * an update: built in place, so an entry rewritten with the same rights is
 * no change at all (no remembered translation dies, no refill fault).  Not
 * present: the "guest not present" entry (fault.c), so the guest's next
 * fault there bounces without a walk.  Present without A: nothing, so the
 * first access faults and sets A in the guest's entry as the CPU would.
 */
static uint64_t pv_shadow_l1e(struct domain *d, uint64_t ge)
{
	if (!(ge & PTE_P))
		return sh_gnp_entry;
	if (!(ge & PTE_A))
		return 0;
	return sh_leaf_entry(d, ge, pte_gfn(ge), false);
}

/* Drop the L2..L4 shadow entries derived from entry idx of guest table gfn; true if any. */
static bool pv_drop_upper(struct shadow_domain *sd, gfn_t gfn, unsigned int levels,
			  unsigned int idx)
{
	bool upper = false;

	for (unsigned int level = 2; level <= 4; level++) {
		struct shadow_page *sp;

		if (!(levels & (1U << (level - 1))))
			continue;
		sp = sh_lookup(sd, gfn_x(gfn), level, 0);
		if (sp && sh_table(sp)[idx]) {
			sh_table(sp)[idx] = 0;
			sh_changed(sd);
			upper = true;
		}
	}
	return upper;
}

static int pv_validate_levels(struct domain *d, struct domain *fd, unsigned int levels,
			      unsigned int idx, uint64_t val)
{
	int rc = 0;

	for (unsigned int level = 1; level <= 4 && !rc; level++)
		if (levels & (1U << (level - 1)))
			rc = pv_validate_entry(d, fd, level, idx, val);
	return rc;
}

/*
 * Entry idx of guest table frame m (guest frame gfn) becomes val, under the
 * shadow lock.  levels: the levels the table is used at (plus the one the
 * caller forces).  sp1: the table's L1 shadow if the caller found it
 * (update_va_mapping), else NULL: looked up here.
 */
static int pv_pt_update_locked(struct shadow_domain *sd, struct domain *fd, gfn_t gfn, mfn_t m,
			       unsigned int idx, uint64_t val, bool preserve_ad,
			       unsigned int levels, struct shadow_page *sp1)
{
	uint64_t *ep = (uint64_t *)mfn_to_virt(m) + idx;
	int rc = pv_validate_levels(sd->d, fd, levels, idx, val);

	if (rc)
		return rc;
	if (preserve_ad)
		val |= READ_ONCE(*ep) & (PTE_A | PTE_D);
	WRITE_ONCE(*ep, val);
	if (!sp1 && (levels & 1))
		sp1 = sh_lookup(sd, gfn_x(gfn), 1, 0);
	if (sp1)
		sh_set_l1e(sd, sp1, idx, pv_shadow_l1e(sd->d, val));
	if ((levels > 1) && pv_drop_upper(sd, gfn, levels, idx))
		arch_flush_tlb_domain(sd->d);
	return 0;
}

/*
 * The common case of pv_pt_update_locked: a table used only as an L1, an
 * entry in the caller's own frame space.  One p2m lookup of the new frame
 * serves the checks and the new shadow entry.
 */
static inline __attribute__((always_inline)) int pv_l1_update(struct shadow_domain *sd, gfn_t gfn,
							      mfn_t m, unsigned int idx,
							      uint64_t val, bool preserve_ad,
							      struct shadow_page *sp1)
{
	struct domain *d = sd->d;
	uint64_t *ep = (uint64_t *)mfn_to_virt(m) + idx, se = sh_gnp_entry;

	if (val & PTE_P) {
		struct p2m_lookup lk = p2m_get(d, pte_gfn(val));

		if (pv_check_l1_lk(d, val, lk))
			return -XEN_EINVAL;
		if (preserve_ad)
			val |= READ_ONCE(*ep) & (PTE_A | PTE_D);
		/* sh_leaf_from, knowing the checks passed: RW implies a writable
		 * p2m entry and a frame that is no page table */
		se = 0;
		if (val & PTE_A) {
			se = mfn_to_paddr(lk.mfn) | PTE_P | PTE_US | PTE_A |
			     (val & (PTE_NX | PTE_D));
			if ((val & (PTE_RW | PTE_D)) == (PTE_RW | PTE_D))
				se |= PTE_RW;
			if (d->is_privileged)
				se |= val & (PTE_PWT | PTE_PCD | PTE_PS);
		}
	} else if (preserve_ad) {
		val |= READ_ONCE(*ep) & (PTE_A | PTE_D);
	}
	WRITE_ONCE(*ep, val);
	if (!sp1)
		sp1 = sh_lookup(sd, gfn_x(gfn), 1, 0);
	if (sp1 && sh_table(sp1)[idx] != se) /* (the same entry: nothing to count) */
		sh_set_l1e(sd, sp1, idx, se);
	return 0;
}

/*
 * MMU_NORMAL_PT_UPDATE / MMU_PT_UPDATE_PRESERVE_AD: entry idx of d's guest
 * table at guest frame gfn becomes val (with the old A/D bits if asked).
 * as_level forces validation at that level too.  Inline into the two
 * entry points below, so the plain update is compiled with its constants.
 */
static inline __attribute__((always_inline)) int
pv_pt_update_in(struct domain *d, struct domain *fd, gfn_t gfn, unsigned int idx, uint64_t val,
		bool preserve_ad, unsigned int as_level)
{
	struct shadow_domain *sd = sh_dom(d);
	struct p2m_lookup lk = p2m_get(d, gfn);
	unsigned int levels;
	int rc;

	if (lk.type != P2M_RAM || idx >= 512)
		return -XEN_EINVAL;
	spin_lock(&sd->lock);
	levels = pv_table_levels(frame_info(lk.mfn)) | (as_level ? 1U << (as_level - 1) : 0);
	if (likely(levels == 1 && fd == d))
		rc = pv_l1_update(sd, gfn, lk.mfn, idx, val, preserve_ad, NULL);
	else
		rc = pv_pt_update_locked(sd, fd, gfn, lk.mfn, idx, val, preserve_ad, levels, NULL);
	spin_unlock(&sd->lock);
	return rc;
}

int pv_pt_update(struct domain *d, struct domain *fd, gfn_t gfn, unsigned int idx, uint64_t val,
		 bool preserve_ad, unsigned int as_level)
{
	return pv_pt_update_in(d, fd, gfn, idx, val, preserve_ad, as_level);
}

int pv_pt_update_own(struct domain *d, gfn_t gfn, unsigned int idx, uint64_t val)
{
	return pv_pt_update_in(d, d, gfn, idx, val, false, 0);
}

/*
 * The L1 shadow below va in v's loaded shadow, or NULL (a level missing, or
 * a guest superpage).  Every present link in a shadow stands for the
 * guest's current entry (a change to a shadowed table drops the links
 * derived from it), so the page found is the shadow of the guest L1 that
 * maps va now.  Under the shadow lock.
 */
static struct shadow_page *pv_shadow_l1_of(struct shadow_domain *sd, struct shadow_vcpu *sv,
					   unsigned long va)
{
	uint32_t i = sh_root_index(sv);
	const uint64_t *t;
	struct frame_info *fi;
	struct shadow_page *sp;
	uint64_t e = 0;

	if (i == SH_NONE)
		return NULL;
	t = sh_table(&sd->pages[i]);
	for (unsigned int level = 4; level >= 2; level--) {
		e = t[va_index(va, level)];
		if (!(e & PTE_P))
			return NULL;
		t = mfn_to_virt(paddr_to_mfn(e & PTE_ADDR_MASK));
	}
	fi = frame_info(paddr_to_mfn(e & PTE_ADDR_MASK));
	if (!fi || fi->use != FRAME_SHADOW || fi->shadow_index >= sd->max)
		return NULL;
	sp = &sd->pages[fi->shadow_index];
	return sp->level == 1 && mfn_eq(sp->smfn, paddr_to_mfn(e & PTE_ADDR_MASK)) ? sp : NULL;
}

/*
 * update_va_mapping: replace the L1 entry mapping va in v's current tables.
 * Fast: the loaded shadow names the guest L1 (and its shadow) without a
 * walk of the guest's tables; else the guest's tables are walked.
 */
int pv_update_va_mapping(struct vcpu *v, unsigned long va, uint64_t val)
{
	struct domain *d = v->domain;
	struct shadow_domain *sd = sh_dom(d);
	struct shadow_vcpu *sv = v->shadow;
	gfn_t root = sv->root[sv->user_mode && !gfn_eq(sv->root[1], INVALID_GFN)];
	struct shadow_page *sp1;
	struct p2m_lookup lk;
	gfn_t l1;
	int rc;

	if (gfn_eq(root, INVALID_GFN) || (unsigned long)((long)(va << 16) >> 16) != va ||
	    (va_index(va, 4) >= HV_SLOT_FIRST && va_index(va, 4) <= HV_SLOT_LAST))
		return -XEN_EINVAL;
	spin_lock(&sd->lock);
	sp1 = pv_shadow_l1_of(sd, sv, va);
	if (sp1) { /* its frame is the table's: a frame leaving d unshadows it */
		l1 = _gfn(sp1->key);
		lk = (struct p2m_lookup){sp1->gmfn, P2M_RAM, true};
	} else if (!guest_l1_table(d, root, va, &l1)) {
		lk = p2m_get(d, l1);
	} else {
		lk.type = P2M_INVALID;
	}
	rc = -XEN_EINVAL;
	if (lk.type == P2M_RAM) {
		unsigned int levels = pv_table_levels(frame_info(lk.mfn)) | 1;

		if (likely(levels == 1))
			rc = pv_l1_update(sd, l1, lk.mfn, va_index(va, 1), val, false, sp1);
		else
			rc = pv_pt_update_locked(sd, d, l1, lk.mfn, va_index(va, 1), val, false,
						 levels, sp1);
	}
	spin_unlock(&sd->lock);
	return rc;
}

/* Check every entry of a table about to be pinned at `level`. */
static int pv_validate_table(struct domain *d, mfn_t m, unsigned int level)
{
	const uint64_t *t = mfn_to_virt(m);

	for (unsigned int i = 0; i < 512; i++) {
		if (level == 4 && i >= HV_SLOT_FIRST && i <= HV_SLOT_LAST)
			continue; /* the hypervisor's slots: the guest's value is ignored */
		if (pv_validate_entry(d, d, level, i, t[i]))
			return -XEN_EINVAL;
	}
	return 0;
}

/* NEW_BASEPTR / NEW_USER_BASEPTR: the frame must be the caller's and a valid L4. */
int pv_check_root(struct domain *d, gfn_t gfn)
{
	struct shadow_domain *sd = sh_dom(d);
	struct p2m_lookup lk = p2m_get(d, gfn);
	int rc = -XEN_EINVAL;

	if (lk.type != P2M_RAM || frame_info(lk.mfn)->owner != d->id)
		return rc;
	/* Pinned as an L4, or the root of a cached L4 shadow (only validated
	 * roots get one, and every later change to it was validated as an L4
	 * entry, or dropped the shadow): a warm switch validates nothing. */
	if (frame_info(lk.mfn)->pin_level == 4 || (frame_info(lk.mfn)->pt_levels & 8))
		return 0;
	spin_lock(&sd->lock);
	rc = pv_validate_table(d, lk.mfn, 4);
	spin_unlock(&sd->lock);
	return rc;
}

/* MMUEXT_PIN_L{1..4}_TABLE. */
int pv_pin_table(struct domain *d, gfn_t gfn, unsigned int level)
{
	struct shadow_domain *sd = sh_dom(d);
	struct p2m_lookup lk = p2m_get(d, gfn);
	struct frame_info *fi;
	int rc = -XEN_EINVAL;

	if (lk.type != P2M_RAM || level < 1 || level > 4)
		return rc;
	fi = frame_info(lk.mfn);
	spin_lock(&sd->lock);
	if (fi->owner != d->id || fi->pin_level || pv_validate_table(d, lk.mfn, level))
		goto out;
	fi->pin_level = (uint16_t)level;
	fi->pt_levels |= 1U << (level - 1);
	if (fi->pt_refs++ == 0 && sh_write_protect(sd, lk.mfn))
		arch_flush_tlb_domain(d);
	rc = 0;
out:
	spin_unlock(&sd->lock);
	return rc;
}

/* MMUEXT_UNPIN_TABLE. */
int pv_unpin_table(struct domain *d, gfn_t gfn)
{
	struct shadow_domain *sd = sh_dom(d);
	struct p2m_lookup lk = p2m_get(d, gfn);
	struct frame_info *fi;
	int rc = -XEN_EINVAL;

	if (lk.type != P2M_RAM)
		return rc;
	fi = frame_info(lk.mfn);
	spin_lock(&sd->lock);
	if (fi->owner == d->id && fi->pin_level) {
		fi->pin_level = 0;
		if (--fi->pt_refs == 0)
			fi->pt_levels = 0;
		rc = 0;
	}
	spin_unlock(&sd->lock);
	return rc;
}

/* MMU_MACHPHYS_UPDATE: the guest records that its frame gfn is its pfn val. */
int pv_machphys_update(struct domain *d, gfn_t gfn, unsigned long val)
{
	struct p2m_lookup lk = p2m_get(d, gfn);

	if (lk.type != P2M_RAM || frame_info(lk.mfn)->owner != d->id)
		return -XEN_EINVAL;
	m2p_set(d, gfn, val);
	return 0;
}

/* A frame the guest may write as data: its own RAM, not a page table. */
static void *pv_data_frame(struct domain *d, gfn_t gfn, bool write)
{
	struct p2m_lookup lk = p2m_get(d, gfn);

	if (lk.type == P2M_INVALID || lk.type == P2M_MMIO)
		return NULL;
	if (write && (lk.type != P2M_RAM || !lk.writable || frame_info(lk.mfn)->pt_refs))
		return NULL;
	return mfn_to_virt(lk.mfn);
}

/* MMUEXT_CLEAR_PAGE / MMUEXT_COPY_PAGE. */
int pv_clear_page(struct domain *d, gfn_t gfn)
{
	void *p = pv_data_frame(d, gfn, true);

	if (!p)
		return -XEN_EINVAL;
	memset(p, 0, PAGE_SIZE);
	return 0;
}

int pv_copy_page(struct domain *d, gfn_t dst, gfn_t src)
{
	void *to = pv_data_frame(d, dst, true);
	const void *from = pv_data_frame(d, src, false);

	if (!to || !from)
		return -XEN_EINVAL;
	memcpy(to, from, PAGE_SIZE);
	return 0;
}

/* TLB_FLUSH_* / INVLPG_* / UVMF_*: on every CPU running a vCPU of d. */
void pv_flush_tlb(struct domain *d)
{
	arch_flush_tlb_domain(d);
}

void pv_invlpg(struct domain *d, unsigned long va)
{
	arch_flush_tlb_va_domain(d, va);
}
