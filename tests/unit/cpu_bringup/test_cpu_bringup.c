/*
 * Host tests of AP start-up (kernel/core/cpu_bringup.c), the fix for the
 * -smp 4 panic in timer_set: an AP that answered after the boot CPU's wait
 * came up anyway, as the index the boot CPU had meanwhile given to the
 * next AP, so two CPUs shared one percpu record, stack and timer queue.
 *   - the call-in handshake: a claim and a give-up for the same offer, in
 *     either order and racing on two threads, have exactly one winner; a
 *     claim of a stale index fails; a tag stops being offered once it is
 *     claimed, given up or replaced (what smp_slow_ap's AP waits for);
 *   - the bring-up order on a simulated machine whose APs answer in time,
 *     late or never: no tag is offered twice, a lost AP's parameter block
 *     is never written again, its index goes to the next AP under a new
 *     tag, the late AP that runs the start-up code at last cannot claim
 *     anything, and the count of CPUs online is the boot CPU plus the
 *     APs that claimed (dense indices).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hospes/cpu_bringup.h>

#define RACE_ROUNDS 2000

static struct ap_callin callin;

static uint64_t never(void)
{
	return 0;
}

static uint64_t always(void)
{
	return UINT64_MAX;
}

static void test_claim_first(void **state)
{
	(void)state;
	callin_offer(&callin, 1);
	assert_false(callin_claimed(&callin, 1));
	assert_true(callin_claim(&callin, 1));
	assert_true(callin_claimed(&callin, 1));
	assert_false(callin_give_up(&callin, 1));
	assert_int_equal(callin_wait(&callin, 1, always, 0), AP_ONLINE);
}

static void test_give_up_first(void **state)
{
	(void)state;
	callin_offer(&callin, 1);
	assert_int_equal(callin_wait(&callin, 1, always, 0), AP_LOST);
	assert_false(callin_claim(&callin, 1));
	assert_false(callin_claimed(&callin, 1));
}

static void test_stale_index(void **state)
{
	(void)state;
	callin_offer(&callin, 2);
	assert_false(callin_claim(&callin, 1)); /* an AP that read an older offer */
	assert_false(callin_claimed(&callin, 1));
	assert_true(callin_claim(&callin, 2));
	assert_false(callin_claim(&callin, 2)); /* once only */
}

/* smp_slow_ap's AP spins while its tag is offered: every way out ends it. */
static void test_offered(void **state)
{
	(void)state;
	callin_offer(&callin, callin_tag(2, 0));
	assert_true(callin_offered(&callin, callin_tag(2, 0)));
	assert_false(callin_offered(&callin, callin_tag(2, 1)));
	assert_int_equal(callin_wait(&callin, callin_tag(2, 0), always, 0), AP_LOST);
	assert_false(callin_offered(&callin, callin_tag(2, 0))); /* given up */
	/* the index goes to the next AP under a new tag */
	callin_offer(&callin, callin_tag(2, 1));
	assert_false(callin_offered(&callin, callin_tag(2, 0)));
	assert_true(callin_offered(&callin, callin_tag(2, 1)));
	assert_false(callin_claim(&callin, callin_tag(2, 0))); /* the late AP, at last */
	assert_true(callin_claim(&callin, callin_tag(2, 1)));
	assert_false(callin_offered(&callin, callin_tag(2, 1))); /* claimed */
}

/* ---- the race, on real threads ---------------------------------------- */

static atomic_uint round_no;
static atomic_int ap_won;

static void *ap_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	for (unsigned int spin = cpu % 64; spin; spin--)
		atomic_fetch_add(&round_no, 0);
	atomic_store(&ap_won, callin_claim(&callin, cpu));
	return NULL;
}

static void test_race(void **state)
{
	(void)state;
	unsigned int ap = 0, boot = 0;
	for (unsigned int r = 1; r <= RACE_ROUNDS; r++) {
		pthread_t t;
		callin_offer(&callin, r);
		assert_int_equal(pthread_create(&t, NULL, ap_thread, (void *)(uintptr_t)r), 0);
		for (unsigned int spin = (r * 7) % 64; spin; spin--)
			atomic_fetch_add(&round_no, 0);
		bool lost = callin_wait(&callin, r, always, 0) == AP_LOST;
		assert_int_equal(pthread_join(t, NULL), 0);
		assert_true(lost != atomic_load(&ap_won)); /* exactly one side won */
		assert_true(callin_claimed(&callin, r) == !lost);
		ap += !lost;
		boot += lost;
	}
	assert_int_equal(ap + boot, RACE_ROUNDS);
}

/* ---- bring-up on a simulated machine ---------------------------------- */

enum behaviour { IN_TIME, LATE, NO_MEMORY };

#define MAX_APS 8

#define MAX_BLOCKS 2

static struct {
	enum behaviour how[MAX_APS];	    /* by APIC id */
	uint32_t offered_to[MAX_APS];	    /* by index: the APIC id of its last offer, or ~0 */
	unsigned int params[MAX_BLOCKS];    /* each parameter block: the tag it holds */
	bool block_final[MAX_BLOCKS];	    /* a lost AP may read it: never written again */
	unsigned int late_read[MAX_APS];    /* by APIC id: the tag it reads from its block */
	unsigned int late_block[MAX_APS];   /* by APIC id: which block */
	bool offered_by_tag[MAX_APS << 16]; /* no tag is offered twice */
	unsigned int nr_late, nr_started;
} m;

