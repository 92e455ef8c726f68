/*
 * xenbus.h's Closed handshake when the backend leads, and a new round,
 * through blkfront's glue against the real blkback glue and xenstored
 * (harness.h).  The frontend follows its backend from its watch alone
 * (xendev_front_follow): nobody calls blkfront_disconnect or
 * blkfront_connect here until the end.
 *
 * Before this, a frontend whose backend went away only marked itself
 * disconnected: it stayed Connected in the store, kept its ring and
 * every grant until its owner closed it, and never came back when the
 * backend did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>
#include <xenbus/xendev.h>
#include "harness.h"
#include <back/blkback.h>
#include <core/gnttab.h>
#include <front/blkfront.h>

#define VBD 51712

static struct xenbus back, front;
static struct blkfront_dev d;

static int setup(void **state)
{
	(void)state;
	h_store_up(&back, &front);
	h_reset();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_store_down();
	return 0;
}

/* The frontend's own state as the store has it ("" if the node is gone). */
static const char *front_state(void)
{
	static char buf[8];
	if (xenbus_read(&front, 0, "device/vbd/51712/state", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

/* Run both ends' watches until neither has anything left to do. */
static void settle(void)
{
	for (int i = 0; i < 4; i++) {
		xenbus_dispatch_events(&back);
		xenbus_dispatch_events(&front);
	}
}

static void up(const char *disk)
{
	assert_int_equal(blkback_attach(&back, FRONT_ID, VBD, disk), 0);
	assert_int_equal(blkfront_connect(&d, &front, FRONT_ID, VBD), 0);
	settle();
	h_connect(&d.bf, NULL);
}

/* I/O works: a write read back. */
static void io_works(unsigned int seed)
{
	static uint8_t out[16 * 512] __attribute__((aligned(4096)));
	static uint8_t in[16 * 512] __attribute__((aligned(4096)));
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 7 + seed);
	assert_int_equal(blkfront_rw(&d.bf, true, 8, out, 16), 0);
	assert_int_equal(blkfront_rw(&d.bf, false, 8, in, 16), 0);
	assert_memory_equal(in, out, sizeof(out));
}

/* The backend goes away (detached) while the frontend waits for a read. */
static void detached_while_waiting(struct blkfront *bf, unsigned long seen)
{
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	xenbus_dispatch_events(&front);
	if (bf->ev.count == seen)
		fail_msg("the frontend did not notice its backend going away");
}

/*
 * The backend is detached (it unmaps, then both directories go) while a
 * long read waits for a free slot.  The frontend fails the read, releases the ring and every
 * grant from its watch, with the reader still asleep in the call (the
 * ring must not go from under it), and counts itself Closed without
 * writing its vanished directory again.  The backend is attached again
 * (InitWait, a bigger disk): the frontend sets up a new ring by itself,
 * then reads the new disk's keys at Connected, and I/O works.
 */
static void test_backend_leaves_and_returns(void **state)
{
	(void)state;
	static uint8_t buf[8 * 512] __attribute__((aligned(4096)));
	static uint8_t big[2 << 20] __attribute__((aligned(4096)));

	up("ram:4");
	io_works(1);
	/* A read longer than the ring holds: it waits for a free slot in the
	 * middle of its train, with requests queued and not yet pushed. */
	d.bf.max_indirect = 0;
	d.bf.wait = detached_while_waiting;
	assert_int_equal(blkfront_rw(&d.bf, false, 0, big, sizeof(big) / 512), -XEN_EIO);
	assert_int_equal(d.bf.in_flight, 0);
	assert_int_equal(d.xd.own, XenbusStateClosed);
	assert_false(d.bf.connected);
	assert_null(d.bf.sring);
	assert_int_equal(d.bf.port, 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(h_maps, 0);
	assert_string_equal(front_state(), ""); /* not made again */
	assert_int_equal(blkfront_rw(&d.bf, false, 0, buf, 8), -XEN_ENOTCONN);

	assert_int_equal(blkback_attach(&back, FRONT_ID, VBD, "ram:2"), 0);
	settle();
	assert_int_equal(d.xd.own, XenbusStateConnected);
	assert_string_equal(front_state(), "4");
	assert_true(d.bf.connected);
	assert_int_equal(d.bf.sectors, 4096); /* the new disk's */
	assert_int_equal(blkback_count(true), 1);
	assert_int_equal(h_maps, 1);
	h_connect(&d.bf, NULL);
	io_works(2);

	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

/* The backend maps the frontend's first indirect page (as a backend
 * that is slow to let go would still have it mapped). */
static struct gnttab_map_grant_ref hold_ind0(void)
{
	struct gnttab_map_grant_ref m = {.ref = d.bf.req[0].ind_ref,
					 .dom = FRONT_ID,
					 .flags = GNTMAP_device_map | GNTMAP_readonly};
	assert_int_equal(gnttab_op_map(&m, 1), 0);
	assert_int_equal(m.status, GNTST_okay);
	return m;
}

/* ... and lets go of it. */
static void let_go(const struct gnttab_map_grant_ref *m)
{
	struct gnttab_unmap_grant_ref u = {.handle = m->handle, .dev_bus_addr = m->dev_bus_addr};
	assert_int_equal(gnttab_op_unmap(&u, 1), 0);
	assert_int_equal(u.status, GNTST_okay);
}

/*
 * A backend that goes Closing before it lets go of the ring (Linux's
 * blkback unmaps only once the frontend is Closed); here an extra map of
 * one of the frontend's pages (an indirect page) stands for that.  The frontend goes Closing, then Closed
 * (so such a backend can let go), and keeps what the backend still holds
 * granted; when the backend then reaches Closed the frontend revokes it.
 * Then the frontend can start a new round itself, as xendev_front_start
 * does: the backend answers Initialising with InitWait.
 */
static void test_backend_closes_holding_the_ring(void **state)
{
	(void)state;
	up("ram:1");
	struct gnttab_map_grant_ref m = hold_ind0();

	assert_int_equal(xenbus_write(&back, 0, "backend/vbd/1/51712/state", "5"), 0);
	xenbus_dispatch_events(&front);
	assert_false(d.bf.connected);
	assert_int_equal(d.xd.own, XenbusStateClosed);
	assert_string_equal(front_state(), "6");
	assert_int_equal(gnttab_in_use(), 1); /* the page still mapped: kept */
	assert_non_null(d.bf.req[0].ind);
	assert_null(d.bf.sring);

	let_go(&m);
	assert_int_equal(xenbus_write(&back, 0, "backend/vbd/1/51712/state", "6"), 0);
	settle();
	assert_int_equal(gnttab_in_use(), 0);
	assert_null(d.bf.req[0].ind);
	assert_int_equal(h_maps, 0);

	/* The owner closes a device that is already closed: nothing left to do. */
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_string_equal(front_state(), "6");
	assert_int_equal(blkfront_connect(&d, &front, FRONT_ID, VBD), 0);
	settle();
	h_connect(&d.bf, NULL);
	io_works(3);
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

/*
 * A backend that still maps one of the frontend's pages (an indirect
 * page) when it is detached, and is attached again before it lets go.
 * The frontend closes keeping that page granted, then starts a new
 * round; the old grant must stay on its list of revokes to retry, so
 * once the backend lets go it is revoked by the next transfer or
 * disconnect.  Before, the new round's ring set-up forgot it: the grant
 * stayed in use for good (one lost grant per round with such a backend).
 */
static void test_new_round_keeps_held_grants(void **state)
{
	(void)state;
	up("ram:1");
	struct gnttab_map_grant_ref m = hold_ind0();

	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	settle();
	assert_int_equal(d.xd.own, XenbusStateClosed);
	assert_int_equal(gnttab_in_use(), 1); /* the mapped page: kept */

	assert_int_equal(blkback_attach(&back, FRONT_ID, VBD, "ram:1"), 0);
	settle();
	assert_int_equal(d.xd.own, XenbusStateConnected);
	h_connect(&d.bf, NULL);
	io_works(4);

	let_go(&m);
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

int blk_close_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backend_leaves_and_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_closes_holding_the_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_new_round_keeps_held_grants, setup, teardown),
	};
	return cmocka_run_group_tests_name("blk_close", tests, NULL, NULL);
}
