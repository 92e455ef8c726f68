/*
 * Event-channel tests, part one: making and unmaking ports.  Every
 * operation's success and each of its Xen error codes, close semantics,
 * port exhaustion, chunked growth, and domains dying on either side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "tests.h"

#include <asm/arch.h>
#include <hospes/frame.h>

static void test_alloc_unbound(void **state)
{
	int rc;

	assert_int_equal(alloc_unbound(dom[1], DOMID_SELF, 2), 1); /* port 0 is reserved */
	assert_int_equal(alloc_unbound(dom[1], 1, DOMID_SELF), 2);
	struct evtchn_status st = status_of(dom[1], DOMID_SELF, 1, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 2);
	assert_int_equal(st.vcpu, 0);
	st = status_of(dom[1], DOMID_SELF, 2, &rc);
	assert_int_equal(st.u.unbound.dom, 1); /* DOMID_SELF means the caller */
	st = status_of(dom[1], DOMID_SELF, 0, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_closed);

	/* Only the privileged domain allocates in another domain. */
	assert_int_equal(alloc_unbound(dom[1], 2, 1), -XEN_EPERM);
	assert_int_equal(alloc_unbound(dom[1], 77, 1), -XEN_ESRCH);
	assert_int_equal(alloc_unbound(dom[0], 2, 1), 1);
	st = status_of(dom[0], 2, 1, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.u.unbound.dom, 1);
	status_of(dom[1], 2, 1, &rc);
	assert_int_equal(rc, -XEN_EPERM);
	status_of(dom[1], DOMID_SELF, 4000, &rc); /* beyond the allocated chunk */
	assert_int_equal(rc, -XEN_EINVAL);
	status_of(dom[1], DOMID_SELF, 5000, &rc); /* beyond the ABI */
	assert_int_equal(rc, -XEN_EINVAL);
}

static void test_bind_interdomain(void **state)
{
	int rc, rport = alloc_unbound(dom[2], DOMID_SELF, 1);
	int lport;

	assert_int_equal(rport, 1);
	alloc_unbound(dom[1], DOMID_SELF, 0); /* dom1's port 1 is taken */
	lport = bind_interdomain(dom[1], 2, (evtchn_port_t)rport);
	assert_int_equal(lport, 2);
	assert_true(port_pending(dom[1], 2)); /* a new local end is always pending */
	assert_true(vinfo(dom[1], 0)->evtchn_upcall_pending);
	assert_int_equal(kicks[1][0], 1);

	struct evtchn_status st = status_of(dom[1], DOMID_SELF, 2, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 2);
	assert_int_equal(st.u.interdomain.port, 1);
	st = status_of(dom[2], DOMID_SELF, 1, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_interdomain);
	assert_int_equal(st.u.interdomain.dom, 1);
	assert_int_equal(st.u.interdomain.port, 2);

	/* Errors: no such domain, bad port, port not unbound, unbound for someone else. */
	assert_int_equal(bind_interdomain(dom[1], 9, 1), -XEN_ESRCH);
	assert_int_equal(bind_interdomain(dom[1], 2, 0), -XEN_EINVAL);
	assert_int_equal(bind_interdomain(dom[1], 2, 4095), -XEN_EINVAL);
	assert_int_equal(bind_interdomain(dom[1], 2, 1), -XEN_EINVAL); /* already bound */
	int other = alloc_unbound(dom[2], DOMID_SELF, 0);
	assert_int_equal(bind_interdomain(dom[1], 2, (evtchn_port_t)other), -XEN_EINVAL);
	assert_int_equal(bind_interdomain(dom[0], 2, (evtchn_port_t)other), 1);

	/* Loopback within one domain. */
	int a = alloc_unbound(dom[2], DOMID_SELF, DOMID_SELF);
	int b = bind_interdomain(dom[2], DOMID_SELF, (evtchn_port_t)a);
	assert_true(b > 0 && b != a);
	st = status_of(dom[2], DOMID_SELF, (evtchn_port_t)a, &rc);
	assert_int_equal(st.u.interdomain.port, b);
}

static void test_close_semantics(void **state)
{
	int rc, rport = alloc_unbound(dom[2], DOMID_SELF, 1);
	int lport = bind_interdomain(dom[1], 2, (evtchn_port_t)rport);

	assert_int_equal(evtchn_close(dom[1], 0), -XEN_EINVAL);
	assert_int_equal(evtchn_close(dom[1], 3000), -XEN_EINVAL);
	assert_int_equal(evtchn_close(dom[1], 7), -XEN_EINVAL); /* free */
	assert_true(port_pending(dom[1], (evtchn_port_t)lport));
	assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)lport), 0);
	assert_false(
		port_pending(dom[1], (evtchn_port_t)lport)); /* no stale event for the next user */
	assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)lport), -XEN_EINVAL);

	/* The peer's end waits, unbound, for the closer's domain. */
	struct evtchn_status st = status_of(dom[2], DOMID_SELF, (evtchn_port_t)rport, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 1);
	assert_int_equal(evtchn_send(dom[2], (evtchn_port_t)rport), 0); /* dropped */
	assert_false(port_pending(dom[1], (evtchn_port_t)lport));
	/* ... and can be bound again; the freed number is reused. */
	assert_int_equal(bind_interdomain(dom[1], 2, (evtchn_port_t)rport), lport);
	assert_int_equal(evtchn_close(dom[2], (evtchn_port_t)rport), 0);
	st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)lport, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 2);
	assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)lport), 0);
}

