/*
 * netback's and netfront's glue over the real xenstored in this process
 * (the frontend is domain 1, the backend dom0, as in tests/unit/blk):
 * vif specs, the handshake with Xen's keys, frames through the bridge
 * both ways, disconnect and reconnect, and the frontend's domain dying:
 * its vif is removed for good by the worker's next pass, nothing of it
 * stays mapped, and a new domain 1 gets a fresh vif; the backend leading
 * the close and coming back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <errno.h>
#include "../blk/harness.h"
#include <back/netback.h>
#include <core/evtchn.h>
#include <core/gnttab.h>
#include <front/netfront.h>
#include <mm/mm.h>
#include <net/bridge.h>
#include <public/errno.h>
#include <xenbus/xendev.h>

static struct xenbus back, front;

/* The pvguest clock and sleep: time stands still, nobody sleeps here. */
uint64_t clock_now_ns(void)
{
	return 1;
}

void thread_sleep_ns(uint64_t ns)
{
	(void)ns;
	fail_msg("thread_sleep_ns on the host");
}

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

/* A station on the bridge that records what reaches it. */
static uint8_t heard[ETH_FRAME_MAX];
static size_t heard_len;
static int station_send(struct bridge_port *p, const void *frame, size_t len)
{
	(void)p;
	memcpy(heard, frame, len);
	heard_len = len;
	return 0;
}
static struct bridge_port station = {.name = "test", .send = station_send};

