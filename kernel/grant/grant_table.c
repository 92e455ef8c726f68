/*
 * Grant tables v1: the table itself (setup, size, version, lifecycle), the
 * in-use bookkeeping of entries, and mapping and unmapping grants.
 *
 * Using a grant.  The first use of an entry checks it and marks it in use
 * in one compare-and-swap of its 32-bit {flags, domid} word: the type must
 * be permit_access, the domid the user's, and a writable use needs the
 * entry not read-only; GTF_reading is set (and GTF_writing for a writable
 * use).  If the granter changes the word at the same moment the swap fails
 * and is retried a few times, then the use fails: the granter's own
 * revocation (a swap of flags to 0 that requires both bits clear) and ours
 * can't both succeed.  Further uses only count; the last use to go clears
 * the bits, so the granter can revoke again.  A use that needs writing
 * where only reading was in use sets GTF_writing by the same checked swap.
 * Every use also holds the granted machine frame (gnttab_mm_frame_get), so
 * the frame outlives its granter until the use is dropped.
 *
 * Mapping.  map_grant_ref takes a use, then puts the granted frame into
 * the mapper's frame space and page tables (gnttab_mm_map, the shadow
 * side is engineer D's), and records the mapping in the mapper's maptrack
 * table; the handle returned is its index.  unmap_grant_ref undoes exactly
 * that.  A dying mapper drops all its mappings (grant_domain_destroy); a
 * dying granter's table entries go away, but each mapping others still
 * hold keeps a reference on the granter's struct domain (so the maptrack
 * pointer stays valid) and on the granted frame (so the frame is not
 * reused while mapped); their unmap finds the table dying, updates no
 * entry, and drops both.
 */
#include "grant_private.h"

#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/printk.h>
#include <public/errno.h>

#define CMPXCHG_TRIES 4

struct domain *grant_target(struct domain *d, domid_t dom)
{
	struct domain *t =
		(dom == DOMID_SELF || dom == d->id) ? domain_get_ref(d) : domain_get(dom);

	if (t && (!t->grant || READ_ONCE(t->grant->dying))) {
		domain_put(t);
		t = NULL;
	}
	return t;
}

/* ---- In-use bits ------------------------------------------------------ */

