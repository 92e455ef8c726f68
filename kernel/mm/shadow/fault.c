/*
 * Guest page faults and the vCPU's roots.
 *
 * Every #PF a guest takes lands in shadow_page_fault().  The guest's own
 * tables decide: if they allow the access, the fault was "hidden" (the
 * shadow was merely incomplete or stale) and is fixed by filling the shadow
 * path; if they do not, the fault is the guest's, and it gets it with the
 * error code its own tables explain (P, W, U, RSVD, I) and CR2 = va.
 *
 * A write to a frame that is a page table is the one special case.  If the
 * frame is pinned or a loaded root, the guest must use hypercalls and the
 * fault bounces (Xen's behaviour without emulation).  Otherwise the frame
 * is only a page table because a cached shadow remembers it: the shadows
 * of it are dropped, the frame stops being a page table, and the write
 * proceeds; the next use of the table rebuilds its shadow from the new
 * contents.  This keeps shadows coherent without trapping every write.
 *
 * Roots: each vCPU has a kernel and a user guest L4 (64-bit PV); their
 * shadows are pinned in the cache while loaded, so eviction never removes
 * a table a CPU is running on.
 */
#include <hospes/arch.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <public/errno.h>

#include "shadow_private.h"

static struct shadow_page *sh_root(struct shadow_domain *sd, struct shadow_vcpu *sv, bool user)
{
	uint32_t i = sv->sroot[user && sv->sroot[1] != SH_NONE];

	return i == SH_NONE ? NULL : &sd->pages[i];
}

static void sh_bounce(struct shadow_domain *sd, struct shadow_fault_verdict *vd, unsigned int ec)
{
	vd->kind = SHADOW_BOUNCE;
	vd->ec = ec;
	sd->stats.bounced_faults++;
}

/* A write to page-table frame m: true if it must bounce, else m is unshadowed. */
static bool sh_write_to_table(struct shadow_domain *sd, mfn_t m, gfn_t gfn)
{
	if (sh_frame_is_live_table(sd, m))
		return true;
	sh_unshadow(sd, gfn);
	sh_flush(sd);
	return frame_info(m)->pt_refs != 0;
}

static void sh_fault_locked(struct shadow_domain *sd, struct shadow_vcpu *sv, unsigned long va,
			    unsigned int ec, struct shadow_fault_verdict *vd)
{
	unsigned int access = (ec & (PFEC_W | PFEC_I)) | (sv->user_mode ? PFEC_U : 0);
	struct shadow_page *root = sh_root(sd, sv, sv->user_mode);
	bool write = ec & PFEC_W;
	struct guest_walk w;
	struct p2m_lookup lk;
	uint64_t leaf;

	if (va_index(va, 4) >= HV_SLOT_FIRST && va_index(va, 4) <= HV_SLOT_LAST &&
	    (long)va < 0) /* the hypervisor's range: the CPU's own verdict stands */
		return sh_bounce(sd, vd, access | (ec & (PFEC_P | PFEC_RSVD)));
	if (!root)
		return sh_bounce(sd, vd, access);
	if (guest_walk(sd->d, _gfn(root->key), va, access, &w)) {
		if (w.np_level == 1 && sh_gnp_entry && !sh_ensure_room(sd, 3)) {
			w.leaf = 2; /* A on L4-L2: the CPU's walk reached the L1 */
			guest_walk_set_ad(&w, false);
			sh_fill_gnp(sd, root, va, &w); /* the next fault here: no walk */
		}
		return sh_bounce(sd, vd, w.ec);
	}
	lk = p2m_get(sd->d, w.gfn);
	if (write && lk.type == P2M_RAM && frame_info(lk.mfn)->pt_refs &&
	    sh_write_to_table(sd, lk.mfn, w.gfn))
		return sh_bounce(sd, vd, access | PFEC_P);
	guest_walk_set_ad(&w, write);
	if (sh_ensure_room(sd, 3)) {
		vd->kind = SHADOW_NOMEM;
		return;
	}
	leaf = sh_fill(sd, root, va, &w);
	if (!leaf)
		return sh_bounce(sd, vd, access | PFEC_P | PFEC_RSVD);
	if (write && !(leaf & PTE_RW))
		return sh_bounce(sd, vd, access | PFEC_P);
	vd->kind = SHADOW_FIXED;
	vd->ec = 0;
	sd->stats.hidden_faults++;
}

/*
 * "Guest not present" entries.  When an update makes a guest L1 entry not
 * present (pv_mmu.c), its shadow entry becomes sh_gnp_entry instead of 0:
 * present, with a reserved address bit set, so the CPU faults with RSVD
 * instead of walking on.  Such a fault is the guest's own by construction
 * (the entry stands for the guest's not-present entry, and any change to
 * that entry rewrites it), so it bounces without a walk of the guest's
 * tables: the error code is what the walk would give, no P, no RSVD.  The
 * entry is checked in the loaded shadow first (shadow_gnp_fault); anything
 * else with RSVD (none is ever built) takes the full path.
 */
