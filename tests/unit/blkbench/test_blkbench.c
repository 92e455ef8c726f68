/*
 * dom0's block benchmark report (pvguest/dom0/blkbench.c) on a fake
 * machine: a device whose every call takes a fixed time, a clock and an
 * idle counter that only the fakes move, a front that marks every phase
 * edge at once and reports timings of its own.  Checked: dom0 answers
 * every mark in order with its own value; every measured phase of
 * core/blktime.h gets its wall-clock lines (the ratio from both sides'
 * times), busy lines and blkback's requests per batch, and the filling
 * phase gets none; a front that timed other work than dom0's own, or
 * that misses a mark, is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dom0/blkbench.h"
#include "dom0/hx/ctl.h"
#include <back/blkback.h>
#include <core/sched.h>
#include <xenbus/guest.h>
#include <xenbus/xenbus.h>

#define FIRST	 2048
#define WINDOW	 (16u << 11) /* 16 MiB in sectors */
#define NRAND	 500
#define CALL_NS	 10000	 /* every device call */
#define FRONT_NS 1000000 /* the front's time from one mark to the next */

static uint64_t now, idle;
static unsigned int marks_seen, acks, fail_mark = ~0u;
static char front_text[BLKTIME_TEXT_MAX];
static unsigned long bb_requests, bb_batches;

uint64_t clock_now_ns(void)
{
	return now;
}

long hx_idle_ns(uint64_t *out, unsigned int *cpus)
{
	*out = idle;
	*cpus = 1;
	return 0;
}

long hx_cpustat(struct hospes_cpustat *sum, unsigned int *cpus)
{
	memset(sum, 0, sizeof(*sum));
	sum->halts = now / CALL_NS;
	*cpus = 1;
	return 0;
}

/* One device interrupt per device call. */
unsigned long hw_irq_count(void)
{
	return now / CALL_NS;
}

bool blkback_stats_of(uint16_t front_id, unsigned int devid, struct blkback_stats *out,
		      bool *connected)
{
	memset(out, 0, sizeof(*out));
	out->requests = bb_requests += 4;
	out->dma_batches = bb_batches += 1;
	out->notifies = bb_batches; /* one notification a batch */
	*connected = true;
	return true;
}

/* The front's mark comes at once; its phase took FRONT_NS, half of it idle. */
int xenbus_self_wait_value(const char *path, const char *want, uint64_t ns)
{
	char expect[16];

	assert_non_null(strstr(path, "/local/domain/1/data/bench-mark"));
	snprintf(expect, sizeof(expect), "%u", marks_seen);
	assert_string_equal(want, expect);
	if (marks_seen == fail_mark)
		return -110;
	marks_seen++;
	now += FRONT_NS;
	idle += FRONT_NS / 2;
	return 0;
}

struct xenbus *xenbus_self(void)
{
	return NULL;
}

int xenbus_write(struct xenbus *xb, uint32_t tx, const char *path, const char *value)
{
	char expect[16];

	assert_string_equal(path, "/local/domain/1/data/bench-ack");
	snprintf(expect, sizeof(expect), "%u", acks++);
	assert_string_equal(value, expect);
	return 0;
}

int xenbus_read(struct xenbus *xb, uint32_t tx, const char *path, char *buf, size_t size)
{
	assert_string_equal(path, "/local/domain/1/data/bench");
	snprintf(buf, size, "%s", front_text);
	return (int)strlen(buf);
}

static int fake_read(struct device *d, uint64_t sector, uint32_t count, void *buf)
{
	now += CALL_NS;
	return 0;
}

static int fake_rw_vec(struct device *d, bool write, const struct block_vec *v, unsigned int n)
{
	now += CALL_NS;
	return block_vec_check(d, write, v, n);
}

static const struct block_ops ops = {.read = fake_read, .rw_vec = fake_rw_vec};
static struct device disk = {.name = "fake",
			     .kind = DEV_BLOCK,
			     .block = &ops,
			     .sectors = FIRST + WINDOW,
			     .sector_size = 512};
static struct blkbench bench;

/* dom0's own reads and the front's marks; the front's timings are dom0's
 * own with every time doubled (or, if `other`, one more read in one phase). */
