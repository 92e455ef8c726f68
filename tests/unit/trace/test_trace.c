/*
 * Host tests of the trace rings (kernel/trace/trace.c): the mask and its
 * checks, lazily allocated rings, each record kind's fields, the hooks'
 * gating by kind, reading by position with domain and kind filters,
 * records lost to a lap, and a writer thread racing a reader (no torn
 * record may come out; each one is self-consistent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <cmocka.h>
#include <hospes/frame.h>
#include <hospes/trace.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>

void fake_frame_init(void);

static struct domain d1, d2;
static struct vcpu v1, v2;
static const unsigned long args[5] = {1, 2, 3, 4, 5};
static const struct trace_event_src pirq_src = {
	.stat = EVTCHNSTAT_pirq, .arg = 11, .peer = DOMID_INVALID};

static int setup(void **state)
{
	fake_mem_init(256);
	fake_frame_init();
	trace_reset();
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	d1.id = 1;
	d2.id = 2;
	v1 = (struct vcpu){.id = 0, .domain = &d1};
	v2 = (struct vcpu){.id = 1, .domain = &d2};
	return 0;
}

static int teardown(void **state)
{
	trace_reset();
	fake_mem_fini();
	return 0;
}

static unsigned int read_all(uint64_t *pos, uint64_t *lost, domid_t dom, unsigned int kinds,
			     struct hospes_trace_rec *out, unsigned int n)
{
	return trace_read(0, pos, lost, dom, kinds, out, n);
}

#define ALL (HOSPES_TRACE_HYPERCALLS | HOSPES_TRACE_EVENTS)

static void test_set_checks_and_allocates_once(void **state)
{
	unsigned long free0 = frame_free_count();
	assert_int_equal(trace_set(&d1, 4, 1), -XEN_EINVAL);
	assert_int_equal(trace_set(&d1, 0xff, 1), -XEN_EINVAL);
	assert_int_equal(d1.trace, 0);
	assert_int_equal(frame_free_count(), free0); /* a refused set allocates nothing */
	assert_int_equal(trace_set(&d1, HOSPES_TRACE_HYPERCALLS, 2), 0);
	assert_int_equal(d1.trace, HOSPES_TRACE_HYPERCALLS);
	unsigned long used = free0 - frame_free_count();
	assert_int_equal(used, 2 * 16); /* two CPUs, 64 KiB each */
	assert_int_equal(trace_set(&d2, ALL, 2), 0);
	assert_int_equal(trace_set(&d1, 0, 2), 0);
	assert_int_equal(d1.trace, 0);
	assert_int_equal(free0 - frame_free_count(), used); /* rings are kept, not redone */
	assert_true(trace_ring_capacity() >= 800);
}

static void test_no_rings_no_records(void **state)
{
	uint64_t pos = HOSPES_TRACE_POS_NOW, lost = 0;
	struct hospes_trace_rec r[4];
	trace_hypercall_rec(&v1, 17, args, 0, 5); /* no ring yet: dropped, no crash */
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 4), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(trace_read(1000, &pos, &lost, DOMID_INVALID, ALL, r, 4), 0);
}

static void test_record_fields(void **state)
{
	struct hospes_trace_rec r[8];
	uint64_t pos = 0, lost = 0;
	assert_int_equal(trace_set(&d1, ALL, 1), 0);
	fake_cycles = 1000;
	trace_hypercall_rec(&v1, 29, args, -XEN_EINVAL, 77);
	trace_trap_rec(&v1, 14, 6, 0xdead000, 0x401000, HOSPES_TRAP_FIXED, 300);
	trace_event_rec(&d1, 0, 5, true, &pirq_src);
	trace_switch_rec(&v2, &v1);
	trace_switch_rec(NULL, &v1);
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 8), 5);
	assert_int_equal(pos, 5);
	assert_int_equal(lost, 0);

	assert_int_equal(r[0].kind, HOSPES_TREC_HYPERCALL);
	assert_int_equal(r[0].tsc, 1000 + FAKE_CYCLES_STEP);
	assert_int_equal(r[0].domain, 1);
	assert_int_equal(r[0].op, 29);
	assert_memory_equal(r[0].arg, args, sizeof(args));
	assert_int_equal(r[0].result, -XEN_EINVAL);
	assert_int_equal(r[0].cycles, 77);

	assert_int_equal(r[1].kind, HOSPES_TREC_TRAP);
	assert_int_equal(r[1].op, 14);
	assert_int_equal(r[1].arg[0], 6);
	assert_int_equal(r[1].arg[1], 0xdead000);
	assert_int_equal(r[1].arg[2], 0x401000);
	assert_int_equal(r[1].result, HOSPES_TRAP_FIXED);
	assert_true(r[1].tsc > r[0].tsc);

	assert_int_equal(r[2].kind, HOSPES_TREC_EVENT);
	assert_int_equal(r[2].op, 5);
	assert_int_equal(r[2].result, 1);
	assert_int_equal(r[2].arg[0], EVTCHNSTAT_pirq); /* where it came from */
	assert_int_equal(r[2].arg[1], 11);
	assert_int_equal(r[2].arg[2], DOMID_INVALID);

	assert_int_equal(r[3].kind, HOSPES_TREC_SWITCH);
	assert_int_equal(r[3].domain, 1);
	assert_int_equal(r[3].vcpu, 0);
	assert_int_equal(r[3].arg[0], 2);
	assert_int_equal(r[3].arg[1], 1);
	assert_int_equal(r[4].arg[0], DOMID_IDLE); /* from idle */
}

