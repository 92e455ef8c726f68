/*
 * Grant mappings: map_grant_ref / unmap_grant_ref, the maptrack table of
 * the mapping domain, and the teardown of a dying domain's table.
 *
 * Decode-then-act: map checks the flags and the granter, reserves a
 * maptrack slot, takes a use of the grant (which validates the entry),
 * and only then maps; each later failure undoes the earlier steps, so a
 * failed map leaves nothing behind.  Unmap accepts a handle only with the
 * host address (and device address) it was mapped with, when given.
 * A mapping holds a reference on its granter's struct domain and on the
 * granted frame until it is unmapped, by the mapper or by its death.
 * Locks: see hospes/grant.h; the maptrack slot is reserved and released
 * under the mapper's lock, a use is taken and dropped under the granter's,
 * never both at once.
 */
#include "grant_private.h"

#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/printk.h>
#include <public/errno.h>

/*
 * A free maptrack slot of gt, marked in use (flags) or -1.  The search
 * starts at maptrack_free (every slot below it is in use; a put lowers
 * it), so a batch of maps takes consecutive slots without rescanning.
 */
static int maptrack_get(struct grant_table *gt, uint16_t flags)
{
	int handle = -1;

	spin_lock(&gt->lock);
	for (unsigned int h = gt->maptrack_free; !gt->dying && handle < 0 && h < gt->max_maptrack;
	     h++) {
		struct maptrack **page = &gt->maptrack[h / MAPTRACK_PER_PAGE];

		if (!*page) {
			mfn_t m = frame_alloc(0);
			if (mfn_x(m) == INVALID_MFN_RAW)
				break;
			memset(mfn_to_virt(m), 0, PAGE_SIZE);
			*page = mfn_to_virt(m);
		}
		struct maptrack *mt = &(*page)[h % MAPTRACK_PER_PAGE];
		if (!mt->flags) {
			mt->flags = flags | MAPTRACK_IN_USE;
			gt->maptrack_used++;
			handle = (int)h;
		}
	}
	if (handle >= 0)
		gt->maptrack_free = (unsigned int)handle + 1;
	spin_unlock(&gt->lock);
	return handle;
}

static struct maptrack *maptrack_entry(struct grant_table *gt, grant_handle_t handle)
{
	struct maptrack *page;

	if (handle >= gt->max_maptrack || !(page = gt->maptrack[handle / MAPTRACK_PER_PAGE]))
		return NULL;
	return &page[handle % MAPTRACK_PER_PAGE];
}

static void maptrack_put(struct grant_table *gt, grant_handle_t handle)
{
	spin_lock(&gt->lock);
	memset(maptrack_entry(gt, handle), 0, sizeof(struct maptrack));
	gt->maptrack_used--;
	if (handle < gt->maptrack_free)
		gt->maptrack_free = handle;
	spin_unlock(&gt->lock);
}

static int map_check(struct vcpu *v, const struct gnttab_map_grant_ref *op, struct domain **rd)
{
	if (!(op->flags & (GNTMAP_host_map | GNTMAP_device_map)))
		return GNTST_bad_gntref; /* Xen's answer to "map it nowhere" */
	if (op->flags & GNTMAP_contains_pte) {
		printk(LOG_DEBUG "grant: d%u: GNTMAP_contains_pte is not supported\n",
		       v->domain->id);
		return GNTST_general_error;
	}
	if ((op->flags & GNTMAP_host_map) && !op->host_addr)
		return GNTST_bad_virt_addr;
	*rd = grant_target(v->domain, op->dom);
	return *rd ? GNTST_okay : GNTST_bad_domain;
}

void gnttab_map(struct vcpu *v, struct gnttab_map_grant_ref *op)
{
	struct grant_table *lgt = v->domain->grant;
	bool ro = op->flags & GNTMAP_readonly, host = op->flags & GNTMAP_host_map;
	struct domain *rd = NULL;
	xen_pfn_t frame;
	mfn_t mfn;
	int handle = -1, rc = map_check(v, op, &rd);

	if (rc)
		goto out;
	handle = maptrack_get(lgt, (uint16_t)(op->flags & 0xff));
	if (handle < 0) {
		rc = GNTST_no_space;
		goto out;
	}
	rc = grant_acquire(rd, op->ref, v->domain->id, !ro, &mfn);
	if (rc)
		goto out;
	rc = gnttab_mm_map(v, host ? op->host_addr : 0, host, mfn, ro, &frame);
	if (rc) {
		grant_release(rd, op->ref, !ro);
		gnttab_mm_frame_put(mfn);
		goto out;
	}
	struct maptrack *mt = maptrack_entry(lgt, (grant_handle_t)handle);
	mt->host_addr = host ? op->host_addr : 0;
	mt->frame = frame;
	mt->mfn = mfn;
	mt->rd = rd; /* the mapping keeps map_check's reference */
	mt->dom = rd->id;
	mt->ref = op->ref;
	op->handle = (grant_handle_t)handle;
	op->dev_bus_addr = (uint64_t)frame << PAGE_SHIFT;
	op->status = GNTST_okay;
	return;
out:
	if (handle >= 0)
		maptrack_put(lgt, (grant_handle_t)handle);
	if (rd)
		domain_put(rd);
	op->status = (int16_t)rc;
}

