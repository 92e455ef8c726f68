/*
 * Host tests of sysctl hospes_trace (kernel/hypercall/sysctl.c over
 * kernel/trace/trace.c) on the real domain and event code: setting a
 * mask (no such domain, unknown bits), reading (bad CPU, bad kinds, a
 * buffer the guest cannot write, positions, the domain filter), and the
 * records an interdomain event from dom0 to the domU leaves.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/domain_ctl.h>
#include <hospes/event.h>
#include <hospes/trace.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>
#include "env.h"

#define BUF (GVA + 1024) /* the records, after the sysctl struct */

static int setup(void **state)
{
	env_setup();
	trace_reset();
	return 0;
}

static int teardown(void **state)
{
	trace_reset();
	env_teardown();
	return 0;
}

static long trace_op(uint32_t op, domid_t dom, uint16_t mask, struct xen_sysctl *out)
{
	struct xen_sysctl s = {.cmd = XEN_SYSCTL_hospes_trace};
	s.u.hospes_trace.op = op;
	s.u.hospes_trace.domain = dom;
	s.u.hospes_trace.mask = mask;
	long rc = sysctl(v0, &s);
	if (out)
		*out = s;
	return rc;
}

static long trace_rd(uint32_t cpu, uint64_t *pos, domid_t dom, uint32_t count, unsigned long buf,
		     struct xen_sysctl_hospes_trace *out)
{
	struct xen_sysctl s = {.cmd = XEN_SYSCTL_hospes_trace};
	struct xen_sysctl_hospes_trace *t = &s.u.hospes_trace;
	t->op = HOSPES_TRACE_OP_read;
	t->domain = dom;
	t->mask = HOSPES_TRACE_HYPERCALLS | HOSPES_TRACE_EVENTS;
	t->cpu = cpu;
	t->count = count;
	t->pos = *pos;
	set_xen_guest_handle(t->buffer, (hospes_trace_rec_t *)buf);
	long rc = sysctl(v0, &s);
	*pos = t->pos;
	*out = *t;
	return rc;
}

static void test_set(void **state)
{
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 77, HOSPES_TRACE_EVENTS, NULL), -XEN_ESRCH);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, 0x10, NULL), -XEN_EINVAL);
	assert_int_equal(domu->trace, 0);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, HOSPES_TRACE_EVENTS, NULL), 0);
	assert_int_equal(domu->trace, HOSPES_TRACE_EVENTS);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, 0, NULL), 0);
	assert_int_equal(domu->trace, 0);
	assert_int_equal(trace_op(99, 9, 0, NULL), -XEN_EINVAL);
	assert_int_equal(trace_active, 0);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 0, HOSPES_TRACE_HYPERCALLS, NULL), 0);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, HOSPES_TRACE_HYPERCALLS, NULL), 0);
	assert_int_equal(trace_active, 2);
	domain_destroy(domu); /* a destroyed domain is traced no more */
	assert_int_equal(trace_active, 1);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, 0, NULL), -XEN_ESRCH);
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 0, 0, NULL), 0);
	assert_int_equal(trace_active, 0);
}

static void test_read_errors(void **state)
{
	struct xen_sysctl_hospes_trace t;
	uint64_t pos = 0;
	assert_int_equal(trace_rd(2, &pos, DOMID_INVALID, 4, BUF, &t), -XEN_EINVAL); /* 2 CPUs */
	struct xen_sysctl s = {.cmd = XEN_SYSCTL_hospes_trace};
	s.u.hospes_trace.op = HOSPES_TRACE_OP_read;
	s.u.hospes_trace.mask = 4;
	assert_int_equal(sysctl(v0, &s), -XEN_EINVAL);
	/* before any domain was traced: no ring, nothing to read */
	assert_int_equal(trace_rd(0, &pos, DOMID_INVALID, 4, BUF, &t), 0);
	assert_int_equal(t.count, 0);
}

static void test_event_records(void **state)
{
	struct xen_sysctl_hospes_trace t;
	struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = 0};
	uint64_t pos = HOSPES_TRACE_POS_NOW;
	assert_int_equal(evtchn_alloc_unbound(domu, &au), 0);
	struct evtchn_bind_interdomain bi = {.remote_dom = 9, .remote_port = au.port};
	assert_int_equal(evtchn_bind_interdomain(dom0, &bi), 0);
	assert_int_equal(evtchn_send(dom0, bi.local_port), 0); /* untraced: no record */
	assert_int_equal(trace_op(HOSPES_TRACE_OP_set, 9, HOSPES_TRACE_EVENTS, NULL), 0);
	assert_int_equal(trace_rd(0, &pos, DOMID_INVALID, 4, BUF, &t), 0);
	assert_int_equal(t.count, 0);
	assert_int_equal(evtchn_send(dom0, bi.local_port), 0); /* still pending: coalesced */
	assert_int_equal(trace_rd(0, &pos, 9, 4, BUF, &t), 0);
	assert_int_equal(t.count, 1);
	assert_int_equal(t.lost, 0);
	const struct hospes_trace_rec *r = gptr(BUF);
	assert_int_equal(r[0].kind, HOSPES_TREC_EVENT);
	assert_int_equal(r[0].domain, 9);
	assert_int_equal(r[0].op, au.port);
	assert_int_equal(r[0].result, 0);
	uint64_t again = pos - 1; /* the same record, filtered away for dom0 */
	assert_int_equal(trace_rd(0, &again, 0, 4, BUF, &t), 0);
	assert_int_equal(t.count, 0);
	assert_int_equal(again, pos);
	/* a buffer dom0 cannot write */
	again = pos - 1;
	assert_int_equal(trace_rd(0, &again, DOMID_INVALID, 4, 0x1000, &t), -XEN_EFAULT);
	/* count 0 from POS_NOW: just the ring's end */
	again = HOSPES_TRACE_POS_NOW;
	assert_int_equal(trace_rd(0, &again, DOMID_INVALID, 0, BUF, &t), 0);
	assert_int_equal(t.count, 0);
	assert_int_equal(again, pos);
	/* the other CPU's ring exists and is empty */
	uint64_t p1 = 0;
	assert_int_equal(trace_rd(1, &p1, DOMID_INVALID, 4, BUF, &t), 0);
	assert_int_equal(t.count, 0);
}

int run_trace_tests(void);
int run_trace_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_records, setup, teardown),
	};
	return cmocka_run_group_tests_name("trace sysctl", tests, NULL, NULL);
}
