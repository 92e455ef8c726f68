/*
 * The xenbus client against the real daemon, both in this process: dom0
 * and domain 1 each talk through their own store page, the injected
 * waiter runs the daemon.  Covers every call, error decoding, EAGAIN
 * retries, watch dispatch, req_id matching with stray and out-of-order
 * replies (against a scripted fake server), and the frontend/backend
 * handshake of a block device from Initialising to Closed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <public/errno.h>
#include <xenbus/xenbus.h>
#include <dom0/xenstored/xenstored.h>

static struct xsd *xsd;
static struct xenstore_domain_interface page0, page1;
static struct xenbus back, front; /* dom0 (toolstack + backend), domain 1 */
static unsigned int idle_waits;
static unsigned int daemon_kicks, client_kicks;

static int connect_page1(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
			 struct xenstore_domain_interface **intf, void **arg)
{
	(void)ctx;
	if (domid != 1 || gfn != 77 || port != 5)
		return -1;
	*intf = &page1;
	*arg = &daemon_kicks;
	return 0;
}

static void back_wait(void *ctx)
{
	(void)ctx;
	if (!xsd_poll(xsd) && ++idle_waits > 1000)
		fail_msg("client waits for something that never comes");
}

static bool in_backend;

/* The frontend's waiter also lets the backend react to its watches. */
static void front_wait(void *ctx)
{
	back_wait(ctx);
	if (!in_backend) {
		in_backend = true;
		xenbus_dispatch_events(&back);
		in_backend = false;
	}
}

static void count_kick(void *arg)
{
	(*(unsigned int *)arg)++;
}

static int setup(void **state)
{
	static const struct xsd_ops ops = {.connect = connect_page1, .notify = count_kick};
	static const struct xenbus_waiter bw = {back_wait, NULL}, fw = {front_wait, NULL};
	(void)state;
	memset(&page0, 0, sizeof(page0));
	memset(&page1, 0, sizeof(page1));
	page1.req_prod = page1.req_cons = 0xfffffff0u; /* wrap early */
	xsd = xsd_create(&ops);
	assert_non_null(xsd_attach(xsd, 0, &page0, &daemon_kicks));
	xenbus_init(&back, &page0, NULL, NULL, &bw);
	xenbus_init(&front, &page1, count_kick, &client_kicks, &fw);
	idle_waits = 0;
	assert_int_equal(xenbus_introduce(&back, 1, 77, 5), 0);
	assert_int_equal(xenbus_write(&back, 0, "/local/domain/1", ""), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, "/local/domain/1", "n1", 3), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	assert_true(xsd_check(xsd));
	xsd_destroy(xsd);
	return 0;
}

