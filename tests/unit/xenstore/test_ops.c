/*
 * XenStore daemon: every operation over the wire, as dom0 and as
 * unprivileged domains, checked against Xen's documented behaviour.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include "tests.h"

static void test_write_read(void **state)
{
	struct tdom *d0 = &doms[0];
	(void)state;
	WRITE(d0, "/a/b/c", "hello");
	assert_reply(d0, "OK");
	assert_int_equal(CALL(d0, XS_READ, "/a/b/c"), XS_READ);
	assert_int_equal(d0->len, 5); /* no NUL in a read reply */
	assert_memory_equal(d0->data, "hello", 5);
	CALL(d0, XS_READ, "/a/b"); /* parents were created, empty */
	assert_int_equal(d0->type, XS_READ);
	assert_int_equal(d0->len, 0);
	WRITE(d0, "/a/b/c", "");
	CALL(d0, XS_READ, "/a/b/c");
	assert_int_equal(d0->len, 0);
	CALL(d0, XS_READ, "/nope");
	assert_error(d0, "ENOENT");
}

static void test_directory_mkdir_rm(void **state)
{
	struct tdom *d0 = &doms[0];
	(void)state;
	WRITE(d0, "/d/x", "1");
	WRITE(d0, "/d/y", "2");
	CALL(d0, XS_MKDIR, "/d/z");
	assert_reply(d0, "OK");
	CALL(d0, XS_MKDIR, "/d/z"); /* existing: fine */
	assert_reply(d0, "OK");
	CALL(d0, XS_DIRECTORY, "/d");
	assert_int_equal(d0->len, 6);
	assert_memory_equal(d0->data, "x\0y\0z\0", 6);
	CALL(d0, XS_RM, "/d");
	assert_reply(d0, "OK");
	CALL(d0, XS_READ, "/d/x");
	assert_error(d0, "ENOENT");
	CALL(d0, XS_RM, "/d"); /* gone, but parent exists: OK */
	assert_reply(d0, "OK");
	CALL(d0, XS_RM, "/d/q/r"); /* parent missing */
	assert_error(d0, "ENOENT");
	CALL(d0, XS_RM, "/");
	assert_error(d0, "EINVAL");
	CALL(d0, XS_DIRECTORY, "/d");
	assert_error(d0, "ENOENT");
}

static void test_bad_paths(void **state)
{
	struct tdom *d0 = &doms[0];
	static char longp[XENSTORE_ABS_PATH_MAX + 8];
	(void)state;
	CALL(d0, XS_READ, "/a//b");
	assert_error(d0, "EINVAL");
	CALL(d0, XS_READ, "/a/");
	assert_error(d0, "EINVAL");
	CALL(d0, XS_READ, "/a b");
	assert_error(d0, "EINVAL");
	CALL(d0, XS_READ, "/a.b");
	assert_error(d0, "EINVAL");
	call(d0, XS_READ, 0, "/a\0/b", 6); /* two strings where one is expected */
	assert_error(d0, "EINVAL");
	call(d0, XS_READ, 0, "/abc", 4); /* no NUL */
	assert_error(d0, "EINVAL");
	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	call(d0, XS_READ, 0, longp, sizeof(longp));
	assert_error(d0, "EINVAL");
	longp[XENSTORE_ABS_PATH_MAX] = '\0'; /* exactly the limit: valid */
	call(d0, XS_READ, 0, longp, XENSTORE_ABS_PATH_MAX + 1);
	assert_error(d0, "ENOENT");
}

static void test_relative_paths_and_domain_path(void **state)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1];
	(void)state;
	introduce(1);
	WRITE(d0, "/local/domain/1", "");
	CALL(d0, XS_SET_PERMS, "/local/domain/1\0n1");
	assert_reply(d0, "OK");
	WRITE(d1, "name", "guest");
	assert_reply(d1, "OK");
	CALL(d0, XS_READ, "/local/domain/1/name");
	assert_memory_equal(d0->data, "guest", 5);
	CALL(d1, XS_GET_DOMAIN_PATH, "1");
	assert_reply(d1, "/local/domain/1");
	CALL(d1, XS_GET_DOMAIN_PATH, "70000");
	assert_error(d1, "EINVAL");
	CALL(d1, XS_GET_DOMAIN_PATH, "1x");
	assert_error(d1, "EINVAL");
}

static void test_unknown_and_reserved_types(void **state)
{
	struct tdom *d0 = &doms[0];
	(void)state;
	CALL(d0, 20, "");
	assert_error(d0, "ENOSYS");
	CALL(d0, 999, "x");
	assert_error(d0, "ENOSYS");
	CALL(d0, XS_INVALID, "x");
	assert_error(d0, "ENOSYS");
	CALL(d0, XS_WATCH_EVENT, "/a\0t");
	assert_error(d0, "EINVAL");
	CALL(d0, XS_ERROR, "EINVAL");
	assert_error(d0, "EINVAL");
}