/* Set `bits` in the entry if it grants `grantee` the access asked for. */
static int entry_mark(struct grant_entry_v1 *e, domid_t grantee, bool write, uint16_t bits)
{
	uint32_t *word = (uint32_t *)e;

	for (int i = 0; i < CMPXCHG_TRIES; i++) {
		uint32_t old = READ_ONCE(*word);
		uint16_t flags = (uint16_t)old;

		if ((flags & (GTF_type_mask | GTF_sub_page)) != GTF_permit_access ||
		    (domid_t)(old >> 16) != grantee || (write && (flags & GTF_readonly)))
			return GNTST_general_error;
		if (__atomic_compare_exchange_n(word, &old, old | bits, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return GNTST_okay;
	}
	return GNTST_general_error; /* the granter keeps changing it */
}

int grant_acquire(struct domain *rd, grant_ref_t ref, domid_t grantee, bool write, mfn_t *mfn)
{
	struct grant_table *gt = rd->grant;
	int rc = GNTST_okay;

	spin_lock(&gt->lock);
	if (gt->dying) {
		rc = GNTST_bad_domain;
		goto out;
	}
	if (ref >= nr_entries(gt)) {
		rc = GNTST_bad_gntref;
		goto out;
	}
	struct active_grant *a = active_entry(gt, ref);
	struct grant_entry_v1 *e = shared_entry(gt, ref);
	bool first = !a->rd && !a->wr;
	if (!first && a->domid != grantee) {
		rc = GNTST_general_error;
		goto out;
	}
	if (first || (write && !a->wr))
		rc = entry_mark(e, grantee, write, GTF_reading | (write ? GTF_writing : 0));
	if (rc)
		goto out;
	if (first) {
		a->domid = grantee;
		a->frame = READ_ONCE(e->frame);
	}
	rc = gnttab_mm_frame(rd, a->frame, write, mfn);
	if (rc) {
		if (first)
			__atomic_fetch_and(&e->flags, (uint16_t) ~(GTF_reading | GTF_writing),
					   __ATOMIC_SEQ_CST);
		else if (write && !a->wr)
			__atomic_fetch_and(&e->flags, (uint16_t)~GTF_writing, __ATOMIC_SEQ_CST);
		goto out;
	}
	if (write)
		a->wr++;
	else
		a->rd++;
	gnttab_mm_frame_get(*mfn); /* under our lock, so before any teardown of rd's memory */
out:
	spin_unlock(&gt->lock);
	return rc;
}

void grant_release(struct domain *rd, grant_ref_t ref, bool write)
{
	struct grant_table *gt = rd->grant;

	spin_lock(&gt->lock);
	if (!gt->dying && ref < nr_entries(gt)) { /* dying: its entries are gone */
		struct active_grant *a = active_entry(gt, ref);
		uint16_t clear = 0;

		ASSERT(write ? a->wr : a->rd);
		if (write && !--a->wr)
			clear |= GTF_writing;
		if (!write)
			a->rd--;
		if (!a->rd && !a->wr)
			clear |= GTF_reading;
		if (clear)
			__atomic_fetch_and(&shared_entry(gt, ref)->flags, (uint16_t)~clear,
					   __ATOMIC_SEQ_CST);
	}
	spin_unlock(&gt->lock);
}

/* ---- The table ----------------------------------------------------------- */

/* Grow gt to n frames (caller holds the lock); GNTST_okay or an error. */
static int grow(struct domain *d, unsigned int n)
{
	struct grant_table *gt = d->grant;

	while (gt->nr_frames < n) {
		unsigned int f = gt->nr_frames;
		mfn_t act = frame_alloc(ACTIVE_ORDER);

		if (mfn_x(act) == INVALID_MFN_RAW)
			return GNTST_general_error;
		if (gnttab_mm_alloc_shared(d, &gt->shared_mfn[f], &gt->shared_frame[f])) {
			frame_free(act, ACTIVE_ORDER);
			return GNTST_general_error;
		}
		memset(mfn_to_virt(act), 0, PAGE_SIZE << ACTIVE_ORDER);
		gt->active[f] = mfn_to_virt(act);
		gt->shared[f] = mfn_to_virt(gt->shared_mfn[f]);
		gt->nr_frames = f + 1;
	}
	return GNTST_okay;
}

int grant_domain_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack)
{
	mfn_t mfn = frame_alloc(0);

	BUILD_BUG_ON(sizeof(struct grant_table) > PAGE_SIZE);
	BUILD_BUG_ON(sizeof(struct active_grant) * ENTRIES_PER_FRAME > (PAGE_SIZE << ACTIVE_ORDER));
	if (mfn_x(mfn) == INVALID_MFN_RAW)
		return -XEN_ENOMEM;
	struct grant_table *gt = mfn_to_virt(mfn);
	memset(gt, 0, PAGE_SIZE);
	spin_lock_init(&gt->lock);
	gt->max_frames = max_frames && max_frames <= GNTTAB_MAX_FRAMES ? max_frames
								       : GNTTAB_DEFAULT_MAX_FRAMES;
	/*
	 * The driver domain maps every segment of every block request (and
	 * keeps up to BLKBACK_PERSIST of them per disk: persistent grants),
	 * so by default it may hold as many mappings as the maptrack can
	 * name; maptrack pages are allocated only as they are used.
	 */
	unsigned int dflt = d->is_privileged ? MAPTRACK_MAX_PAGES * MAPTRACK_PER_PAGE
					     : GNTTAB_DEFAULT_MAX_MAPTRACK;
	gt->max_maptrack = max_maptrack && max_maptrack <= MAPTRACK_MAX_PAGES * MAPTRACK_PER_PAGE
				   ? max_maptrack
				   : dflt;
	d->grant = gt;
	if (grow(d, 1)) { /* one frame from the start, as Xen (the builder seeds refs 0 and 1) */
		grant_domain_free(d);
		return -XEN_ENOMEM;
	}
	return 0;
}

int gnttab_seed_entry(struct domain *d, grant_ref_t ref, domid_t grantee, xen_pfn_t frame)
{
	struct grant_table *gt = d->grant;

	if (!gt || ref >= nr_entries(gt) || frame > UINT32_MAX)
		return -XEN_EINVAL;
	struct grant_entry_v1 *e = shared_entry(gt, ref);
	e->domid = grantee;
	e->frame = (uint32_t)frame;
	barrier();
	e->flags = GTF_permit_access;
	return 0;
}

void gnttab_setup_table(struct vcpu *v, struct gnttab_setup_table *op, xen_pfn_t *frames)
{
	struct domain *d = grant_target(v->domain, op->dom);

	if (!d || (d != v->domain && !v->domain->is_privileged)) {
		op->status = d ? GNTST_permission_denied : GNTST_bad_domain;
		if (d)
			domain_put(d);
		return;
	}
	spin_lock(&d->grant->lock);
	if (op->nr_frames > d->grant->max_frames) {
		printk(LOG_DEBUG "grant: d%u asks for %u frames, limit %u\n", d->id, op->nr_frames,
		       d->grant->max_frames);
		op->status = GNTST_general_error;
	} else {
		op->status = (int16_t)grow(d, op->nr_frames);
		for (unsigned int i = 0; op->status == GNTST_okay && i < op->nr_frames; i++)
			frames[i] = d->grant->shared_frame[i];
	}
	spin_unlock(&d->grant->lock);
	domain_put(d);
}

void gnttab_query_size(struct vcpu *v, struct gnttab_query_size *op)
{
	struct domain *d = grant_target(v->domain, op->dom);

	if (!d || (d != v->domain && !v->domain->is_privileged)) {
		op->status = d ? GNTST_permission_denied : GNTST_bad_domain;
	} else {
		op->nr_frames = d->grant->nr_frames;
		op->max_nr_frames = d->grant->max_frames;
		op->status = GNTST_okay;
	}
	if (d)
		domain_put(d);
}

int gnttab_set_version(struct vcpu *v, struct gnttab_set_version *op)
{
	if (op->version == 1)
		return 0;
	return op->version == 2 ? -XEN_EACCES : -XEN_EINVAL; /* v2 is not offered */
}

int gnttab_get_version(struct vcpu *v, struct gnttab_get_version *op)
{
	struct domain *d = grant_target(v->domain, op->dom);

	bool allowed;

	if (!d)
		return -XEN_ESRCH;
	allowed = d == v->domain || v->domain->is_privileged;
	domain_put(d);
	if (!allowed)
		return -XEN_EPERM;
	op->version = 1;
	return 0;
}
