/*
 * blkback's kept mappings of indirect segment pages, the dom0 glue (the
 * bookkeeping is blk_persist.c's blkback_ind_page; see struct
 * blkback_ind_keep in blkback.h).
 *
 * Each vbd reserves a window of BLKBACK_IND_KEEP pages of address space
 * the first time it keeps one (map_window_alloc hands an address out
 * once, so a reconnect reuses the same window); slot i is page i.  A
 * mapping is a grant map with GNTMAP_host_map | GNTMAP_readonly at that
 * page: the hypervisor checks the grant as for any map and installs a
 * read-only PTE, so dom0 reads the frontend's list but cannot change
 * it.  All of them are undone with one GNTTABOP_unmap_grant_ref when the
 * vbd lets go of its persistent mappings.
 */
#include "blkback.h"

#include <core/gnttab.h>
#include <core/kernel.h>
#include <mm/mm.h>

const void *blkback_ind_map(struct vbd *v, unsigned int slot, grant_ref_t gref,
			    grant_handle_t *handle)
{
	struct blkback_ind_keep *k = &v->ind_keep;

	if (slot >= BLKBACK_IND_KEEP)
		return NULL;
	if (!k->va)
		k->va = map_window_alloc(BLKBACK_IND_KEEP);
	struct gnttab_map_grant_ref op = {.host_addr = k->va + slot * PAGE_SIZE,
					  .flags = GNTMAP_host_map | GNTMAP_readonly,
					  .ref = gref,
					  .dom = v->front_id};
	if (gnttab_op_map(&op, 1) || op.status != GNTST_okay)
		return NULL;
	*handle = op.handle;
	return (const void *)(uintptr_t)op.host_addr;
}

void blkback_ind_unmap_all(struct vbd *v)
{
	struct blkback_ind_keep *k = &v->ind_keep;
	struct gnttab_unmap_grant_ref ops[BLKBACK_IND_KEEP];
	unsigned int n = 0;

	for (unsigned int i = 0; i < BLKBACK_IND_KEEP; i++) {
		if (!k->ent[i].page)
			continue;
		ops[n++] = (struct gnttab_unmap_grant_ref){.host_addr = (uintptr_t)k->ent[i].page,
							   .handle = k->ent[i].handle};
		k->ent[i].page = NULL;
	}
	k->live = 0;
	if (n && gnttab_op_unmap(ops, n))
		printk("blkback: d%u: unmap of %u indirect pages failed\n", v->front_id, n);
	for (unsigned int i = 0; i < n; i++)
		if (ops[i].status != GNTST_okay)
			printk("blkback: d%u: unmap of indirect page %#lx: %d\n", v->front_id,
			       (unsigned long)ops[i].host_addr, ops[i].status);
}
