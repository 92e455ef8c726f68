/*
 * Host tests of halt polling (kernel/sched/halt_poll.c) and the IPI-free
 * wake-up in sched_request() (kernel/sched/sched.c).
 *
 * The window: it grows from 0 when a halt ended within the bound (to
 * HALT_POLL_START_NS, then doubling, never past the bound), stays when a
 * wake-up ended the spin, halves after an idle period longer than the
 * bound and drops to 0 below the start; with the bound 0 it never opens.
 * The mark: a request of a polling CPU sends no IPI and is seen by the
 * spin, one of a CPU that is not polling sends one, the counters say
 * which.  And the protocol under a real race: two host threads, a waker
 * and a poller that halts (waits for the IPI) whenever its last check
 * found no request, 50,000 rounds: every request must reach the poller,
 * by its spin or by an IPI, or the poller waits for ever (caught by a
 * timeout).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <time.h>
#include <cmocka.h>
#include <hospes/halt_poll.h>
#include <hospes/sched.h>

#define US 1000ULL

static void test_window_grows_to_the_bound(void **state)
{
	struct halt_poll hp = {0};
	halt_poll_set_max_ns(100 * US);
	assert_int_equal(halt_poll_window(&hp), 0);
	halt_poll_update(&hp, 0, false, 50 * US); /* halted 50 us: polling would have caught it */
	assert_int_equal(halt_poll_window(&hp), HALT_POLL_START_NS);
	assert_int_equal(hp.polls, 0); /* that period did not spin */
	uint64_t expect[] = {20 * US, 40 * US, 80 * US, 100 * US, 100 * US};
	for (unsigned int i = 0; i < 5; i++) {
		halt_poll_update(&hp, halt_poll_window(&hp), false, 90 * US);
		assert_int_equal(halt_poll_window(&hp), expect[i]);
	}
	assert_int_equal(hp.polls, 5);
	assert_int_equal(hp.hits, 0);
}

static void test_window_kept_on_a_hit(void **state)
{
	struct halt_poll hp = {.window_ns = 40 * US};
	halt_poll_set_max_ns(100 * US);
	halt_poll_update(&hp, 40 * US, true, 12 * US);
	halt_poll_update(&hp, 40 * US, true, 39 * US);
	assert_int_equal(halt_poll_window(&hp), 40 * US);
	assert_int_equal(hp.polls, 2);
	assert_int_equal(hp.hits, 2);
}

static void test_window_shrinks_to_zero(void **state)
{
	struct halt_poll hp = {.window_ns = 100 * US};
	halt_poll_set_max_ns(100 * US);
	uint64_t expect[] = {50 * US, 25 * US, 12500, 0, 0};
	for (unsigned int i = 0; i < 5; i++) {
		halt_poll_update(&hp, halt_poll_window(&hp), false, 100 * US + 1);
		assert_int_equal(halt_poll_window(&hp), expect[i]);
	}
	assert_int_equal(hp.polls, 4);
	/* a short idle period opens it again */
	halt_poll_update(&hp, 0, false, 30 * US);
	assert_int_equal(halt_poll_window(&hp), HALT_POLL_START_NS);
}

static void test_bound_zero_never_polls(void **state)
{
	struct halt_poll hp = {0};
	halt_poll_set_max_ns(0);
	for (unsigned int i = 0; i < 4; i++) {
		halt_poll_update(&hp, 0, false, i * US);
		assert_int_equal(halt_poll_window(&hp), 0);
	}
	hp.window_ns = 80 * US; /* left from a larger bound: not kept */
	halt_poll_update(&hp, 80 * US, false, 5 * US);
	assert_int_equal(halt_poll_window(&hp), 0);
	halt_poll_set_max_ns(HALT_POLL_DEFAULT_US * US);
}

static unsigned int kicks[SCHED_MAX_CPUS];

static void record_kick(unsigned int cpu)
{
	__atomic_fetch_add(&kicks[cpu], 1, __ATOMIC_SEQ_CST);
}

