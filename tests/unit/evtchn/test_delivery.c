/*
 * Event-channel tests, part two: delivery.  The order and conditions of
 * the pending / selector / upcall bits and kicks, masks and unmask,
 * VIRQs, PIRQs, IPIs, pollers, and the hypercall decoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include <hospes/frame.h>
#include <hospes/trace.h>
#include "tests.h"

/* A connected pair: dom1's port *l <-> dom2's port *r, events cleared. */
static void pair(int *l, int *r)
{
	*r = alloc_unbound(dom[2], DOMID_SELF, 1);
	*l = bind_interdomain(dom[1], 2, (evtchn_port_t)*r);
	assert_true(*l > 0);
	clear_events(dom[1]);
	clear_events(dom[2]);
}

static void test_delivery_order(void **state)
{
	int l, r;

	pair(&l, &r);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_true(port_pending(dom[2], (evtchn_port_t)r));
	assert_int_equal(vinfo(dom[2], 0)->evtchn_pending_sel, 1UL << (r / 64));
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 1);
	assert_int_equal(kicks[2][0], 1);
	assert_false(port_pending(dom[1], (evtchn_port_t)l)); /* not the sender's */

	/* Still pending: no new edge, no new kick. */
	vinfo(dom[2], 0)->evtchn_upcall_pending = 0;
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 0);
	assert_int_equal(kicks[2][0], 1);

	/* Guest consumed the port but not the selector: the selector stops the chain. */
	dom[2]->shared_info->evtchn_pending[r / 64] = 0;
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_true(port_pending(dom[2], (evtchn_port_t)r));
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 0);
	assert_int_equal(kicks[2][0], 1);

	/* Selector clear but upcall still pending: selector set, no kick. */
	clear_events(dom[2]);
	vinfo(dom[2], 0)->evtchn_upcall_pending = 1;
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(vinfo(dom[2], 0)->evtchn_pending_sel, 1UL << (r / 64));
	assert_int_equal(kicks[2][0], 0);
}

static void test_notify_vcpu(void **state)
{
	int l, r;

	pair(&l, &r);
	/* dom1 moves its end to vCPU 1: dom2's sends arrive there. */
	assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)l, 1), 0);
	assert_int_equal(evtchn_send(dom[2], (evtchn_port_t)r), 0);
	assert_int_equal(vinfo(dom[1], 0)->evtchn_upcall_pending, 0);
	assert_int_equal(vinfo(dom[1], 1)->evtchn_upcall_pending, 1);
	assert_int_equal(kicks[1][1], 1);
	assert_int_equal(kicks[1][0], 0);
}

static void test_mask_and_unmask(void **state)
{
	int l, r;

	pair(&l, &r);
	port_mask(dom[2], (evtchn_port_t)r, true);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_true(port_pending(dom[2], (evtchn_port_t)r)); /* pending even when masked */
	assert_int_equal(vinfo(dom[2], 0)->evtchn_pending_sel, 0);
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 0);
	assert_int_equal(kicks[2][0], 0);

	/* Unmask re-delivers the swallowed edge. */
	assert_int_equal(evtchn_unmask(dom[2], (evtchn_port_t)r), 0);
	assert_false(dom[2]->shared_info->evtchn_mask[r / 64] & (1UL << (r % 64)));
	assert_int_equal(vinfo(dom[2], 0)->evtchn_pending_sel, 1UL << (r / 64));
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 1);
	assert_int_equal(kicks[2][0], 1);

	/* Unmasking an unmasked or idle port changes nothing. */
	clear_events(dom[2]);
	assert_int_equal(evtchn_unmask(dom[2], (evtchn_port_t)r), 0);
	port_mask(dom[2], (evtchn_port_t)r, true);
	assert_int_equal(evtchn_unmask(dom[2], (evtchn_port_t)r), 0);
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 0);
	assert_int_equal(kicks[2][0], 0);
	assert_int_equal(evtchn_unmask(dom[2], 4095), -XEN_EINVAL);
}

