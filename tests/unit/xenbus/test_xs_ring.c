/*
 * The XenStore ring transport: both ends over one in-memory page, with
 * indices started near 2^32 so every test crosses the 32-bit wrap as well as
 * the 1 KiB ring end; partial transfers; corrupt indices; notifications.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <xenbus/xs_ring.h>

static struct xenstore_domain_interface page;
static struct xs_ring client, server;
static int kicks;

static void count_kick(void *arg)
{
	(void)arg;
	kicks++;
}

static void setup_rings(XENSTORE_RING_IDX start)
{
	memset(&page, 0, sizeof(page));
	page.req_cons = page.req_prod = start;
	page.rsp_cons = page.rsp_prod = start;
	xs_ring_init(&client, &page, XS_RING_CLIENT, count_kick, NULL);
	xs_ring_init(&server, &page, XS_RING_SERVER, count_kick, NULL);
	kicks = 0;
}

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(offsetof(struct xenstore_domain_interface, rsp), 1024);
	assert_int_equal(offsetof(struct xenstore_domain_interface, req_cons), 2048);
	assert_int_equal(offsetof(struct xenstore_domain_interface, rsp_prod), 2060);
	assert_int_equal(offsetof(struct xenstore_domain_interface, server_features), 2064);
	assert_int_equal(offsetof(struct xenstore_domain_interface, evtchn_port), 2076);
	assert_int_equal(sizeof(struct xsd_sockmsg), 16);
}

static void test_round_trip_across_wrap(void **state)
{
	char out[700], in[700];
	(void)state;
	setup_rings(0xfffffe00u);
	for (int round = 0; round < 10; round++) {
		for (size_t i = 0; i < sizeof(out); i++)
			out[i] = (char)(i * 7 + round);
		assert_int_equal(xs_ring_write(&client, out, sizeof(out)), sizeof(out));
		xs_ring_notify(&client);
		xs_ring_notify(&client); /* nothing new: no second kick */
		assert_int_equal(xs_ring_avail_in(&server), sizeof(out));
		assert_int_equal(xs_ring_read(&server, in, sizeof(in)), sizeof(in));
		assert_memory_equal(in, out, sizeof(out));
		assert_int_equal(xs_ring_write(&server, out, sizeof(out)), sizeof(out));
		xs_ring_notify(&server); /* one kick for a read and a write */
		assert_int_equal(xs_ring_read(&client, in, sizeof(in)), sizeof(in));
		assert_memory_equal(in, out, sizeof(out));
	}
	assert_int_equal(kicks, 20);
}

static void test_partial_when_full(void **state)
{
	char big[1500], in[1500];
	(void)state;
	setup_rings(100);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)i;
	assert_int_equal(xs_ring_write(&client, big, sizeof(big)), XENSTORE_RING_SIZE);
	assert_int_equal(xs_ring_space_out(&client), 0);
	assert_int_equal(xs_ring_write(&client, big, 1), 0);
	assert_int_equal(xs_ring_read(&server, in, 10), 10);
	assert_int_equal(xs_ring_write(&client, big + 1024, 476), 10);
	assert_int_equal(xs_ring_read(&server, in + 10, sizeof(in)), 1024);
	assert_memory_equal(in, big, 1034);
	assert_int_equal(xs_ring_read(&server, in, 1), 0);
}

static void test_corrupt_indices(void **state)
{
	char buf[8] = "abcdefg";
	(void)state;
	setup_rings(0);
	page.req_prod = 5000; /* a hostile guest claims 5000 bytes */
	assert_int_equal(xs_ring_read(&server, buf, sizeof(buf)), -1);
	assert_int_equal(xs_ring_avail_in(&server), 0);
	page.rsp_cons = 77; /* consumer ahead of producer */
	assert_int_equal(xs_ring_write(&server, buf, sizeof(buf)), -1);
	xs_ring_notify(&server);
	assert_int_equal(kicks, 0);
}

int xenbus_tests(void);

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_round_trip_across_wrap),
		cmocka_unit_test(test_partial_when_full),
		cmocka_unit_test(test_corrupt_indices),
	};
	return cmocka_run_group_tests_name("xs_ring", tests, NULL, NULL) + xenbus_tests();
}
