/*
 * XenStore transactions: isolation, commit, abort, and conflicts (EAGAIN)
 * for every way a concurrent change can touch what a transaction used.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "harness.h"
#include "tests.h"

static uint32_t start(struct tdom *t)
{
	assert_int_equal(CALL(t, XS_TRANSACTION_START, ""), XS_TRANSACTION_START);
	return (uint32_t)strtoul(t->data, NULL, 10);
}

static void end(struct tdom *t, uint32_t tx, const char *want)
{
	call(t, XS_TRANSACTION_END, tx, "T", 2);
	assert_string_equal(t->data, want);
}

static void test_commit_and_isolation(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	WRITE(d0, "/t/old", "1");
	CALL(d0, XS_WATCH, "/t\0w");
	next_event(d0);
	tx = start(d0);
	assert_true(tx != 0);
	TWRITE(d0, tx, "/t/new/leaf", "2");
	assert_reply(d0, "OK");
	TCALL(d0, XS_RM, tx, "/t/old");
	TCALL(d0, XS_READ, tx, "/t/new/leaf");
	assert_memory_equal(d0->data, "2", 1);
	CALL(d0, XS_READ, "/t/new/leaf"); /* not visible outside yet */
	assert_error(d0, "ENOENT");
	CALL(d0, XS_READ, "/t/old");
	assert_int_equal(d0->type, XS_READ);
	assert_null(next_event(d0)); /* watches wait for the commit */
	end(d0, tx, "OK");
	CALL(d0, XS_READ, "/t/new/leaf");
	assert_memory_equal(d0->data, "2", 1);
	CALL(d0, XS_READ, "/t/old");
	assert_error(d0, "ENOENT");
	assert_non_null(next_event(d0));
	call(d0, XS_TRANSACTION_END, tx, "T", 2); /* already ended */
	assert_error(d0, "ENOENT");
}

static void test_abort(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	tx = start(d0);
	TWRITE(d0, tx, "/ab", "x");
	call(d0, XS_TRANSACTION_END, tx, "F", 2);
	assert_reply(d0, "OK");
	CALL(d0, XS_READ, "/ab");
	assert_error(d0, "ENOENT");
	tx = start(d0);
	call(d0, XS_TRANSACTION_END, tx, "maybe", 6);
	assert_error(d0, "EINVAL");
	call(d0, XS_TRANSACTION_START, tx, "", 1); /* nested */
	assert_error(d0, "EBUSY");
	call(d0, XS_READ, 4242, "/", 2);
	assert_error(d0, "ENOENT");
}

/* Start a transaction that reads /c/r and writes /c/w, then run `meddle`. */
static void conflict_case(const char *what, void (*meddle)(struct tdom *), const char *want)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1];
	uint32_t tx;

	WRITE(d0, "/c", "");
	CALL(d0, XS_SET_PERMS, "/c\0b1");
	WRITE(d0, "/c/r", "1");
	WRITE(d0, "/c/w", "1");
	WRITE(d0, "/c/other", "1");
	tx = start(d1);
	TCALL(d1, XS_READ, tx, "/c/r");
	TWRITE(d1, tx, "/c/w", "2");
	meddle(d0);
	call(d1, XS_TRANSACTION_END, tx, "T", 2);
	if (strcmp(d1->data, want) != 0)
		fail_msg("%s: commit answered %s, expected %s", what, d1->data, want);
	CALL(d0, XS_RM, "/c");
}

static void touch_read(struct tdom *d0)
{
	WRITE(d0, "/c/r", "changed");
}
static void touch_written(struct tdom *d0)
{
	WRITE(d0, "/c/w", "changed");
}
static void remove_read(struct tdom *d0)
{
	CALL(d0, XS_RM, "/c/r");
}
static void perms_read(struct tdom *d0)
{
	CALL(d0, XS_SET_PERMS, "/c/r\0r1");
}
static void touch_other(struct tdom *d0)
{
	WRITE(d0, "/c/other", "changed");
}
static void unrelated(struct tdom *d0)
{
	WRITE(d0, "/elsewhere", "x");
}

static void test_conflicts(void **state)
{
	(void)state;
	introduce(1);
	conflict_case("write to a node it read", touch_read, "EAGAIN");
	conflict_case("write to a node it wrote", touch_written, "EAGAIN");
	conflict_case("removal of a node it read", remove_read, "EAGAIN");
	conflict_case("new perms on a node it read", perms_read, "EAGAIN");
	conflict_case("change to a sibling", touch_other, "OK");
	conflict_case("unrelated change", unrelated, "OK");
}

static void test_conflict_on_absent_node(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	tx = start(d0);
	TCALL(d0, XS_READ, tx, "/absent");
	assert_error(d0, "ENOENT");
	WRITE(d0, "/absent", "now here");
	end(d0, tx, "EAGAIN");
	/* The retry succeeds and its effect is visible. */
	tx = start(d0);
	TCALL(d0, XS_READ, tx, "/absent");
	TWRITE(d0, tx, "/absent", "retried");
	end(d0, tx, "OK");
	CALL(d0, XS_READ, "/absent");
	assert_memory_equal(d0->data, "retried", 7);
}

static void test_two_transactions_same_node(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t a, b;
	(void)state;
	WRITE(d0, "/n", "0");
	a = start(d0);
	b = start(d0);
	assert_true(a != b);
	TWRITE(d0, a, "/n", "a");
	TWRITE(d0, b, "/n", "b");
	end(d0, a, "OK");
	end(d0, b, "EAGAIN");
	CALL(d0, XS_READ, "/n");
	assert_memory_equal(d0->data, "a", 1);
}

