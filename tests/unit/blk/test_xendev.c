/*
 * The split-driver toolkit against the real xenstored in this process:
 * the toolstack's two directories (keys, owners, permissions), both ends
 * opening them, the state handshake from Initialising to Connected with
 * the ring keys, the other end's state followed by a watch, closing and
 * a second round, and ring keys a frontend got wrong.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <dom0/xenstored/xenstored.h>
#include <public/errno.h>
#include <xenbus/xendev.h>

static struct xsd *xsd;
static struct xenstore_domain_interface page0, page1;
static struct xenbus back, front;
static bool in_backend;

static int connect_page1(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
			 struct xenstore_domain_interface **intf, void **arg)
{
	(void)ctx;
	(void)gfn;
	(void)port;
	if (domid != 1)
		return -1;
	*intf = &page1;
	*arg = NULL;
	return 0;
}

static void back_wait(void *ctx)
{
	(void)ctx;
	xsd_poll(xsd);
}

static void front_wait(void *ctx)
{
	back_wait(ctx);
	if (!in_backend) {
		in_backend = true;
		xenbus_dispatch_events(&back);
		in_backend = false;
	}
}

static void nop(void *arg)
{
	(void)arg;
}

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
	static const struct xsd_ops ops = {.connect = connect_page1, .notify = nop};
	static const struct xenbus_waiter bw = {back_wait, NULL}, fw = {front_wait, NULL};
	(void)state;
	memset(&page0, 0, sizeof(page0));
	memset(&page1, 0, sizeof(page1));
	xsd = xsd_create(&ops);
	assert_non_null(xsd_attach(xsd, 0, &page0, NULL));
	xenbus_init(&back, &page0, NULL, NULL, &bw);
	xenbus_init(&front, &page1, nop, NULL, &fw);
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

int blk_xendev_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
	};
	return cmocka_run_group_tests_name("xendev", tests, NULL, NULL);
}