static void test_send_errors_and_ipi(void **state)
{
	int ipi = bind_ipi(dom[1], 1);
	int virq = bind_virq(dom[1], VIRQ_TIMER, 0);
	int unbound = alloc_unbound(dom[1], DOMID_SELF, 2);

	clear_events(dom[1]);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)ipi), 0);
	assert_true(port_pending(dom[1], (evtchn_port_t)ipi));
	assert_int_equal(kicks[1][1], 1);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)virq), -XEN_EINVAL);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)unbound), 0);
	assert_false(port_pending(dom[1], (evtchn_port_t)unbound));
	assert_int_equal(evtchn_send(dom[1], 0), -XEN_EINVAL);
	assert_int_equal(evtchn_send(dom[1], 200), -XEN_EINVAL);
	assert_int_equal(evtchn_send(dom[1], 4096), -XEN_EINVAL);
	assert_int_equal(evtchn_send(dom[1], 0xffffffff), -XEN_EINVAL);
}

static void test_virq_delivery(void **state)
{
	int t1 = bind_virq(dom[1], VIRQ_TIMER, 1);
	int exc = bind_virq(dom[0], VIRQ_DOM_EXC, 0);

	clear_events(dom[1]);
	clear_events(dom[0]);
	evtchn_send_virq(dom[1]->vcpu[0], VIRQ_TIMER); /* not bound on vCPU 0 */
	assert_int_equal(dom[1]->shared_info->evtchn_pending[0], 0);
	evtchn_send_virq(dom[1]->vcpu[1], VIRQ_TIMER);
	assert_true(port_pending(dom[1], (evtchn_port_t)t1));
	assert_int_equal(kicks[1][1], 1);
	evtchn_send_virq(dom[1]->vcpu[1], NR_VIRQS);	  /* ignored */
	assert_ptr_equal(pv_send_virq, evtchn_send_virq); /* the timers' hook */

	/* Global VIRQs go to the handling domain, on the vCPU the port names. */
	assert_int_equal(evtchn_bind_vcpu(dom[0], (evtchn_port_t)exc, 1), 0);
	evtchn_send_global_virq(VIRQ_DOM_EXC);
	assert_true(port_pending(dom[0], (evtchn_port_t)exc));
	assert_int_equal(kicks[0][1], 1);
	evtchn_send_global_virq(VIRQ_TIMER); /* not global: ignored */
	assert_int_equal(kicks[0][0], 0);
}

static int pirq_bound[EVTCHN_NR_PIRQS], pirq_refuse;

static int fake_pirq_bind(struct domain *d, unsigned int pirq, bool share)
{
	if (pirq == (unsigned int)pirq_refuse)
		return -XEN_EBUSY;
	pirq_bound[pirq]++;
	return 0;
}

static void fake_pirq_unbind(struct domain *d, unsigned int pirq)
{
	pirq_bound[pirq]--;
}

static void test_pirq(void **state)
{
	static const struct evtchn_pirq_ops ops = {fake_pirq_bind, fake_pirq_unbind};
	struct evtchn_bind_pirq op = {.pirq = 10};

	evtchn_set_pirq_ops(NULL);
	assert_int_equal(evtchn_bind_pirq(dom[0], &op), -XEN_EINVAL); /* nothing mapped */
	evtchn_set_pirq_ops(&ops);
	pirq_refuse = 11;
	assert_int_equal(evtchn_bind_pirq(dom[1], &op), -XEN_EPERM);
	op.pirq = EVTCHN_NR_PIRQS;
	assert_int_equal(evtchn_bind_pirq(dom[0], &op), -XEN_EINVAL);
	op.pirq = 11;
	assert_int_equal(evtchn_bind_pirq(dom[0], &op), -XEN_EBUSY);
	op.pirq = 10;
	assert_int_equal(evtchn_bind_pirq(dom[0], &op), 0);
	assert_int_equal(pirq_bound[10], 1);
	evtchn_port_t port = op.port;
	assert_int_equal(evtchn_bind_pirq(dom[0], &op), -XEN_EEXIST);

	clear_events(dom[0]);
	assert_int_equal(evtchn_send_pirq(dom[0], 10), 0);
	assert_true(port_pending(dom[0], port));
	assert_int_equal(evtchn_send_pirq(dom[0], 12), -XEN_EINVAL);
	assert_int_equal(evtchn_send(dom[0], port), -XEN_EINVAL);
	int rc;
	struct evtchn_status st = status_of(dom[0], DOMID_SELF, port, &rc);
	assert_int_equal(st.status, EVTCHNSTAT_pirq);
	assert_int_equal(st.u.pirq, 10);
	assert_int_equal(evtchn_close(dom[0], port), 0);
	assert_int_equal(pirq_bound[10], 0);
	assert_int_equal(evtchn_send_pirq(dom[0], 10), -XEN_EINVAL);
	evtchn_set_pirq_ops(NULL);
}

