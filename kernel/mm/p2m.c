/*
 * The p2m: each domain's map from guest frame numbers to machine frames.
 *
 * A domU's guest frames are dense: RAM at 0 .. max_pages-1 (the guest's
 * mfn_list is the identity), then a window of P2M_WINDOW_FRAMES frames for
 * hypervisor pages the guest maps (shared_info, grant-table frames) and for
 * other domains' frames mapped by grant.  The driver domain's p2m is the
 * identity on machine frames, so the frames it names are the real ones; its
 * own "pseudo-physical" order (mfn_list) is kept in ram_list.
 *
 * Readers (the shadow engine on a fault) read entries without the lock: an
 * entry is one 64-bit word.  Writers hold p2m->lock, and whoever removes or
 * changes an entry then drops the shadow entries built from it
 * (shadow_drop_frame) and flushes TLBs before the frame can be reused.
 * Lock order: p2m->lock, then the shadow lock.
 */
#include <hospes/arch.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/p2m.h>
#include <hospes/printk.h>
#include <hospes/shadow.h>
#include <public/errno.h>

#include "mm_private.h"

static struct domain *priv_mapper; /* the domain holding P2ME_PRIV entries */

static inline uint64_t p2me_make(mfn_t m, enum p2m_type t, bool w)
{
	return (mfn_x(m) << PAGE_SHIFT) | t | (w ? P2ME_WRITABLE : 0);
}

static inline enum p2m_type p2me_type(uint64_t e)
{
	return (enum p2m_type)(e & P2ME_TYPE_MASK);
}

static inline mfn_t p2me_mfn(uint64_t e)
{
	return _mfn(e >> PAGE_SHIFT);
}

/*
 * Device memory of the driver domain: every frame above RAM and the legacy
 * VGA/ROM hole below 1 MiB, except the hypervisor's own devices.
 */
#define MMIO_DENY_MAX 16
static unsigned long mmio_deny[MMIO_DENY_MAX];
static unsigned int nr_mmio_deny;

void p2m_mmio_deny(mfn_t mfn)
{
	if (nr_mmio_deny < MMIO_DENY_MAX)
		mmio_deny[nr_mmio_deny++] = mfn_x(mfn);
}

/* Read-only device memory: [first, first + nr) ranges (ECAM windows). */
#define MMIO_RO_MAX 4
static struct {
	unsigned long first, nr;
} mmio_ro[MMIO_RO_MAX];
static unsigned int nr_mmio_ro;

void p2m_mmio_readonly(mfn_t first, unsigned long nr)
{
	if (nr_mmio_ro < MMIO_RO_MAX)
		mmio_ro[nr_mmio_ro++] = (typeof(mmio_ro[0])){mfn_x(first), nr};
	else
		printk(LOG_WARN
		       "p2m: more than %d read-only MMIO ranges: %#lx+%lu stays writable\n",
		       MMIO_RO_MAX, mfn_x(first), nr);
}

static struct p2m_lookup p2m_mmio(unsigned long gfn)
{
	bool writable = true;
	for (unsigned int i = 0; i < nr_mmio_deny; i++)
		if (mmio_deny[i] == gfn)
			return (struct p2m_lookup){INVALID_MFN, P2M_INVALID, false};
	for (unsigned int i = 0; i < nr_mmio_ro; i++)
		if (gfn - mmio_ro[i].first < mmio_ro[i].nr)
			writable = false;
	return (struct p2m_lookup){_mfn(gfn), P2M_MMIO, writable};
}

struct p2m_lookup p2m_lookup(struct domain *d, gfn_t gfn)
{
	struct p2m *p = d->p2m;
	uint64_t e;

	if (!p || gfn_x(gfn) >= p->size) {
		if (p && p->identity && gfn_x(gfn) < (1UL << 36)) /* 256 TiB */
			return p2m_mmio(gfn_x(gfn));
		return (struct p2m_lookup){INVALID_MFN, P2M_INVALID, false};
	}
	e = READ_ONCE(p->map[gfn_x(gfn)]);
	if (p2me_type(e) == P2M_INVALID) {
		if (p->identity && gfn_x(gfn) >= 0xa0 && gfn_x(gfn) < 0x100)
			return p2m_mmio(gfn_x(gfn));
		return (struct p2m_lookup){INVALID_MFN, P2M_INVALID, false};
	}
	return (struct p2m_lookup){p2me_mfn(e), p2me_type(e), !!(e & P2ME_WRITABLE)};
}

unsigned long p2m_size(struct domain *d)
{
	return d->p2m ? d->p2m->size : 0;
}