uint64_t sh_gnp_entry;

void shadow_set_phys_bits(unsigned int maxphyaddr)
{
	sh_gnp_entry = maxphyaddr <= 51 ? PTE_P | (1UL << 51) : 0;
}

/*
 * The fast verdict for a fault with RSVD set: true, with the guest's error
 * code in *gec, if va's shadow L1 entry on v's loaded root is "guest not
 * present".  No lock: only the CPU running v calls it (or a host test),
 * with interrupts off; v's root is pinned while loaded, and a shadow page
 * freed meanwhile keeps its frame until a flush that waits for this CPU
 * (cache.c).  An entry changed meanwhile gives the verdict of just before
 * the change, as if the fault had come a moment earlier.
 */
bool shadow_gnp_fault(struct vcpu *v, unsigned long va, unsigned int ec, unsigned int *gec)
{
	struct shadow_vcpu *sv = v->shadow;
	uint32_t i = sh_root_index(sv);

	if (!(ec & PFEC_RSVD) || i == SH_NONE ||
	    !shadow_gnp_at(sh_table(&sh_dom(v->domain)->pages[i]), va))
		return false;
	*gec = (ec & (PFEC_W | PFEC_I)) | (sv->user_mode ? PFEC_U : 0);
	shadow_note_gnp_fault(v);
	return true;
}

void shadow_note_gnp_fault(struct vcpu *v)
{
	__atomic_fetch_add(&sh_dom(v->domain)->stats.bounced_faults, 1, __ATOMIC_RELAXED);
}

void shadow_page_fault(struct vcpu *v, unsigned long va, unsigned int ec,
		       struct shadow_fault_verdict *verdict)
{
	struct shadow_domain *sd = sh_dom(v->domain);

	if ((ec & PFEC_RSVD) && shadow_gnp_fault(v, va, ec, &verdict->ec)) {
		verdict->kind = SHADOW_BOUNCE;
		return;
	}
	spin_lock(&sd->lock);
	sh_fault_locked(sd, v->shadow, va, ec, verdict);
	spin_unlock(&sd->lock);
}

int shadow_vcpu_init(struct vcpu *v)
{
	struct shadow_domain *sd = sh_dom(v->domain);

	if (!sd || v->id >= HOSPES_MAX_VCPUS)
		return -XEN_EINVAL;
	v->shadow = &sd->vcpus[v->id];
	return 0;
}

void shadow_vcpu_destroy(struct vcpu *v)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	struct shadow_vcpu *sv = v->shadow;

	if (!sd || !sv)
		return;
	spin_lock(&sd->lock);
	for (int u = 0; u < 2; u++) {
		if (sv->sroot[u] != SH_NONE)
			sd->pages[sv->sroot[u]].pins--;
		sv->sroot[u] = SH_NONE;
		sv->root[u] = INVALID_GFN;
	}
	sv->kroot_pa = 0;
	spin_unlock(&sd->lock);
	v->shadow = NULL;
}

/* A guest frame that may become a root: the domain's own RAM. */
static bool sh_root_ok(struct domain *d, gfn_t g)
{
	struct p2m_lookup lk = p2m_get(d, g);

	return lk.type == P2M_RAM && frame_info(lk.mfn)->owner == d->id;
}

static void sh_load_root(struct shadow_domain *sd, struct shadow_vcpu *sv, int u, gfn_t g)
{
	struct shadow_page *sp = NULL;

	if (sv->sroot[u] != SH_NONE)
		sd->pages[sv->sroot[u]].pins--;
	sv->root[u] = g;
	sv->sroot[u] = SH_NONE;
	if (!u)
		sv->kroot_pa = 0;
	if (gfn_eq(g, INVALID_GFN))
		return;
	sp = sh_lookup(sd, gfn_x(g), 4, 0);
	if (!sp)
		sp = sh_create(sd, gfn_x(g), 4, 0, p2m_get(sd->d, g).mfn);
	sp->pins++;
	sv->sroot[u] = sh_index(sd, sp);
	if (!u)
		sv->kroot_pa = mfn_to_paddr(sp->smfn);
}

int shadow_set_roots(struct vcpu *v, gfn_t kernel_root, gfn_t user_root)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	struct shadow_vcpu *sv = v->shadow;
	int rc = -XEN_EINVAL;

	if (!sh_root_ok(v->domain, kernel_root) ||
	    (!gfn_eq(user_root, INVALID_GFN) && !sh_root_ok(v->domain, user_root)))
		return rc;
	spin_lock(&sd->lock);
	rc = sh_ensure_room(sd, 2);
	if (!rc) {
		sh_load_root(sd, sv, 0, kernel_root);
		sh_load_root(sd, sv, 1, user_root);
	}
	spin_unlock(&sd->lock);
	return rc;
}

gfn_t shadow_guest_root(struct vcpu *v, bool user)
{
	return v->shadow->root[user ? 1 : 0];
}