static void test_bind_virq_errors(void **state)
{
	assert_int_equal(bind_virq(dom[1], NR_VIRQS, 0), -XEN_EINVAL);
	assert_int_equal(bind_virq(dom[1], VIRQ_DOM_EXC, 0), -XEN_EBUSY); /* global: dom0's */
	assert_int_equal(bind_virq(dom[0], VIRQ_DOM_EXC, 1), -XEN_EINVAL);
	assert_int_equal(bind_virq(dom[1], VIRQ_TIMER, 2), -XEN_ENOENT);
	assert_int_equal(bind_virq(dom[1], VIRQ_TIMER, 99), -XEN_ENOENT);
	assert_int_equal(bind_virq(dom[1], VIRQ_ARGO, 1), -XEN_EINVAL); /* per domain: vCPU 0 */
	int t0 = bind_virq(dom[1], VIRQ_TIMER, 0);
	int t1 = bind_virq(dom[1], VIRQ_TIMER, 1);
	assert_true(t0 > 0 && t1 > 0 && t0 != t1);
	assert_int_equal(bind_virq(dom[1], VIRQ_TIMER, 1), -XEN_EEXIST);
	assert_int_equal(bind_virq(dom[0], VIRQ_DOM_EXC, 0), 1);
	assert_int_equal(bind_virq(dom[0], VIRQ_DOM_EXC, 0), -XEN_EEXIST);

	int rc;
	struct evtchn_status st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)t1, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_virq);
	assert_int_equal(st.u.virq, VIRQ_TIMER);
	assert_int_equal(st.vcpu, 1);
	/* A per-vCPU VIRQ cannot move; a global one can. */
	assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)t1, 0), -XEN_EINVAL);
	assert_int_equal(evtchn_bind_vcpu(dom[0], 1, 1), 0);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)t1), -XEN_EINVAL);
	/* Closing frees the binding. */
	assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)t1), 0);
	assert_int_equal(bind_virq(dom[1], VIRQ_TIMER, 1), t1);
}

static void test_bind_ipi_and_vcpu(void **state)
{
	int rc;

	assert_int_equal(bind_ipi(dom[1], 2), -XEN_ENOENT);
	int p = bind_ipi(dom[1], 1);
	assert_int_equal(p, 1);
	struct evtchn_status st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)p, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_ipi);
	assert_int_equal(st.vcpu, 1);
	assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)p, 0), -XEN_EINVAL);
	assert_int_equal(evtchn_bind_vcpu(dom[1], 2, 0), -XEN_EINVAL); /* free */
	assert_int_equal(evtchn_bind_vcpu(dom[1], 0, 0), -XEN_EINVAL); /* reserved */
	assert_int_equal(evtchn_bind_vcpu(dom[1], 9999, 0), -XEN_EINVAL);
	int u = alloc_unbound(dom[1], DOMID_SELF, 2);
	assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)u, 5), -XEN_ENOENT);
	assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)u, 1), 0);
	st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)u, &rc);
	assert_int_equal(st.vcpu, 1);
}

static void test_exhaustion_and_chunks(void **state)
{
	struct domain *d = harness_domain(3, 1, 300);
	unsigned long before = frame_free_count();
	int p = 0, n = 0;

	while ((p = alloc_unbound(d, DOMID_SELF, 0)) > 0)
		n++;
	assert_int_equal(p, -XEN_ENOSPC);
	assert_int_equal(n, 299);			  /* ports 1..299 */
	assert_int_equal(before - frame_free_count(), 1); /* one more chunk for 256..299 */
	assert_int_equal(bind_ipi(d, 0), -XEN_ENOSPC);
	assert_int_equal(evtchn_close(d, 150), 0);
	assert_int_equal(bind_ipi(d, 0), 150); /* lowest free number */
	assert_int_equal(evtchn_reset(d, DOMID_SELF), 0);
	assert_int_equal(alloc_unbound(d, DOMID_SELF, 0), 1);
	harness_kill(d);
}

/* Every port of the ABI's 4096 handed out: the last one is a port like the others. */
static void test_all_ports(void **state)
{
	struct domain *d = harness_domain(3, 1, 0);
	int p, n = 0, rc;

	while ((p = alloc_unbound(d, DOMID_SELF, 0)) > 0)
		n++;
	assert_int_equal(p, -XEN_ENOSPC);
	assert_int_equal(n, 4095);
	assert_int_equal(status_of(d, DOMID_SELF, 4095, &rc).status, EVTCHNSTAT_unbound);
	assert_int_equal(rc, 0);
	harness_kill(d);
}

