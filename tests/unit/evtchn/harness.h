/*
 * Fake domains for the event-channel tests: those of tests/unit/fakes
 * (fake_domain.h: shared_info, vCPUs, guest memory that is host memory
 * except BAD_GUEST_VA) with an event-channel table each, and a kick
 * counter per vCPU.
 */
#ifndef EVTCHN_HARNESS_H
#define EVTCHN_HARNESS_H

#include <fake_domain.h>
#include <hospes/event.h>
#include <public/errno.h>
#include <public/xen.h>

#define NR_TEST_DOMAINS FAKE_NR_DOMAINS

extern unsigned int kicks[NR_TEST_DOMAINS][HOSPES_MAX_VCPUS];
extern unsigned long harness_frames_kept; /* frames a test keeps on purpose (trace rings) */

int harness_setup(void **state);
int harness_teardown(void **state);
/* Create domain id with nr_vcpus vCPUs and a port limit (0 = ABI maximum). */
struct domain *harness_domain(domid_t id, unsigned int nr_vcpus, unsigned int max_ports);
#define harness_kill fake_domain_kill /* dying, destroy, drop the existence reference */

bool port_pending(struct domain *d, evtchn_port_t port);
void port_mask(struct domain *d, evtchn_port_t port, bool masked);
struct vcpu_info *vinfo(struct domain *d, unsigned int vcpu);
void clear_events(struct domain *d); /* all pending, selector and upcall bits */

/* Small wrappers returning the port or the error. */
int alloc_unbound(struct domain *d, domid_t dom_, domid_t remote);
int bind_interdomain(struct domain *d, domid_t remote, evtchn_port_t rport);
int bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu);
int bind_ipi(struct domain *d, uint32_t vcpu);
struct evtchn_status status_of(struct domain *caller, domid_t d, evtchn_port_t port, int *rc);

extern void (*pv_send_virq)(struct vcpu *v, unsigned int virq);

#endif