static void test_calls_and_errors(void **state)
{
	char buf[64];
	(void)state;
	assert_int_equal(xenbus_write(&front, 0, "data/x", "42"), 0);
	assert_int_equal(xenbus_read(&front, 0, "data/x", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "42");
	unsigned long v;
	assert_int_equal(xenbus_read_ulong(&front, 0, "data/x", &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(xenbus_mkdir(&front, 0, "data/y"), 0);
	assert_int_equal(xenbus_directory(&front, 0, "data", buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "x\0y\0", 4);
	assert_int_equal(xenbus_read(&front, 0, "data/nope", buf, sizeof(buf)), -XEN_ENOENT);
	assert_int_equal(xenbus_read(&front, 0, "/local/domain/0", buf, sizeof(buf)), -XEN_EACCES);
	assert_int_equal(xenbus_write(&front, 0, "/x", "y"), -XEN_EACCES);
	assert_int_equal(xenbus_read(&front, 0, "bad//path", buf, sizeof(buf)), -XEN_EINVAL);
	assert_int_equal(xenbus_read_ulong(&front, 0, "data/y", &v), -XEN_EINVAL);
	assert_int_equal(xenbus_write(&front, 0, "data/long", "0123456789"), 0);
	assert_int_equal(xenbus_read(&front, 0, "data/long", buf, 5), -XEN_E2BIG);
	assert_int_equal(xenbus_rm(&front, 0, "data"), 0);
	assert_int_equal(xenbus_read(&front, 0, "data/x", buf, sizeof(buf)), -XEN_ENOENT);
	assert_int_equal(xenbus_release(&front, 1), -XEN_EACCES); /* dom0 only */
	assert_int_equal(xenbus_get_domain_path(&front, 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/local/domain/1");
	assert_int_equal(xenbus_introduce(&back, 2, 77, 5), -XEN_EINVAL); /* connect refused */
	assert_int_equal(xenbus_release(&back, 1), 0);
	assert_int_equal(xenbus_release(&back, 1), -XEN_ENOENT);
	assert_int_equal(xenbus_read(&back, 0, "/local/domain/1", buf, sizeof(buf)), -XEN_ENOENT);
}

/* One request, one reply: one kick each way (the event-channel budget). */
static void test_notifications_per_round_trip(void **state)
{
	char buf[16];
	(void)state;
	assert_int_equal(xenbus_write(&front, 0, "k", "v"), 0);
	xsd_poll(xsd);
	daemon_kicks = client_kicks = 0;
	assert_int_equal(xenbus_read(&front, 0, "k", buf, sizeof(buf)), 1);
	assert_int_equal(client_kicks, 2); /* request sent; reply consumed */
	assert_int_equal(daemon_kicks, 1); /* request consumed and reply sent */
}

static unsigned int conflicts_to_inject;

static void test_transaction_retry(void **state)
{
	unsigned int attempts = 0;
	uint32_t tx;
	char buf[16];
	int rc;
	(void)state;
	assert_int_equal(xenbus_write(&front, 0, "counter", "0"), 0);
	conflicts_to_inject = 2;
	do {
		unsigned long v;
		attempts++;
		assert_int_equal(xenbus_transaction_start(&front, &tx), 0);
		assert_int_equal(xenbus_read_ulong(&front, tx, "counter", &v), 0);
		if (conflicts_to_inject) { /* someone else bumps it meanwhile */
			conflicts_to_inject--;
			assert_int_equal(xenbus_write(&back, 0, "/local/domain/1/counter", "100"),
					 0);
		}
		assert_int_equal(
			xenbus_write_ulong(&front, tx, "/local/domain/1", "counter", v + 1), 0);
		rc = xenbus_transaction_end(&front, tx, false);
	} while (rc == -XEN_EAGAIN);
	assert_int_equal(rc, 0);
	assert_int_equal(attempts, 3);
	xenbus_read(&front, 0, "counter", buf, sizeof(buf));
	assert_string_equal(buf, "101");
	assert_int_equal(xenbus_transaction_start(&front, &tx), 0);
	assert_int_equal(xenbus_write(&front, tx, "counter", "x"), 0);
	assert_int_equal(xenbus_transaction_end(&front, tx, true), 0);
	xenbus_read(&front, 0, "counter", buf, sizeof(buf));
	assert_string_equal(buf, "101");
}

static char seen[8][64];
static unsigned int nseen;

static void record(struct xenbus *xb, struct xenbus_watch *w, const char *path)
{
	(void)xb;
	assert_ptr_equal(w->arg, &nseen);
	if (nseen < 8)
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", path);
}

static void test_watch_dispatch(void **state)
{
	struct xenbus_watch w, other;
	(void)state;
	nseen = 0;
	assert_int_equal(xenbus_watch(&front, &w, "device", record, &nseen), 0);
	assert_int_equal(xenbus_watch(&front, &other, "elsewhere", NULL, NULL), 0);
	xenbus_dispatch_events(&front);
	assert_int_equal(nseen, 1);
	assert_string_equal(seen[0], "device");
	assert_int_equal(xenbus_write(&back, 0, "/local/domain/1/device/vif/0", "1"), 0);
	assert_int_equal(nseen, 1); /* callbacks wait for dispatch */
	xenbus_dispatch_events(&front);
	assert_int_equal(nseen, 2);
	assert_string_equal(seen[1], "device/vif/0");
	assert_int_equal(xenbus_write(&back, 0, "/local/domain/1/device/vif/1", "1"), 0);
	xenbus_poll(&front);
	assert_int_equal(xenbus_unwatch(&front, &w, "device"), 0); /* drops the queued event */
	xenbus_dispatch_events(&front);
	assert_int_equal(nseen, 2);
	assert_int_equal(xenbus_unwatch(&front, &w, "device"), -XEN_ENOENT);
	assert_int_equal(xenbus_write(&back, 0, "/local/domain/1/elsewhere", "1"), 0);
	xenbus_poll(&front);
	assert_int_equal(other.events, 2);
}

/* ---- a scripted server, for what the daemon never does ---- */
static struct xenstore_domain_interface fake_page;
static struct xs_ring fake_srv;
static int script;

static void srv_send(uint32_t type, uint32_t req_id, const char *payload, uint32_t len)
{
	struct xsd_sockmsg h = {type, req_id, 0, len};
	assert_int_equal(xs_ring_write(&fake_srv, &h, sizeof(h)), sizeof(h));
	assert_int_equal(xs_ring_write(&fake_srv, payload, len), (int)len);
}

static void fake_wait(void *ctx)
{
	struct xsd_sockmsg h;
	struct xenbus *xb = ctx;
	char buf[64];

	assert_int_equal(xs_ring_read(&fake_srv, &h, sizeof(h)), sizeof(h));
	assert_int_equal(xs_ring_read(&fake_srv, buf, h.len), (int)h.len);
	if (script == 0) { /* stray, unknown watch, the other slot, then ours */
		srv_send(XS_READ, 9999, "stray", 5);
		srv_send(XS_WATCH_EVENT, 0, "p\0nosuchtoken", 14);
		srv_send(XS_READ, xb->pend[0].req_id, "first", 5);
		srv_send(XS_READ, h.req_id, "second", 6);
	} else { /* a header claiming more than the protocol allows */
		srv_send(XS_READ, h.req_id, "x", 1);
		h.len = XENSTORE_PAYLOAD_MAX + 1;
		xs_ring_write(&fake_srv, &h, sizeof(h));
	}
}

static void test_reply_matching(void **state)
{
	struct xenbus xb;
	struct xenbus_waiter w = {fake_wait, &xb};
	char mine[16], theirs[16];
	(void)state;
	memset(&fake_page, 0, sizeof(fake_page));
	xs_ring_init(&fake_srv, &fake_page, XS_RING_SERVER, NULL, NULL);
	xenbus_init(&xb, &fake_page, NULL, NULL, &w);
	/* Another thread's request is in flight in slot 0. */
	xb.pend[0] = (struct xenbus_pending){true, false, 500, 0, 0, theirs, sizeof(theirs), ""};
	xb.next_req_id = 500;
	script = 0;
	assert_int_equal(xenbus_read(&xb, 0, "/k", mine, sizeof(mine)), 6);
	assert_string_equal(mine, "second");
	assert_true(xb.pend[0].done);
	assert_string_equal(theirs, "first");
	xb.pend[0].in_use = false;
	script = 1;
	assert_int_equal(xenbus_read(&xb, 0, "/k", mine, sizeof(mine)), 1);
	xenbus_poll(&xb);
	assert_true(xb.broken);
	assert_int_equal(xenbus_read(&xb, 0, "/k", mine, sizeof(mine)), -5);
}

/* ---- a hostile server: the client must answer or break, never crash ---- */
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void garbage_wait(void *ctx)
{
	struct xenbus *xb = ctx;
	struct xsd_sockmsg h;
	char buf[300];
	int n;

	while ((n = xs_ring_read(&fake_srv, buf, sizeof(buf))) > 0)
		; /* swallow the requests */
	uint32_t len = rnd() % 200, kind = rnd() % 4;
	for (uint32_t i = 0; i < len; i++)
		buf[i] = kind == 0 ? (char)rnd() : "ab\0/"[rnd() % 4];
	h = (struct xsd_sockmsg){rnd() % 20, xb->next_req_id - rnd() % 2, 0, len};
	if (kind == 1)
		h.type = XS_WATCH_EVENT;
	if (kind == 2)
		h.len = rnd(); /* lies about its length */
	if (xs_ring_space_out(&fake_srv) < sizeof(h) + len) {
		fake_page.rsp_cons = fake_page.rsp_prod; /* make room: hostile anyway */
	}
	xs_ring_write(&fake_srv, &h, sizeof(h));
	xs_ring_write(&fake_srv, buf, len);
	if (rnd() % 50 == 0)
		fake_page.rsp_prod += 5000; /* corrupt indices */
}

static void test_hostile_server(void **state)
{
	struct xenbus xb;
	struct xenbus_waiter w = {garbage_wait, &xb};
	struct xenbus_watch watch;
	char buf[64];
	unsigned int answered = 0, broke = 0;
	(void)state;
	for (unsigned int i = 0; i < 3000; i++) {
		if (i == 0 || xb.broken) {
			broke += i != 0;
			memset(&fake_page, 0, sizeof(fake_page));
			xs_ring_init(&fake_srv, &fake_page, XS_RING_SERVER, NULL, NULL);
			xenbus_init(&xb, &fake_page, NULL, NULL, &w);
			xb.watches = &watch; /* a watch whose token the server may hit */
			memset(&watch, 0, sizeof(watch));
			strcpy(watch.token, "ab");
		}
		int rc = xenbus_read(&xb, 0, "/k", buf, sizeof(buf));
		assert_true(rc >= -106 &&
			    rc < (int)sizeof(buf)); /* a Xen error or a fitting reply */
		answered += rc >= 0;
		xenbus_dispatch_events(&xb);
	}
	print_message("# hostile server: %u answers, %u broken rings\n", answered, broke);
	assert_true(answered > 0 && broke > 0);
}

static int setup_plain(void **state)
{
	(void)state;
	return 0;
}

/* ---- the split-device handshake (blkif's state diagram) ---- */
#define FRONT "/local/domain/1/device/vbd/51712"
#define BACK  "/local/domain/0/backend/vbd/1/51712"

static struct xenbus_watch back_watch;
static unsigned long back_ring_ref, back_port;
static char back_trace[128];

static void trace(char *log, enum xenbus_state s)
{
	size_t n = strlen(log);
	snprintf(log + n, 128 - n, "%d", (int)s);
}

/* The backend reacts to the frontend's state changes, never blocking on it. */
static void back_on_front(struct xenbus *xb, struct xenbus_watch *w, const char *path)
{
	enum xenbus_state fs = xenbus_read_state(xb, FRONT), bs = xenbus_read_state(xb, BACK);
	enum xenbus_state next = bs;
	(void)w;
	(void)path;
	if ((fs == XenbusStateInitialised || fs == XenbusStateConnected) &&
	    bs == XenbusStateInitWait) {
		assert_int_equal(xenbus_read_ulong(xb, 0, FRONT "/ring-ref", &back_ring_ref), 0);
		assert_int_equal(xenbus_read_ulong(xb, 0, FRONT "/event-channel", &back_port), 0);
		assert_int_equal(xenbus_write_ulong(xb, 0, BACK, "sectors", 2048), 0);
		assert_int_equal(xenbus_write_ulong(xb, 0, BACK, "sector-size", 512), 0);
		next = XenbusStateConnected;
	} else if (fs == XenbusStateClosing && bs != XenbusStateClosed) {
		next = XenbusStateClosing;
	} else if (fs == XenbusStateClosed) {
		next = XenbusStateClosed;
	}
	if (next != bs) {
		assert_int_equal(xenbus_switch_state(xb, 0, BACK, next), 0);
		trace(back_trace, next);
	}
}

static void toolstack_creates_vbd(void)
{
	assert_int_equal(xenbus_write(&back, 0, FRONT "/backend", BACK), 0);
	assert_int_equal(xenbus_write(&back, 0, FRONT "/backend-id", "0"), 0);
	assert_int_equal(xenbus_write(&back, 0, FRONT "/state", "1"), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, FRONT, "n1\0r0", 6), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, FRONT "/state", "n1\0r0", 6), 0);
	assert_int_equal(xenbus_write(&back, 0, BACK "/frontend", FRONT), 0);
	assert_int_equal(xenbus_write(&back, 0, BACK "/frontend-id", "1"), 0);
	assert_int_equal(xenbus_write(&back, 0, BACK "/state", "1"), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, "/local/domain/0/backend", "n0\0r1", 6), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, BACK, "n0\0r1", 6), 0);
	assert_int_equal(xenbus_set_perms(&back, 0, BACK "/state", "n0\0r1", 6), 0);
}

static void front_publish_ring(const char *dir)
{
	uint32_t tx;
	int rc;

	do {
		assert_int_equal(xenbus_transaction_start(&front, &tx), 0);
		assert_int_equal(xenbus_write_ulong(&front, tx, dir, "ring-ref", 8), 0);
		assert_int_equal(xenbus_write_ulong(&front, tx, dir, "event-channel", 5), 0);
		assert_int_equal(xenbus_write(&front, tx, FRONT "/protocol", "x86_64-abi"), 0);
		assert_int_equal(xenbus_switch_state(&front, tx, dir, XenbusStateInitialised), 0);
		rc = xenbus_transaction_end(&front, tx, false);
	} while (rc == -XEN_EAGAIN);
	assert_int_equal(rc, 0);
}

static void test_frontend_backend_handshake(void **state)
{
	char backend[128];
	enum xenbus_state s;
	unsigned long sectors;
	(void)state;
	back_trace[0] = '\0';
	toolstack_creates_vbd();
	/* Backend: features, InitWait, then watch the frontend. */
	assert_int_equal(xenbus_write(&back, 0, BACK "/feature-flush-cache", "1"), 0);
	assert_int_equal(xenbus_switch_state(&back, 0, BACK, XenbusStateInitWait), 0);
	assert_int_equal(xenbus_watch(&back, &back_watch, FRONT "/state", back_on_front, NULL), 0);
	/* Frontend: find the backend, wait for it, publish the ring, connect. */
	assert_int_equal(xenbus_read(&front, 0, "device/vbd/51712/backend", backend, 128),
			 (int)strlen(BACK));
	assert_int_equal(xenbus_wait_state(&front, backend,
					   1u << XenbusStateInitWait | 1u << XenbusStateConnected,
					   &s),
			 0);
	assert_int_equal(s, XenbusStateInitWait);
	assert_int_equal(xenbus_read(&front, 0, BACK "/feature-flush-cache", backend, 128), 1);
	front_publish_ring(FRONT);
	assert_int_equal(xenbus_wait_state(&front, BACK, 1u << XenbusStateConnected, &s), 0);
	assert_int_equal(back_ring_ref, 8);
	assert_int_equal(back_port, 5);
	assert_int_equal(xenbus_read_ulong(&front, 0, BACK "/sectors", &sectors), 0);
	assert_int_equal(sectors, 2048);
	assert_int_equal(xenbus_switch_state(&front, 0, FRONT, XenbusStateConnected), 0);
	assert_int_equal(xenbus_read_state(&back, FRONT), XenbusStateConnected);
	/* The frontend cannot touch the backend's keys. */
	assert_int_equal(xenbus_write(&front, 0, BACK "/state", "6"), -XEN_EACCES);
	/* Teardown: Closing, then Closed, on both ends. */
	assert_int_equal(xenbus_switch_state(&front, 0, FRONT, XenbusStateClosing), 0);
	assert_int_equal(xenbus_wait_state(&front, BACK, 1u << XenbusStateClosing, &s), 0);
	assert_int_equal(xenbus_switch_state(&front, 0, FRONT, XenbusStateClosed), 0);
	assert_int_equal(xenbus_wait_state(&front, BACK, 1u << XenbusStateClosed, &s), 0);
	assert_string_equal(back_trace, "456");
	assert_string_equal(xenbus_state_name(s), "Closed");
	assert_int_equal(xenbus_unwatch(&back, &back_watch, FRONT "/state"), 0);
}

static void test_state_helpers(void **state)
{
	enum xenbus_state s;
	(void)state;
	assert_int_equal(xenbus_read_state(&front, "device/none"), XenbusStateUnknown);
	assert_int_equal(xenbus_write(&front, 0, "dev/state", "banana"), 0);
	assert_int_equal(xenbus_read_state(&front, "dev"), XenbusStateUnknown);
	assert_int_equal(xenbus_write(&front, 0, "dev/state", "99"), 0);
	assert_int_equal(xenbus_read_state(&front, "dev"), XenbusStateUnknown);
	assert_int_equal(xenbus_switch_state(&front, 0, "/local/domain/1/dev", XenbusStateClosed),
			 0);
	assert_int_equal(xenbus_wait_state(&front, "dev", 1u << XenbusStateClosed, &s), 0);
	assert_string_equal(xenbus_state_name(99), "Invalid");
	assert_int_equal(front.watches, NULL); /* the waiter's watch is gone */
}

/* xenbus_wait_value_until: the value there, the value written while it
 * waits, and a give-up flag raised while nothing comes (a timeout's
 * alarm): -ETIMEDOUT, the watch gone. */
static volatile bool give_up;
static unsigned int giveup_waits;

static void giveup_wait(void *ctx)
{
	(void)ctx;
	back_wait(NULL);
	if (++giveup_waits == 3)
		give_up = true;
}

static void write_then_wait(void *ctx)
{
	(void)ctx;
	back_wait(NULL);
	if (++giveup_waits == 2)
		assert_int_equal(xenbus_write(&back, 0, "/local/domain/1/data/mark", "2"), 0);
}

static void test_wait_value_until(void **state)
{
	(void)state;
	give_up = false;
	giveup_waits = 0;
	assert_int_equal(xenbus_write(&front, 0, "data/mark", "1"), 0);
	assert_int_equal(xenbus_wait_value_until(&front, "data/mark", "1", &give_up), 0);
	front.waiter = (struct xenbus_waiter){write_then_wait, NULL};
	assert_int_equal(xenbus_wait_value_until(&front, "data/mark", "2", &give_up), 0);
	assert_false(give_up);
	giveup_waits = 0;
	front.waiter = (struct xenbus_waiter){giveup_wait, NULL};
	assert_int_equal(xenbus_wait_value_until(&front, "data/mark", "3", &give_up),
			 -XEN_ETIMEDOUT);
	assert_true(giveup_waits >= 3);
	assert_int_equal(front.watches, NULL);
	assert_int_equal(xenbus_wait_value_until(&front, "data/mark", "2", &give_up), 0);
	assert_int_equal(xenbus_wait_value(&front, "data/mark", "2"), 0);
}

int xenbus_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_calls_and_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notifications_per_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transaction_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_dispatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_frontend_backend_handshake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_value_until, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_matching, setup_plain, NULL),
		cmocka_unit_test_setup_teardown(test_hostile_server, setup_plain, NULL),
	};
	return cmocka_run_group_tests_name("xenbus", tests, NULL, NULL);
}
