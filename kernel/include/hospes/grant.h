/*
 * Grant tables (version 1) inside the hypervisor (kernel/grant/).
 *
 * Each domain has a grant table (d->grant): the shared entries it fills
 * to grant its frames (frames the hypervisor allocates and the domain maps
 * after GNTTABOP_setup_table), an "active" record per entry in use, and
 * the maptrack table of the mappings it holds of other domains' grants
 * (a handle is an index into it).  The operations return GNTST_* status
 * codes per element, as the hypercall reports them; kernel/hypercall/
 * grant_table.c decodes the guest's arrays.
 *
 * Memory-management glue (kernel/grant/grant_mm.c over engineer D's p2m
 * and PV MMU; the host tests provide their own): gnttab_mm_*().
 *
 * Locks: one lock per grant table.  Map, unmap and copy hold the
 * granter's lock while they change its entries' in-use bits and active
 * records, and the mapper's lock while they change its maptrack; granter
 * first, then mapper (they are never held the other way round); a domain
 * mapping its own grant takes the one lock once.
 */
#ifndef HOSPES_GRANT_H
#define HOSPES_GRANT_H

#include <hospes/domain.h>
#include <public/grant_table.h>

#define GNTTAB_DEFAULT_MAX_FRAMES   16	 /* 8192 entries */
#define GNTTAB_DEFAULT_MAX_MAPTRACK 1024 /* mappings a domain may hold */

/* Lifecycle (engineer F): init at creation, destroy when dying (unmaps all it mapped), free last. */
int grant_domain_init(struct domain *d, unsigned int max_frames, unsigned int max_maptrack);
void grant_domain_destroy(struct domain *d);
void grant_domain_free(struct domain *d);

/* The operations; v is the calling vCPU. */
void gnttab_map(struct vcpu *v, struct gnttab_map_grant_ref *op);
void gnttab_unmap(struct vcpu *v, struct gnttab_unmap_grant_ref *op);
void gnttab_copy(struct vcpu *v, struct gnttab_copy *op);
/* setup_table: frame numbers (in d's frame space) go to frames[0 .. op->nr_frames). */
void gnttab_setup_table(struct vcpu *v, struct gnttab_setup_table *op, xen_pfn_t *frames);
void gnttab_query_size(struct vcpu *v, struct gnttab_query_size *op);
int gnttab_set_version(struct vcpu *v, struct gnttab_set_version *op);
int gnttab_get_version(struct vcpu *v, struct gnttab_get_version *op);

/* Counters for the toolstack (XEN_DOMCTL_hospes_grantinfo): the mappings d
 * holds of peer's grants (DOMID_INVALID: of anyone's), and how many of d's
 * own entries are in use by others. */
void grant_domain_info(struct domain *d, domid_t peer, unsigned int *maps, unsigned int *in_use);
/* Frames of d's maptrack table (grown on first use, kept while d lives). */
unsigned int grant_maptrack_pages(struct domain *d);

/* The builder pre-fills entries (console and xenstore rings: refs 0 and 1). */
int gnttab_seed_entry(struct domain *d, grant_ref_t ref, domid_t grantee, xen_pfn_t frame);

/* Memory glue (kernel/grant/grant_mm.c). Each returns 0 or a GNTST_* code. */
int gnttab_mm_frame(struct domain *owner, xen_pfn_t frame, bool write, mfn_t *mfn);
/* Hold / let go of a granted frame for one use (it outlives a dead granter until the last put). */
void gnttab_mm_frame_get(mfn_t mfn);
void gnttab_mm_frame_put(mfn_t mfn);
/* A zeroed table frame shared with d: its machine frame and d's name for it. */
int gnttab_mm_alloc_shared(struct domain *d, mfn_t *mfn, xen_pfn_t *frame);
void gnttab_mm_free_shared(struct domain *d, mfn_t mfn, xen_pfn_t frame);
/* Map mfn into v's space at va (host_map) and/or for device use; *frame = v's name for it. */
int gnttab_mm_map(struct vcpu *v, unsigned long va, bool host, mfn_t mfn, bool ro,
		  xen_pfn_t *frame);
/* Undo gnttab_mm_map (va 0: no host mapping; v NULL: the mapper is dying). */
void gnttab_mm_unmap(struct domain *d, struct vcpu *v, unsigned long va, xen_pfn_t frame);

/* Hypercall entry point (kernel/hypercall/grant_table.c), HYPERCALL_ARGS shape. */
long do_grant_table_op(struct vcpu *v, unsigned long cmd, unsigned long uops, unsigned long count,
		       unsigned long a4, unsigned long a5);

#endif