/* A traced raise says where the event came from: the peer's port, the
 * VIRQ, the PIRQ (what `hx trace --events` prints after "raised"). */
static void test_traced_raise_names_its_source(void **state)
{
	static const struct evtchn_pirq_ops ops = {fake_pirq_bind, fake_pirq_unbind};
	struct evtchn_bind_pirq bp = {.pirq = 9};
	struct hospes_trace_rec rec[4];
	uint64_t pos = HOSPES_TRACE_POS_NOW, lost = 0;
	unsigned long free_before = frame_free_count();
	int l, r, t;

	pair(&l, &r);
	t = bind_virq(dom[2], VIRQ_TIMER, 0);
	evtchn_set_pirq_ops(&ops);
	assert_int_equal(evtchn_bind_pirq(dom[0], &bp), 0);
	trace_reset();
	assert_int_equal(trace_set(dom[2], HOSPES_TRACE_EVENTS, 1), 0);
	assert_int_equal(trace_set(dom[0], HOSPES_TRACE_EVENTS, 1), 0);
	harness_frames_kept = free_before - frame_free_count(); /* the ring stays */
	trace_read(0, &pos, &lost, DOMID_INVALID, HOSPES_TRACE_EVENTS, rec, 0);

	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	evtchn_send_virq(dom[2]->vcpu[0], VIRQ_TIMER);
	assert_int_equal(evtchn_send_pirq(dom[0], 9), 0);
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0); /* still pending */
	assert_int_equal(trace_read(0, &pos, &lost, DOMID_INVALID, HOSPES_TRACE_EVENTS, rec, 4), 4);
	assert_int_equal(rec[0].domain, 2);
	assert_int_equal(rec[0].op, r);
	assert_int_equal(rec[0].arg[0], EVTCHNSTAT_interdomain);
	assert_int_equal(rec[0].arg[1], l);
	assert_int_equal(rec[0].arg[2], 1);
	assert_int_equal(rec[1].op, t);
	assert_int_equal(rec[1].arg[0], EVTCHNSTAT_virq);
	assert_int_equal(rec[1].arg[1], VIRQ_TIMER);
	assert_int_equal(rec[1].arg[2], DOMID_INVALID);
	assert_int_equal(rec[2].domain, 0);
	assert_int_equal(rec[2].op, bp.port);
	assert_int_equal(rec[2].arg[0], EVTCHNSTAT_pirq);
	assert_int_equal(rec[2].arg[1], 9);
	assert_int_equal(rec[3].result, 0); /* coalesced, with its source all the same */
	assert_int_equal(rec[3].arg[0], EVTCHNSTAT_interdomain);
	assert_int_equal(lost, 0);

	assert_int_equal(evtchn_close(dom[0], bp.port), 0);
	evtchn_set_pirq_ops(NULL);
	trace_set(dom[2], 0, 1);
	trace_set(dom[0], 0, 1);
	trace_reset();
}

static void test_pollers_woken_even_if_masked(void **state)
{
	int l, r;

	pair(&l, &r);
	port_mask(dom[2], (evtchn_port_t)r, true);
	dom[2]->vcpu[0]->poll_evtchn_pending = 1; /* as vcpu_poll() leaves it */
	dom[2]->poll_mask = 1;
	dom[2]->vcpu[0]->blocked = true;
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(dom[2]->vcpu[0]->poll_evtchn_pending, 0);
	assert_false(dom[2]->vcpu[0]->blocked);
	assert_int_equal(kicks[2][0], 1);
	assert_int_equal(vinfo(dom[2], 0)->evtchn_upcall_pending, 0);
}