static enum ap_start_result fake_start(unsigned int cpu, uint32_t id, unsigned int block)
{
	if (m.how[id] == NO_MEMORY)
		return AP_NOT_STARTED;
	unsigned int tag = callin_tag(cpu, block);
	assert_true(cpu < MAX_APS && block < MAX_BLOCKS);
	assert_false(m.block_final[block]);
	assert_false(m.offered_by_tag[tag]); /* never offered twice */
	m.offered_by_tag[tag] = true;
	m.offered_to[cpu] = id;
	m.params[block] = tag;
	m.nr_started++;
	callin_offer(&callin, tag);
	if (m.how[id] == IN_TIME) {
		assert_true(callin_claim(&callin, tag));
		return callin_wait(&callin, tag, never, 1);
	}
	m.late_read[id] = tag;
	m.late_block[id] = block;
	m.block_final[block] = true;
	m.nr_late++;
	return callin_wait(&callin, tag, always, 0);
}

static unsigned int run_machine(const enum behaviour *how, unsigned int n)
{
	uint32_t ids[MAX_APS + 1];
	memset(&m, 0, sizeof(m));
	memset(m.offered_to, 0xff, sizeof(m.offered_to));
	ids[0] = 0; /* the boot CPU */
	for (unsigned int i = 1; i <= n; i++) {
		ids[i] = i;
		m.how[i] = how[i - 1];
	}
	return cpu_bringup(ids, n + 1, 0, 0xfe, MAX_APS, MAX_BLOCKS, fake_start);
}

/* APIC id runs the start-up code at last: it reads its own parameter
 * block (never rewritten) and must not get an index. */
static void late_ap_runs(uint32_t id)
{
	assert_int_equal(m.params[m.late_block[id]], m.late_read[id]);
	assert_false(callin_claim(&callin, m.late_read[id]));
	assert_false(callin_claimed(&callin, m.late_read[id]));
}

static void test_all_in_time(void **state)
{
	(void)state;
	static const enum behaviour how[] = {IN_TIME, IN_TIME, IN_TIME};
	assert_int_equal(run_machine(how, 3), 4);
	for (unsigned int c = 1; c <= 3; c++)
		assert_int_equal(m.offered_to[c], c);
}

static void test_late_ap_cannot_take_an_index(void **state)
{
	(void)state;
	static const enum behaviour how[] = {IN_TIME, LATE, IN_TIME, IN_TIME};
	unsigned int online = run_machine(how, 4);
	assert_int_equal(online, 4); /* the boot CPU and APIC ids 1, 3, 4 */
	assert_int_equal(m.nr_started, 4);
	assert_int_equal(m.offered_to[1], 1);
	assert_int_equal(m.offered_to[2], 3); /* the lost AP's index, under a new tag */
	assert_int_equal(m.offered_to[3], 4);
	assert_int_equal(m.late_block[2], 0);
	assert_int_equal(m.params[1], callin_tag(3, 1)); /* the next APs: block 1 */
	late_ap_runs(2);
}

/* After max_blocks - 1 losses, one more loss leaves no fresh block:
 * nothing more is started. */
static void test_losses_use_up_the_blocks(void **state)
{
	(void)state;
	static const enum behaviour how[] = {LATE, IN_TIME, LATE, IN_TIME, IN_TIME};
	assert_int_equal(run_machine(how, 5), 2); /* the boot CPU and APIC id 2 */
	assert_int_equal(m.nr_started, 3);
	assert_int_equal(m.offered_to[1], 2); /* index 1: id 1 (block 0), then id 2 (block 1) */
	assert_int_equal(m.offered_to[2], 3); /* index 2: id 3 (block 1), lost */
	assert_int_equal(m.offered_to[3], ~0U);
	late_ap_runs(1);
	late_ap_runs(3);
}

static void test_no_memory_reuses_the_index(void **state)
{
	(void)state;
	static const enum behaviour how[] = {NO_MEMORY, IN_TIME, IN_TIME};
	assert_int_equal(run_machine(how, 3), 3);
	assert_int_equal(m.offered_to[1], 2); /* index 1 was never sent to anyone */
	assert_int_equal(m.offered_to[2], 3);
}

static void test_limits(void **state)
{
	(void)state;
	uint32_t ids[] = {0, 1, 0x1ff, 2, 3, 4, 5, 6, 7, 8};
	memset(&m, 0, sizeof(m));
	memset(m.offered_to, 0xff, sizeof(m.offered_to));
	assert_int_equal(cpu_bringup(ids, 10, 0, 0xfe, 4, MAX_BLOCKS, fake_start), 4);
	assert_int_equal(m.offered_to[1], 1);
	assert_int_equal(m.offered_to[2], 2); /* 0x1ff is past the xAPIC limit */
	assert_int_equal(m.offered_to[3], 3);
	assert_int_equal(m.nr_started, 3); /* then max_cpus */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claim_first),
		cmocka_unit_test(test_give_up_first),
		cmocka_unit_test(test_stale_index),
		cmocka_unit_test(test_offered),
		cmocka_unit_test(test_race),
		cmocka_unit_test(test_all_in_time),
		cmocka_unit_test(test_late_ap_cannot_take_an_index),
		cmocka_unit_test(test_losses_use_up_the_blocks),
		cmocka_unit_test(test_no_memory_reuses_the_index),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