static void test_hooks_gated_by_kind(void **state)
{
	struct hospes_trace_rec r[8];
	uint64_t pos = 0, lost = 0;
	assert_false(trace_wanted(&d1, HOSPES_TRACE_HYPERCALLS));
	d1.trace = HOSPES_TRACE_HYPERCALLS; /* a mask without trace_set: the global says no */
	assert_false(trace_wanted(&d1, HOSPES_TRACE_HYPERCALLS));
	d1.trace = 0;
	assert_int_equal(trace_set(&d1, HOSPES_TRACE_HYPERCALLS, 1), 0);
	assert_int_equal(trace_active, 1);
	assert_int_equal(trace_set(&d1, HOSPES_TRACE_HYPERCALLS, 1), 0); /* counted once */
	assert_int_equal(trace_active, 1);
	assert_true(trace_wanted(&d1, HOSPES_TRACE_HYPERCALLS));
	assert_false(trace_wanted(&d1, HOSPES_TRACE_EVENTS));
	assert_false(trace_wanted(&d2, HOSPES_TRACE_HYPERCALLS));
	trace_switch(&v2, &v1); /* neither side wants events */
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 8), 0);
	assert_int_equal(trace_set(&d2, HOSPES_TRACE_EVENTS, 1), 0);
	assert_int_equal(trace_active, 2);
	trace_switch(&v2, &v1); /* from a traced vCPU */
	trace_switch(&v1, &v2); /* to one */
	trace_switch(&v1, NULL);
	trace_switch(NULL, &v2);
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 8), 3);
	assert_int_equal(r[1].domain, 2);
	assert_int_equal(r[2].arg[0], DOMID_IDLE);
	assert_int_equal(trace_set(&d1, 0, 1), 0);
	assert_int_equal(trace_set(&d1, 0, 1), 0);
	assert_int_equal(trace_active, 1);
	assert_int_equal(trace_set(&d2, 0, 1), 0);
	assert_int_equal(trace_active, 0);
	assert_false(trace_wanted(&d2, HOSPES_TRACE_EVENTS));
}

static void test_read_filters_and_positions(void **state)
{
	struct hospes_trace_rec r[8];
	uint64_t pos = HOSPES_TRACE_POS_NOW, lost = 0;
	assert_int_equal(trace_set(&d1, ALL, 1), 0);
	trace_hypercall_rec(&v1, 1, args, 0, 1); /* before the reader starts */
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 8), 0);
	assert_int_equal(pos, 1); /* POS_NOW: the ring's end */
	trace_hypercall_rec(&v1, 2, args, 0, 1);
	trace_hypercall_rec(&v2, 3, args, 0, 1);
	trace_event_rec(&d2, 0, 9, true, &pirq_src);
	trace_switch_rec(&v2, &v1); /* to d1 from d2: matches both */
	trace_trap_rec(&v2, 0x100, 0, 0, 0x400000, HOSPES_TRAP_BOUNCED, 0);

	uint64_t p = pos;
	assert_int_equal(read_all(&p, &lost, 2, ALL, r, 8), 4);
	assert_int_equal(r[0].op, 3);
	assert_int_equal(r[1].kind, HOSPES_TREC_EVENT);
	assert_int_equal(r[2].kind, HOSPES_TREC_SWITCH);
	assert_int_equal(r[3].kind, HOSPES_TREC_TRAP);
	assert_int_equal(p, 6);
	p = pos;
	assert_int_equal(read_all(&p, &lost, 2, HOSPES_TRACE_HYPERCALLS, r, 8), 2);
	assert_int_equal(r[1].op, 0x100);
	p = pos;
	assert_int_equal(read_all(&p, &lost, 1, HOSPES_TRACE_EVENTS, r, 8), 1);
	assert_int_equal(r[0].kind, HOSPES_TREC_SWITCH);
	p = pos; /* n smaller than what is there: the rest stays for the next read */
	assert_int_equal(read_all(&p, &lost, DOMID_INVALID, ALL, r, 2), 2);
	assert_int_equal(p, 3);
	assert_int_equal(read_all(&p, &lost, DOMID_INVALID, ALL, r, 8), 3);
	assert_int_equal(r[0].kind, HOSPES_TREC_EVENT);
	assert_int_equal(read_all(&p, &lost, DOMID_INVALID, ALL, r, 8), 0);
	p = 1000; /* from the future: clamped to the end */
	assert_int_equal(read_all(&p, &lost, DOMID_INVALID, ALL, r, 8), 0);
	assert_int_equal(p, 6);
	assert_int_equal(lost, 0);
	assert_int_equal(read_all(&p, &lost, DOMID_INVALID, 0, r, 8), 0); /* no kinds */
}

