/*
 * Fake machine for the grant-table tests: domains owning frames of the
 * simulated memory, and a fake memory side (gnttab_mm_*) that records
 * every mapping so a test can see what is mapped where and that nothing
 * is left behind.
 */
#ifndef GRANT_HARNESS_H
#define GRANT_HARNESS_H

#include <hospes/grant.h>
#include <public/errno.h>

#define NR_TEST_DOMAINS 4
#define BAD_GUEST_VA	0xdead0000UL
#define WINDOW_BASE	0x80000UL /* mapper-side frame names start here */

extern struct domain *dom[NR_TEST_DOMAINS]; /* dom[0] is privileged */
extern unsigned int live_mappings;	    /* fake mappings currently in place */

int harness_setup(void **state);
int harness_teardown(void **state);
struct domain *harness_domain(domid_t id, unsigned int max_maptrack);
void harness_kill(struct domain *d);
mfn_t give_frame(struct domain *d, bool writable); /* a RAM frame owned by d */
bool mapped_at(struct domain *d, unsigned long va, mfn_t *mfn);

struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref);
void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t frame, bool ro);
bool revoke(struct domain *d, grant_ref_t ref); /* the granter's cmpxchg protocol */

struct gnttab_map_grant_ref map(struct domain *d, domid_t from, grant_ref_t ref, uint32_t flags,
				unsigned long va);
int16_t unmap(struct domain *d, grant_handle_t h, unsigned long va, uint64_t bus);

#endif