gfn_t p2m_ram_frame(struct domain *d, unsigned long i)
{
	struct p2m *p = d->p2m;

	if (!p || i >= p->nr_initial)
		return INVALID_GFN;
	return p->identity ? _gfn(p->ram_list[i]) : _gfn(i);
}

/*
 * Give d 2^order frames of RAM at *gfn (domU: one frame at a time, so any
 * of them can later be released alone) or, for the identity p2m, one
 * machine-contiguous block whose first frame becomes *gfn.
 */
static mfn_t p2m_alloc_frame(struct domain *d, unsigned int order)
{
	return mm_alloc_frames(d->id, FRAME_RAM, order);
}

static void p2m_set_ram(struct domain *d, gfn_t gfn, mfn_t m)
{
	d->p2m->map[gfn_x(gfn)] = p2me_make(m, P2M_RAM, true);
	m2p_set(d, gfn, gfn_x(gfn));
}

static int p2m_add_ram(struct domain *d, gfn_t *gfn, unsigned int order)
{
	struct p2m *p = d->p2m;
	unsigned long n = 1UL << order;
	mfn_t m;

	if (d->tot_pages + n > d->max_pages)
		return -XEN_ENOMEM;
	if (p->identity) {
		m = p2m_alloc_frame(d, order);
		if (mfn_eq(m, INVALID_MFN))
			return -XEN_ENOMEM;
		*gfn = _gfn(mfn_x(m));
		for (unsigned long i = 0; i < n; i++)
			p2m_set_ram(d, _gfn(mfn_x(m) + i), _mfn(mfn_x(m) + i));
		d->tot_pages += n;
		return 0;
	}
	for (unsigned long i = 0; i < n; i++) {
		m = p2m_alloc_frame(d, 0);
		if (mfn_eq(m, INVALID_MFN)) {
			while (i--) {
				mm_free_frames(p2me_mfn(p->map[gfn_x(*gfn) + i]), 0);
				p->map[gfn_x(*gfn) + i] = 0;
				m2p_set(d, _gfn(gfn_x(*gfn) + i), ~0UL);
			}
			return -XEN_ENOMEM;
		}
		p2m_set_ram(d, _gfn(gfn_x(*gfn) + i), m);
	}
	d->tot_pages += n;
	return 0;
}

static int p2m_alloc_map(struct p2m *p, unsigned long size)
{
	p->map_order = mm_order_for_bytes(size * sizeof(uint64_t));
	p->map = mm_alloc_meta(p->map_order);
	p->size = size;
	return p->map ? 0 : -XEN_ENOMEM;
}

static int p2m_fill_initial(struct domain *d, unsigned long nr_pages)
{
	struct p2m *p = d->p2m;

	for (unsigned long i = 0; i < nr_pages; i++) {
		gfn_t g = _gfn(i);
		int rc = p2m_add_ram(d, &g, 0);

		if (rc)
			return rc;
		if (p->identity) {
			p->ram_list[i] = gfn_x(g);
			m2p_set(d, g, i); /* the guest's pfn of this frame */
		}
	}
	p->nr_initial = nr_pages;
	return 0;
}

/* d's p2m with a frame space of `space` RAM frames, nr_pages of them given now. */
static int p2m_init_space(struct domain *d, unsigned long space, unsigned long nr_pages)
{
	struct p2m *p = mm_alloc_meta(0);
	int rc;

	if (!p)
		return -XEN_ENOMEM;
	spin_lock_init(&p->lock);
	d->p2m = p;
	d->max_pages = space;
	d->tot_pages = 0;
	p->identity = d->is_privileged;
	if (p->identity) {
		rc = p2m_alloc_map(p, frame_table_size);
		p->window = frame_table_size;
		p->ram_list_order = mm_order_for_bytes(nr_pages * sizeof(unsigned long));
		p->ram_list = mm_alloc_meta(p->ram_list_order);
		if (!p->ram_list)
			rc = -XEN_ENOMEM;
	} else {
		rc = p2m_alloc_map(p, space + P2M_WINDOW_FRAMES);
		p->window = space;
	}
	if (!rc)
		rc = m2p_domain_init(d);
	if (!rc)
		rc = p2m_fill_initial(d, nr_pages);
	if (rc)
		printk(LOG_ERR "p2m: d%u: cannot set up %lu pages (%d)\n", d->id, nr_pages, rc);
	return rc;
}

int p2m_domain_init(struct domain *d, unsigned long nr_pages)
{
	return p2m_init_space(d, nr_pages, nr_pages);
}