/* Remove a subtree and rebuild part of it in one transaction. */
static void test_remove_then_recreate(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	WRITE(d0, "/r/a/old1", "1");
	WRITE(d0, "/r/a/old2", "2");
	CALL(d0, XS_WATCH, "/r/a/old1\0gone");
	next_event(d0);
	unsigned int nodes = xsd_node_count(xsd);
	tx = start(d0);
	TCALL(d0, XS_RM, tx, "/r/a");
	TWRITE(d0, tx, "/r/a/new/leaf", "n");
	TCALL(d0, XS_DIRECTORY, tx, "/r/a");
	assert_int_equal(d0->len, 4);
	assert_memory_equal(d0->data, "new\0", 4);
	end(d0, tx, "OK");
	CALL(d0, XS_DIRECTORY, "/r/a");
	assert_int_equal(d0->len, 4);
	assert_memory_equal(d0->data, "new\0", 4);
	CALL(d0, XS_READ, "/r/a/old2");
	assert_error(d0, "ENOENT");
	assert_int_equal(xsd_node_count(xsd), nodes); /* -2 old, +2 new */
	assert_string_equal(next_event(d0), "/r/a/old1 gone");
	assert_true(xsd_check(xsd));
}

/* A directory listing conflicts with a child created meanwhile. */
static void test_directory_conflict(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	WRITE(d0, "/list/a", "1");
	tx = start(d0);
	TCALL(d0, XS_DIRECTORY, tx, "/list");
	TWRITE(d0, tx, "/count", "1");
	WRITE(d0, "/list/b", "1");
	end(d0, tx, "EAGAIN");
	CALL(d0, XS_READ, "/count");
	assert_error(d0, "ENOENT");
}

/* A domU's transaction respects its permissions and quotas too. */
static void test_unprivileged_transaction(void **state)
{
	struct tdom *d0 = &doms[0], *d1 = &doms[1];
	uint32_t tx;
	(void)state;
	introduce(1);
	WRITE(d0, "/local/domain/1", "");
	CALL(d0, XS_SET_PERMS, "/local/domain/1\0n1");
	tx = start(d1);
	TWRITE(d1, tx, "/local/domain/0/x", "evil");
	assert_error(d1, "EACCES");
	xsd_quota(xsd)->nodes = 3;
	TWRITE(d1, tx, "a/b", "1");
	assert_reply(d1, "OK");
	TWRITE(d1, tx, "c", "1");
	assert_error(d1, "ENOSPC");
	end(d1, tx, "OK");
	CALL(d1, XS_GET_PERMS, "a/b");
	assert_memory_equal(d1->data, "n1", 3);
}

/* The private copy is taken at the first change; reads before it are still checked. */
static void test_change_between_read_and_first_write(void **state)
{
	struct tdom *d0 = &doms[0];
	uint32_t tx;
	(void)state;
	WRITE(d0, "/p/a", "1");
	tx = start(d0);
	TCALL(d0, XS_READ, tx, "/p/a");
	WRITE(d0, "/p/a", "2"); /* before the transaction changes anything */
	TWRITE(d0, tx, "/p/b", "from a=1");
	end(d0, tx, "EAGAIN");
	/* A read-only transaction commits when nothing it read changed. */
	tx = start(d0);
	TCALL(d0, XS_READ, tx, "/p/a");
	assert_memory_equal(d0->data, "2", 1);
	WRITE(d0, "/p/other", "x");
	end(d0, tx, "OK");
	CALL(d0, XS_READ, "/p/b");
	assert_error(d0, "ENOENT");
}

/* A path as deep as the length limit allows, created and removed in transactions. */
static void test_deep_tree(void **state)
{
	struct tdom *d0 = &doms[0];
	static char path[XENSTORE_ABS_PATH_MAX + 2];
	size_t len = 5;
	uint32_t tx;
	(void)state;
	strcpy(path, "/deep");
	while (len + 2 <= XENSTORE_ABS_PATH_MAX) {
		strcpy(path + len, "/a");
		len += 2;
	}
	unsigned int before = xsd_node_count(xsd);
	tx = start(d0);
	call(d0, XS_WRITE, tx, path, (uint32_t)len + 1);
	assert_reply(d0, "OK");
	end(d0, tx, "OK");
	assert_int_equal(xsd_node_count(xsd), before + 1 + (len - 5) / 2); /* deep + the a-s */
	tx = start(d0);
	TCALL(d0, XS_RM, tx, "/deep");
	end(d0, tx, "OK");
	assert_int_equal(xsd_node_count(xsd), before);
}

const struct CMUnitTest txn_tests[] = {
	cmocka_unit_test_setup_teardown(test_deep_tree, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_change_between_read_and_first_write, xs_setup,
					xs_teardown),
	cmocka_unit_test_setup_teardown(test_remove_then_recreate, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_directory_conflict, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_unprivileged_transaction, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_commit_and_isolation, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_abort, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_conflicts, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_conflict_on_absent_node, xs_setup, xs_teardown),
	cmocka_unit_test_setup_teardown(test_two_transactions_same_node, xs_setup, xs_teardown),
};
const size_t n_txn_tests = sizeof(txn_tests) / sizeof(txn_tests[0]);
