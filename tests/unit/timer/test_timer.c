/*
 * Host tests of the per-CPU timer queue (kernel/time/timer.c) and the TSC
 * scale arithmetic (kernel/time/scale.c).  arch_timer_reprogram is faked
 * here: it records the last deadline each CPU's hardware was given.  Two
 * tests use real threads as two CPUs (fake_cpu_id): timer_cancel from
 * another CPU waits for a running timer function, also one that re-arms
 * its timer (the periodic timer of a vCPU being destroyed), and a
 * function may cancel its own timer without waiting for itself.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <asm/arch.h>
#include <hospes/smp.h>
#include <hospes/time.h>

static uint64_t hw_deadline[NR_CPUS];
static unsigned int nr_reprograms;

void arch_timer_reprogram(unsigned int cpu, uint64_t deadline_ns)
{
	hw_deadline[cpu] = deadline_ns;
	nr_reprograms++;
}

static char log_buf[64];
static size_t log_len;

static void record(void *data)
{
	log_buf[log_len++] = *(const char *)data;
}

static struct timer again;
static unsigned int again_runs;

static void rearm(void *data)
{
	if (++again_runs < 3)
		timer_set(&again, again.expires_ns + 100);
}

static int setup(void **state)
{
	memset(hw_deadline, 0, sizeof(hw_deadline));
	memset(log_buf, 0, sizeof(log_buf));
	log_len = 0;
	nr_reprograms = 0;
	again_runs = 0;
	return 0;
}

static void test_expiry_order_and_deadline(void **state)
{
	static const char names[] = "abc";
	struct timer t[3];
	for (int i = 0; i < 3; i++)
		timer_init(&t[i], record, (void *)&names[i], 0);
	timer_set(&t[0], 300);
	assert_int_equal(hw_deadline[0], 300);
	timer_set(&t[1], 100);
	assert_int_equal(hw_deadline[0], 100);
	timer_set(&t[2], 200);
	assert_int_equal(nr_reprograms, 2); /* the head did not change */
	assert_int_equal(timer_softirq(150), 200);
	assert_string_equal(log_buf, "b");
	assert_int_equal(timer_softirq(1000), TIME_NEVER);
	assert_string_equal(log_buf, "bca");
	for (int i = 0; i < 3; i++)
		assert_false(timer_is_active(&t[i]));
}

static void test_cancel_and_move(void **state)
{
	static const char names[] = "xy";
	struct timer x, y;
	timer_init(&x, record, (void *)&names[0], 0);
	timer_init(&y, record, (void *)&names[1], 0);
	timer_set(&x, 10);
	timer_set(&y, 20);
	timer_cancel(&x);
	timer_cancel(&x); /* twice is harmless */
	assert_false(timer_is_active(&x));
	timer_set(&y, 5); /* moving a queued timer */
	assert_int_equal(hw_deadline[0], 5);
	assert_int_equal(timer_softirq(100), TIME_NEVER);
	assert_string_equal(log_buf, "y");
}

static void test_equal_expiry_is_fifo(void **state)
{
	static const char names[] = "12";
	struct timer a, b;
	timer_init(&a, record, (void *)&names[0], 0);
	timer_init(&b, record, (void *)&names[1], 0);
	timer_set(&a, 50);
	timer_set(&b, 50);
	timer_softirq(50);
	assert_string_equal(log_buf, "12");
}

static void test_function_may_rearm(void **state)
{
	timer_init(&again, rearm, NULL, 0);
	timer_set(&again, 100);
	assert_int_equal(timer_softirq(100), 200);
	assert_int_equal(timer_softirq(250), 300);
	assert_int_equal(timer_softirq(300), TIME_NEVER);
	assert_int_equal(again_runs, 3);
}

static void test_remote_cpu_queue(void **state)
{
	static const char n = 'r';
	struct timer r;
	timer_init(&r, record, (void *)&n, 3);
	timer_set(&r, 42);
	assert_int_equal(hw_deadline[3], 42);
	assert_int_equal(hw_deadline[0], 0);
	assert_int_equal(timer_softirq(100), TIME_NEVER); /* CPU 0's queue: empty */
	assert_int_equal(log_len, 0);
	timer_cancel(&r);
}

/* ---- cancel against a running function, on two threads ---------------- */

static struct timer slow;
static atomic_int in_fn, release_fn, cancel_done;

static void sleep_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
}

