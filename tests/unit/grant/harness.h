/*
 * Fake machine for the grant-table tests: domains owning frames of the
 * simulated memory, and a fake memory side (gnttab_mm_*) that records
 * every mapping so a test can see what is mapped where and that nothing
 * is left behind.
 */
#ifndef GRANT_HARNESS_H
#define GRANT_HARNESS_H

#include <fake_domain.h>
#include <hospes/grant.h>
#include <public/errno.h>

#define NR_TEST_DOMAINS FAKE_NR_DOMAINS
#define WINDOW_BASE	0x80000UL /* mapper-side frame names start here */

extern unsigned int live_mappings; /* fake mappings currently in place */
/*
 * A race window: called once (then cleared) from the next gnttab_mm_map or
 * lookup of one of dom[1]'s own frames, i.e. after a grant use was taken
 * and before it is put to work, with no lock held.
 */
extern void (*race_hook)(void);
bool frame_is_free(mfn_t mfn);	    /* back in the allocator (not owned, not orphaned) */
unsigned int frame_uses(mfn_t mfn); /* grant uses holding it */

int harness_setup(void **state);
int harness_teardown(void **state);
struct domain *harness_domain(domid_t id, unsigned int max_maptrack);
#define harness_kill fake_domain_kill /* destroy (its frames too), drop the existence reference */
mfn_t give_frame(struct domain *d, bool writable); /* a RAM frame owned by d */
bool mapped_at(struct domain *d, unsigned long va, mfn_t *mfn);

struct grant_entry_v1 *entry(struct domain *d, grant_ref_t ref);
void grant(struct domain *d, grant_ref_t ref, domid_t to, mfn_t frame, bool ro);
bool revoke(struct domain *d, grant_ref_t ref); /* the granter's cmpxchg protocol */

struct gnttab_map_grant_ref map(struct domain *d, domid_t from, grant_ref_t ref, uint32_t flags,
				unsigned long va);
int16_t unmap(struct domain *d, grant_handle_t h, unsigned long va, uint64_t bus);

#endif
