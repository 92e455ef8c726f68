/*
 * XenStore permissions, quotas and watches: what an unprivileged domain may
 * and may not do, and which watch events it sees.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include "tests.h"

/* Domains 1 and 2 introduced, each owning its home. */
static int setup_guests(void **state)
{
	xs_setup(state);
	for (unsigned int i = 1; i <= 2; i++) {
		char path[32], perm[40];
		int n = snprintf(path, sizeof(path), "/local/domain/%u", i);
		introduce(i);
		call(&doms[0], XS_WRITE, 0, path, (uint32_t)n + 1);
		n = snprintf(perm, sizeof(perm), "%s%cn%u", path, 0, i);
		call(&doms[0], XS_SET_PERMS, 0, perm, (uint32_t)n + 1);
		assert_reply(&doms[0], "OK");
	}
	return 0;
}

static void test_unprivileged_access(void **state)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1], *d2 = &doms[2];
	(void)state;
	WRITE(d1, "secret", "s");
	assert_reply(d1, "OK");
	CALL(d1, XS_GET_PERMS, "secret"); /* inherits the parent's, owned by creator */
	assert_memory_equal(d1->data, "n1", 3);
	CALL(d2, XS_READ, "/local/domain/1/secret");
	assert_error(d2, "EACCES");
	CALL(d2, XS_READ, "/local/domain/1/missing"); /* no leak of existence */
	assert_error(d2, "EACCES");
	CALL(d1, XS_READ, "missing");
	assert_error(d1, "ENOENT");
	WRITE(d2, "/local/domain/1/x", "evil");
	assert_error(d2, "EACCES");
	CALL(d2, XS_RM, "/local/domain/1/secret");
	assert_error(d2, "EACCES");
	CALL(d2, XS_MKDIR, "/local/domain/1/y");
	assert_error(d2, "EACCES");
	WRITE(d1, "/tool", "x"); /* the root belongs to dom0 */
	assert_error(d1, "EACCES");
	CALL(d1, XS_SET_PERMS, "secret\0n1\0r2");
	assert_reply(d1, "OK");
	CALL(d2, XS_READ, "/local/domain/1/secret");
	assert_memory_equal(d2->data, "s", 1);
	WRITE(d2, "/local/domain/1/secret", "w");
	assert_error(d2, "EACCES");
	CALL(d1, XS_SET_PERMS, "secret\0b2\0n1"); /* default grants 'b' to domain 2 */
	assert_error(d1, "EPERM");		  /* but a domU cannot give the node away */
	CALL(d2, XS_SET_PERMS, "/local/domain/1/secret\0n2");
	assert_error(d2, "EACCES");
	CALL(d1, XS_SET_PERMS, "secret\0x1");
	assert_error(d1, "EINVAL");
	CALL(d1, XS_SET_PERMS, "secret\0r");
	assert_error(d1, "EINVAL");
	CALL(d0, XS_READ, "/local/domain/1/secret"); /* dom0 sees all */
	assert_memory_equal(d0->data, "s", 1);
	CALL(d0, XS_SET_PERMS, "/local/domain/1/secret\0b2");
	assert_reply(d0, "OK");
	WRITE(d2, "/local/domain/1/secret", "mine now");
	assert_reply(d2, "OK");
}

static void test_quotas(void **state)
{
	struct tdom *d1 = &doms[1];
	static char big[2100 + 20];
	int n;
	(void)state;
	xsd_quota(xsd)->nodes = 5; /* the home counts as domain 1's */
	WRITE(d1, "a/b/c", "1");
	assert_reply(d1, "OK");
	WRITE(d1, "d/e", "1"); /* would be 6 */
	assert_error(d1, "ENOSPC");
	WRITE(d1, "d", "1");
	assert_reply(d1, "OK");
	CALL(d1, XS_RM, "a");
	WRITE(d1, "d/e", "1");
	assert_reply(d1, "OK");
	n = snprintf(big, sizeof(big), "v%c", 0);
	memset(big + n, 'x', 2049);
	call(d1, XS_WRITE, 0, big, (uint32_t)n + 2049);
	assert_error(d1, "ENOSPC");
	call(d1, XS_WRITE, 0, big, (uint32_t)n + 2048); /* exactly the limit */
	assert_reply(d1, "OK");
	call(&doms[0], XS_WRITE, 0, "/big\0", 5); /* dom0 is exempt */
	for (unsigned int i = 0; i < 128; i++) {
		char w[32];
		int len = snprintf(w, sizeof(w), "d%ct%u", 0, i);
		call(d1, XS_WATCH, 0, w, (uint32_t)len + 1);
		assert_reply(d1, "OK");
	}
	CALL(d1, XS_WATCH, "d\0one-too-many");
	assert_error(d1, "E2BIG");
	CALL(d1, XS_SET_PERMS, "d\0n1\0r2\0r3\0r4\0r5\0r6");
	assert_error(d1, "ENOSPC");
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(CALL(d1, XS_TRANSACTION_START, ""), XS_TRANSACTION_START);
	CALL(d1, XS_TRANSACTION_START, "");
	assert_error(d1, "ENOSPC");
	/* Private copies of the tree are bounded: room for two, not three. */
	xsd_quota(xsd)->copied_nodes = 2 * xsd_node_count(xsd) + 1;
	for (uint32_t tx = 1; tx <= 3; tx++) {
		call(d1, XS_MKDIR, tx, "d", 2);
		assert_string_equal(d1->data, tx < 3 ? "OK" : "ENOSPC");
	}
	call(d1, XS_READ, 3, "d", 2); /* reading needs no copy */
	assert_int_equal(d1->type, XS_READ);
	call(d1, XS_TRANSACTION_END, 1, "F", 2);
	call(d1, XS_MKDIR, 3, "d", 2); /* one copy freed: room again */
	assert_reply(d1, "OK");
}