static void test_out_of_memory(void **state)
{
	struct domain *d = harness_domain(3, 1, 0);
	mfn_t hoard[256];
	unsigned int n = 0;

	for (int i = 1; i < 256; i++)
		assert_int_equal(alloc_unbound(d, DOMID_SELF, 0), i);
	while (n < 256 && mfn_x(hoard[n] = frame_alloc(0)) != INVALID_MFN_RAW)
		n++;
	assert_int_equal(alloc_unbound(d, DOMID_SELF, 0), -XEN_ENOMEM);
	while (n)
		frame_free(hoard[--n], 0);
	assert_int_equal(alloc_unbound(d, DOMID_SELF, 0), 256);
	harness_kill(d);
}

static void test_dying_domains(void **state)
{
	int rc;
	int r = alloc_unbound(dom[2], DOMID_SELF, 1);
	int l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);
	int waiting = alloc_unbound(dom[1], DOMID_SELF, 2);

	bind_virq(dom[2], VIRQ_TIMER, 0);
	assert_int_equal(dom[2]->refcnt, 2); /* the channel's end in dom[1] holds it */
	harness_kill(dom[2]);
	/* Its ports closed, so nothing holds it: freed; the survivor holds no reference either. */
	assert_int_equal(live_structs, 2);
	assert_int_equal(dom[1]->refcnt, 1);
	/* The survivor's end is unbound, waiting for the dead domain; sending is harmless. */
	struct evtchn_status st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)l, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 2);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)waiting), 0);
	assert_int_equal(bind_interdomain(dom[1], 2, 1), -XEN_ESRCH);

	/* A domain whose destruction has begun gets no new ports. */
	struct domain *d = harness_domain(3, 1, 0);
	int p = alloc_unbound(d, DOMID_SELF, 1);
	d->is_dying = true;
	evtchn_domain_destroy(d);
	assert_int_equal(alloc_unbound(d, DOMID_SELF, 1), -XEN_EINVAL);
	assert_int_equal(bind_ipi(d, 0), -XEN_EINVAL);
	assert_int_equal(bind_interdomain(dom[1], 3, (evtchn_port_t)p), -XEN_ESRCH);
	evtchn_domain_free(d);
	d->is_dying = false;
	assert_int_equal(evtchn_domain_init(d, 0), 0);
	harness_kill(d);
}

/* Each end of a channel holds its peer; failed operations hold nothing. */
static void test_channel_refs(void **state)
{
	int rc;
	int r = alloc_unbound(dom[2], DOMID_SELF, 1);
	int l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);

	assert_true(l > 0);
	assert_int_equal(dom[1]->refcnt, 2);
	assert_int_equal(dom[2]->refcnt, 2);
	assert_int_equal(evtchn_close(dom[2], (evtchn_port_t)r), 0);
	assert_int_equal(dom[1]->refcnt, 1);
	assert_int_equal(dom[2]->refcnt, 1);
	/* A loopback channel holds its own domain twice. */
	int a = alloc_unbound(dom[1], DOMID_SELF, DOMID_SELF);
	int b = bind_interdomain(dom[1], DOMID_SELF, (evtchn_port_t)a);
	assert_true(b > 0);
	assert_int_equal(dom[1]->refcnt, 3);
	assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)b), 0);
	assert_int_equal(dom[1]->refcnt, 1);
	/* Refused or failing operations on other domains. */
	assert_int_equal(alloc_unbound(dom[1], 2, 1), -XEN_EPERM);
	assert_int_equal(alloc_unbound(dom[1], 3, 1), -XEN_ESRCH);
	assert_int_equal(bind_interdomain(dom[1], 2, 4000), -XEN_EINVAL);
	status_of(dom[0], 2, 4000, &rc);
	assert_int_equal(rc, -XEN_EINVAL);
	status_of(dom[1], 2, 1, &rc);
	assert_int_equal(rc, -XEN_EPERM);
	assert_int_equal(evtchn_reset(dom[0], 2), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(dom[i]->refcnt, 1);
}

static void test_reset(void **state)
{
	int rc;
	int r = alloc_unbound(dom[2], DOMID_SELF, 1);
	int l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);

	bind_ipi(dom[1], 0);
	assert_int_equal(evtchn_reset(dom[1], 2), -XEN_EPERM);
	assert_int_equal(evtchn_reset(dom[1], 42), -XEN_ESRCH);
	assert_int_equal(evtchn_reset(dom[1], DOMID_SELF), 0);
	struct evtchn_status st = status_of(dom[1], DOMID_SELF, (evtchn_port_t)l, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
	st = status_of(dom[2], DOMID_SELF, (evtchn_port_t)r, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(evtchn_reset(dom[0], 2), 0); /* the privileged domain resets others */
	st = status_of(dom[2], DOMID_SELF, (evtchn_port_t)r, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_closed);
}

#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)
const struct CMUnitTest port_tests[] = {
	T(test_alloc_unbound),	   T(test_bind_interdomain),
	T(test_close_semantics),   T(test_bind_virq_errors),
	T(test_bind_ipi_and_vcpu), T(test_exhaustion_and_chunks),
	T(test_all_ports),	   T(test_out_of_memory),
	T(test_dying_domains),	   T(test_reset),
	T(test_channel_refs),
};
const size_t nr_port_tests = sizeof(port_tests) / sizeof(port_tests[0]);
