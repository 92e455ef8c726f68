/*
 * dom0's waiting rule (hw_wait_may_sleep, drivers/hw/hw.h): a loop that
 * looked at its device and found nothing may sleep only if no device
 * interrupt came since before that look.  The invariant is checked on a
 * model of several threads, each looking and waiting in turn while
 * interrupts arrive between any two steps: with a mark per loop (what
 * hw_wait does) no thread ever decides to sleep with an interrupt
 * unlooked-at; with one mark shared by all threads (what hw.c did before)
 * a thread sleeps through an interrupt that came after its look as soon
 * as another thread waited in between, which the tests reproduce.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>
#include "tests.h"
#include <hw/hw.h>

/* What hw_wait does around the sleep: the rule, then the mark for the
 * next look.  True if the loop slept. */
static bool wait_step(struct hw_waiter *w, unsigned long count)
{
	bool slept = hw_wait_may_sleep(w, count);
	w->seen = count;
	return slept;
}

static void test_wait_one_loop(void **state)
{
	(void)state;
	struct hw_waiter w = {.seen = 3};
	/* looked, nothing, no interrupt since: sleep */
	assert_true(wait_step(&w, 3));
	/* an interrupt woke it (hw_wait marks after the wake), it looked,
	 * nothing yet: sleep again */
	w.seen = 4;
	assert_true(wait_step(&w, 4));
	/* one came between the look and the wait: look again, then sleep */
	assert_false(wait_step(&w, 5));
	assert_true(wait_step(&w, 5));
}

/*
 * The interleaving the shared mark got wrong: A looks and finds nothing,
 * A's completion interrupts, B (also waiting) waits, then A waits.
 */
static void interleave(struct hw_waiter *a, struct hw_waiter *b, bool *a_slept)
{
	unsigned long count = 7;
	/* both started before their looks, both looked: nothing */
	count++; /* A's device answers */
	wait_step(b, count);
	*a_slept = wait_step(a, count);
}

static void test_wait_two_loops(void **state)
{
	(void)state;
	struct hw_waiter a = {.seen = 7}, b = {.seen = 7};
	bool slept;
	interleave(&a, &b, &slept);
	assert_false(slept); /* its own mark: A looks again and finds its answer */

	struct hw_waiter shared = {.seen = 7};
	interleave(&shared, &shared, &slept);
	assert_true(slept); /* the old shared mark: B's wait took A's interrupt */
}

#define THREADS 3
#define STEPS	20000

/*
 * Random schedules of THREADS loops (look, wait, look, ...) with
 * interrupts between steps; counts the waits that slept although an
 * interrupt came after that thread's last look.  shared: one mark for all.
 */
static unsigned int violations(bool shared, unsigned int seed)
{
	struct hw_waiter own[THREADS], one = {0};
	bool looked[THREADS] = {0}, unseen[THREADS] = {0};
	unsigned long count = 0;
	unsigned int bad = 0;
	srand(seed);
	for (unsigned int t = 0; t < THREADS; t++)
		own[t] = (struct hw_waiter){.seen = count};
	for (unsigned int i = 0; i < STEPS; i++) {
		int r = rand() % (THREADS + 1);
		if (r == THREADS) { /* an interrupt: it may answer any thread */
			count++;
			for (unsigned int t = 0; t < THREADS; t++)
				unseen[t] = true;
			continue;
		}
		struct hw_waiter *w = shared ? &one : &own[r];
		if (!looked[r]) {
			unseen[r] = false; /* the look sees all that came before it */
		} else if (wait_step(w, count) && unseen[r]) {
			bad++;
		}
		looked[r] = !looked[r];
	}
	return bad;
}

static void test_wait_random_schedules(void **state)
{
	(void)state;
	unsigned int shared_bad = 0;
	for (unsigned int seed = 1; seed <= 20; seed++) {
		assert_int_equal(violations(false, seed), 0);
		shared_bad += violations(true, seed);
	}
	assert_true(shared_bad > 0); /* the model does catch the old rule */
}

const struct CMUnitTest wait_tests[] = {
	cmocka_unit_test(test_wait_one_loop),
	cmocka_unit_test(test_wait_two_loops),
	cmocka_unit_test(test_wait_random_schedules),
};
const size_t wait_ntests = sizeof(wait_tests) / sizeof(wait_tests[0]);