/* A vCPU that stopped polling leaves its mask bit: the next raise clears
 * it and kicks nobody; with the mask clear a raise looks for no poller. */
static void test_poll_mask_left_behind(void **state)
{
	int l, r;

	pair(&l, &r);
	port_mask(dom[2], (evtchn_port_t)r, true);
	dom[2]->poll_mask = 1; /* vCPU 0 polled once, then woke by itself */
	assert_int_equal(evtchn_send(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(dom[2]->poll_mask, 0);
	assert_int_equal(kicks[2][0], 0);
}

static void test_notify_port(void **state)
{
	int u = alloc_unbound(dom[1], DOMID_SELF, 0);

	clear_events(dom[1]);
	assert_int_equal(evtchn_notify_port(dom[1], (evtchn_port_t)u), 0);
	assert_true(port_pending(dom[1], (evtchn_port_t)u));
	assert_int_equal(evtchn_notify_port(dom[1], 0), -XEN_EINVAL);
	assert_int_equal(evtchn_notify_port(dom[1], 9), -XEN_EINVAL);
}

static void test_hypercall_decode(void **state)
{
	struct vcpu *v = dom[1]->vcpu[0];
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 2};
	struct evtchn_status st = {.dom = DOMID_SELF, .port = 1};
	struct evtchn_send s = {.port = 1};
	struct evtchn_op op = {.cmd = EVTCHNOP_bind_ipi, .u.bind_ipi = {.vcpu = 1}};

	assert_int_equal(
		do_event_channel_op(v, EVTCHNOP_alloc_unbound, (unsigned long)&au, 0, 0, 0), 0);
	assert_int_equal(au.port, 1);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_status, (unsigned long)&st, 0, 0, 0), 0);
	assert_int_equal(st.status, EVTCHNSTAT_unbound);
	assert_int_equal(st.u.unbound.dom, 2);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_send, (unsigned long)&s, 0, 0, 0), 0);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_send, BAD_GUEST_VA, 0, 0, 0), -XEN_EFAULT);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_status, BAD_GUEST_VA, 0, 0, 0),
			 -XEN_EFAULT);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_init_control, (unsigned long)&s, 0, 0, 0),
			 -XEN_ENOSYS);
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_expand_array, (unsigned long)&s, 0, 0, 0),
			 -XEN_ENOSYS);
	assert_int_equal(do_event_channel_op(v, 99, (unsigned long)&s, 0, 0, 0), -XEN_ENOSYS);
	assert_int_equal(do_event_channel_op(v, ~0UL, (unsigned long)&s, 0, 0, 0), -XEN_ENOSYS);

	/* The legacy form: command inside the structure, results written back. */
	assert_int_equal(do_event_channel_op_compat(v, (unsigned long)&op, 0, 0, 0, 0), 0);
	assert_int_equal(op.u.bind_ipi.port, 2);
	op.cmd = EVTCHNOP_init_control;
	assert_int_equal(do_event_channel_op_compat(v, (unsigned long)&op, 0, 0, 0, 0),
			 -XEN_ENOSYS);
	assert_int_equal(do_event_channel_op_compat(v, BAD_GUEST_VA, 0, 0, 0, 0), -XEN_EFAULT);
	/* A failing command leaves the guest's structure alone. */
	struct evtchn_bind_ipi bad = {.vcpu = 7, .port = 1234};
	assert_int_equal(do_event_channel_op(v, EVTCHNOP_bind_ipi, (unsigned long)&bad, 0, 0, 0),
			 -XEN_ENOENT);
	assert_int_equal(bad.port, 1234);
}

#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)
const struct CMUnitTest delivery_tests[] = {
	T(test_delivery_order),
	T(test_notify_vcpu),
	T(test_mask_and_unmask),
	T(test_send_errors_and_ipi),
	T(test_virq_delivery),
	T(test_pirq),
	T(test_traced_raise_names_its_source),
	T(test_pollers_woken_even_if_masked),
	T(test_poll_mask_left_behind),
	T(test_notify_port),
	T(test_hypercall_decode),
};
const size_t nr_delivery_tests = sizeof(delivery_tests) / sizeof(delivery_tests[0]);