static void test_spec(void **state)
{
	(void)state;
	uint8_t mac[6];
	char ip[16];
	assert_int_equal(netback_parse_spec("", 3, 1, mac, ip, sizeof(ip)), 0);
	assert_memory_equal(mac, "\x00\x16\x3e\x00\x03\x01", 6);
	assert_string_equal(ip, "");
	assert_int_equal(
		netback_parse_spec("mac=00:16:3e:aa:bb:cc,ip=10.0.2.16", 3, 0, mac, ip, sizeof(ip)),
		0);
	assert_int_equal(mac[5], 0xcc);
	assert_string_equal(ip, "10.0.2.16");
	assert_int_equal(netback_parse_spec("bridge=xenbr0", 3, 0, mac, ip, sizeof(ip)), 0);
	const char *bad[] = {"mac=01:16:3e:aa:bb:cc",
			     "mac=00:16:3e",
			     "ip=10.0.2",
			     "ip=1.2.3.4.5",
			     "bridge=br1",
			     "colour=blue",
			     "ip=10.0.2.16,ip=10.0.2.16,ip=10.0.2.16,ip=10.0.2.16,ip=10.0.2.16"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(netback_parse_spec(bad[i], 3, 0, mac, ip, sizeof(ip)),
				 -XEN_EINVAL);
}

static void frame_to(uint8_t *f, const uint8_t *dst, const uint8_t *src)
{
	memset(f, 0x5a, 100);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
}

static void test_connect_traffic_death(void **state)
{
	(void)state;
	static struct netfront_dev d;
	static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 9};
	uint8_t f[ETH_FRAME_MAX], in[ETH_FRAME_MAX];
	char buf[64];

	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16,mac=nonsense"), -XEN_EINVAL);
	assert_int_equal(netback_attach(&back, 0, 0, "ip=10.0.2.16"), -XEN_EINVAL);
	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), 0);
	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), -XEN_EEXIST);
	assert_int_equal(xenbus_read(&front, 0, "device/vif/0/mac", buf, sizeof(buf)), 17);
	assert_string_equal(buf, "00:16:3e:00:01:00");
	assert_int_equal(netfront_connect(&d, &front, 1, 1), -XEN_ENOENT);
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(netback_count(true), 1);
	assert_int_equal(d.ip, 0x0a000210u);
	assert_int_equal(h_maps, 2); /* both rings, nothing else */
	assert_int_equal(xenbus_read(&front, 0, "device/vif/0/request-rx-copy", buf, sizeof(buf)),
			 1);
	/* netif.h: IPv4 checksum offload is on unless this says 1 (our stack verifies all). */
	assert_int_equal(
		xenbus_read(&front, 0, "device/vif/0/feature-no-csum-offload", buf, sizeof(buf)),
		1);
	assert_string_equal(buf, "1");
	d.nf.port = FRONT_PORT;
	assert_int_equal(bridge_add_port(netback_bridge(), &station), 0);

	/* Frontend -> bridge: the station hears it (flooded, then learnt). */
	frame_to(f, other, d.nf.mac);
	assert_int_equal(netfront_send(&d.nf, f, 100), 0);
	assert_int_equal(netback_poll_all(), 1);
	assert_int_equal(heard_len, 100);
	assert_memory_equal(heard, f, 100);
	/* Station -> frontend, by the MAC the bridge learnt. */
	frame_to(f, d.nf.mac, other);
	bridge_input(netback_bridge(), &station, f, 80, 1);
	assert_int_equal(netfront_recv(&d.nf, in, sizeof(in)), 80);
	assert_memory_equal(in, f, 80);

	/* Disconnect and reconnect: rings unmapped, every grant back. */
	assert_int_equal(netfront_disconnect(&d), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(h_maps, 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(netback_count(true), 0);
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(netback_count(true), 1);
	d.nf.port = FRONT_PORT;
	bridge_input(netback_bridge(), &station, f, 80, 1);
	assert_int_equal(netfront_recv(&d.nf, in, sizeof(in)), 80);

	/* The domain dies with a packet posted: the vif goes away for good. */
	assert_int_equal(netfront_send(&d.nf, f, 100), 0);
	h_front_dead = true;
	assert_int_equal(xenbus_release(&back, 1), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(h_maps, 0);
	netback_poll_all();
	assert_int_equal(netback_count(false), 0);
	assert_int_equal(xenbus_read(&back, 0, "backend/vif/1/0/state", buf, sizeof(buf)),
			 -XEN_ENOENT);
	assert_int_equal(bridge_port_count(netback_bridge()), 1); /* the station only */
	assert_int_equal(netback_detach(1, ~0u), -XEN_ENOENT);

	/* The dead domain's memory goes with it (here: the frontend's pages, all let go). */
	assert_int_equal(netfront_rings_free(&d.nf), 0);
	/* A new domain 1 gets a fresh vif. */
	h_reset();
	h_store_domain1();
	assert_int_equal(netback_attach(&back, 1, 0, "mac=00:16:3e:00:00:77"), 0);
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	xenbus_dispatch_events(&back);
	assert_int_equal(d.ip, 0);
	assert_int_equal(d.nf.mac[5], 0x77);
	/* The backend closes first (xenbus.h): the frontend stops using the rings. */
	assert_int_equal(xenbus_write(&back, 0, "backend/vif/1/0/state", "5"), 0);
	xenbus_dispatch_events(&front);
	assert_false(d.nf.connected);
	assert_int_equal(netfront_send(&d.nf, f, 100), -ENOTCONN);
	assert_int_equal(netback_detach(1, 0), 0);
	assert_int_equal(netfront_disconnect(&d), 0);
	assert_int_equal(h_maps, 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(bridge_del_port(netback_bridge(), &station), 0);
}

/* Run both ends' watches until neither has anything left to do. */
static void settle(void)
{
	for (int i = 0; i < 4; i++) {
		xenbus_dispatch_events(&back);
		xenbus_dispatch_events(&front);
	}
}

static const char *state_of(const char *path)
{
	static char buf[8];
	if (xenbus_read(&back, 0, path, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return buf;
}

/* A frame each way through the bridge. */
static void frames_flow(struct netfront_dev *d)
{
	static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 9};
	uint8_t f[ETH_FRAME_MAX], in[ETH_FRAME_MAX];

	heard_len = 0;
	frame_to(f, other, d->nf.mac);
	assert_int_equal(netfront_send(&d->nf, f, 100), 0);
	assert_int_equal(netback_poll_all(), 1);
	assert_int_equal(heard_len, 100);
	frame_to(f, d->nf.mac, other);
	bridge_input(netback_bridge(), &station, f, 80, 1);
	assert_int_equal(netfront_recv(&d->nf, in, sizeof(in)), 80);
	assert_memory_equal(in, f, 80);
}

/*
 * The backend leads the close, then comes back (xenbus.h; netfront
 * follows it from its watch alone, xendev_front_follow).  netback finds
 * the tx ring's producer index out of range, disconnects and goes
 * Closing: the frontend goes Closing, revokes every grant and goes
 * Closed, and netback answers Closed.  The vif is detached and attached
 * again (InitWait, another ip): the frontend sets up new rings by itself
 * and frames flow again.  Before, the frontend only marked itself
 * disconnected, stayed Connected in the store with every grant, and
 * never came back.
 */
static void test_backend_leads_and_returns(void **state)
{
	(void)state;
	static struct netfront_dev d;
	uint8_t f[100] = {0};

	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), 0);
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	settle();
	assert_int_equal(bridge_add_port(netback_bridge(), &station), 0);
	frames_flow(&d);

	d.nf.tx.sring->req_prod = d.nf.tx.req_prod_pvt + 1000;
	assert_int_equal(evtchn_notify(FRONT_PORT), 0);
	netback_poll_all();
	assert_string_equal(state_of("backend/vif/1/0/state"), "5");
	xenbus_dispatch_events(&front);
	assert_false(d.nf.connected);
	assert_int_equal(d.xd.own, XenbusStateClosed);
	assert_string_equal(state_of("/local/domain/1/device/vif/0/state"), "6");
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(h_maps, 0);
	assert_int_equal(netfront_send(&d.nf, f, sizeof(f)), -ENOTCONN);
	settle();
	assert_string_equal(state_of("backend/vif/1/0/state"), "6");

	assert_int_equal(netback_detach(1, 0), 0);
	settle();
	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.17"), 0);
	settle();
	assert_true(d.nf.connected);
	assert_int_equal(d.xd.own, XenbusStateConnected);
	assert_string_equal(state_of("/local/domain/1/device/vif/0/state"), "4");
	assert_int_equal(d.ip, 0x0a000211u); /* read again in the new round */
	assert_int_equal(h_maps, 2);
	frames_flow(&d);

	assert_int_equal(netfront_disconnect(&d), 0);
	settle();
	assert_int_equal(netback_detach(1, 0), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(bridge_del_port(netback_bridge(), &station), 0);
}

/*
 * A backend that still maps one of the frontend's receive pages when it
 * is detached, and is attached again before it lets go.  The frontend
 * closes keeping that page granted, then sets up a new round; the old
 * grant must still be revoked once the backend lets go (at the next
 * release).  Before, the new round's set-up overwrote its reference:
 * the grant stayed in use for good.
 */
/* A vif up, the backend holding a map of its first receive page. */
static struct gnttab_map_grant_ref up_holding_rx0(struct netfront_dev *d)
{
	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), 0);
	assert_int_equal(netfront_connect(d, &front, 1, 0), 0);
	settle();
	return h_hold(d->nf.rx_gref[0]);
}

/* The backend lets go; the owner closes, the vif goes: nothing left granted. */
static void let_go_and_down(struct netfront_dev *d, struct gnttab_map_grant_ref *m)
{
	h_let_go(m);
	assert_int_equal(netfront_disconnect(d), 0);
	settle();
	assert_int_equal(netback_detach(1, 0), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(gnttab_late(), 0);
}

static void test_new_round_keeps_held_grants(void **state)
{
	(void)state;
	static struct netfront_dev d;
	struct gnttab_map_grant_ref m = up_holding_rx0(&d);

	assert_int_equal(netback_detach(1, 0), 0);
	settle();
	assert_int_equal(d.xd.own, XenbusStateClosed);
	assert_int_equal(gnttab_in_use(), 1); /* the mapped page: kept */
	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.17"), 0);
	settle();
	assert_true(d.nf.connected);
	let_go_and_down(&d, &m);
}

/*
 * The owner disconnects while the backend still maps a receive page and
 * connects the same device struct again (netfront_connect starts from a
 * zeroed struct).  Once the backend lets go, the next release revokes
 * the old grant and frees its page.  Before, the connect forgot it: the
 * grant stayed in use for good and the page was never freed.
 */
static void test_connect_keeps_late_revokes(void **state)
{
	(void)state;
	static struct netfront_dev d;
	struct gnttab_map_grant_ref m = up_holding_rx0(&d);

	assert_int_equal(netfront_disconnect(&d), 1);
	settle();
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	settle();
	assert_true(d.nf.connected);
	assert_int_equal(gnttab_late(), 1);
	let_go_and_down(&d, &m);
}

/* The backend writes `byte` into the frontend's page behind ref (a grant copy). */
static int16_t backend_writes(grant_ref_t ref, uint8_t byte)
{
	static uint8_t src[64];
	memset(src, byte, sizeof(src));
	struct gnttab_copy c = {.source = {.u.gmfn = va_to_mfn(src), .domid = DOMID_SELF},
				.dest = {.u.ref = ref, .domid = 1},
				.len = sizeof(src),
				.flags = GNTCOPY_dest_gref};
	assert_int_equal(gnttab_op_copy(&c, 1), 0);
	return c.status;
}

/*
 * A backend that leaves three times keeping every page of each round
 * mapped (both rings and every receive page: more than the two rounds'
 * worth the frontend used to keep track of), and writes into an old
 * receive page after it left.  Each round starts afresh; the old pages
 * stay allocated while the backend can still write them (no
 * use-after-free: AddressSanitizer) and are revoked and freed once it
 * lets go (no leak: LeakSanitizer).  Before, past two rounds the
 * references were dropped (in use for good) and no old page was ever
 * freed.
 */
static void test_rounds_keeping_their_pages(void **state)
{
	(void)state;
	enum { ROUNDS = 3, PER_ROUND = 2 + NETFRONT_RX_BUFS };
	static struct netfront_dev d;
	static struct gnttab_map_grant_ref m[ROUNDS][PER_ROUND];
	grant_ref_t old_rx = 0;

	assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), 0);
	assert_int_equal(netfront_connect(&d, &front, 1, 0), 0);
	settle();
	for (unsigned int r = 0; r < ROUNDS; r++) {
		m[r][0] = h_hold(d.nf.tx_ring_ref);
		m[r][1] = h_hold(d.nf.rx_ring_ref);
		for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
			m[r][2 + i] = h_hold(d.nf.rx_gref[i]);
		old_rx = d.nf.rx_gref[5];
		assert_int_equal(netback_detach(1, 0), 0);
		settle();
		assert_int_equal(d.xd.own, XenbusStateClosed);
		assert_int_equal(gnttab_late(), (r + 1) * PER_ROUND);
		assert_int_equal(backend_writes(old_rx, (uint8_t)r), GNTST_okay);
		assert_int_equal(netback_attach(&back, 1, 0, "ip=10.0.2.16"), 0);
		settle();
		assert_true(d.nf.connected);
	}
	assert_int_equal(backend_writes(old_rx, 0xee), GNTST_okay);
	for (unsigned int r = 0; r < ROUNDS; r++)
		for (unsigned int i = 0; i < PER_ROUND; i++)
			h_let_go(&m[r][i]);
	assert_int_equal(netfront_disconnect(&d), 0);
	settle();
	assert_int_equal(netback_detach(1, 0), 0);
	assert_int_equal(gnttab_late(), 0);
	assert_int_equal(gnttab_in_use(), 0);
	assert_int_equal(backend_writes(old_rx, 0xee), GNTST_general_error); /* revoked */
}

int net_glue_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test_setup_teardown(test_connect_traffic_death, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backend_leads_and_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_round_keeps_held_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connect_keeps_late_revokes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rounds_keeping_their_pages, setup, teardown),
	};
	return cmocka_run_group_tests_name("net glue", tests, NULL, NULL);
}
