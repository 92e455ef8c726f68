/*
 * The split-driver toolkit against the real xenstored in this process:
 * the toolstack's two directories (keys, owners, permissions), both ends
 * opening them, the state handshake from Initialising to Connected with
 * the ring keys, the other end's state followed by a watch, closing and
 * a second round, and ring keys a frontend got wrong; blkfront's and
 * blkback's feature-persistent negotiation, both ways.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>
#include <dom0/xenstored/xenstored.h>
#include <public/errno.h>
#include <xenbus/xendev.h>
#include "harness.h"
#include <back/blkback.h>
#include <core/gnttab.h>
#include <front/blkfront.h>

static struct xenbus back, front;

static const struct xendev_key front_keys[] = {
	{"virtual-device", "51712"}, {"device-type", "disk"}, {NULL, NULL}};
static const struct xendev_key back_keys[] = {{"params", "ram:4"}, {"mode", "w"}, {NULL, NULL}};
static const struct xendev_spec spec = {.type = "vbd",
					.front_id = 1,
					.back_id = 0,
					.devid = 51712,
					.front_keys = front_keys,
					.back_keys = back_keys};

static int setup(void **state)
{
	(void)state;
	h_store_up(&back, &front);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_store_down();
	return 0;
}

static void test_create(void **state)
{
	(void)state;
	char buf[128];
	assert_int_equal(xendev_create(&back, &spec), 0);
	assert_int_equal(xenbus_read(&front, 0, "device/vbd/51712/backend", buf, sizeof(buf)),
			 (int)strlen("/local/domain/0/backend/vbd/1/51712"));
	assert_string_equal(buf, "/local/domain/0/backend/vbd/1/51712");
	assert_int_equal(xenbus_read(&front, 0, "device/vbd/51712/state", buf, sizeof(buf)), 1);
	assert_int_equal(
		xenbus_read(&front, 0, "device/vbd/51712/virtual-device", buf, sizeof(buf)), 5);
	/* The frontend may read the backend's directory, not write it. */
	assert_int_equal(xenbus_read(&front, 0, "/local/domain/0/backend/vbd/1/51712/params", buf,
				     sizeof(buf)),
			 5);
	assert_int_equal(xenbus_write(&front, 0, "/local/domain/0/backend/vbd/1/51712/params", "x"),
			 -XEN_EACCES);
	assert_int_equal(xenbus_read(&back, 0, "backend/vbd/1/51712/frontend-id", buf, sizeof(buf)),
			 1);
	assert_int_equal(xenbus_read(&back, 0, "backend/vbd/1/51712/online", buf, sizeof(buf)), 1);
	assert_int_equal(xendev_destroy(&back, &spec), 0);
	assert_int_equal(xenbus_read(&front, 0, "device/vbd/51712/state", buf, sizeof(buf)),
			 -XEN_ENOENT);
	assert_int_equal(xendev_destroy(&back, &spec), 0); /* idempotent */
}

static enum xenbus_state seen_by_back[16];
static unsigned int nseen;

static void back_changed(struct xendev *xd, enum xenbus_state st)
{
	(void)xd;
	if (nseen < 16)
		seen_by_back[nseen++] = st;
}

