/*
 * Seeded fuzzing of the daemon's wire parser.  Unprivileged domains send
 * thousands of messages per seed: valid ones, mutated ones (flipped bytes,
 * missing NULs, wrong types, random transaction ids) and raw garbage,
 * across ring wrap-around; now and then a header lies about its length or
 * the ring indices are corrupted, after which the domain is reset.  dom0
 * sends well-framed mutated messages (its privileged operations included).
 * Every reply must be well formed (an error carries a known name), the
 * daemon's invariants must hold throughout, and it must keep serving: a
 * final round trip from dom0 proves it.  The seed is printed so a failure
 * can be replayed.
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

#define MSGS_PER_SEED 3000

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static const struct {
	uint32_t type;
	const char *payload;
	uint32_t len; /* 0: strlen + 1 */
} corpus[] = {
	{XS_READ, "data", 0},
	{XS_READ, "/local/domain/1/data", 0},
	{XS_WRITE, "data\0value", 10},
	{XS_WRITE, "a/b/c/d\0x", 9},
	{XS_WRITE, "/local/domain/0/x\0y", 19},
	{XS_MKDIR, "dir/sub", 0},
	{XS_RM, "a", 0},
	{XS_RM, "/", 0},
	{XS_DIRECTORY, "", 0},
	{XS_DIRECTORY, "/local/domain", 0},
	{XS_GET_PERMS, "data", 0},
	{XS_SET_PERMS, "data\0n1\0r2", 11},
	{XS_SET_PERMS, "data\0b0", 8},
	{XS_WATCH, "data\0tok", 9},
	{XS_WATCH, "@releaseDomain\0r", 17},
	{XS_UNWATCH, "data\0tok", 9},
	{XS_TRANSACTION_START, "", 1},
	{XS_TRANSACTION_END, "T", 2},
	{XS_TRANSACTION_END, "F", 2},
	{XS_GET_DOMAIN_PATH, "1", 2},
	{XS_INTRODUCE, "2\0002\000102", 8},
	{XS_RELEASE, "2", 2},
	{XS_IS_DOMAIN_INTRODUCED, "1", 2},
	{XS_RESET_WATCHES, "", 1},
};
#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

static const char *const known_errors[] = {XSD_ERROR_NAMES};

static void check_reply(const struct xsd_sockmsg *h, const char *buf)
{
	if (h->type == XS_ERROR) {
		for (size_t i = 0; i < sizeof(known_errors) / sizeof(known_errors[0]); i++)
			if (h->len == strlen(known_errors[i]) + 1 && !strcmp(buf, known_errors[i]))
				return;
		fail_msg("unknown error reply '%.*s'", (int)h->len, buf);
	}
	assert_true(h->type < XS_TYPE_COUNT || h->type == XS_INVALID);
}

static unsigned long replies;

static void drain_all(void)
{
	struct xsd_sockmsg h;
	static char buf[XENSTORE_PAYLOAD_MAX + 1];

	xsd_poll(xsd);
	for (unsigned int i = 0; i < NDOMS; i++) {
		while (read_msg(&doms[i], &h, buf)) {
			check_reply(&h, buf);
			replies++;
			xsd_poll(xsd);
		}
	}
}

/* Give domain i a fresh connection with arbitrary starting indices. */
static void reset_domain(unsigned int i)
{
	struct tdom *t = &doms[i];

	xsd_domain_gone(xsd, (uint16_t)i);
	memset(&t->page, 0, sizeof(t->page));
	t->page.req_cons = t->page.req_prod = rnd();
	t->page.rsp_cons = t->page.rsp_prod = rnd();
	assert_non_null(xsd_attach(xsd, (uint16_t)i, &t->page, t));
}

/* Send bytes, draining replies meanwhile; false if the daemon stopped reading. */
static bool send_bytes(struct tdom *t, const void *buf, size_t len)
{
	size_t sent = 0;
	unsigned int idle = 0;

	while (sent < len && idle < 4) {
		int n = xs_ring_write(&t->ring, (const char *)buf + sent, len - sent);
		if (n < 0)
			return false;
		sent += (size_t)n;
		idle = n ? 0 : idle + 1;
		drain_all();
	}
	return sent == len;
}