paddr_t shadow_activate(struct vcpu *v, bool user_mode)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	struct shadow_page *root;

	v->shadow->user_mode = user_mode;
	root = sh_root(sd, v->shadow, user_mode);
	return root ? mfn_to_paddr(root->smfn) : 0;
}

/*
 * Translate va through v's loaded shadow instead of the guest's tables:
 * every level must be present (and writable, for a write) and the frame
 * the domain's RAM.  A shadow entry is only ever built from the guest's own
 * entries with the rights they give (build.c: RW only with the guest's D
 * bit set and never on a page table), and every change to those entries
 * drops it, so a hit answers as the guest walk would, A/D bits included,
 * for a fraction of the cost.  NULL: not in the shadow; walk the guest.
 */
/*
 * The remembered translations (sh_xlate): a vCPU keeps the last
 * SH_XLATE_SLOTS pages shadow_translate() found, each with the domain's
 * shadow generation and the root shadow it went through.  Any change that
 * could make one wrong (a present shadow entry removed or changed, a
 * shadow page freed, a reset; every frame leaving the domain or becoming
 * a page table goes through one of those) bumps the generation, and a
 * vCPU that loads another root no longer matches its slots, so a slot
 * that matches answers as the walk would.  guest_access looks them up
 * (sh_xlate_find) before calling shadow_translate.  Only the vCPU running
 * on this CPU uses and fills its slots, and a slot is written with hv
 * cleared first and set last, so an interrupt on this CPU never sees half
 * of one.
 */
static void sh_xlate_keep(struct shadow_domain *sd, struct shadow_vcpu *sv, unsigned long va,
			  char *hv, bool writable)
{
	struct sh_xlate *x = &sv->xlate[sv->xlate_next++ % SH_XLATE_SLOTS];

	WRITE_ONCE(x->hv, NULL);
	barrier();
	x->page = va & PAGE_MASK;
	x->gen = sd->gen;
	x->writable = writable;
	x->root = sh_root_index(sv);
	barrier();
	WRITE_ONCE(x->hv, hv);
}

void *shadow_translate(struct vcpu *v, unsigned long va, bool write)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	struct shadow_vcpu *sv = v->shadow;
	uint64_t need = PTE_P | PTE_US | (write ? PTE_RW : 0), e = 0, rw = PTE_RW;
	bool mine = v == current_vcpu();
	struct shadow_page *root;
	void *p = NULL;

	if (!sd || (unsigned long)((long)(va << 16) >> 16) != va)
		return NULL;
	spin_lock(&sd->lock);
	root = sh_root(sd, sv, sv->user_mode);
	if (root) {
		const uint64_t *t = sh_table(root);

		for (unsigned int level = 4;; level--) {
			e = READ_ONCE(t[va_index(va, level)]);
			if ((e & need) != need || (level > 1 && (e & PTE_PS))) {
				e = 0;
				break;
			}
			rw &= e;
			if (level == 1)
				break;
			t = mfn_to_virt(_mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT));
		}
	}
	if (e) {
		mfn_t m = _mfn((e & PTE_ADDR_MASK) >> PAGE_SHIFT);
		const struct frame_info *fi = frame_info(m);

		if (fi && fi->use == FRAME_RAM && fi->owner == v->domain->id) {
			p = (char *)mfn_to_virt(m) + (va & (PAGE_SIZE - 1));
			if (mine)
				sh_xlate_keep(sd, sv, va, mfn_to_virt(m), rw != 0);
		}
	}
	spin_unlock(&sd->lock);
	return p;
}

void shadow_prefill(struct vcpu *v, unsigned long va, bool write)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	unsigned int access = (write ? PFEC_W : 0) | (v->shadow->user_mode ? PFEC_U : 0);
	struct shadow_page *root;
	struct guest_walk w;

	if (!sd)
		return;
	spin_lock(&sd->lock);
	root = sh_root(sd, v->shadow, v->shadow->user_mode);
	if (root && !guest_walk(sd->d, _gfn(root->key), va, access, &w) && !sh_ensure_room(sd, 3)) {
		guest_walk_set_ad(&w, write);
		(void)sh_fill(sd, root, va, &w); /* 0: a frame it may not map; the copy decided */
	}
	spin_unlock(&sd->lock);
}

int shadow_guest_gfn(struct vcpu *v, unsigned long va, gfn_t *gfn)
{
	struct shadow_domain *sd = sh_dom(v->domain);
	unsigned int access = v->shadow->user_mode ? PFEC_U : 0;
	struct shadow_page *root;
	struct guest_walk w;
	int rc = -1;

	if (!sd)
		return -1;
	spin_lock(&sd->lock);
	root = sh_root(sd, v->shadow, v->shadow->user_mode);
	if (root && !guest_walk(sd->d, _gfn(root->key), va, access, &w)) {
		*gfn = w.gfn;
		rc = 0;
	}
	spin_unlock(&sd->lock);
	return rc;
}

void shadow_reload(struct vcpu *v)
{
	if (v == current_vcpu())
		arch_load_cr3(shadow_activate(v, v->shadow->user_mode));
}
