/*
 * The hypercall fuzzer guest, and the bystander that watches it.
 *
 * Command line (start_info.cmd_line, words of key=value):
 *   seed=N     the PRNG seed (decimal or 0x hex; default 1), printed first
 *   rounds=N   how many hypercalls (default 20000)
 *   from=N     print every call from round N on (to find the one that
 *              broke something when a seed is replayed)
 *   mode=watch be the bystander instead: a domain that checks, 10 times a
 *              second, that its memory is exactly as it wrote it and that a
 *              loopback event channel still delivers, printing a heartbeat
 *              every 10 ticks (a second), until it is destroyed
 *
 * The fuzzer prints progress every 2000 rounds and, at the end, how the
 * results fell (0, positive, -ENOSYS, -EINVAL, -EFAULT, -EPERM, other),
 * then powers off.  If it wrecks itself on the way (a call that unmapped
 * or freed its own pages, say), the hypervisor reports the domain crashed;
 * tests/scenarios/fuzz.sh counts that as a legitimate end, not a failure.
 */
#include "fuzz.h"
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>

const char test_title[] = "fuzz";

struct config {
	uint64_t seed;
	unsigned long rounds, from;
	bool watch;
};

static uint64_t parse_number(const char *s)
{
	uint64_t v = 0;
	unsigned int base = 10;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (; *s && *s != ' '; s++) {
		unsigned int d = *s >= '0' && *s <= '9'	  ? (unsigned int)(*s - '0')
				 : *s >= 'a' && *s <= 'f' ? (unsigned int)(*s - 'a' + 10)
							  : 99;
		if (d >= base)
			break;
		v = v * base + d;
	}
	return v;
}

/* The value of key=... in the command line, or NULL. */
static const char *option(const char *key)
{
	const char *s = (const char *)tg_start_info->cmd_line;
	size_t n = 0;
	while (key[n])
		n++;
	for (; *s; s++) {
		if (s != (const char *)tg_start_info->cmd_line && s[-1] != ' ')
			continue;
		size_t i = 0;
		while (i < n && s[i] == key[i])
			i++;
		if (i == n && s[n] == '=')
			return s + n + 1;
	}
	return NULL;
}

static struct config parse_config(void)
{
	struct config c = {.seed = 1, .rounds = 20000, .from = ~0UL};
	const char *v;
	if ((v = option("seed")))
		c.seed = parse_number(v);
	if ((v = option("rounds")))
		c.rounds = parse_number(v);
	if ((v = option("from")))
		c.from = parse_number(v);
	v = option("mode");
	c.watch = v && v[0] == 'w';
	return c;
}

enum { R_ZERO, R_POSITIVE, R_ENOSYS, R_EINVAL, R_EFAULT, R_EPERM, R_OTHER, R_KINDS };

static unsigned int kind(long rc)
{
	switch (rc) {
	case 0:
		return R_ZERO;
	case -XEN_ENOSYS:
		return R_ENOSYS;
	case -XEN_EINVAL:
		return R_EINVAL;
	case -XEN_EFAULT:
		return R_EFAULT;
	case -XEN_EPERM:
		return R_EPERM;
	default:
		return rc > 0 ? R_POSITIVE : R_OTHER;
	}
}

/*
 * Our code and constants mapped read-only: a call told to write its results
 * over them gets -EFAULT instead of wrecking the fuzzer (the hypervisor
 * writes guest memory only where the guest could; tests/guest/hypercalls
 * checks that).
 */
static void protect_text(void)
{
	extern const char __tg_ro_end[];
	const unsigned long *mfns = (const unsigned long *)tg_start_info->mfn_list;
	unsigned int n = 0;
	for (unsigned long va = 0x2000; va < (unsigned long)__tg_ro_end; va += 4096)
		n += hypercall(__HYPERVISOR_update_va_mapping, va, (mfns[va >> 12] << 12) | 0x21,
			       UVMF_INVLPG, 0, 0) == 0;
	tg_printf("# fuzz: %u pages of code and constants made read-only\n", n);
}

