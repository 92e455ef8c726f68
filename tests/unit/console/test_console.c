/*
 * Host tests of the console ring (pvguest/core/xencons.c, both ends) and
 * of the backend's logic (drivers/back/console_core.c): wrap-around of the
 * free-running indices, a full ring, indices that lie, the bounded
 * per-domain log, the lines handed to the mirror, input, and a broken
 * console that is never touched again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <back/consback.h>
#include <core/xencons.h>

static struct xencons_interface page;
static char mirrored[8][CONS_LINE_MAX];
static unsigned int nr_mirrored;
static domid_t mirrored_dom;

static void mirror(domid_t domid, const char *line)
{
	mirrored_dom = domid;
	if (nr_mirrored < 8)
		snprintf(mirrored[nr_mirrored], CONS_LINE_MAX, "%s", line);
	nr_mirrored++;
}

static int setup(void **state)
{
	memset(&page, 0, sizeof(page));
	nr_mirrored = 0;
	return 0;
}

static void test_put_get_wrap(void **state)
{
	struct xencons_q out = xencons_out(&page);
	char buf[2048], got[2048];

	/* indices near the 32-bit wrap and the ring's end */
	page.out_cons = page.out_prod = 0xfffffff0u - 5;
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7 + 1);
	assert_int_equal(xencons_put(&out, buf, 100), 100);
	assert_int_equal(page.out_prod - page.out_cons, 100);
	assert_int_equal(xencons_get(&out, got, 40), 40);
	assert_memory_equal(got, buf, 40);
	assert_int_equal(xencons_get(&out, got, 1000), 60);
	assert_memory_equal(got, buf + 40, 60);
	assert_int_equal(xencons_get(&out, got, 10), 0); /* empty */
	assert_true(page.out_prod < 100);		 /* wrapped past zero */
	/* the same through the other direction, 1 KiB */
	struct xencons_q in = xencons_in(&page);
	page.in_cons = page.in_prod = 1000;
	assert_int_equal(xencons_put(&in, buf, 300), 300);
	assert_int_equal(xencons_get(&in, got, 300), 300);
	assert_memory_equal(got, buf, 300);
}

static void test_full_ring(void **state)
{
	struct xencons_q out = xencons_out(&page);
	char buf[3000], got[3000];

	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xencons_put(&out, buf, sizeof(buf)), 2048); /* what fits */
	assert_int_equal(xencons_put(&out, buf, 1), 0);		     /* full */
	assert_int_equal(xencons_get(&out, got, 48), 48);
	assert_int_equal(xencons_put(&out, "abc", 3), 3);
	assert_int_equal(xencons_get(&out, got, sizeof(got)), 2003);
	assert_memory_equal(got + 2000, "abc", 3);
}

static void test_lying_indices(void **state)
{
	struct xencons_q out = xencons_out(&page);
	char got[64];

	page.out_cons = 10;
	page.out_prod = 10 + 2049; /* more queued than the ring holds */
	memset(got, 0x5a, sizeof(got));
	assert_int_equal(xencons_get(&out, got, sizeof(got)), -1);
	assert_int_equal(page.out_cons, 10); /* nothing taken */
	assert_int_equal(got[0], 0x5a);
	page.out_prod = 5; /* behind the consumer */
	assert_int_equal(xencons_get(&out, got, sizeof(got)), -1);
	/* a consumer index ahead of our producer index */
	struct xencons_q in = xencons_in(&page);
	page.in_prod = 0;
	page.in_cons = 4;
	assert_int_equal(xencons_put(&in, "x", 1), -1);
	assert_int_equal(page.in_prod, 0);
	/* exactly full is the truth */
	page.in_cons = 0;
	page.in_prod = 1024;
	assert_int_equal(xencons_put(&in, "x", 1), 0);
}

static void test_log_bounded(void **state)
{
	static struct conslog log;
	char buf[CONSLOG_SIZE + 100], got[CONSLOG_SIZE + 100];
	uint64_t pos = 0;

	memset(&log, 0, sizeof(log));
	conslog_append(&log, "hello\n", 6);
	assert_int_equal(conslog_read(&log, &pos, got, 3), 3);
	assert_memory_equal(got, "hel", 3);
	assert_int_equal(conslog_read(&log, &pos, got, 100), 3);
	assert_int_equal(conslog_read(&log, &pos, got, 100), 0);
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	conslog_append(&log, buf, 5000);
	conslog_append(&log, buf + 5000, sizeof(buf) - 5000); /* wraps */
	assert_int_equal(log.end, 6 + sizeof(buf));
	assert_int_equal(conslog_start(&log), log.end - CONSLOG_SIZE);
	pos = 0; /* older than the oldest kept: moved up */
	assert_int_equal(conslog_read(&log, &pos, got, sizeof(got)), CONSLOG_SIZE);
	assert_memory_equal(got, buf + sizeof(buf) - CONSLOG_SIZE, CONSLOG_SIZE);
	assert_int_equal(pos, log.end);
	/* one append larger than the log keeps its tail */
	conslog_append(&log, buf, sizeof(buf));
	pos = 0;
	assert_int_equal(conslog_read(&log, &pos, got, sizeof(got)), CONSLOG_SIZE);
	assert_memory_equal(got, buf + 100, CONSLOG_SIZE);
	pos = log.end + 50; /* beyond the end */
	assert_int_equal(conslog_read(&log, &pos, got, 10), 0);
}

