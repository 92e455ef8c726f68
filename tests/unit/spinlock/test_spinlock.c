/*
 * Host tests of the ticket lock (kernel/include/hospes/spinlock.h), with
 * real threads: the uncontended lock is inline and the wait for a ticket
 * out of line (spin_lock_wait), so both halves are exercised here.
 *   - a lock taken and released leaves the tickets equal;
 *   - a thread that asks for a held lock waits (it is in spin_lock_wait)
 *     and gets it once the holder releases it;
 *   - two threads incrementing a plain counter under the lock lose no
 *     increment.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <time.h>
#include <cmocka.h>
#include <hospes/spinlock.h>

#define ROUNDS 100000

static spinlock_t lock = SPINLOCK_INIT;
static unsigned long counter;
static atomic_int got_it;

static void test_uncontended(void **state)
{
	(void)state;
	spinlock_t l = SPINLOCK_INIT;

	spin_lock(&l);
	assert_true(spin_is_locked(&l));
	spin_unlock(&l);
	assert_false(spin_is_locked(&l));
	assert_int_equal(l.next, l.owner);
	assert_int_equal(l.next, 1);
}

static void *take_once(void *arg)
{
	(void)arg;
	spin_lock(&lock);
	atomic_store(&got_it, 1);
	spin_unlock(&lock);
	return NULL;
}

static void test_waiter_waits(void **state)
{
	(void)state;
	pthread_t t;
	struct timespec ms20 = {0, 20 * 1000 * 1000};

	atomic_store(&got_it, 0);
	spin_lock(&lock);
	assert_int_equal(pthread_create(&t, NULL, take_once, NULL), 0);
	nanosleep(&ms20, NULL);
	assert_int_equal(atomic_load(&got_it), 0); /* still waiting for its ticket */
	spin_unlock(&lock);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(atomic_load(&got_it), 1);
	assert_false(spin_is_locked(&lock));
}

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		counter++;
		spin_unlock(&lock);
	}
	return NULL;
}

static void test_no_lost_update(void **state)
{
	(void)state;
	pthread_t a, b;

	counter = 0;
	assert_int_equal(pthread_create(&a, NULL, count_up, NULL), 0);
	assert_int_equal(pthread_create(&b, NULL, count_up, NULL), 0);
	assert_int_equal(pthread_join(a, NULL), 0);
	assert_int_equal(pthread_join(b, NULL), 0);
	assert_int_equal(counter, 2 * ROUNDS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uncontended),
		cmocka_unit_test(test_waiter_waits),
		cmocka_unit_test(test_no_lost_update),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
