/*
 * Model-based test: thousands of random writes, mkdirs and removals by
 * dom0 on a small universe of paths (/m/{a,b,c}/{a,b,c}/{a,b,c}), checked
 * after every step against a simple model (exists + value per path, and
 * each directory's children as a set).  Transactions on /m/a run
 * interleaved with plain changes to /m/b and /m/c: disjoint, so each must
 * commit; inside, the transaction must see its own changes, and afterwards
 * the tree must equal the model with the transaction's subtree applied; an
 * aborted one must leave no trace.
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

#define NPATHS 40 /* /m and 39 below it */

struct model {
	bool exists[NPATHS];
	char value[NPATHS][8];
};

static char paths[NPATHS][16];
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void make_paths(void)
{
	unsigned int n = 0;

	strcpy(paths[n++], "/m");
	for (unsigned int i = 0; i < 3; i++) {
		snprintf(paths[n++], 16, "/m/%c", 'a' + i);
		for (unsigned int j = 0; j < 3; j++) {
			snprintf(paths[n++], 16, "/m/%c/%c", 'a' + i, 'a' + j);
			for (unsigned int k = 0; k < 3; k++)
				snprintf(paths[n++], 16, "/m/%c/%c/%c", 'a' + i, 'a' + j, 'a' + k);
		}
	}
	assert_int_equal(n, NPATHS);
}

static int find(const char *p)
{
	for (int i = 0; i < NPATHS; i++)
		if (strcmp(paths[i], p) == 0)
			return i;
	return -1;
}

static int parent_of(int i)
{
	char p[16];

	strcpy(p, paths[i]);
	*strrchr(p, '/') = '\0';
	return find(p);
}

static bool under(int i, int top)
{
	size_t l = strlen(paths[top]);
	return strncmp(paths[i], paths[top], l) == 0 && (paths[i][l] == '\0' || paths[i][l] == '/');
}

static void model_create(struct model *m, int i)
{
	for (int p = i; p >= 0 && !m->exists[p]; p = parent_of(p)) {
		m->exists[p] = true;
		m->value[p][0] = '\0';
	}
}

/* One random operation on a path with prefix `top`; applied to the daemon (tx) and to m. */
static void random_op(struct model *m, int top, uint32_t tx)
{
	struct tdom *d0 = &doms[0];
	int i;
	char msg[32];

	do {
		i = (int)(rnd() % NPATHS);
	} while (!under(i, top) || i == top);
	uint32_t op = rnd() % 3, plen = (uint32_t)strlen(paths[i]) + 1;
	memcpy(msg, paths[i], plen);
	if (op == 0) { /* write */
		int n = snprintf(msg + plen, 8, "v%u", rnd() % 100);
		call(d0, XS_WRITE, tx, msg, plen + (uint32_t)n);
		model_create(m, i);
		strcpy(m->value[i], msg + plen);
	} else if (op == 1) { /* mkdir */
		call(d0, XS_MKDIR, tx, msg, plen);
		model_create(m, i);
	} else { /* rm */
		bool ok = m->exists[i] || m->exists[parent_of(i)];
		call(d0, XS_RM, tx, msg, plen);
		assert_string_equal(d0->data, ok ? "OK" : "ENOENT");
		for (int k = 0; k < NPATHS; k++)
			if (under(k, i))
				m->exists[k] = false;
		return;
	}
	assert_string_equal(d0->data, "OK");
}

/* Compare the paths under `top` (all if -1) as seen in `tx` with the model. */
static void check_against(const struct model *m, uint32_t tx, int top)
{
	struct tdom *d0 = &doms[0];

	for (int i = 0; i < NPATHS; i++) {
		if (top >= 0 && !under(i, top))
			continue;
		call(d0, XS_READ, tx, paths[i], (uint32_t)strlen(paths[i]) + 1);
		if (!m->exists[i]) {
			assert_error(d0, "ENOENT");
			continue;
		}
		assert_int_equal(d0->type, XS_READ);
		assert_int_equal(d0->len, strlen(m->value[i]));
		assert_memory_equal(d0->data, m->value[i], d0->len);
		call(d0, XS_DIRECTORY, tx, paths[i], (uint32_t)strlen(paths[i]) + 1);
		unsigned int kids = 0;
		for (int k = 0; k < NPATHS; k++) {
			if (!m->exists[k] || parent_of(k) != i)
				continue;
			kids++;
			const char *leaf = strrchr(paths[k], '/') + 1;
			bool found = false;
			for (uint32_t off = 0; off < d0->len;
			     off += (uint32_t)strlen(d0->data + off) + 1)
				found |= strcmp(d0->data + off, leaf) == 0;
			if (!found)
				fail_msg("tx %u: %s lacks child %s", tx, paths[i], leaf);
		}
		unsigned int listed = 0;
		for (uint32_t off = 0; off < d0->len; off += (uint32_t)strlen(d0->data + off) + 1)
			listed++;
		assert_int_equal(listed, kids);
	}
	assert_true(xsd_check(xsd));
}

/* A transaction on /m/a interleaved with plain changes to /m/b and /m/c. */
static void transaction_round(struct model *m)
{
	struct tdom *d0 = &doms[0];
	struct model txm = *m;
	int a = find("/m/a"), other = find(rnd() % 2 ? "/m/b" : "/m/c");
	bool abort = rnd() % 4 == 0;
	uint32_t tx;

	CALL(d0, XS_TRANSACTION_START, "");
	tx = (uint32_t)strtoul(d0->data, NULL, 10);
	for (unsigned int n = 1 + rnd() % 6; n; n--) {
		random_op(&txm, a, tx);
		if (rnd() % 2)
			random_op(m, other, 0);
	}
	check_against(&txm, tx,
		      a); /* what it sees elsewhere may be live or as of its first change */
	for (int k = 0; k < NPATHS; k++) /* commit: its /m/a, the live rest */
		if (!under(k, a))
			txm.exists[k] = m->exists[k], strcpy(txm.value[k], m->value[k]);
	call(d0, XS_TRANSACTION_END, tx, abort ? "F" : "T", 2);
	assert_reply(d0, "OK");
	if (!abort)
		*m = txm;
}

static void test_against_model(void **state)
{
	struct model m = {0};
	(void)state;
	make_paths();
	for (const char *top = "abc"; *top; top++) { /* the three roots always exist */
		char p[8];
		snprintf(p, sizeof(p), "/m/%c", *top);
		call(&doms[0], XS_MKDIR, 0, p, (uint32_t)strlen(p) + 1);
		model_create(&m, find(p));
	}
	for (unsigned int step = 0; step < 1500; step++) {
		if (rnd() % 5 == 0)
			transaction_round(&m);
		else
			random_op(&m, find(rnd() % 2 ? "/m/b" : "/m/c"), 0);
		check_against(&m, 0, -1);
	}
}

const struct CMUnitTest model_tests[] = {
	cmocka_unit_test_setup_teardown(test_against_model, xs_setup, xs_teardown),
};
const size_t n_model_tests = sizeof(model_tests) / sizeof(model_tests[0]);