static void fuzz(const struct config *cfg)
{
	unsigned long counts[R_KINDS] = {0};
	struct fuzz_env g;
	struct fuzz_call c;

	tg_printf("# fuzz: seed %lu (0x%lx), %lu rounds\n", cfg->seed, cfg->seed, cfg->rounds);
	protect_text();
	fuzz_init(&g, cfg->seed);
	fuzz_fill_scratch(&g, true);
	for (unsigned long i = 0; i < cfg->rounds; i++) {
		fuzz_fill_scratch(&g, false);
		fuzz_next(&g, &c);
		if (i >= cfg->from)
			tg_printf("# call %lu: %lu(%lx, %lx, %lx, %lx, %lx) path %u\n", i, c.nr,
				  c.a[0], c.a[1], c.a[2], c.a[3], c.a[4], c.path);
		long rc = fuzz_issue(&c);
		counts[kind(rc)]++;
		if (i >= cfg->from)
			tg_printf("# = %ld\n", rc);
		if ((i + 1) % 2000 == 0)
			tg_printf("# fuzz: round %lu\n", i + 1);
	}
	tg_printf("# fuzz: results: %lu zero, %lu positive, %lu ENOSYS, %lu EINVAL, %lu EFAULT, "
		  "%lu EPERM, %lu other\n",
		  counts[R_ZERO], counts[R_POSITIVE], counts[R_ENOSYS], counts[R_EINVAL],
		  counts[R_EFAULT], counts[R_EPERM], counts[R_OTHER]);
	tg_check(true, "the fuzzer lived through every call of its seed");
	tg_printf("# fuzz: seed %lu done\n", cfg->seed);
}

/* ---- the bystander -------------------------------------------------------- */

#define CANARY_PAGES 16
static uint64_t canary[CANARY_PAGES * 512] __attribute__((aligned(4096)));

static bool canary_intact(uint64_t seed)
{
	struct fuzz_env g;
	fuzz_init(&g, seed);
	for (size_t i = 0; i < sizeof(canary) / sizeof(canary[0]); i++)
		if (canary[i] != fuzz_random(&g))
			return false;
	return true;
}

static long evtchn(unsigned int cmd, void *arg)
{
	return hypercall(__HYPERVISOR_event_channel_op, cmd, (unsigned long)arg, 0, 0, 0);
}

/* A loopback channel: sending on one end makes the other pending; status shows it. */
static bool loopback_delivers(void)
{
	static struct evtchn_alloc_unbound au = {.dom = DOMID_SELF, .remote_dom = DOMID_SELF};
	static struct evtchn_bind_interdomain bi;
	static struct evtchn_send send;
	static struct evtchn_close cl;
	static struct evtchn_status st;

	if (evtchn(EVTCHNOP_alloc_unbound, &au))
		return false;
	bi = (struct evtchn_bind_interdomain){.remote_dom = DOMID_SELF, .remote_port = au.port};
	bool ok = evtchn(EVTCHNOP_bind_interdomain, &bi) == 0;
	send.port = bi.local_port;
	ok = ok && evtchn(EVTCHNOP_send, &send) == 0;
	st = (struct evtchn_status){.dom = DOMID_SELF, .port = au.port};
	ok = ok && evtchn(EVTCHNOP_status, &st) == 0 && st.status == EVTCHNSTAT_interdomain;
	cl.port = bi.local_port;
	ok = evtchn(EVTCHNOP_close, &cl) == 0 && ok;
	cl.port = au.port;
	return evtchn(EVTCHNOP_close, &cl) == 0 && ok;
}

static void watch(const struct config *cfg)
{
	struct fuzz_env g;
	fuzz_init(&g, cfg->seed);
	for (size_t i = 0; i < sizeof(canary) / sizeof(canary[0]); i++)
		canary[i] = fuzz_random(&g);
	tg_printf("# watch: %u pages written from seed %lu\n", CANARY_PAGES, cfg->seed);
	for (unsigned long tick = 1;; tick++) {
		hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0); /* now + 100 ms */
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		bool mem = canary_intact(cfg->seed), ev = loopback_delivers();
		if (!mem || !ev) {
			tg_check(mem, "watch: memory exactly as written");
			tg_check(ev, "watch: loopback event channel delivers");
			return;
		}
		if (tick % 10 == 0)
			tg_printf("# watch: tick %lu, memory intact, events delivered\n", tick);
	}
}

void test_main(void)
{
	struct config cfg = parse_config();
	if (cfg.watch)
		watch(&cfg);
	else
		fuzz(&cfg);
}
