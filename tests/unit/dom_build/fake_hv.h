/*
 * The simulated hypervisor and dom0 services of the builder's tests
 * (fake_hv.c).  Every hypercall the builder makes, and every call into
 * dom0's services (xenstored, the console backend, its devices hook), is
 * appended to one log in order, so a test can ask what happened before
 * what.  The one domain the builder creates is modelled: paused from
 * createdomain, running from unpausedomain, gone at destroydomain; each
 * vCPU's hard affinity is kept, and at the unpause each vCPU "first runs"
 * on the lowest CPU of its hard affinity at that moment (CPU 0 when it
 * has none), as the scheduler would place it.  One call can be made to
 * fail: the n-th call of a given kind returns a given error.
 */
#ifndef TESTS_UNIT_DOM_BUILD_FAKE_HV_H
#define TESTS_UNIT_DOM_BUILD_FAKE_HV_H

#include <stdbool.h>
#include <stdint.h>

#define FAKE_DOMID   7
#define FAKE_CALLS   256
#define FAKE_VCPUS   8
#define FAKE_ALLCPUS (~0ULL)

/* Log entries that are not domctls (domctl entries carry their cmd). */
enum {
	CALL_POPULATE = 0x10000, /* memory_op populate_physmap */
	CALL_EVTCHN,		 /* event_channel_op alloc_unbound */
	CALL_MAP,		 /* map_foreign_pages */
	CALL_UNMAP,		 /* unmap_pages */
	CALL_XS_INTRODUCE,
	CALL_XS_RELEASE,
	CALL_CONS_ATTACH,
	CALL_CONS_DETACH,
	CALL_DEVICES, /* the caller's devices hook */
};

struct fake_call {
	uint32_t kind; /* XEN_DOMCTL_* or CALL_* */
	uint16_t dom;  /* the domain named */
	bool running;  /* the domain was unpaused when this call came */
	uint32_t vcpu; /* setvcpuaffinity: the vCPU, flags and both maps */
	uint32_t flags;
	uint64_t hard, soft;
};

struct fake_hv {
	struct fake_call log[FAKE_CALLS];
	unsigned int n;
	/* failure injection: the fail_nth-th call of kind fail_kind returns fail_rc */
	uint32_t fail_kind;
	unsigned int fail_nth, seen;
	long fail_rc;
	/* the domain */
	bool exists, running;
	unsigned int max_vcpus;
	uint64_t hard[FAKE_VCPUS];
	int first_cpu[FAKE_VCPUS]; /* -1: never ran */
};

extern struct fake_hv hv;

void fake_hv_reset(void);
/* Appends a call; returns the injected error if this call is the one to fail. */
long fake_hv_log(uint32_t kind, uint16_t dom);
/* Index of the first (last) logged call of kind, or -1. */
int fake_hv_first(uint32_t kind);
int fake_hv_last(uint32_t kind);
unsigned int fake_hv_count(uint32_t kind);

#endif
