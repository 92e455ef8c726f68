/*
 * The grant-table hypercalls of the pvguest kernel: mapping our own table
 * and the grantee's batch operations.  GNTTABOP_setup_table returns the
 * table's frames (machine frames in dom0, frames of the reserved window in
 * a domU: either way what a page-table entry of ours names), which we map
 * read-write in the window above RAM.
 */
#include "gnttab.h"
#include "kernel.h"

#include <asm/hypercall.h>
#include <mm/mm.h>
#include <public/errno.h>

static long grant_table_op(unsigned int cmd, void *ops, unsigned int n)
{
	return hypercall(__HYPERVISOR_grant_table_op, cmd, ops, n);
}

int gnttab_init(void)
{
	xen_pfn_t frames[GNTTAB_FRAMES];
	struct gnttab_setup_table op = {.dom = DOMID_SELF, .nr_frames = GNTTAB_FRAMES};

	set_xen_guest_handle(op.frame_list, frames);
	long rc = grant_table_op(GNTTABOP_setup_table, &op, 1);
	if (rc || op.status != GNTST_okay) {
		printk("gnttab: setup_table failed (%ld, status %d)\n", rc, op.status);
		return rc ? (int)rc : -XEN_EINVAL;
	}
	unsigned long va = map_window_alloc(GNTTAB_FRAMES);
	for (unsigned int i = 0; i < GNTTAB_FRAMES; i++)
		map_machine_page(va + i * PAGE_SIZE, frames[i]);
	if (!gnttab_attach((struct grant_entry_v1 *)va,
			   GNTTAB_FRAMES * PAGE_SIZE / sizeof(struct grant_entry_v1)))
		return -XEN_ENOMEM;
	return 0;
}

int gnttab_op_copy(struct gnttab_copy *ops, unsigned int n)
{
	return (int)grant_table_op(GNTTABOP_copy, ops, n);
}

int gnttab_op_map(struct gnttab_map_grant_ref *ops, unsigned int n)
{
	return (int)grant_table_op(GNTTABOP_map_grant_ref, ops, n);
}

int gnttab_op_unmap(struct gnttab_unmap_grant_ref *ops, unsigned int n)
{
	return (int)grant_table_op(GNTTABOP_unmap_grant_ref, ops, n);
}