static void test_watches(void **state)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1], *d2 = &doms[2];
	(void)state;
	CALL(d1, XS_WATCH, "device\0tok");
	assert_reply(d1, "OK");
	assert_string_equal(next_event(d1), "device tok"); /* first firing, relative */
	CALL(d1, XS_WATCH, "device\0tok");
	assert_error(d1, "EEXIST");
	WRITE(d0, "/local/domain/1/device/vbd/1/state", "1");
	assert_string_equal(next_event(d1), "device/vbd/1/state tok");
	WRITE(d0, "/local/domain/1/devices", "not a child");
	assert_null(next_event(d1));
	CALL(d2, XS_WATCH, "/local/domain/1/device\0spy");
	assert_string_equal(next_event(d2), "/local/domain/1/device spy");
	WRITE(d0, "/local/domain/1/device/x", "1");
	assert_string_equal(next_event(d1), "device/x tok");
	assert_null(next_event(d2)); /* domain 2 may not read it */
	CALL(d0, XS_WATCH, "/local/domain/1/device/vbd/1/state\0deep");
	assert_string_equal(next_event(d0), "/local/domain/1/device/vbd/1/state deep");
	CALL(d0, XS_RM, "/local/domain/1/device");
	assert_string_equal(next_event(d1), "device tok");
	assert_string_equal(next_event(d0), "/local/domain/1/device/vbd/1/state deep");
	CALL(d1, XS_UNWATCH, "device\0tok");
	assert_reply(d1, "OK");
	CALL(d1, XS_UNWATCH, "device\0tok");
	assert_error(d1, "ENOENT");
	WRITE(d0, "/local/domain/1/device/y", "1");
	assert_null(next_event(d1));
	CALL(d0, XS_WATCH, "/\0all");
	assert_string_equal(next_event(d0), "/ all");
	WRITE(d0, "/z", "1");
	assert_string_equal(next_event(d0), "/z all");
	CALL(d0, XS_RESET_WATCHES, "");
	WRITE(d0, "/z", "2");
	assert_null(next_event(d0));
}

static void test_slow_reader_backpressure(void **state)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1];
	struct xsd_sockmsg h = {XS_READ, 1, 0, 7};
	(void)state;
	CALL(d1, XS_WATCH, "w\0t");
	next_event(d1);
	/* 40 requests without reading replies: the daemon stops reading. */
	for (int i = 0; i < 40; i++) {
		if (xs_ring_space_out(&d1->ring) < sizeof(h) + 7)
			break;
		xs_ring_write(&d1->ring, &h, sizeof(h));
		xs_ring_write(&d1->ring, "nonode", 7);
		xsd_poll(xsd);
	}
	assert_true(xs_ring_avail_in(&d1->ring) > 0);
	/* Events to the stalled reader are bounded, the writer unaffected. */
	for (int i = 0; i < 200; i++)
		WRITE(d0, "/local/domain/1/w", "x");
	assert_true(xsd_dropped_events(xsd) > 0);
	assert_true(xsd_check(xsd));
}

const struct CMUnitTest perm_tests[] = {
	cmocka_unit_test_setup_teardown(test_unprivileged_access, setup_guests, xs_teardown),
	cmocka_unit_test_setup_teardown(test_quotas, setup_guests, xs_teardown),
	cmocka_unit_test_setup_teardown(test_watches, setup_guests, xs_teardown),
	cmocka_unit_test_setup_teardown(test_slow_reader_backpressure, setup_guests, xs_teardown),
};
const size_t n_perm_tests = sizeof(perm_tests) / sizeof(perm_tests[0]);
