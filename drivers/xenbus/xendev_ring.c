/*
 * A backend's mapping of its frontend's ring pages: a grant map at a
 * virtual address reserved once per device and ring (map_window_alloc never hands
 * an address out twice, so reconnects reuse it).  The hypervisor checks
 * the grant (right domain, writable) and installs the PTE; the unmap
 * names the same address and handle.
 */
#include "xendev.h"

#include <core/gnttab.h>
#include <core/kernel.h>
#include <mm/mm.h>
#include <public/errno.h>

void *xendev_map_ring_at(struct xendev *xd, unsigned int i, grant_ref_t ref)
{
	if (i >= XENDEV_RINGS || xd->ring[i].mapped)
		return NULL;
	struct xendev_ring *r = &xd->ring[i];
	if (!r->va)
		r->va = map_window_alloc(1);
	struct gnttab_map_grant_ref op = {
		.host_addr = r->va, .flags = GNTMAP_host_map, .ref = ref, .dom = xd->otherend_id};
	int rc = gnttab_op_map(&op, 1);
	if (rc || op.status != GNTST_okay) {
		printk("xendev: cannot map d%u's ring (ref %u): %d/%d\n", xd->otherend_id, ref, rc,
		       op.status);
		return NULL;
	}
	r->handle = op.handle;
	r->mapped = true;
	return (void *)r->va;
}

int xendev_unmap_ring_at(struct xendev *xd, unsigned int i)
{
	if (i >= XENDEV_RINGS || !xd->ring[i].mapped)
		return -XEN_EINVAL;
	struct xendev_ring *r = &xd->ring[i];
	struct gnttab_unmap_grant_ref op = {.host_addr = r->va, .handle = r->handle};
	int rc = gnttab_op_unmap(&op, 1);
	if (rc || op.status != GNTST_okay) {
		printk("xendev: cannot unmap d%u's ring: %d/%d\n", xd->otherend_id, rc, op.status);
		return rc ? rc : -XEN_EINVAL;
	}
	r->mapped = false;
	return 0;
}
