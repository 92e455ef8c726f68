/*
 * Fake domains for the daemon tests.  Store pages live in doms[]; the
 * connect hook "maps" frame number i to doms[i].page, so XS_INTRODUCE works
 * as it will in dom0.  Indices start near 2^32 to exercise wrap-around.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include "tests.h"

struct xsd *xsd;
struct tdom doms[NDOMS];
int kicks;

static int fake_connect(void *ctx, uint16_t domid, uint64_t gfn, uint32_t port,
			struct xenstore_domain_interface **intf, void **arg)
{
	(void)ctx;
	if (gfn >= NDOMS || port != 100u + domid)
		return -1;
	*intf = &doms[gfn].page;
	*arg = &doms[gfn];
	return 0;
}

static void fake_notify(void *arg)
{
	(void)arg;
	kicks++;
}

static void fake_disconnect(void *ctx, uint16_t domid, void *arg)
{
	(void)ctx;
	(void)domid;
	(void)arg;
}

unsigned int log_lines;

static void fake_log(void *ctx, const char *msg)
{
	(void)ctx;
	assert_true(strlen(msg) > 0);
	log_lines++;
}

static const struct xsd_ops ops = {
	.connect = fake_connect,
	.notify = fake_notify,
	.disconnect = fake_disconnect,
	.log = fake_log,
};

void harness_setup(void)
{
	memset(doms, 0, sizeof(doms));
	log_lines = 0;
	for (unsigned int i = 0; i < NDOMS; i++) {
		struct tdom *t = &doms[i];
		t->domid = (uint16_t)i;
		t->page.req_cons = t->page.req_prod = 0xffffff00u + 37 * i;
		t->page.rsp_cons = t->page.rsp_prod = 0xfffffe00u + 11 * i;
		xs_ring_init(&t->ring, &t->page, XS_RING_CLIENT, NULL, NULL);
	}
	xsd = xsd_create(&ops);
	assert_non_null(xsd);
	assert_non_null(xsd_attach(xsd, 0, &doms[0].page, &doms[0]));
}

void harness_teardown(void)
{
	assert_true(xsd_check(xsd));
	xsd_destroy(xsd);
}

void introduce(unsigned int i)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%u%c%u%c%u", i, 0, i, 0, 100 + i);

	call(&doms[0], XS_INTRODUCE, 0, msg, (uint32_t)n + 1);
	assert_reply(&doms[0], "OK");
}

/* Read one whole message if present; true if one was read. */
bool read_msg(struct tdom *t, struct xsd_sockmsg *h, char *buf)
{
	size_t got = 0;

	if (xs_ring_avail_in(&t->ring) < sizeof(*h))
		return false;
	assert_int_equal(xs_ring_read(&t->ring, h, sizeof(*h)), sizeof(*h));
	assert_true(h->len <= XENSTORE_PAYLOAD_MAX);
	while (got < h->len) {
		int n = xs_ring_read(&t->ring, buf + got, h->len - got);
		assert_true(n >= 0);
		if (n == 0)
			xsd_poll(xsd); /* the daemon refills the ring */
		got += (size_t)n;
	}
	buf[h->len] = '\0';
	return true;
}

static void keep_event(struct tdom *t, const char *buf, uint32_t len)
{
	assert_true(len >= 2 && buf[len - 1] == '\0');
	if (t->nevents < 32) {
		snprintf(t->events[t->nevents], 256, "%s %s", buf, buf + strlen(buf) + 1);
		t->nevents++;
	}
}

void drain(struct tdom *t)
{
	struct xsd_sockmsg h;
	char buf[XENSTORE_PAYLOAD_MAX + 1];

	xsd_poll(xsd);
	while (read_msg(t, &h, buf)) {
		assert_int_equal(h.type, XS_WATCH_EVENT);
		keep_event(t, buf, h.len);
		xsd_poll(xsd);
	}
}

const char *next_event(struct tdom *t)
{
	static char ev[256];

	drain(t);
	if (t->nevents == 0)
		return NULL;
	strcpy(ev, t->events[0]);
	memmove(t->events[0], t->events[1], sizeof(t->events[0]) * --t->nevents);
	return ev;
}

static void send_all(struct tdom *t, const void *buf, size_t len)
{
	size_t sent = 0;

	while (sent < len) {
		int n = xs_ring_write(&t->ring, (const char *)buf + sent, len - sent);
		assert_true(n >= 0);
		sent += (size_t)n;
		xsd_poll(xsd);
	}
}

uint32_t call(struct tdom *t, uint32_t type, uint32_t tx, const void *payload, uint32_t len)
{
	struct xsd_sockmsg h = {type, ++t->req_id, tx, len};

	send_all(t, &h, sizeof(h));
	send_all(t, payload, len);
	for (;;) {
		xsd_poll(xsd);
		if (!read_msg(t, &h, t->data))
			fail_msg("no reply to message type %u", type);
		if (h.type != XS_WATCH_EVENT)
			break;
		keep_event(t, t->data, h.len);
	}
	assert_int_equal(h.req_id, t->req_id);
	assert_int_equal(h.tx_id, tx);
	t->type = h.type;
	t->len = h.len;
	t->tx_id = h.tx_id;
	return h.type;
}

int xs_setup(void **state)
{
	(void)state;
	harness_setup();
	return 0;
}

int xs_teardown(void **state)
{
	(void)state;
	harness_teardown();
	return 0;
}