int p2m_domain_init_empty(struct domain *d, unsigned long space)
{
	if (space == 0 || space > frame_table_size)
		return -XEN_EINVAL;
	return p2m_init_space(d, space, 0);
}

void p2m_domain_destroy(struct domain *d)
{
	struct p2m *p = d->p2m;

	if (!p)
		return;
	if (priv_mapper == d)
		priv_mapper = NULL;
	m2p_domain_destroy(d);
	mm_free_meta(p->map, p->map_order);
	mm_free_meta(p->ram_list, p->ram_list_order);
	mm_free_meta(p, 0);
	d->p2m = NULL;
}

/* A free slot for a window mapping (domU), or the frame's own number (identity). */
static long p2m_window_slot(struct p2m *p, mfn_t mfn)
{
	if (p->identity)
		return mfn_x(mfn) < p->size ? (long)mfn_x(mfn) : -1;
	for (unsigned long g = p->window; g < p->size; g++)
		if (p2me_type(p->map[g]) == P2M_INVALID)
			return (long)g;
	return -1;
}

static gfn_t p2m_add_window(struct domain *d, mfn_t mfn, enum p2m_type t, bool writable)
{
	struct p2m *p = d->p2m;
	gfn_t gfn = INVALID_GFN;
	long slot;
	uint64_t e;

	if (!p)
		return gfn;
	spin_lock(&p->lock);
	slot = p2m_window_slot(p, mfn);
	if (slot < 0)
		goto out;
	e = p->map[slot];
	if (p2me_type(e) == P2M_INVALID) {
		p->map[slot] = p2me_make(mfn, t, writable) | (1UL << P2ME_COUNT_SHIFT);
	} else if (p2me_type(e) == t && mfn_eq(p2me_mfn(e), mfn) &&
		   (e & P2ME_COUNT_MASK) != P2ME_COUNT_MASK) {
		p->map[slot] = (e + (1UL << P2ME_COUNT_SHIFT)) | (writable ? P2ME_WRITABLE : 0);
	} else {
		goto out; /* identity p2m: the frame is d's own or otherwise in use */
	}
	gfn = _gfn((unsigned long)slot);
out:
	spin_unlock(&p->lock);
	return gfn;
}

static int p2m_remove_window(struct domain *d, gfn_t gfn, enum p2m_type t)
{
	struct p2m *p = d->p2m;
	uint64_t e;
	int rc = -XEN_EINVAL;

	spin_lock(&p->lock);
	if (gfn_x(gfn) >= p->size)
		goto out;
	e = p->map[gfn_x(gfn)];
	if (p2me_type(e) != t)
		goto out;
	if (!(e & P2ME_COUNT_MASK))
		goto out; /* only the privileged domain's mapping: not a grant's to remove */
	rc = 0;
	e -= 1UL << P2ME_COUNT_SHIFT;
	if (e & (P2ME_COUNT_MASK | P2ME_PRIV)) {
		p->map[gfn_x(gfn)] = e;
		goto out;
	}
	p->map[gfn_x(gfn)] = 0;
	shadow_drop_frame(d, p2me_mfn(e));
	arch_flush_tlb_domain(d);
out:
	spin_unlock(&p->lock);
	return rc;
}

gfn_t p2m_add_foreign(struct domain *d, mfn_t mfn, bool writable)
{
	return p2m_add_window(d, mfn, P2M_FOREIGN, writable);
}

int p2m_remove_foreign(struct domain *d, gfn_t gfn)
{
	return p2m_remove_window(d, gfn, P2M_FOREIGN);
}

gfn_t p2m_add_shared(struct domain *d, mfn_t mfn)
{
	return p2m_add_window(d, mfn, P2M_SHARED, true);
}

int p2m_remove_shared(struct domain *d, gfn_t gfn)
{
	return p2m_remove_window(d, gfn, P2M_SHARED);
}

/* Are gfn .. gfn+2^order-1 all unused RAM slots of a domU? */
static bool p2m_range_free(struct p2m *p, gfn_t gfn, unsigned int order)
{
	unsigned long n = 1UL << order;

	if (gfn_x(gfn) & (n - 1) || gfn_x(gfn) >= p->window || n > p->window - gfn_x(gfn))
		return false;
	for (unsigned long i = 0; i < n; i++)
		if (p2me_type(p->map[gfn_x(gfn) + i]) != P2M_INVALID)
			return false;
	return true;
}

/*
 * populate_physmap: back guest frame gfn (domU) with new RAM; the frame the
 * guest must use from now on is returned in *out (gfn itself for a domU, a
 * fresh machine frame for the identity-mapped driver domain).
 */
