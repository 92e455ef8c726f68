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
	return h_hold(d.bf.req[0].ind_ref);
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
	assert_int_equal(gnttab_late(), 1);   /* ... with its page, for a later revoke */
	assert_null(d.bf.req[0].ind);
	assert_null(d.bf.sring);

	h_let_go(&m);
	assert_int_equal(xenbus_write(&back, 0, "backend/vbd/1/51712/state", "6"), 0);
	settle();
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(gnttab_late(), 0);
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

	h_let_go(&m);
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

/* ---- Grants a backend keeps (docs/split-drivers.md, "Grants a backend keeps") ---- */

static void (*served_wait)(struct blkfront *bf, unsigned long seen);
static struct gnttab_map_grant_ref kept;
static bool keeping;

/* The backend serves the read, then keeps the data page's grant mapped after answering. */
static void serve_and_keep(struct blkfront *bf, unsigned long seen)
{
	grant_ref_t ref = bf->req[0].grants[0];
	served_wait(bf, seen);
	if (!keeping) {
		kept = h_hold(ref);
		keeping = true;
	}
}

/* The backend lets go at the third pause; until then the caller must still be waiting. */
static void let_go_at_third(unsigned long pauses)
{
	assert_int_equal(gnttab_late(), 1);
	assert_true(keeping);
	if (pauses == 3) {
		h_let_go(&kept);
		keeping = false;
	}
}

/*
 * Without persistent grants a backend must unmap a page before it
 * answers.  One that does not: the read completes, but the caller gets
 * its buffer back only once the revoke succeeds (retried at each
 * pause), and the reference is then free.  Before, the revoke failure
 * was only counted: the read returned at once with the page still
 * writable by the backend, and the grant was never revoked.
 */
static void test_unpersisted_grant_kept_after_answer(void **state)
{
	(void)state;
	static uint8_t buf[8 * 512] __attribute__((aligned(4096)));

	blkfront_use_persistent = false;
	up("ram:1");
	blkfront_use_persistent = true;
	assert_false(d.bf.persist.on);
	io_works(5);
	unsigned int base = gnttab_in_use();
	served_wait = d.bf.wait;
	d.bf.wait = serve_and_keep;
	h_pause_hook = let_go_at_third;
	assert_int_equal(blkfront_rw(&d.bf, false, 8, buf, 8), 0);
	assert_false(keeping);
	assert_int_equal(h_pauses, 3);
	assert_int_equal(d.bf.stats.held_calls, 1);
	assert_int_equal(d.bf.stats.late_grants, 1);
	assert_int_equal(gnttab_late(), 0);
	assert_int_equal(gnttab_in_use(), base);
	assert_int_equal(buf[0], (uint8_t)5); /* io_works(5) wrote it */
	d.bf.wait = served_wait;
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

/* The backend leaves while a read is in flight, keeping its data page mapped. */
static void leave_keeping(struct blkfront *bf, unsigned long seen)
{
	kept = h_hold(bf->req[0].grants[0]);
	keeping = true;
	detached_while_waiting(bf, seen);
}

/* Its page stays late until the second pause; the caller has not returned by then. */
static void let_go_at_second(unsigned long pauses)
{
	assert_int_equal(gnttab_late(), 1);
	assert_int_equal(d.xd.own, XenbusStateClosed);
	if (pauses == 2) {
		h_let_go(&kept);
		keeping = false;
	}
}

/*
 * The backend leaves with a read in flight and still maps the read's
 * page (a disk's DMA into it may still land).  The read fails, but only
 * once that page's revoke succeeded: the caller never holds a buffer the
 * backend can write.  With persistent grants the page's cache entry is
 * dropped for it; without, its one-request grant is.  Before, the read
 * returned -XEN_EIO at once while the backend could still write the
 * buffer.
 */
static void backend_leaves_keeping(bool persist)
{
	static uint8_t buf[8 * 512] __attribute__((aligned(4096)));

	blkfront_use_persistent = persist;
	up("ram:1");
	blkfront_use_persistent = true;
	assert_true(d.bf.persist.on == persist);
	d.bf.wait = leave_keeping;
	h_pause_hook = let_go_at_second;
	assert_int_equal(blkfront_rw(&d.bf, false, 0, buf, 8), -XEN_EIO);
	assert_false(keeping);
	assert_int_equal(h_pauses, 2);
	assert_int_equal(d.bf.stats.held_calls, 1);
	assert_int_equal(d.bf.in_flight, 0);
	assert_int_equal(gnttab_late(), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(blkfront_disconnect(&d), 0);
}

static void test_backend_leaves_keeping_a_persistent_page(void **state)
{
	(void)state;
	backend_leaves_keeping(true);
}

static void test_backend_leaves_keeping_a_one_request_page(void **state)
{
	(void)state;
	backend_leaves_keeping(false);
}

/*
 * The owner disconnects while the backend still maps the ring page, and
 * connects the same device struct again (blkfront_connect starts from a
 * zeroed struct).  The ring's revoke must survive that: once the backend
 * lets go, the next release revokes it and frees the page.  Before,
 * the connect forgot it: the grant stayed in use for good and its page
 * was never freed (LeakSanitizer).
 */
static void test_connect_keeps_late_revokes(void **state)
{
	(void)state;
	up("ram:1");
	struct gnttab_map_grant_ref m = h_hold(d.bf.ring_ref);

	assert_int_equal(blkfront_disconnect(&d), 1);
	assert_int_equal(gnttab_late(), 1);
	assert_int_equal(blkfront_connect(&d, &front, FRONT_ID, VBD), 0);
	settle();
	h_connect(&d.bf, NULL);
	io_works(6);
	assert_int_equal(gnttab_late(), 1);
	h_let_go(&m);
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(gnttab_late(), 0);
}

/*
 * Rounds whose ring page the backend keeps, one after another, more
 * than the two rounds the frontend used to keep track of: each new
 * round starts while every earlier ring is still mapped, and once the
 * backend lets go of them all, every one is revoked and freed.
 */
static void test_rounds_keeping_their_rings(void **state)
{
	(void)state;
	enum { ROUNDS = 4 };
	struct gnttab_map_grant_ref m[ROUNDS];

	up("ram:1");
	for (unsigned int i = 0; i < ROUNDS; i++) {
		m[i] = h_hold(d.bf.ring_ref);
		assert_int_equal(blkback_detach(FRONT_ID, VBD), 0);
		settle();
		assert_int_equal(gnttab_late(), i + 1);
		assert_int_equal(blkback_attach(&back, FRONT_ID, VBD, "ram:1"), 0);
		settle();
		assert_int_equal(d.xd.own, XenbusStateConnected);
		h_connect(&d.bf, NULL);
		io_works(7 + i);
	}
	for (unsigned int i = 0; i < ROUNDS; i++)
		h_let_go(&m[i]);
	io_works(20); /* a transfer retries the late revokes */
	assert_int_equal(gnttab_late(), 0);
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
		cmocka_unit_test_setup_teardown(test_unpersisted_grant_kept_after_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_backend_leaves_keeping_a_persistent_page,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_leaves_keeping_a_one_request_page,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_keeps_late_revokes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds_keeping_their_rings, setup, teardown),
	};
	return cmocka_run_group_tests_name("blk_close", tests, NULL, NULL);
}
