/*
 * Fake domains for host tests of one hypervisor subsystem at a time
 * (tests/unit/fakes/domain/fake_domain.c; used by unit/evtchn and
 * unit/grant, which list that file in their build.mk).
 *
 * A fake domain is a calloc'd struct domain with its vCPUs and a
 * shared_info page in host memory, registered in dom[] by its id, with
 * the real reference contract: domain_get() finds a live one and takes a
 * reference, the last domain_put() lets the subsystem free its state
 * (ops->free) and frees the structs.  fake_domain_kill() is the
 * destroy sequence: dying, out of dom[], the subsystem's destroy step
 * (ops->destroy), then the existence reference dropped.  Guest memory is
 * host memory: copy_{from,to}_guest_vcpu() copy from and to the address
 * itself, except BAD_GUEST_VA, which faults (-EFAULT).
 *
 * A test's setup calls fake_domains_begin() after fake_mem_init() and
 * fake_frame_init(); its teardown calls fake_domains_end(), which kills
 * every domain left and asserts that every struct was freed and that no
 * frame of the simulated machine leaked.
 */
#ifndef FAKE_DOMAIN_H
#define FAKE_DOMAIN_H

#include <hospes/domain.h>

#define FAKE_NR_DOMAINS 4
#define BAD_GUEST_VA	0xdead0000UL

struct fake_domain_ops {
	void (*destroy)(struct domain *d); /* the subsystem's part of destroying d */
	void (*free)(struct domain *d);	   /* the last reference: free its state */
};

extern struct domain *dom[FAKE_NR_DOMAINS]; /* by id; dom[0] is privileged */
extern unsigned int live_structs;	    /* struct domains not yet freed */

void fake_domains_begin(const struct fake_domain_ops *ops);
/* kept: frames a test holds on purpose for the machine's life (trace rings). */
void fake_domains_end(unsigned long kept);
/* A domain with nr_vcpus vCPUs (vcpu_info in its shared_info), in dom[id]. */
struct domain *fake_domain_new(domid_t id, unsigned int nr_vcpus);
void fake_domain_kill(struct domain *d);

#endif