static void test_lap_loses_oldest(void **state)
{
	unsigned int cap = trace_ring_capacity();
	struct hospes_trace_rec r[4];
	uint64_t pos = 0, lost = 0;
	assert_int_equal(trace_set(&d1, ALL, 1), 0);
	for (unsigned int i = 0; i < cap + 10; i++) {
		unsigned long a[5] = {i};
		trace_hypercall_rec(&v1, 1, a, 0, 0);
	}
	assert_int_equal(read_all(&pos, &lost, DOMID_INVALID, ALL, r, 4), 4);
	assert_int_equal(lost, 10);
	assert_int_equal(r[0].arg[0], 10); /* the oldest still kept */
	assert_int_equal(r[3].arg[0], 13);
	assert_int_equal(pos, 14);
	lost = 0; /* the reader is within a lap now: nothing more lost */
	for (unsigned int i = 0; i < 4; i++) {
		unsigned long a[5] = {cap + 10 + i};
		trace_hypercall_rec(&v1, 1, a, 0, 0);
	}
	unsigned int n, total = 0;
	unsigned long last = 0;
	while ((n = read_all(&pos, &lost, DOMID_INVALID, ALL, r, 4)) != 0) {
		total += n;
		last = r[n - 1].arg[0];
	}
	assert_int_equal(lost, 0);
	assert_int_equal(pos, cap + 14);
	assert_int_equal(total, cap);
	assert_int_equal(last, cap + 13);
}

/* A writer laps the reader over and over while it reads. */
static volatile bool writer_stop;

static void *writer(void *arg)
{
	for (unsigned long i = 1; !writer_stop; i++) {
		unsigned long a[5] = {i, i, i, i, i};
		trace_hypercall_rec(&v1, i & 63, a, (long)i, i);
		if (i % 4096 == 0)
			sched_yield(); /* now and then let the reader catch up */
	}
	return arg;
}

static void test_racing_writer_never_tears(void **state)
{
	static struct hospes_trace_rec r[64];
	uint64_t pos = 0, lost = 0, seen = 0;
	pthread_t t;
	assert_int_equal(trace_set(&d1, ALL, 1), 0);
	writer_stop = false;
	assert_int_equal(pthread_create(&t, NULL, writer, NULL), 0);
	for (long round = 0; round < 20000000 && seen < 20000; round++) {
		unsigned int n = read_all(&pos, &lost, DOMID_INVALID, ALL, r, 64);
		for (unsigned int i = 0; i < n; i++) {
			unsigned long k = r[i].arg[0];
			assert_true(k > 0);
			for (int j = 1; j < 5; j++)
				assert_int_equal(r[i].arg[j], k);
			assert_int_equal(r[i].result, (long)k);
			assert_int_equal(r[i].cycles, k);
			assert_int_equal(r[i].op, k & 63);
		}
		seen += n;
	}
	writer_stop = true;
	pthread_join(t, NULL);
	assert_true(seen > 0);
	print_message("racing writer: %lu records read, %lu lost\n", (unsigned long)seen,
		      (unsigned long)lost);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_checks_and_allocates_once, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_rings_no_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_gated_by_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_filters_and_positions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lap_loses_oldest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_racing_writer_never_tears, setup, teardown),
	};
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