/* The mark decides whether a request of another CPU sends an IPI. */
static void test_request_of_a_polling_cpu_sends_no_ipi(void **state)
{
	sched_init(2);
	memset(kicks, 0, sizeof(kicks));
	sched_kick_cpu = record_kick;
	sched_request(1); /* we are CPU 0; CPU 1 halts */
	assert_int_equal(kicks[1], 1);
	assert_true(sched_test_and_clear_request(1));
	assert_false(sched_poll_begin(1));
	assert_false(sched_poll_pending(1));
	sched_request(1);
	assert_int_equal(kicks[1], 1); /* polling: no IPI */
	assert_true(sched_poll_pending(1));
	assert_true(sched_poll_end(1)); /* so it does not halt */
	assert_true(sched_test_and_clear_request(1));
	sched_request(1); /* the mark is gone: IPI again */
	assert_int_equal(kicks[1], 2);
	uint64_t ipis, saved;
	sched_request_counts(1, &ipis, &saved);
	assert_int_equal(ipis, 2);
	assert_int_equal(saved, 1);
	/* a request that came before the spin began is seen at once */
	assert_true(sched_poll_begin(1));
	assert_true(sched_poll_end(1));
	/* our own requests never send one */
	sched_request(0);
	assert_int_equal(kicks[0], 0);
	sched_request_counts(0, &ipis, &saved);
	assert_int_equal(ipis + saved, 0);
	sched_kick_cpu = NULL;
}

#define ROUNDS 50000

static unsigned int rounds_done; /* the poller's, read by the waker */

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CPU 1's idle path: spin a little, then "halt" (wait for an IPI). */
static void *poller(void *arg)
{
	unsigned int taken = 0;
	bool *lost = arg;
	fake_cpu_id = 1;
	for (unsigned int r = 0; r < ROUNDS && !*lost; r++) {
		bool woken = sched_poll_begin(1);
		for (unsigned int i = 0; i < (r & 255) && !woken; i++)
			woken = sched_poll_pending(1);
		woken = sched_poll_end(1) || woken;
		if (!woken) { /* halt: only an IPI ends it */
			uint64_t t0 = mono_ns();
			while (__atomic_load_n(&kicks[1], __ATOMIC_SEQ_CST) == taken)
				if (mono_ns() - t0 > 2000000000ULL) {
					*lost = true;
					return NULL;
				}
		}
		taken = __atomic_load_n(&kicks[1], __ATOMIC_SEQ_CST);
		if (!sched_test_and_clear_request(1))
			r--; /* woken by a stale IPI: idle again */
		__atomic_store_n(&rounds_done, r + 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

/* CPU 0 asks CPU 1 once per round, after CPU 1 has taken the last request. */
static void test_no_wakeup_lost_under_a_race(void **state)
{
	bool lost = false;
	pthread_t t;
	sched_init(2);
	memset(kicks, 0, sizeof(kicks));
	rounds_done = 0;
	sched_kick_cpu = record_kick;
	assert_int_equal(pthread_create(&t, NULL, poller, &lost), 0);
	for (unsigned int r = 0; r < ROUNDS && !__atomic_load_n(&lost, __ATOMIC_SEQ_CST); r++) {
		while (__atomic_load_n(&rounds_done, __ATOMIC_SEQ_CST) < r &&
		       !__atomic_load_n(&lost, __ATOMIC_SEQ_CST))
			;
		sched_request(1);
	}
	pthread_join(t, NULL);
	sched_kick_cpu = NULL;
	assert_false(lost);
	assert_int_equal(rounds_done, ROUNDS);
	uint64_t ipis, saved;
	sched_request_counts(1, &ipis, &saved);
	print_message("# %llu requests by IPI, %llu seen by the spin\n", (unsigned long long)ipis,
		      (unsigned long long)saved);
	assert_int_equal(ipis + saved, ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window_grows_to_the_bound),
		cmocka_unit_test(test_window_kept_on_a_hit),
		cmocka_unit_test(test_window_shrinks_to_zero),
		cmocka_unit_test(test_bound_zero_never_polls),
		cmocka_unit_test(test_request_of_a_polling_cpu_sends_no_ipi),
		cmocka_unit_test(test_no_wakeup_lost_under_a_race),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
