/*
 * A domain's grant table, shared by the files of kernel/grant/.
 *
 * shared[] are the hypervisor's mappings of the frames the domain fills
 * with grant_entry_v1; active[] holds, per entry in use, how many
 * read-only and writable uses it has and which domain and frame the uses
 * were granted (fixed at the first use, so a granter rewriting an entry
 * in use changes nothing); maptrack[] records the mappings this domain
 * holds of other domains' grants.
 */
#ifndef GRANT_GRANT_PRIVATE_H
#define GRANT_GRANT_PRIVATE_H

#include <hospes/grant.h>
#include <hospes/spinlock.h>

#define GNTTAB_MAX_FRAMES  64
#define ENTRIES_PER_FRAME  (PAGE_SIZE / sizeof(struct grant_entry_v1))
#define ACTIVE_ORDER	   1 /* two frames of active records per table frame */
#define MAPTRACK_PER_PAGE  (PAGE_SIZE / sizeof(struct maptrack))
#define MAPTRACK_MAX_PAGES 32

struct active_grant {
	uint16_t rd;   /* read-only uses */
	uint16_t wr;   /* writable uses */
	domid_t domid; /* the grantee using it */
	uint16_t pad;
	uint32_t frame; /* the granter's frame, as the entry named it at the first use */
};

struct maptrack {
	uint64_t host_addr;
	xen_pfn_t frame;   /* the mapper's name for the frame (dev_bus_addr >> 12) */
	mfn_t mfn;	   /* the granted frame; the mapping holds it (gnttab_mm_frame_get) */
	struct domain *rd; /* the granter; the mapping holds a reference on it */
	grant_ref_t ref;
	domid_t dom;	/* the granter's id */
	uint16_t flags; /* GNTMAP_* | MAPTRACK_IN_USE; 0 = free */
};
#define MAPTRACK_IN_USE 0x8000

struct grant_table {
	spinlock_t lock;
	bool dying;
	unsigned int nr_frames, max_frames;
	unsigned int max_maptrack, maptrack_used;
	unsigned int maptrack_free; /* no free maptrack slot below this handle */
	struct grant_entry_v1 *shared[GNTTAB_MAX_FRAMES];
	mfn_t shared_mfn[GNTTAB_MAX_FRAMES];
	xen_pfn_t shared_frame[GNTTAB_MAX_FRAMES]; /* the domain's name for it */
	struct active_grant *active[GNTTAB_MAX_FRAMES];
	struct maptrack *maptrack[MAPTRACK_MAX_PAGES];
};

static inline unsigned int nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * ENTRIES_PER_FRAME;
}

static inline struct grant_entry_v1 *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->shared[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

static inline struct active_grant *active_entry(struct grant_table *gt, grant_ref_t ref)
{
	return &gt->active[ref / ENTRIES_PER_FRAME][ref % ENTRIES_PER_FRAME];
}

/*
 * grant_table.c: take / drop one use of (rd, ref) for grantee; GNTST_* and
 * the granted mfn, which the use holds: drop it with gnttab_mm_frame_put()
 * after grant_release() (also when the granter died meanwhile).
 */
int grant_acquire(struct domain *rd, grant_ref_t ref, domid_t grantee, bool write, mfn_t *mfn);
void grant_release(struct domain *rd, grant_ref_t ref, bool write);
/*
 * The domain an op names: DOMID_SELF / own id = d, else a live domain with
 * a grant table; with a reference taken (domain_put() it), or NULL.
 */
struct domain *grant_target(struct domain *d, domid_t dom);

#endif