static void slow_rearm(void *data)
{
	atomic_store(&in_fn, 1);
	while (!atomic_load(&release_fn))
		sleep_ms(1);
	timer_set(&slow, slow.expires_ns + 100); /* as periodic_fired does */
}

static void *cpu0_softirq(void *arg)
{
	fake_cpu_id = 0;
	timer_softirq(100);
	return NULL;
}

static void *cpu1_cancel(void *arg)
{
	fake_cpu_id = 1;
	timer_cancel(&slow);
	atomic_store(&cancel_done, 1);
	return NULL;
}

static void test_cancel_waits_for_running_function(void **state)
{
	pthread_t a, b;
	atomic_store(&in_fn, 0);
	atomic_store(&release_fn, 0);
	atomic_store(&cancel_done, 0);
	timer_init(&slow, slow_rearm, NULL, 0);
	timer_set(&slow, 100);
	assert_int_equal(pthread_create(&a, NULL, cpu0_softirq, NULL), 0);
	while (!atomic_load(&in_fn))
		sleep_ms(1);
	assert_int_equal(pthread_create(&b, NULL, cpu1_cancel, NULL), 0);
	sleep_ms(30);
	assert_false(atomic_load(&cancel_done)); /* the function still runs on CPU 0 */
	atomic_store(&release_fn, 1);
	assert_int_equal(pthread_join(a, NULL), 0);
	assert_int_equal(pthread_join(b, NULL), 0);
	assert_true(atomic_load(&cancel_done));
	assert_false(timer_is_active(&slow)); /* its re-arm did not survive the cancel */
	assert_int_equal(timer_softirq(1000), TIME_NEVER);
}

static struct timer self;

static void cancel_self(void *data)
{
	timer_set(&self, 500);
	timer_cancel(&self); /* on its own CPU: must not wait for itself */
}

static void test_function_cancels_itself(void **state)
{
	timer_init(&self, cancel_self, NULL, 0);
	timer_set(&self, 100);
	assert_int_equal(timer_softirq(100), TIME_NEVER);
	assert_false(timer_is_active(&self));
}

static void test_scale_common_frequencies(void **state)
{
	static const uint64_t hz[] = {1000000ULL,    3579545ULL,    100000000ULL, 1000000000ULL,
				      2399999000ULL, 3000000000ULL, 5000000000ULL};
	for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		uint32_t mul;
		int8_t shift;
		time_scale_from_hz(hz[i], &mul, &shift);
		assert_true(mul >= 0x80000000U); /* full precision */
		/* one second of ticks is one second, within 1 ppm */
		uint64_t ns = time_scale_delta(hz[i], mul, shift);
		assert_in_range(ns, NSEC_PER_SEC - 1000, NSEC_PER_SEC + 1000);
		/* an hour, too (no overflow in the 128-bit product) */
		ns = time_scale_delta(hz[i] * 3600, mul, shift);
		assert_in_range(ns / NSEC_PER_SEC, 3599, 3600);
	}
}

static void test_ratio_ns_to_ticks(void **state)
{
	uint32_t mul;
	int8_t shift;
	time_scale_ratio(2400000000ULL, NSEC_PER_SEC, &mul, &shift);
	assert_true(mul >= 0x80000000U);
	assert_in_range(time_scale_delta(NSEC_PER_SEC, mul, shift), 2400000000ULL - 2400,
			2400000000ULL + 2400);
	time_scale_ratio(6000000000ULL, NSEC_PER_SEC, &mul, &shift); /* num above 2^32 */
	assert_in_range(time_scale_delta(1000, mul, shift), 5999, 6000);
}

static void test_days_from_civil(void **state)
{
	assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(time_days_from_civil(2026, 11, 29), 20786);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_expiry_order_and_deadline, setup),
		cmocka_unit_test_setup(test_cancel_and_move, setup),
		cmocka_unit_test_setup(test_equal_expiry_is_fifo, setup),
		cmocka_unit_test_setup(test_function_may_rearm, setup),
		cmocka_unit_test_setup(test_remote_cpu_queue, setup),
		cmocka_unit_test_setup(test_cancel_waits_for_running_function, setup),
		cmocka_unit_test_setup(test_function_cancels_itself, setup),
		cmocka_unit_test_setup(test_scale_common_frequencies, setup),
		cmocka_unit_test_setup(test_ratio_ns_to_ticks, setup),
		cmocka_unit_test_setup(test_days_from_civil, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
