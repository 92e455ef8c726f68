/*
 * A backend's mapping of its frontend's ring page: a grant map at a
 * virtual address reserved once per device (map_window_alloc never hands
 * an address out twice, so reconnects reuse it).  The hypervisor checks
 * the grant (right domain, writable) and installs the PTE; the unmap
 * names the same address and handle.
 */
#include "xendev.h"

#include <core/gnttab.h>
#include <core/kernel.h>
#include <mm/mm.h>
#include <public/errno.h>

void *xendev_map_ring(struct xendev *xd, grant_ref_t ref)
{
	if (xd->ring_mapped)
		return NULL;
	if (!xd->ring_va)
		xd->ring_va = map_window_alloc(1);
	struct gnttab_map_grant_ref op = {.host_addr = xd->ring_va,
					  .flags = GNTMAP_host_map,
					  .ref = ref,
					  .dom = xd->otherend_id};
	int rc = gnttab_op_map(&op, 1);
	if (rc || op.status != GNTST_okay) {
		printk("xendev: cannot map d%u's ring (ref %u): %d/%d\n", xd->otherend_id, ref, rc,
		       op.status);
		return NULL;
	}
	xd->ring_handle = op.handle;
	xd->ring_mapped = true;
	return (void *)xd->ring_va;
}

int xendev_unmap_ring(struct xendev *xd)
{
	if (!xd->ring_mapped)
		return -XEN_EINVAL;
	struct gnttab_unmap_grant_ref op = {.host_addr = xd->ring_va, .handle = xd->ring_handle};
	int rc = gnttab_op_unmap(&op, 1);
	if (rc || op.status != GNTST_okay) {
		printk("xendev: cannot unmap d%u's ring: %d/%d\n", xd->otherend_id, rc, op.status);
		return rc ? rc : -XEN_EINVAL;
	}
	xd->ring_mapped = false;
	return 0;
}
