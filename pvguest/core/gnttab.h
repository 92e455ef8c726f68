/*
 * The granter's side of grant tables (v1): this domain shares a frame
 * with another domain by filling an entry of its own grant table, and the
 * grantee's side: copying to and from, and mapping, frames others granted.
 *
 * gnttab.c is pure logic over a table it is given (the free list of
 * references and the publish/revoke protocol, host-tested); gnttab_op.c
 * maps the real table (GNTTABOP_setup_table) and wraps the hypercalls.
 * Host tests link their own gnttab_op_* so that a frontend and a backend
 * run against one simulated table in one process.
 */
#ifndef PVGUEST_CORE_GNTTAB_H
#define PVGUEST_CORE_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <public/grant_table.h>

/* Frames of our table that gnttab_init() maps (512 entries each). */
#define GNTTAB_FRAMES 4

/*
 * Uses `table` of `nr` entries; references below GNTTAB_NR_RESERVED_ENTRIES
 * are the toolstack's and never handed out.  Returns false if nr is too small.
 */
bool gnttab_attach(struct grant_entry_v1 *table, unsigned int nr);

/*
 * Publishes `frame` (our machine frame number) to `domid`; returns the
 * reference, or -XEN_ENOSPC when every entry is in use.
 */
int gnttab_grant(uint16_t domid, unsigned long frame, bool readonly);

/*
 * Revokes `ref` and returns it to the free list: 0, or -XEN_EBUSY while the
 * grantee still maps or copies it (the entry then stays valid and owned by
 * the caller, who must try again later), -XEN_EINVAL for a ref not handed out.
 */
int gnttab_revoke(grant_ref_t ref);

/*
 * Ending a grant the grantee may still map.  Xen leaves the entry ours
 * only once it lets go, and nothing tells us when it does, so a revoke
 * that fails must be tried again later, and the memory behind the grant
 * must not be reused until one succeeds.  gnttab_end revokes `ref` now,
 * or puts it on the table's late list with `page` (memory the grant
 * covers, freed with free() when the revoke succeeds; NULL: not ours to
 * free) and `waiter` (decremented then; NULL: nobody waits).  0 if
 * revoked now, 1 if late, -XEN_EINVAL for a ref not handed out or
 * already late.  The list has one slot per table entry: never full.
 * gnttab_retry_late tries every late revoke again and returns how many
 * are still late; gnttab_late_to(domid) counts those granted to domid.
 */
int gnttab_end(grant_ref_t ref, void *page, unsigned int *waiter);
unsigned int gnttab_retry_late(void);
unsigned int gnttab_late_to(uint16_t domid);
/* How many revokes are late (a load: the frontends test it on every transfer). */
extern unsigned int gnttab_nr_late;
static inline unsigned int gnttab_late(void)
{
	return gnttab_nr_late;
}

/* Entries handed out and not yet revoked (leak checks). */
unsigned int gnttab_in_use(void);

/* Maps the domain's own table (setup_table) and attaches it; 0 or -XEN_*. */
int gnttab_init(void);
/* Whether a table is attached (users call gnttab_init() first if not). */
bool gnttab_ready(void);

/*
 * The grantee's hypercalls, one batch each; every element reports its own
 * GNTST_* status.  Return 0 or a negative Xen error for the batch itself.
 */
int gnttab_op_copy(struct gnttab_copy *ops, unsigned int n);
int gnttab_op_map(struct gnttab_map_grant_ref *ops, unsigned int n);
int gnttab_op_unmap(struct gnttab_unmap_grant_ref *ops, unsigned int n);

#endif
