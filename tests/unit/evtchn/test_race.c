/*
 * Event-channel tests, part three: EVTCHNOP_send, which takes no lock,
 * racing on another thread (another fake CPU) against the operations that
 * change ports: close, the peer's close and re-bind, bind_vcpu, and the
 * destruction of the peer domain.  What must hold:
 *   - a send returns 0 or -EINVAL as the port's state at some moment
 *     during it says, never anything else;
 *   - once a close returns, the closed port is not pending and no send
 *     that started earlier raises it any more (the next user of the
 *     number inherits nothing);
 *   - no send touches a peer domain after the last reference to it is
 *     gone (the fake domains are heap blocks: ASan sees a late access);
 *   - no sender stays counted on a port once every thread is done.
 * Only the main thread allocates or frees (the fake frame allocator is
 * not thread-safe): it waits for the sender's transient reference on the
 * peer before dropping the last one of its own.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"
#include "../../../kernel/event/evtchn_private.h"
#include "tests.h"

#define ROUNDS 1000

struct sender {
	struct domain *d;
	evtchn_port_t port;
	bool fast; /* evtchn_send_fast (the SYSCALL fast path's) */
	int stop;  /* atomic */
	unsigned long sends, bad;
};

static void *send_loop(void *arg)
{
	struct sender *s = arg;

	fake_cpu_id = 1;
	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		long rc = s->fast ? evtchn_send_fast(s->d, s->port) : evtchn_send(s->d, s->port);

		s->bad += rc != 0 && rc != -XEN_EINVAL;
		__atomic_add_fetch(&s->sends, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* Until the sender has sent again: each change of a round meets sends. */
static void sent_again(struct sender *s)
{
	unsigned long n = __atomic_load_n(&s->sends, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&s->sends, __ATOMIC_ACQUIRE) == n)
		;
}

static void start(pthread_t *t, struct sender *s)
{
	assert_int_equal(pthread_create(t, NULL, send_loop, s), 0);
	sent_again(s);
}

static void stop(pthread_t t, struct sender *s)
{
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(s->bad, 0);
	assert_true(s->sends > 0);
}

static uint32_t senders_on(struct domain *d, evtchn_port_t port)
{
	return __atomic_load_n(&port_chn(d->evtchn, port)->sw, __ATOMIC_ACQUIRE) >> 16;
}

/* An IPI port closed and bound again under a sender: never pending after the close. */
static void test_race_close_ipi(void **state)
{
	struct sender s = {.d = dom[0]};
	int port = bind_ipi(dom[0], 1);
	pthread_t t;

	assert_true(port > 0);
	s.port = (evtchn_port_t)port;
	start(&t, &s);
	for (int i = 0; i < ROUNDS; i++) {
		sent_again(&s);
		assert_int_equal(evtchn_close(dom[0], (evtchn_port_t)port), 0);
		assert_false(port_pending(dom[0], (evtchn_port_t)port));
		assert_int_equal(bind_ipi(dom[0], (uint32_t)i & 1),
				 port); /* the lowest free again */
	}
	stop(t, &s);
	assert_int_equal(senders_on(dom[0], (evtchn_port_t)port), 0);
}

/* The peer closes its end and binds again, and moves its notify vCPU:
 * the sender's port is interdomain or unbound, so every send gives 0. */
static void test_race_peer_rebind(void **state)
{
	struct sender s = {.d = dom[2], .fast = true};
	int r = alloc_unbound(dom[2], DOMID_SELF, 1);
	int l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);
	pthread_t t;

	assert_true(l > 0);
	s.port = (evtchn_port_t)r;
	start(&t, &s);
	for (int i = 0; i < ROUNDS; i++) {
		assert_int_equal(evtchn_bind_vcpu(dom[1], (evtchn_port_t)l, (unsigned int)i & 1),
				 0);
		assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)l), 0);
		assert_false(port_pending(dom[1], (evtchn_port_t)l));
		l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);
		assert_true(l > 0);
	}
	stop(t, &s);
	assert_int_equal(senders_on(dom[1], (evtchn_port_t)l), 0);
	assert_int_equal(senders_on(dom[2], (evtchn_port_t)r), 0);
	clear_events(dom[1]);
	assert_int_equal(evtchn_send(dom[2], (evtchn_port_t)r), 0);
	assert_true(port_pending(dom[1], (evtchn_port_t)l)); /* still connected */
}

/* The peer is destroyed under the sender, again and again: a send never
 * reaches a freed domain (ASan), and the sender's port becomes unbound. */
static void test_race_peer_destroyed(void **state)
{
	struct sender s = {.d = dom[1]};
	pthread_t t;
	int l;

	harness_kill(dom[2]);
	for (int i = 0; i < ROUNDS / 10; i++) {
		struct domain *d2 = harness_domain(2, 2, 0);
		int r = alloc_unbound(d2, DOMID_SELF, 1);

		l = bind_interdomain(dom[1], 2, (evtchn_port_t)r);
		assert_true(l > 0);
		s.port = (evtchn_port_t)l;
		__atomic_store_n(&s.stop, 0, __ATOMIC_RELAXED);
		start(&t, &s);
		if (i & 1)
			evtchn_bind_vcpu(d2, (evtchn_port_t)r, 1);
		domain_get_ref(d2);
		sent_again(&s);
		harness_kill(d2); /* closes r: l is unbound from here on */
		while (__atomic_load_n(&d2->refcnt, __ATOMIC_ACQUIRE) != 1)
			;	/* the sender's reference for a kick, if it holds one */
		domain_put(d2); /* the last: d2 is freed here */
		stop(t, &s);
		assert_int_equal(evtchn_close(dom[1], (evtchn_port_t)l), 0);
	}
	harness_domain(2, 1, 0); /* as harness_setup left it */
}

/* The fast path's handler: sends, reads the port the slow way if it must,
 * and hands every other command to the full handler. */
static void test_fast_handler(void **state)
{
	struct evtchn_send snd = {.port = (evtchn_port_t)bind_ipi(dom[0], 0)};
	struct evtchn_status st = {.dom = DOMID_SELF, .port = snd.port};
	struct vcpu *v = dom[0]->vcpu[0];

	clear_events(dom[0]);
	assert_int_equal(do_event_channel_op_fast(v, EVTCHNOP_send, (unsigned long)&snd, 0, 0, 0),
			 0);
	assert_true(port_pending(dom[0], snd.port));
	assert_int_equal(do_event_channel_op_fast(v, EVTCHNOP_send, BAD_GUEST_VA, 0, 0, 0),
			 -XEN_EFAULT);
	assert_int_equal(do_event_channel_op_fast(v, EVTCHNOP_status, (unsigned long)&st, 0, 0, 0),
			 0);
	assert_int_equal(st.status, EVTCHNSTAT_ipi);
	snd.port = 4095;
	assert_int_equal(do_event_channel_op_fast(v, EVTCHNOP_send, (unsigned long)&snd, 0, 0, 0),
			 -XEN_EINVAL);
	assert_int_equal(evtchn_send_fast(dom[0], 0), -XEN_EINVAL); /* reserved */
	assert_int_equal(evtchn_send_fast(dom[0], 1U << 20), -XEN_EINVAL);
}

#define T(f) cmocka_unit_test_setup_teardown(f, harness_setup, harness_teardown)
const struct CMUnitTest race_tests[] = {
	T(test_race_close_ipi),
	T(test_race_peer_rebind),
	T(test_race_peer_destroyed),
	T(test_fast_handler),
};
const size_t nr_race_tests = sizeof(race_tests) / sizeof(race_tests[0]);