static void test_service_and_mirror(void **state)
{
	static struct consback c;
	struct xencons_q out = xencons_out(&page);
	char got[256];
	uint64_t pos = 0;

	consback_init(&c, 7, &page, mirror);
	assert_int_equal(xencons_put(&out, "first line\r\nsecond", 18), 18);
	assert_int_equal(consback_service(&c), 18);
	assert_int_equal(nr_mirrored, 1);
	assert_int_equal(mirrored_dom, 7);
	assert_string_equal(mirrored[0], "first line");
	assert_int_equal(xencons_put(&out, " half\n", 6), 6);
	assert_int_equal(consback_service(&c), 6);
	assert_string_equal(mirrored[1], "second half");
	assert_int_equal(consback_service(&c), 0); /* nothing new */
	/* the log has every byte, carriage return included */
	assert_int_equal(conslog_read(&c.log, &pos, got, sizeof(got)), 24);
	assert_memory_equal(got, "first line\r\nsecond half\n", 24);
	/* while a reader is attached nothing is mirrored, the log still grows */
	c.attached = true;
	assert_int_equal(xencons_put(&out, "quiet\n", 6), 6);
	assert_int_equal(consback_service(&c), 6);
	assert_int_equal(nr_mirrored, 2);
	c.attached = false;
	/* a long line is mirrored in pieces */
	char longl[400];
	memset(longl, 'L', sizeof(longl));
	longl[399] = '\n';
	assert_int_equal(xencons_put(&out, longl, sizeof(longl)), 400);
	assert_int_equal(consback_service(&c), 400);
	assert_int_equal(nr_mirrored, 5);
	assert_int_equal(strlen(mirrored[2]), CONS_LINE_MAX - 1);
	assert_int_equal(c.bytes_out, 430);
}

static void test_service_bounded(void **state)
{
	static struct consback c;
	char fill[2048];

	consback_init(&c, 3, &page, NULL);
	memset(fill, 'z', sizeof(fill));
	/* the producer keeps the ring full: each call takes at most CONS_SERVICE_MAX */
	long total = 0;
	for (int round = 0; round < 4; round++) {
		struct xencons_q out = xencons_out(&page);
		assert_true(xencons_put(&out, fill, sizeof(fill)) > 0);
		long n = consback_service(&c);
		assert_true(n > 0 && n <= CONS_SERVICE_MAX);
		total += n;
	}
	assert_int_equal(total, 4 * 2048);
	assert_int_equal(c.log.end, 4 * 2048);
}

static void test_input_and_broken(void **state)
{
	static struct consback c;
	char got[2048];
	struct xencons_q in = xencons_in(&page);

	consback_init(&c, 2, &page, mirror);
	assert_int_equal(consback_input(&c, "ls\r", 3), 3);
	assert_int_equal(xencons_get(&in, got, sizeof(got)), 3);
	assert_memory_equal(got, "ls\r", 3);
	char many[1500];
	memset(many, 'k', sizeof(many));
	assert_int_equal(consback_input(&c, many, sizeof(many)), 1024); /* what fits */
	assert_int_equal(consback_input(&c, "more", 4), 0);
	assert_int_equal(c.bytes_in, 3 + 1024);
	/* the domain lies about its out queue: the console closes for good */
	page.out_prod = page.out_cons + 5000;
	assert_int_equal(consback_service(&c), -1);
	assert_true(c.broken);
	page.out_prod = page.out_cons + 1; /* even once it tells the truth */
	assert_int_equal(consback_service(&c), -1);
	assert_int_equal(consback_input(&c, "x", 1), -1);
	assert_int_equal(c.log.end, 0);
	/* the same for a lie on the in side */
	consback_init(&c, 2, &page, mirror);
	page.in_cons = page.in_prod + 2000;
	assert_int_equal(consback_input(&c, "x", 1), -1);
	assert_true(c.broken);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_put_get_wrap, setup),
		cmocka_unit_test_setup(test_full_ring, setup),
		cmocka_unit_test_setup(test_lying_indices, setup),
		cmocka_unit_test_setup(test_log_bounded, setup),
		cmocka_unit_test_setup(test_service_and_mirror, setup),
		cmocka_unit_test_setup(test_service_bounded, setup),
		cmocka_unit_test_setup(test_input_and_broken, setup),
	};
	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
