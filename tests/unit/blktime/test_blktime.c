/*
 * The block benchmark's reader (pvguest/core/blktime.c) on a fake device
 * that logs every call: each phase reads what it says at the depth it
 * says (depth 1 through read, deeper through rw_vec, whole batches and
 * one short last batch), every random phase reads the same blocks in the
 * same order whatever its depth, the filling phase (right after the
 * random depth-1 one, the only phase not measured) reads the window in
 * order twice, the marks come in order, the figures
 * count the work, a failing read stops the run with its error; the
 * vectored data check catches a device whose rw_vec returns other data;
 * the figures' text round-trips and bad text is refused.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <core/blktime.h>
#include <core/sched.h>

#define WINDOW	 (16u << 11) /* 16 MiB in sectors */
#define FIRST	 2048
#define NRAND	 500
#define LOG_MAX	 20000
#define DISK_SEC (FIRST + WINDOW)

/* One read as the device saw it: which call, how many pieces with it. */
struct seen {
	uint64_t sector;
	uint32_t count;
	unsigned int batch; /* pieces in the call (1: a plain read) */
	bool vec;
};

static struct seen log_[LOG_MAX];
static unsigned int nlog, fail_at = ~0u, marks[BLKTIME_MARKS + 1], nmarks;
static bool corrupt_vec;
static uint64_t now_ns;

uint64_t clock_now_ns(void)
{
	return now_ns += 1000;
}

/* Every sector reads as its own number in each of its words. */
static void fill(uint64_t sector, uint32_t count, uint8_t *buf)
{
	for (uint32_t s = 0; s < count; s++)
		for (unsigned int w = 0; w < 512 / 8; w++)
			memcpy(buf + s * 512 + w * 8, &(uint64_t){sector + s}, 8);
}

static int note(uint64_t sector, uint32_t count, unsigned int batch, bool vec)
{
	if (nlog == fail_at)
		return -EIO;
	assert_true(nlog < LOG_MAX);
	log_[nlog++] = (struct seen){sector, count, batch, vec};
	return 0;
}

static int fake_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	(void)d;
	assert_true(sector + count <= DISK_SEC);
	fill(sector, count, buf);
	return note(sector, count, 1, false);
}

static int fake_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	int rc = block_vec_check(d, write, v, n);

	assert_false(write);
	for (unsigned int i = 0; i < n && !rc; i++) {
		fill(v[i].sector + (corrupt_vec && i == n - 1), v[i].count, v[i].buf);
		rc = note(v[i].sector, v[i].count, n, true);
	}
	return rc;
}

static const struct block_ops ops = {.read = fake_read, .rw_vec = fake_rw_vec};
static struct device disk = {
	.name = "fake", .kind = DEV_BLOCK, .block = &ops, .sectors = DISK_SEC, .sector_size = 512};

static void on_mark(void *ctx, unsigned int phase)
{
	(void)ctx;
	assert_true(nmarks <= BLKTIME_MARKS);
	marks[nmarks++] = phase;
}

static int reset(void **state)
{
	(void)state;
	nlog = nmarks = 0;
	fail_at = ~0u;
	corrupt_vec = false;
	return 0;
}

/* The log entries of phase k of pass p (warm-up = pass 0), from the phase sizes. */
static unsigned int phase_reads(unsigned int k)
{
	return blk_phases[k].rounds *
	       (blk_phases[k].random ? NRAND : WINDOW / BLKTIME_CHUNK_SECTORS);
}

static const struct seen *phase_log(unsigned int pass, unsigned int k)
{
	unsigned int at = 0;

	for (unsigned int i = 0; i < pass * BLK_PHASES + k; i++)
		at += phase_reads(i % BLK_PHASES);
	return &log_[at];
}