/* Build one message: a corpus entry, mutated or not, or garbage. */
static uint32_t make_msg(uint8_t *msg, struct xsd_sockmsg *h)
{
	uint32_t len, pick = rnd() % 100, c = rnd() % NCORPUS;

	*h = (struct xsd_sockmsg){corpus[c].type, rnd(), 0, 0};
	len = corpus[c].len ? corpus[c].len : (uint32_t)strlen(corpus[c].payload) + 1;
	memcpy(msg, corpus[c].payload, len);
	if (pick < 10) { /* garbage */
		len = rnd() % 300;
		for (uint32_t i = 0; i < len; i++)
			msg[i] = (uint8_t)rnd();
		h->type = rnd() % 32;
	} else if (pick < 60) { /* mutations */
		unsigned int flips = 1 + rnd() % 4;
		for (unsigned int i = 0; i < flips && len; i++)
			msg[rnd() % len] =
				rnd() % 5 ? (uint8_t) "/\0a@-"[rnd() % 5] : (uint8_t)rnd();
		if (rnd() % 4 == 0 && len)
			len--; /* drop the NUL */
		if (rnd() % 8 == 0)
			h->type = rnd() % 4 ? rnd() % 30 : rnd();
	}
	if (rnd() % 5 == 0)
		h->tx_id = rnd() % 4 ? rnd() % 4 : rnd();
	h->len = len;
	return len;
}

static void fuzz_domain(unsigned int i)
{
	static uint8_t msg[XENSTORE_PAYLOAD_MAX + 64];
	struct tdom *t = &doms[i];
	struct xsd_sockmsg h;
	uint32_t len = make_msg(msg, &h);
	unsigned int rare = rnd() % 200;

	if (rare == 0)
		h.len = rnd() % 3 ? XENSTORE_PAYLOAD_MAX + 1 + rnd() % 64 : rnd() % 4096;
	if (rare == 1)
		t->page.req_prod += 2000; /* corrupt the ring */
	if (!send_bytes(t, &h, sizeof(h)) || !send_bytes(t, msg, len) || rare <= 1 || t->page.error)
		reset_domain(i);
}

static void fuzz_dom0(void)
{
	static uint8_t msg[XENSTORE_PAYLOAD_MAX + 64];
	struct xsd_sockmsg h;
	uint32_t len = make_msg(msg, &h);

	assert_true(send_bytes(&doms[0], &h, sizeof(h)));
	assert_true(send_bytes(&doms[0], msg, len));
}

static void run_seed(uint64_t seed)
{
	rng = seed;
	replies = 0;
	harness_setup();
	for (unsigned int i = 1; i < NDOMS; i++)
		reset_domain(i);
	for (unsigned int n = 0; n < MSGS_PER_SEED; n++) {
		unsigned int who = rnd() % 8;
		if (who == 0)
			fuzz_dom0();
		else
			fuzz_domain(1 + who % (NDOMS - 1));
		if (n % 256 == 0 && !xsd_check(xsd))
			fail_msg("invariants broken after %u messages (seed %llu)", n,
				 (unsigned long long)seed);
	}
	drain_all();
	assert_true(xsd_check(xsd));
	/* Still serving: dom0's stream is in step, so a plain round trip works. */
	WRITE(&doms[0], "/fuzz-done", "yes");
	assert_reply(&doms[0], "OK");
	print_message("# seed %llu: %u messages, %lu replies\n", (unsigned long long)seed,
		      MSGS_PER_SEED, replies);
	harness_teardown();
}

static void test_fuzz_wire(void **state)
{
	const char *env = getenv("XS_FUZZ_SEED");
	(void)state;
	if (env) {
		run_seed(strtoull(env, NULL, 0));
		return;
	}
	for (uint64_t seed = 1; seed <= 4; seed++)
		run_seed(seed * 0x9e3779b97f4a7c15ull);
}

const struct CMUnitTest fuzz_tests[] = {
	cmocka_unit_test(test_fuzz_wire),
};
const size_t n_fuzz_tests = sizeof(fuzz_tests) / sizeof(fuzz_tests[0]);
