/*
 * The fake machine of the event-channel tests (see harness.h): the fake
 * domains of tests/unit/fakes (fake_domain.h) with event-channel tables,
 * and vcpu_kick() counting kicks.
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

unsigned int kicks[NR_TEST_DOMAINS][HOSPES_MAX_VCPUS];
unsigned long harness_frames_kept;

void fake_frame_init(void);

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

static void evtchn_free(struct domain *d)
{
	evtchn_domain_free(d);
	assert_null(d->evtchn);
}

static const struct fake_domain_ops evtchn_ops = {.destroy = evtchn_domain_destroy,
						  .free = evtchn_free};

struct domain *harness_domain(domid_t id, unsigned int nr_vcpus, unsigned int max_ports)
{
	struct domain *d = fake_domain_new(id, nr_vcpus);

	assert_int_equal(evtchn_domain_init(d, max_ports), 0);
	return d;
}

int harness_setup(void **state)
{
	fake_mem_init(256);
	fake_frame_init();
	fake_domains_begin(&evtchn_ops);
	memset(kicks, 0, sizeof(kicks));
	harness_frames_kept = 0;
	harness_domain(0, 2, 0);
	harness_domain(1, 2, 0);
	harness_domain(2, 1, 0);
	return 0;
}

int harness_teardown(void **state)
{
	fake_domains_end(harness_frames_kept);
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