int p2m_populate(struct domain *d, gfn_t gfn, unsigned int order, gfn_t *out)
{
	struct p2m *p = d->p2m;
	int rc = -XEN_EINVAL;

	if (!p)
		return -XEN_EINVAL; /* a toolstack domain before max_mem */
	spin_lock(&p->lock);
	if (!p->identity && !p2m_range_free(p, gfn, order))
		goto out;
	rc = p2m_add_ram(d, &gfn, order);
	if (!rc)
		*out = gfn;
out:
	spin_unlock(&p->lock);
	return rc;
}

/* increase_reservation: new RAM anywhere; its first frame in *out. */
int p2m_increase(struct domain *d, unsigned int order, gfn_t *out)
{
	struct p2m *p = d->p2m;
	unsigned long n = 1UL << order;
	gfn_t g = _gfn(0);
	int rc = -XEN_ENOMEM;

	if (!p)
		return -XEN_EINVAL; /* a toolstack domain before max_mem */
	spin_lock(&p->lock);
	if (!p->identity) {
		while (gfn_x(g) < p->window && !p2m_range_free(p, g, order))
			g = _gfn(gfn_x(g) + n);
		if (gfn_x(g) >= p->window)
			goto out;
	}
	rc = p2m_add_ram(d, &g, order);
	if (!rc)
		*out = g;
out:
	spin_unlock(&p->lock);
	return rc;
}

int p2m_hold_ram(struct domain *d, gfn_t gfn, mfn_t *out)
{
	struct p2m *p = d->p2m;
	int rc = -XEN_EINVAL;

	spin_lock(&p->lock);
	struct p2m_lookup lk = p2m_lookup(d, gfn);
	struct frame_info *fi = lk.type == P2M_RAM ? frame_info(lk.mfn) : NULL;
	if (fi && lk.writable && fi->owner == d->id && !fi->pt_refs && !fi->pin_level &&
	    fi->hv_refs < UINT8_MAX) {
		fi->hv_refs++;
		*out = lk.mfn;
		rc = 0;
	}
	spin_unlock(&p->lock);
	return rc;
}

void p2m_release_ram(struct domain *d, mfn_t m)
{
	spin_lock(&d->p2m->lock);
	ASSERT(frame_info(m)->hv_refs > 0);
	frame_info(m)->hv_refs--;
	spin_unlock(&d->p2m->lock);
}

/* May the extent at gfn be released?  Every frame must be d's RAM and not pinned. */
static int p2m_check_release(struct domain *d, gfn_t gfn, unsigned int order)
{
	struct p2m *p = d->p2m;
	unsigned long n = 1UL << order;

	if (gfn_x(gfn) & (n - 1) || gfn_x(gfn) >= p->size || n > p->size - gfn_x(gfn))
		return -XEN_EINVAL;
	for (unsigned long i = 0; i < n; i++) {
		uint64_t e = p->map[gfn_x(gfn) + i];
		struct frame_info *fi;

		if (p2me_type(e) != P2M_RAM)
			return -XEN_EINVAL;
		fi = frame_info(p2me_mfn(e));
		if (!fi || fi->owner != d->id || fi->pin_level)
			return -XEN_EINVAL;
		if (p->identity &&
		    (i ? mfn_x(p2me_mfn(e)) != mfn_x(p2me_mfn(p->map[gfn_x(gfn)])) + i : false))
			return -XEN_EINVAL;
	}
	return 0;
}

/*
 * decrease_reservation: take the extent out of the p2m, remove every shadow
 * entry mapping its frames, flush, and only then free them.  A frame still
 * mapped by another domain's shadow or held by a grant use is refused with
 * -EBUSY.
 */
int p2m_decrease(struct domain *d, gfn_t gfn, unsigned int order)
{
	struct p2m *p = d->p2m;
	unsigned long n = 1UL << order;
	int rc;

	if (!p)
		return -XEN_EINVAL; /* a toolstack domain before max_mem */
	spin_lock(&p->lock);
	rc = p2m_check_release(d, gfn, order);
	bool revoked = false;
	for (unsigned long i = 0; !rc && i < n; i++) {
		mfn_t m = p2me_mfn(p->map[gfn_x(gfn) + i]);

		if (!p->identity)
			revoked |= p2m_revoke_priv(m);
		shadow_drop_frame(d, m);
		if (frame_info(m)->smap_count || frame_info(m)->pt_refs || frame_info(m)->hv_refs ||
		    READ_ONCE(frame_info(m)->grant_refs))
			rc = -XEN_EBUSY;
	}
	if (rc) {
		if (revoked)
			p2m_flush_revoked(d, true); /* no stale translation of what went */
		goto out;
	}
	p2m_flush_revoked(d, revoked); /* one flush for the whole extent, then the frees */
	for (unsigned long i = 0; i < n; i++) {
		mfn_t m = p2me_mfn(p->map[gfn_x(gfn) + i]);

		p->map[gfn_x(gfn) + i] = 0;
		m2p_set(d, p->identity ? _gfn(mfn_x(m)) : _gfn(gfn_x(gfn) + i), ~0UL);
		mm_free_frames(m, 0);
	}
	d->tot_pages -= n;
out:
	spin_unlock(&p->lock);
	return rc;
}

