/*
 * The fake machine of the event-channel tests (see harness.h): domains,
 * the domain list that domain_lookup() searches, vcpu_kick() counting
 * kicks, and guest access through host pointers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

#include <asm/arch.h>
#include <hospes/frame.h>
#include <hospes/guest_access.h>

struct domain *dom[NR_TEST_DOMAINS];
unsigned int kicks[NR_TEST_DOMAINS][HOSPES_MAX_VCPUS];
static unsigned long frames_at_start;
unsigned long harness_frames_kept;

void fake_frame_init(void);

unsigned int live_structs;

struct domain *domain_get(domid_t id)
{
	for (int i = 0; i < NR_TEST_DOMAINS; i++)
		if (dom[i] && dom[i]->id == id && !dom[i]->is_dying)
			return domain_get_ref(dom[i]);
	return NULL;
}

/* The real domain_put's contract: the last reference frees the tables. */
void domain_put(struct domain *d)
{
	assert_true(d->refcnt > 0);
	if (--d->refcnt)
		return;
	assert_true(d->is_dying);
	evtchn_domain_free(d);
	assert_null(d->evtchn);
	for (unsigned int i = 0; i < d->max_vcpus; i++)
		free(d->vcpu[i]);
	free(d->shared_info);
	free(d);
	live_structs--;
}

/* No vCPU runs here: every raise that needs a kick is counted. */
struct vcpu *current_vcpu(void)
{
	return NULL;
}

void vcpu_kick(struct vcpu *v)
{
	kicks[v->domain->id][v->id]++;
	v->blocked = false;
}

int copy_from_guest_vcpu(struct vcpu *v, void *dst, unsigned long va, size_t len)
{
	if (va == BAD_GUEST_VA)
		return -XEN_EFAULT;
	memcpy(dst, (const void *)va, len);
	return 0;
}

int copy_to_guest_vcpu(struct vcpu *v, unsigned long va, const void *src, size_t len)
{
	if (va == BAD_GUEST_VA)
		return -XEN_EFAULT;
	memcpy((void *)va, src, len);
	return 0;
}

struct domain *harness_domain(domid_t id, unsigned int nr_vcpus, unsigned int max_ports)
{
	struct domain *d = calloc(1, sizeof(*d));

	assert_non_null(d);
	d->id = id;
	d->refcnt = 1;
	d->is_privileged = id == 0;
	d->shared_info = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(d->shared_info);
	memset(d->shared_info, 0, PAGE_SIZE);
	d->max_vcpus = nr_vcpus;
	for (unsigned int i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = calloc(1, sizeof(*v));

		assert_non_null(v);
		v->id = i;
		v->domain = d;
		v->vcpu_info = &d->shared_info->vcpu_info[i];
		d->vcpu[i] = v;
	}
	assert_int_equal(evtchn_domain_init(d, max_ports), 0);
	dom[id] = d;
	live_structs++;
	return d;
}

void harness_kill(struct domain *d)
{
	d->is_dying = true;
	dom[d->id] = NULL;
	evtchn_domain_destroy(d);
	domain_put(d); /* the existence reference */
}

int harness_setup(void **state)
{
	fake_mem_init(256);
	fake_frame_init();
	frames_at_start = frame_free_count();
	harness_frames_kept = 0;
	memset(kicks, 0, sizeof(kicks));
	live_structs = 0;
	harness_domain(0, 2, 0);
	harness_domain(1, 2, 0);
	harness_domain(2, 1, 0);
	return 0;
}

int harness_teardown(void **state)
{
	for (int i = 0; i < NR_TEST_DOMAINS; i++)
		if (dom[i])
			harness_kill(dom[i]);
	assert_int_equal(live_structs, 0); /* every reference dropped */
	assert_int_equal(frame_free_count() + harness_frames_kept, frames_at_start); /* no leak */
	fake_mem_fini();
	return 0;
}

bool port_pending(struct domain *d, evtchn_port_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void port_mask(struct domain *d, evtchn_port_t port, bool masked)
{
	if (masked)
		d->shared_info->evtchn_mask[port / 64] |= 1UL << (port % 64);
	else
		d->shared_info->evtchn_mask[port / 64] &= ~(1UL << (port % 64));
}

struct vcpu_info *vinfo(struct domain *d, unsigned int vcpu)
{
	return &d->shared_info->vcpu_info[vcpu];
}

void clear_events(struct domain *d)
{
	memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
	for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++) {
		d->shared_info->vcpu_info[i].evtchn_pending_sel = 0;
		d->shared_info->vcpu_info[i].evtchn_upcall_pending = 0;
	}
	memset(kicks, 0, sizeof(kicks));
}

int alloc_unbound(struct domain *d, domid_t dom_, domid_t remote)
{
	struct evtchn_alloc_unbound op = {.dom = dom_, .remote_dom = remote};
	int rc = evtchn_alloc_unbound(d, &op);

	return rc ? rc : (int)op.port;
}

int bind_interdomain(struct domain *d, domid_t remote, evtchn_port_t rport)
{
	struct evtchn_bind_interdomain op = {.remote_dom = remote, .remote_port = rport};
	int rc = evtchn_bind_interdomain(d, &op);

	return rc ? rc : (int)op.local_port;
}

int bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu)
{
	struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
	int rc = evtchn_bind_virq(d, &op);

	return rc ? rc : (int)op.port;
}

int bind_ipi(struct domain *d, uint32_t vcpu)
{
	struct evtchn_bind_ipi op = {.vcpu = vcpu};
	int rc = evtchn_bind_ipi(d, &op);

	return rc ? rc : (int)op.port;
}

struct evtchn_status status_of(struct domain *caller, domid_t d, evtchn_port_t port, int *rc)
{
	struct evtchn_status st = {.dom = d, .port = port};

	*rc = evtchn_status(caller, &st);
	return st;
}

void (*pv_send_virq)(struct vcpu *v, unsigned int virq); /* kernel/domain/vcpu.c's hook */