static void test_handshake(void **state)
{
	(void)state;
	struct xendev fx, bx;
	enum xenbus_state st;
	grant_ref_t ref;
	evtchn_port_t port;

	assert_int_equal(xendev_front_open(&fx, &front, 1, "vbd", 51712), -XEN_ENOENT);
	assert_int_equal(xendev_create(&back, &spec), 0);
	assert_int_equal(xendev_front_open(&fx, &front, 1, "vbd", 51712), 0);
	assert_int_equal(fx.otherend_id, 0);
	assert_int_equal(xendev_back_open(&bx, &back, 0, "vbd", 2, 51712), -XEN_ENOENT);
	assert_int_equal(xendev_back_open(&bx, &back, 0, "vbd", 1, 51712), 0);
	assert_string_equal(bx.otherend, "/local/domain/1/device/vbd/51712");
	nseen = 0;
	assert_int_equal(xendev_watch_otherend(&bx, back_changed, NULL), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(nseen, 1); /* a new watch fires once */
	assert_int_equal(seen_by_back[0], XenbusStateInitialising);

	assert_int_equal(xendev_write_ulong(&bx, 0, "feature-flush-cache", 1), 0);
	assert_int_equal(xendev_switch(&bx, XenbusStateInitWait), 0);
	assert_int_equal(xendev_wait_other(&fx, 1u << XenbusStateInitWait, &st), 0);
	unsigned long v;
	assert_int_equal(xendev_read_other_ulong(&fx, "feature-flush-cache", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(xendev_read_other_ulong_or(&fx, "feature-discard", 7, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), -XEN_ENOENT);
	assert_int_equal(xendev_front_publish(&fx, 42, 9), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(seen_by_back[nseen - 1], XenbusStateInitialised);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), 0);
	assert_int_equal(ref, 42);
	assert_int_equal(port, 9);
	assert_int_equal(xendev_switch(&bx, XenbusStateConnected), 0);
	assert_int_equal(xendev_wait_other(&fx, 1u << XenbusStateConnected, &st), 0);
	assert_int_equal(xendev_switch(&fx, XenbusStateConnected), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(seen_by_back[nseen - 1], XenbusStateConnected);

	/* Ring keys a frontend got wrong. */
	assert_int_equal(xendev_write(&fx, 0, "event-channel", "0"), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), -XEN_EINVAL);
	assert_int_equal(xendev_write(&fx, 0, "event-channel", "9x"), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), -XEN_EINVAL);
	assert_int_equal(xendev_write(&fx, 0, "event-channel", "9"), 0);
	assert_int_equal(xendev_write(&fx, 0, "ring-ref", "99999999999"), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), -XEN_EINVAL);
	assert_int_equal(xendev_write(&fx, 0, "ring-ref", "42"), 0);
	assert_int_equal(xendev_write(&fx, 0, "protocol", "x86_32-abi"), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), -XEN_EINVAL);

	/* Close, then a second round. */
	assert_int_equal(xendev_switch(&fx, XenbusStateClosing), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(seen_by_back[nseen - 1], XenbusStateClosing);
	assert_int_equal(xendev_switch(&bx, XenbusStateClosed), 0);
	assert_int_equal(xendev_wait_other(&fx, 1u << XenbusStateClosed, &st), 0);
	assert_int_equal(xendev_switch(&fx, XenbusStateInitialising), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(seen_by_back[nseen - 1], XenbusStateInitialising);
	assert_int_equal(xendev_switch(&bx, XenbusStateInitWait), 0);
	assert_int_equal(xendev_front_publish(&fx, 43, 10), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), 0);
	assert_int_equal(ref, 43);
	xendev_close(&bx);
	unsigned int before = nseen;
	assert_int_equal(xendev_switch(&fx, XenbusStateClosed), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(nseen, before); /* no callbacks after close */
	assert_int_equal(xendev_destroy(&back, &spec), 0);
}

/*
 * blkif.h's state diagram: a backend that negotiates nothing may go to
 * Initialised without InitWait, and a frontend must go on from there
 * (publish its ring, Initialised, wait for Connected).  Before the fix
 * xendev_front_start waited for InitWait or Connected for ever: the
 * alarm turns that hang into a failure.
 */
static void test_backend_skips_initwait(void **state)
{
	(void)state;
	struct xendev fx, bx;
	enum xenbus_state st;
	grant_ref_t ref;
	evtchn_port_t port;

	assert_int_equal(xendev_create(&back, &spec), 0);
	assert_int_equal(xendev_back_open(&bx, &back, 0, "vbd", 1, 51712), 0);
	assert_int_equal(xendev_switch(&bx, XenbusStateInitialised), 0);
	alarm(20);
	assert_int_equal(xendev_front_start(&fx, &front, 1, "vbd", 51712), 0);
	alarm(0);
	assert_int_equal(xendev_other_state(&fx), XenbusStateInitialised);
	assert_int_equal(xendev_front_publish(&fx, 44, 11), 0);
	assert_int_equal(xendev_back_ring_keys(&bx, &ref, &port), 0);
	assert_int_equal(ref, 44);
	assert_int_equal(xendev_switch(&bx, XenbusStateConnected), 0);
	assert_int_equal(xendev_wait_other(&fx, 1u << XenbusStateConnected, &st), 0);
	xendev_close(&fx);
	assert_int_equal(xendev_destroy(&back, &spec), 0);
}

/* --- blkback's and blkfront's glue over the real daemon --- */

static int glue_setup(void **state)
{
	setup(state);
	h_reset();
	return 0;
}

static void test_glue_connect_io_reconnect(void **state)
{
	(void)state;
	static struct blkfront_dev d;
	char buf[64];
	enum xenbus_state st;

	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:x"), -XEN_EINVAL);
	assert_int_equal(blkback_attach(&back, 1, 51712, "nodisk"), -XEN_ENODEV);
	assert_int_equal(blkback_attach(&back, DOMID_IO, 51712, "ram:4"), -XEN_EINVAL);
	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:4"), 0);
	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:4"), -XEN_EEXIST);
	assert_int_equal(xenbus_read(&front, 0, "/local/domain/0/backend/vbd/1/51712/state", buf,
				     sizeof(buf)),
			 1);
	assert_string_equal(buf, "2"); /* InitWait */
	assert_int_equal(blkfront_connect(&d, &front, 1, 52000), -XEN_ENOENT);
	assert_int_equal(blkfront_connect(&d, &front, 1, 51712), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(blkback_count(true), 1);
	assert_int_equal(d.bf.sectors, 8192);
	assert_int_equal(d.bf.max_indirect, BLKFRONT_MAX_INDIRECT);
	assert_true(d.bf.can_discard && d.bf.can_flush);
	/* blkif.h note 4: with feature-discard, discard-granularity and -alignment too. */
	assert_int_equal(xenbus_read(&front, 0,
				     "/local/domain/0/backend/vbd/1/51712/discard-granularity", buf,
				     sizeof(buf)),
			 3);
	assert_string_equal(buf, "512");
	assert_int_equal(xenbus_read(&front, 0,
				     "/local/domain/0/backend/vbd/1/51712/discard-alignment", buf,
				     sizeof(buf)),
			 1);
	assert_string_equal(buf, "0");
	assert_int_equal(h_maps, 1);
	h_connect(&d.bf, NULL);

	static uint8_t data[64 * 512] __attribute__((aligned(4096))), back_data[64 * 512];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	assert_int_equal(blkfront_rw(&d.bf, true, 256, data, 64), 0);
	assert_int_equal(blkfront_rw(&d.bf, false, 256, back_data, 64), 0);
	assert_memory_equal(data, back_data, sizeof(data));

	/* Disconnect: the backend lets go of the ring, every grant comes back. */
	assert_int_equal(blkfront_disconnect(&d), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(h_maps, 0);
	assert_int_equal(blkback_count(true), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(xendev_wait_other(&d.xd, 1u << XenbusStateClosed, &st), 0);

	/* Reconnect: the same disk, the same data. */
	assert_int_equal(blkfront_connect(&d, &front, 1, 51712), 0);
	xenbus_dispatch_events(&back);
	h_connect(&d.bf, NULL);
	memset(back_data, 0, sizeof(back_data));
	assert_int_equal(blkfront_rw(&d.bf, false, 256, back_data, 64), 0);
	assert_memory_equal(data, back_data, sizeof(data));

	/* The frontend's domain dies with requests in flight. */
	for (unsigned int i = 0; i < 3; i++) {
		struct blkif_request *r = RING_GET_REQUEST(&d.bf.ring, d.bf.ring.req_prod_pvt++);
		memset(r, 0, sizeof(*r));
		r->operation = BLKIF_OP_READ;
		r->nr_segments = 1;
		r->id = 100 + i;
		r->seg[0].gref = d.bf.req[0].ind_ref;
		r->seg[0].last_sect = 7;
	}
	RING_PUSH_REQUESTS(&d.bf.ring);
	h_front_dead = true;
	assert_int_equal(xenbus_release(&back, 1), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(h_maps, 0); /* ring unmapped, nothing of d1 mapped */
	assert_int_equal(blkback_count(true), 0);
	assert_int_equal(blkback_count(false), 1);
	assert_int_equal(blkback_detach(1, ~0u), 0);
	assert_int_equal(blkback_count(false), 0);
	assert_int_equal(blkback_detach(1, ~0u), -XEN_ENOENT);
	assert_int_equal(xenbus_read(&back, 0, "backend/vbd/1/51712/state", buf, sizeof(buf)),
			 -XEN_ENOENT);
	/* The dead domain's memory goes with it (here: the frontend's pages, all let go). */
	assert_int_equal(blkfront_ring_free(&d.bf), 0);
	/* A new domain 1 gets a fresh disk through the same backend. */
	h_reset();
	h_store_domain1();
	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:1,r"), 0);
	assert_int_equal(blkfront_connect(&d, &front, 1, 51712), 0);
	xenbus_dispatch_events(&back);
	h_connect(&d.bf, NULL);
	assert_true(d.bf.info & VDISK_READONLY);
	assert_int_equal(blkfront_rw(&d.bf, false, 0, back_data, 8), 0);
	assert_int_equal(blkfront_rw(&d.bf, true, 0, back_data, 8), -XEN_EIO);
	assert_int_equal(blkfront_disconnect(&d), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(blkback_detach(1, 51712), 0);
	assert_int_equal(h_maps, 0);
}

/*
 * xenbus.h / blkif.h: a backend that goes Closing is going away and the
 * frontend must let go too.  Here the backend closes while a read is in
 * flight (as Xen's block-detach does): the read fails instead of waiting
 * for ever, later ones fail at once, and the disk then closes cleanly
 * with every grant back.  Before the fix nothing followed the backend's
 * state once connected and the wait below found no event.
 */
static void backend_closes_wait(struct blkfront *bf, unsigned long seen)
{
	assert_int_equal(xenbus_write(&back, 0, "backend/vbd/1/51712/state", "5"), 0);
	xenbus_dispatch_events(&front);
	if (bf->ev.count == seen)
		fail_msg("the frontend did not notice the backend closing");
}

static void test_glue_backend_closes_first(void **state)
{
	(void)state;
	static struct blkfront_dev d;
	static uint8_t buf[8 * 512] __attribute__((aligned(4096)));

	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:1"), 0);
	assert_int_equal(blkfront_connect(&d, &front, 1, 51712), 0);
	xenbus_dispatch_events(&back);
	h_connect(&d.bf, NULL);
	assert_int_equal(blkfront_rw(&d.bf, false, 0, buf, 8), 0);
	d.bf.wait = backend_closes_wait;
	assert_int_equal(blkfront_rw(&d.bf, false, 0, buf, 8), -XEN_EIO);
	assert_false(d.bf.connected);
	assert_int_equal(d.bf.in_flight, 0);
	assert_int_equal(blkfront_rw(&d.bf, false, 0, buf, 8), -XEN_ENOTCONN);
	assert_int_equal(blkback_detach(1, 51712), 0);
	assert_int_equal(blkfront_disconnect(&d), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(h_maps, 0);
}

/*
 * The device-table entry (blkfront_probe_all): reads and writes, aligned
 * and through the bounce buffer, and vectored reads (one notification,
 * a bad piece refused first) move the data, and every request goes
 * out with events masked (a response then needs no upcall), unmasked
 * again afterwards.
 */
static void test_glue_device_masks_events(void **state)
{
	(void)state;
	static uint8_t data[16 * 512] __attribute__((aligned(4096)));
	static uint8_t back_data[16 * 512 + 64] __attribute__((aligned(4096)));

	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:4"), 0);
	assert_int_equal(blkfront_probe_all(&front, 1), 1);
	xenbus_dispatch_events(&back);
	struct device *dev = device_find("xvda");
	assert_non_null(dev);
	struct blkfront_dev *d = dev->priv;
	h_connect(&d->bf, NULL);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	unsigned long kicks = h_back_kicks, unmasked = h_back_kicks_unmasked;
	assert_int_equal(dev->block->write(dev, 8, 16, data), 0);
	assert_int_equal(dev->block->read(dev, 8, 16, back_data), 0);
	assert_memory_equal(data, back_data, sizeof(data));
	assert_int_equal(dev->block->read(dev, 8, 16, back_data + 8), 0); /* bounced */
	assert_memory_equal(data, back_data + 8, sizeof(data));
	/* Vectored: both halves in one call, in device sectors; a bad piece refuses all. */
	struct block_vec v[2] = {{16, 8, back_data + 4096}, {8, 8, back_data}};
	memset(back_data, 0, sizeof(back_data));
	unsigned long before_vec = h_back_kicks;
	assert_int_equal(dev->block->rw_vec(dev, false, v, 2), 0);
	assert_int_equal(h_back_kicks - before_vec, 1);
	assert_memory_equal(data, back_data, sizeof(data));
	v[0].buf = back_data + 8;
	assert_int_equal(dev->block->rw_vec(dev, false, v, 2), -EINVAL);
	v[0] = (struct block_vec){dev->sectors - 4, 8, back_data};
	assert_int_equal(dev->block->rw_vec(dev, true, v, 2), -EINVAL);
	assert_int_equal(h_back_kicks - before_vec, 1);
	assert_true(h_back_kicks >= kicks + 4);
	assert_int_equal(h_back_kicks_unmasked, unmasked);
	assert_int_equal(h_events_masked, 0);
	assert_int_equal(blkfront_disconnect(d), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(blkback_detach(1, 51712), 0);
	assert_int_equal(gnttab_in_use(), 0);
}

/* One round: connect with the given offers, transfer twice, disconnect; returns whether on. */
static bool persistent_round(bool back_offers, bool front_offers)
{
	static struct blkfront_dev d;
	static uint8_t data[8 * 4096] __attribute__((aligned(4096)));
	const char *fkey = "/local/domain/1/device/vbd/51712/feature-persistent";
	const char *bkey = "/local/domain/0/backend/vbd/1/51712/feature-persistent";
	char val[8];

	blkback_no_persist = !back_offers;
	blkfront_use_persistent = front_offers;
	assert_int_equal(blkback_attach(&back, 1, 51712, "ram:1"), 0);
	assert_int_equal(xenbus_read(&front, 0, bkey, val, sizeof(val)), 1);
	assert_string_equal(val, back_offers ? "1" : "0");
	assert_int_equal(blkfront_connect(&d, &front, 1, 51712), 0);
	xenbus_dispatch_events(&back);
	h_connect(&d.bf, NULL);
	if (front_offers) {
		assert_int_equal(xenbus_read(&front, 0, fkey, val, sizeof(val)), 1);
		assert_string_equal(val, back_offers ? "1" : "0");
	} else { /* a frontend that does not offer them writes no key */
		assert_true(xenbus_read(&front, 0, fkey, val, sizeof(val)) < 0);
	}
	bool on = d.bf.persist.on;
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(blkfront_rw(&d.bf, i == 0, 0, data, 64), 0);
	assert_int_equal(d.bf.stats.pgnt_hits, on ? 8 : 0);
	assert_int_equal(d.bf.stats.one_off_grants, on ? 0 : 16);
	assert_int_equal(blkfront_disconnect(&d), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(blkback_detach(1, 51712), 0);
	blkback_no_persist = false;
	blkfront_use_persistent = true;
	return on;
}

/* The domU's blkfront.feature_persistent= word: spellings, the last one counts, refusals. */
static void test_parse_feature_persistent(void **state)
{
	static const char *const off[] = {
		"blkfront.feature_persistent=0",
		"domU blk blkfront.feature_persistent=n",
		"  blkfront.feature_persistent=N  ",
		"blkfront.feature_persistent=off /bin/sh",
		"xen_blkfront.feature_persistent=0",
		"blkfront.feature_persistent=1 blkfront.feature_persistent=0"};
	static const char *const on[] = {
		"blkfront.feature_persistent=1",
		"x blkfront.feature_persistent=y",
		"blkfront.feature_persistent=Y",
		"blkfront.feature_persistent=on",
		"xen_blkfront.feature_persistent=1",
		"blkfront.feature_persistent=0 blkfront.feature_persistent=1"};
	static const char *const none[] = {"",
					   "domU blk",
					   "xblkfront.feature_persistent=0",
					   "feature_persistent=0",
					   "blkback=nopersist",
					   "/bin/echo blkfront_feature_persistent=0"};
	static const char *const bad[] = {
		"blkfront.feature_persistent=2",
		"blkfront.feature_persistent=",
		"blkfront.feature_persistent=00",
		"blkfront.feature_persistent=0x",
		"blkfront.feature_persistent=false",
		"blkfront.feature_persistent",
		"blkfront.persistent=0",
		"blkfront.",
		"xen_blkfront.persistent=0",
		"blkfront.feature_persistent=0 blkfront.feature_persistent=yes",
		"blkfront.feature_persistent=0 blkfront.Feature_persistent=0"};
	bool p;

	(void)state;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		p = true;
		assert_int_equal(blkfront_parse_options(off[i], &p), 0);
		assert_false(p);
	}
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		p = false;
		assert_int_equal(blkfront_parse_options(on[i], &p), 0);
		assert_true(p);
	}
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		p = false;
		assert_int_equal(blkfront_parse_options(none[i], &p), 0);
		assert_false(p);
		p = true;
		assert_int_equal(blkfront_parse_options(none[i], &p), 0);
		assert_true(p);
	}
	assert_true(blkfront_is_option("blkfront.feature_persistent=0"));
	assert_true(blkfront_is_option("xen_blkfront.feature_persistent=0"));
	assert_true(blkfront_is_option("blkfront.persistent=0")); /* refused, still not init's */
	assert_false(blkfront_is_option("/bin/sh"));
	assert_false(blkfront_is_option("blkfront"));
	assert_false(blkfront_is_option("xblkfront.feature_persistent=0"));
	assert_int_equal(blkfront_parse_options(NULL, &p), 0);
	assert_true(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = true;
		assert_int_equal(blkfront_parse_options(bad[i], &p), -XEN_EINVAL);
		assert_true(p); /* refused: left as it was */
		p = false;
		assert_int_equal(blkfront_parse_options(bad[i], &p), -XEN_EINVAL);
		assert_false(p);
	}
}

/* feature-persistent is used only when both ends offer it; either way the data moves. */
static void test_glue_persistent_negotiation(void **state)
{
	(void)state;
	assert_true(persistent_round(true, true));
	assert_false(persistent_round(false, true));
	assert_false(persistent_round(true, false));
	assert_false(persistent_round(false, false));
}

static void test_spec_and_names(void **state)
{
	(void)state;
	struct disk_spec s;
	char name[12];
	assert_int_equal(blkback_parse_spec("ram:64", &s), 0);
	assert_int_equal(s.ram_mib, 64);
	assert_false(s.readonly);
	assert_int_equal(blkback_parse_spec("sata0", &s), 0);
	assert_string_equal(s.device, "sata0");
	assert_int_equal(s.sectors, 0);
	assert_int_equal(blkback_parse_spec("sata0@2048+131072,r", &s), 0);
	assert_int_equal(s.first, 2048);
	assert_int_equal(s.sectors, 131072);
	assert_true(s.readonly);
	const char *bad[] = {"",
			     "ram:",
			     "ram:0",
			     "ram:-1",
			     "ram:5000",
			     "sata0@",
			     "sata0@1",
			     "sata0@1+0",
			     "sata0@1+2x",
			     "sata0,w",
			     "averyveryverylongname",
			     "@1+2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(blkback_parse_spec(bad[i], &s), -XEN_EINVAL);
	blkfront_vdev_name(51712, name, sizeof(name));
	assert_string_equal(name, "xvda");
	blkfront_vdev_name(51729, name, sizeof(name));
	assert_string_equal(name, "xvdb1");
	blkfront_vdev_name(2048, name, sizeof(name));
	assert_string_equal(name, "vbd2048");
}

int blk_xendev_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_feature_persistent),
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_skips_initwait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_glue_connect_io_reconnect, glue_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_glue_backend_closes_first, glue_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_glue_persistent_negotiation, glue_setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_glue_device_masks_events, glue_setup,
						teardown),
		cmocka_unit_test(test_spec_and_names),
	};
	return cmocka_run_group_tests_name("xendev", tests, NULL, NULL);
}