/* Drop mapping mt of domain d (the mapper); v NULL when d is dying. */
static void unmap_one(struct domain *d, struct vcpu *v, struct maptrack *mt)
{
	gnttab_mm_unmap(d, v, mt->host_addr, mt->frame);
	grant_release(mt->rd, mt->ref, !(mt->flags & GNTMAP_readonly)); /* no-op if rd is dying */
	gnttab_mm_frame_put(mt->mfn);
	domain_put(mt->rd);
}

void gnttab_unmap(struct vcpu *v, struct gnttab_unmap_grant_ref *op)
{
	struct grant_table *lgt = v->domain->grant;
	struct maptrack *mt = maptrack_entry(lgt, op->handle);

	if (!mt || !(mt->flags & MAPTRACK_IN_USE)) {
		op->status = GNTST_bad_handle;
		return;
	}
	if (op->host_addr && op->host_addr != mt->host_addr) {
		op->status = GNTST_bad_virt_addr;
		return;
	}
	if (op->dev_bus_addr && op->dev_bus_addr != (uint64_t)mt->frame << PAGE_SHIFT) {
		op->status = GNTST_bad_dev_addr;
		return;
	}
	unmap_one(v->domain, v, mt);
	maptrack_put(lgt, op->handle);
	op->status = GNTST_okay;
}

void grant_domain_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant;

	if (!gt)
		return;
	spin_lock(&gt->lock);
	gt->dying = true; /* no new uses of our grants, no new mappings by us */
	spin_unlock(&gt->lock);
	for (grant_handle_t h = 0; h < gt->max_maptrack; h++) {
		struct maptrack *mt = maptrack_entry(gt, h);
		if (mt && (mt->flags & MAPTRACK_IN_USE)) {
			unmap_one(d, NULL, mt);
			maptrack_put(gt, h);
		}
	}
	for (unsigned int f = 0; f < gt->nr_frames; f++)
		gnttab_mm_free_shared(d, gt->shared_mfn[f], gt->shared_frame[f]);
	gt->nr_frames = 0;
}

void grant_domain_free(struct domain *d)
{
	struct grant_table *gt = d->grant;

	if (!gt)
		return;
	for (unsigned int f = 0; f < GNTTAB_MAX_FRAMES; f++) {
		if (gt->active[f])
			frame_free(virt_to_mfn(gt->active[f]), ACTIVE_ORDER);
		if (f < gt->nr_frames) /* never destroyed: init failed half-way */
			gnttab_mm_free_shared(d, gt->shared_mfn[f], gt->shared_frame[f]);
	}
	for (unsigned int p = 0; p < MAPTRACK_MAX_PAGES; p++)
		if (gt->maptrack[p])
			frame_free(virt_to_mfn(gt->maptrack[p]), 0);
	d->grant = NULL;
	frame_free(virt_to_mfn(gt), 0);
}

unsigned int grant_maptrack_pages(struct domain *d)
{
	struct grant_table *gt = d->grant;
	unsigned int n = 0;

	if (!gt)
		return 0;
	spin_lock(&gt->lock);
	for (unsigned int i = 0; i < MAPTRACK_MAX_PAGES; i++)
		n += gt->maptrack[i] != NULL;
	spin_unlock(&gt->lock);
	return n;
}

void grant_domain_info(struct domain *d, domid_t peer, unsigned int *maps, unsigned int *in_use)
{
	struct grant_table *gt = d->grant;

	*maps = *in_use = 0;
	if (!gt)
		return;
	spin_lock(&gt->lock);
	for (grant_handle_t h = 0; h < gt->max_maptrack; h++) {
		const struct maptrack *mt = maptrack_entry(gt, h);
		if (mt && (mt->flags & MAPTRACK_IN_USE) &&
		    (peer == DOMID_INVALID || mt->dom == peer))
			(*maps)++;
	}
	for (grant_ref_t ref = 0; ref < nr_entries(gt); ref++) {
		const struct active_grant *a = active_entry(gt, ref);
		*in_use += a->rd || a->wr;
	}
	spin_unlock(&gt->lock);
}