/*
 * max_mem (domctl) once d has a p2m: the limit moves freely for the
 * identity-mapped domain, and within its RAM frames for a domU (its frame
 * space, and so the place of its window, is fixed at p2m creation).
 */
int p2m_set_max_pages(struct domain *d, unsigned long pages)
{
	struct p2m *p = d->p2m;
	int rc = 0;

	if (!p || pages > frame_table_size)
		return -XEN_EINVAL;
	spin_lock(&p->lock);
	if (p->identity || pages <= p->window)
		d->max_pages = pages;
	else
		rc = -XEN_EBUSY;
	spin_unlock(&p->lock);
	return rc;
}

/*
 * mmu_update with foreigndom: the privileged (identity-mapped) domain d
 * maps frame gfn of domain fd.  Its p2m gets the machine frame as a
 * P2M_FOREIGN entry marked P2ME_PRIV, and *out is the frame number d puts
 * in its PTE.  The entry lasts until fd gives the frame back
 * (p2m_revoke_priv); grant maps of the same frame share it.
 */
int p2m_map_priv(struct domain *d, struct domain *fd, gfn_t gfn, gfn_t *out)
{
	struct p2m *p = d->p2m, *fp = fd->p2m;
	int rc = -XEN_EINVAL;

	if (!p || !p->identity || !fp || fp->identity || fd == d)
		return -XEN_EPERM;
	spin_lock(&fp->lock); /* fd cannot release the frame meanwhile */
	struct p2m_lookup lk = p2m_lookup(fd, gfn);
	if (lk.type != P2M_RAM || mfn_x(lk.mfn) >= p->size)
		goto out_fd;
	spin_lock(&p->lock);
	uint64_t e = p->map[mfn_x(lk.mfn)];
	if (p2me_type(e) == P2M_INVALID)
		p->map[mfn_x(lk.mfn)] = p2me_make(lk.mfn, P2M_FOREIGN, true) | P2ME_PRIV;
	else if (p2me_type(e) == P2M_FOREIGN && mfn_eq(p2me_mfn(e), lk.mfn))
		p->map[mfn_x(lk.mfn)] = e | P2ME_PRIV | P2ME_WRITABLE;
	else
		goto out;
	priv_mapper = d;
	*out = _gfn(mfn_x(lk.mfn));
	rc = 0;
out:
	spin_unlock(&p->lock);
out_fd:
	spin_unlock(&fp->lock);
	return rc;
}

/*
 * Flush d's TLBs, and the privileged mapper's too if p2m_revoke_priv
 * dropped entries of its (revoked): its translations live in its own
 * tables, on the CPUs in its dirty mask, not d's.
 */
void p2m_flush_revoked(struct domain *d, bool revoked)
{
	struct domain *pm = READ_ONCE(priv_mapper);

	if (revoked && pm && pm != d)
		arch_flush_tlb_domains(d, pm);
	else
		arch_flush_tlb_domain(d);
}

bool p2m_revoke_priv(mfn_t mfn)
{
	struct domain *d = priv_mapper;
	bool dropped = false;
	struct p2m *p;
	uint64_t e;

	if (!d || !d->p2m || mfn_x(mfn) >= d->p2m->size)
		return false;
	p = d->p2m;
	spin_lock(&p->lock);
	e = p->map[mfn_x(mfn)];
	if (p2me_type(e) == P2M_FOREIGN && (e & P2ME_PRIV)) {
		e &= ~P2ME_PRIV;
		if (e & P2ME_COUNT_MASK) {
			p->map[mfn_x(mfn)] = e; /* grant maps remain: the frame is not freed */
		} else {
			p->map[mfn_x(mfn)] = 0;
			shadow_drop_frame(d, mfn);
			dropped = true; /* the caller flushes before the frame is freed */
		}
	}
	spin_unlock(&p->lock);
	return dropped;
}