static void run(bool other)
{
	struct blk_timing front;

	now = idle = 0;
	marks_seen = acks = 0;
	assert_int_equal(blkbench_own(&bench, &disk, FIRST, WINDOW, NRAND), 0);
	assert_true(blkbench_serve_front(&bench, NULL, 1, 51712));
	assert_int_equal(marks_seen, BLKTIME_MARKS);
	assert_int_equal(acks, BLKTIME_MARKS);
	front = bench.own;
	for (unsigned int k = 0; k < BLK_PHASES; k++)
		front.ph[k].ns *= 2;
	front.ph[BLK_RAND_QD8].done += other;
	assert_int_equal(blk_timing_format(&front, front_text, sizeof(front_text)), 0);
}

/* blkbench_report's lines into out; its verdict. */
static bool report(char *out, size_t size)
{
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);

	assert_non_null(f);
	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	bool ok = blkbench_report(&bench, NULL, 1);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	size_t n = fread(out, 1, size - 1, f);
	out[n] = 0;
	fclose(f);
	return ok;
}

static bool has_line(const char *text, const char *phase, const char *what, const char *value)
{
	char line[128];

	snprintf(line, sizeof(line), "bench blk_ahci_%s_%s %s\n", phase, what, value);
	return strstr(text, line) != NULL;
}

static void test_lines(void **state)
{
	static char text[65536];

	run(false);
	assert_true(report(text, sizeof(text)));
	assert_null(strstr(text, "fill"));
	for (unsigned int k = 0; k < BLK_PHASES; k++) {
		const struct blk_phase_info *ph = &blk_phases[k];
		char prefix[64];

		if (ph->fill)
			continue;
		assert_true(has_line(text, ph->name, "ratio_pct", "50"));
		/* the front's busy time per phase: FRONT_NS / 2 per pass */
		snprintf(prefix, sizeof(prefix), "bench blk_ahci_%s_busy_ratio_pct ", ph->name);
		assert_non_null(strstr(text, prefix));
		assert_true(has_line(text, ph->name, "front_reqs_per_batch", "4"));
		assert_true(has_line(text, ph->name, "front_notifies_per_100_batches", "100"));
		snprintf(prefix, sizeof(prefix), "bench blk_ahci_%s_%s ", ph->name,
			 ph->random && ph->depth > 1 ? "dom0_iops"
			 : ph->random		     ? "dom0_us"
						     : "dom0_MBps");
		assert_non_null(strstr(text, prefix));
	}
	/* Depth 1 at random: 500 reads of CALL_NS each, dom0 10 us, the front 20. */
	assert_true(has_line(text, "rand4k_read", "dom0_us", "10"));
	assert_true(has_line(text, "rand4k_read", "front_us", "20"));
	/* Busy: dom0's own CPU never idles (10 us a read), the front's phase
	 * is FRONT_NS of which half idle: 1 us a read. */
	assert_true(has_line(text, "rand4k_read", "dom0_busy_ns", "10000"));
	assert_true(has_line(text, "rand4k_read", "front_busy_ns", "1000"));
	assert_true(has_line(text, "rand4k_read", "busy_ratio_pct", "1000"));
	/* dom0's device interrupts: one a call, so 100 per 100 reads at depth 1. */
	assert_true(has_line(text, "rand4k_read", "dom0_irqs_per_100", "100"));
}

static void test_other_work_refused(void **state)
{
	static char text[4096];

	run(true);
	assert_false(report(text, sizeof(text)));
	assert_string_equal(text, "");
}

static void test_missing_mark(void **state)
{
	now = idle = 0;
	marks_seen = acks = 0;
	fail_mark = 9;
	assert_int_equal(blkbench_own(&bench, &disk, FIRST, WINDOW, NRAND), 0);
	assert_false(blkbench_serve_front(&bench, NULL, 1, 51712));
	assert_int_equal(acks, 9);
	fail_mark = ~0u;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_other_work_refused),
		cmocka_unit_test(test_missing_mark),
	};
	return cmocka_run_group_tests_name("blkbench", tests, NULL, NULL);
}