static void test_introduce_release(void **state)
{
	struct tdom *d0 = &doms[0], *d2 = &doms[2];
	(void)state;
	CALL(d0, XS_WATCH, "@introduceDomain\0intro");
	CALL(d0, XS_WATCH, "@releaseDomain\0rel");
	assert_string_equal(next_event(d0), "@introduceDomain intro");
	assert_string_equal(next_event(d0), "@releaseDomain rel");
	CALL(d0, XS_IS_DOMAIN_INTRODUCED, "2");
	assert_reply(d0, "F");
	introduce(2);
	assert_string_equal(next_event(d0), "@introduceDomain intro");
	introduce(2); /* same frame and port again: fine */
	CALL(d0, XS_INTRODUCE, "2\0003\000102");
	assert_error(d0, "EEXIST");
	CALL(d0, XS_INTRODUCE, "3\0003\000999"); /* connect refuses */
	assert_error(d0, "EINVAL");
	CALL(d0, XS_IS_DOMAIN_INTRODUCED, "2");
	assert_reply(d0, "T");
	CALL(d2, XS_IS_DOMAIN_INTRODUCED, "2"); /* dom0 only */
	assert_error(d2, "EACCES");
	CALL(d2, XS_RELEASE, "2");
	assert_error(d2, "EACCES");
	WRITE(d0, "/local/domain/2/data", "x");
	WRITE(d0, "/local/domain/2/more/deep", "y");
	WRITE(d0, "/vm/two", "z");
	CALL(d0, XS_SET_PERMS, "/vm/two\0n2");
	unsigned int before = xsd_node_count(xsd);
	CALL(d0, XS_RELEASE, "2");
	assert_reply(d0, "OK");
	assert_string_equal(next_event(d0), "@releaseDomain rel");
	assert_int_equal(xsd_node_count(xsd), before - 4);
	CALL(d0, XS_GET_PERMS, "/vm/two"); /* orphan passed to dom0 */
	assert_memory_equal(d0->data, "n0", 3);
	CALL(d0, XS_IS_DOMAIN_INTRODUCED, "2");
	assert_reply(d0, "F");
	CALL(d0, XS_RELEASE, "2");
	assert_error(d0, "ENOENT");
	assert_true(xsd_check(xsd));
}

static void test_domain_gone(void **state)
{
	struct tdom *d0 = &doms[0], *d3 = &doms[3];
	(void)state;
	introduce(3);
	WRITE(d0, "/local/domain/3", "");
	CALL(d0, XS_SET_PERMS, "/local/domain/3\0n3");
	WRITE(d3, "device/vif/0/state", "1");
	CALL(d3, XS_WATCH, "device\0mine");
	CALL(d0, XS_WATCH, "/local/domain/3/device/vif/0\0backend");
	assert_string_equal(next_event(d0), "/local/domain/3/device/vif/0 backend");
	xsd_domain_gone(xsd, 3);
	assert_string_equal(next_event(d0), "/local/domain/3/device/vif/0 backend");
	CALL(d0, XS_READ, "/local/domain/3");
	assert_error(d0, "ENOENT");
	introduce(3); /* the id can come back, with a clean slate */
	CALL(d0, XS_IS_DOMAIN_INTRODUCED, "3");
	assert_reply(d0, "T");
}

/* A domain that shut down: @releaseDomain once, its connection and home stay. */
static void test_domain_shutdown(void **state)
{
	struct tdom *d0 = &doms[0];
	(void)state;
	assert_false(xsd_domain_shutdown(xsd, 2)); /* not introduced: nothing to say */
	introduce(2);
	WRITE(d0, "/local/domain/2/name", "two");
	CALL(d0, XS_WATCH, "@releaseDomain\0rel");
	assert_string_equal(next_event(d0), "@releaseDomain rel");
	assert_null(next_event(d0));
	assert_true(xsd_domain_shutdown(xsd, 2));
	assert_string_equal(next_event(d0), "@releaseDomain rel");
	assert_false(xsd_domain_shutdown(xsd, 2)); /* reported once */
	assert_null(next_event(d0));
	CALL(d0, XS_IS_DOMAIN_INTRODUCED, "2");
	assert_reply(d0, "T");
	CALL(d0, XS_READ, "/local/domain/2/name");
	assert_memory_equal(d0->data, "two", 3);
	xsd_domain_gone(xsd, 2); /* then destroyed: fires again */
	assert_string_equal(next_event(d0), "@releaseDomain rel");
	introduce(2); /* a new domain with the id is reported afresh */
	assert_true(xsd_domain_shutdown(xsd, 2));
	assert_true(xsd_check(xsd));
}

static void test_oversized_payload_and_log_limit(void **state)
{
	struct tdom *d1 = &doms[1];
	static char junk[XENSTORE_PAYLOAD_MAX + 1];
	(void)state;
	introduce(1);
	for (unsigned int i = 0; i < 600; i++) {
		call(d1, XS_READ, 0, junk, XENSTORE_PAYLOAD_MAX + 1); /* skipped, stream in step */
		assert_error(d1, "E2BIG");
	}
	assert_true(log_lines >= 32 && log_lines <= 32 + 600 / 256 + 1);
	WRITE(d1, "/local/domain/1", ""); /* unprivileged: refused, but answered */
	assert_error(d1, "EACCES");
}

const struct CMUnitTest ops_tests[] = {
	cmocka_unit_test_setup_teardown(test_oversized_payload_and_log_limit, xs_setup,
					xs_teardown),
	cmocka_unit_test_setup_teardown(test_write_read, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_directory_mkdir_rm, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_bad_paths, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_relative_paths_and_domain_path, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_unknown_and_reserved_types, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_introduce_release, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_domain_gone, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_domain_shutdown, xs_setup, xs_teardown),
};
const size_t n_ops_tests = sizeof(ops_tests) / sizeof(ops_tests[0]);
