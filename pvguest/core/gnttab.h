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