static void test_phases(void **state)
{
	(void)state;
	struct blk_timing t;
	const struct blk_marks m = {on_mark, NULL};

	assert_int_equal(blk_time_reads(&disk, FIRST, WINDOW, NRAND, &t, &m), 0);
	unsigned int per_pass = 0;
	for (unsigned int k = 0; k < BLK_PHASES; k++)
		per_pass += phase_reads(k);
	assert_int_equal(nlog, (1 + BLKTIME_PASSES) * per_pass); /* warm-up and three passes */
	assert_int_equal(nmarks, BLKTIME_MARKS);
	for (unsigned int i = 0; i < BLKTIME_MARKS; i++)
		assert_int_equal(marks[i], i);
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		const struct blk_phase_info *ph = &blk_phases[k];
		const struct seen *s = phase_log(2, k), *rand1 = phase_log(2, BLK_RAND);
		unsigned int n = phase_reads(k);
		for (unsigned int i = 0; i < n; i++) {
			unsigned int batch = ph->depth < n - i / ph->depth * ph->depth
						     ? ph->depth
						     : n - i / ph->depth * ph->depth;
			assert_int_equal(s[i].batch, batch);
			assert_int_equal(s[i].vec, ph->depth > 1);
			if (ph->random) { /* the same blocks at every depth */
				assert_int_equal(s[i].sector, rand1[i].sector);
				assert_int_equal(s[i].count, BLKTIME_RAND_SECTORS);
				assert_true(s[i].sector >= FIRST &&
					    s[i].sector + 8 <= FIRST + WINDOW);
				assert_int_equal((s[i].sector - FIRST) % 8, 0);
			} else { /* the window in order, chunk by chunk, round by round */
				unsigned int chunks = WINDOW / BLKTIME_CHUNK_SECTORS;
				assert_int_equal(s[i].sector,
						 FIRST + i % chunks * BLKTIME_CHUNK_SECTORS);
				assert_int_equal(s[i].count, BLKTIME_CHUNK_SECTORS);
			}
		}
		assert_int_equal(t.ph[k].done,
				 ph->rounds * (ph->random ? NRAND : (uint64_t)WINDOW * 512));
		assert_true(t.ph[k].ns > 0);
	}
	assert_int_equal(blk_phases[BLK_RAND_QD32].depth, 32);
	assert_int_equal(blk_phases[BLK_SEQ_QD4].depth, 4);
	/* Only the filling phase is no measurement: right after the random
	 * depth-1 phase, the window in order at depth 4, more than once;
	 * every measured phase reads its work once. */
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		assert_int_equal(blk_phases[k].fill, k == BLK_FILL);
		if (k != BLK_FILL)
			assert_int_equal(blk_phases[k].rounds, 1);
	}
	assert_int_equal(BLK_FILL, BLK_RAND + 1);
	assert_int_equal(blk_phases[BLK_FILL].depth, 4);
	assert_true(!blk_phases[BLK_FILL].random && blk_phases[BLK_FILL].rounds > 1);
	/* The random blocks are spread: not all in one place. */
	const struct seen *r = phase_log(1, BLK_RAND);
	assert_int_not_equal(r[0].sector, r[1].sector);
}

static void test_failing_read_stops(void **state)
{
	(void)state;
	struct blk_timing t;

	fail_at = 40; /* in the warm-up's sequential phase (64 reads) */
	assert_int_equal(blk_time_reads(&disk, FIRST, WINDOW, NRAND, &t, NULL), -EIO);
	assert_int_equal(nlog, 40);
	assert_int_equal(blk_time_reads(&disk, FIRST, 4, NRAND, &t, NULL), -EINVAL);
}

static void test_check_vec(void **state)
{
	(void)state;
	assert_int_equal(blk_check_vec(&disk, FIRST, WINDOW, 32), 0);
	assert_int_equal(nlog, 64); /* one call of 32, then 32 single reads */
	assert_int_equal(log_[0].batch, 32);
	assert_int_equal(log_[32].batch, 1);
	for (unsigned int i = 0; i < 32; i++)
		assert_int_equal(log_[i].sector, log_[32 + i].sector);
	corrupt_vec = true; /* the last piece comes back with another sector's data */
	assert_int_equal(blk_check_vec(&disk, FIRST, WINDOW, 32), -EIO);
	corrupt_vec = false;
	assert_int_equal(blk_check_vec(&disk, FIRST, WINDOW, 33), -EINVAL);
	assert_int_equal(blk_check_vec(&disk, FIRST, WINDOW, 0), -EINVAL);
	/* A device without rw_vec: the fallback reads piece by piece, the same data. */
	static const struct block_ops plain_ops = {.read = fake_read};
	struct device plain = disk;
	plain.block = &plain_ops;
	nlog = 0;
	assert_int_equal(blk_check_vec(&plain, FIRST, WINDOW, 8), 0);
	assert_int_equal(nlog, 16);
}

static void test_text(void **state)
{
	(void)state;
	struct blk_timing t, u;
	char text[BLKTIME_TEXT_MAX];

	for (unsigned int k = 0; k < BLK_PHASES; k++)
		t.ph[k] = (struct blk_phase_time){~0ULL - k, 1234567890123ULL + k};
	assert_int_equal(blk_timing_format(&t, text, sizeof(text)), 0);
	assert_int_equal(blk_timing_parse(text, &u), 0);
	assert_memory_equal(&t, &u, sizeof(t));
	assert_int_equal(blk_timing_format(&t, text, 40), -1); /* does not fit */
	assert_int_equal(blk_timing_parse("1 2 3 4", &u), -1); /* short */
	assert_int_equal(blk_timing_parse("1 2 3 4 5 6 7 8 9 10 11 12 13", &u), -1); /* long */
	assert_int_equal(blk_timing_parse("1 2 3 4 5 6 7 8 9 10 11 x", &u), -1);     /* bad */
	assert_int_equal(blk_timing_parse("1 2 3 4 5 6 7 8 9 10 11 12", &u), 0);
	assert_int_equal(u.ph[5].ns, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_phases, reset),
		cmocka_unit_test_setup(test_failing_read_stops, reset),
		cmocka_unit_test_setup(test_check_vec, reset),
		cmocka_unit_test_setup(test_text, reset),
	};
	return cmocka_run_group_tests_name("blktime", tests, NULL, NULL);
}
