/*
 * unit/tlb with the flush IPIs delivered concurrently: each simulated CPU
 * is a pthread running its own seeded random walk over the real tlb.c,
 * and takes its flush requests asynchronously.
 *
 * The machine.  send_ipi posts to the target's mailbox; the target takes
 * it at its next interrupt window (between two steps of its walk: tlb.c is
 * called with interrupts off, as pv.c and the shadow code call it) or
 * answers from a spin-wait, as the real cpu_relax() does (the fake's
 * relax hook calls tlb_flush_poll).  The sender waits in tlb.c's own loop
 * for the acknowledgements.  Each CPU has a small TLB: a walk through the
 * root in its CR3 caches a translation (root, page -> frame) of that
 * root's domain, whether a vCPU runs there or the root is only lazy
 * (hardware may walk a loaded root at any time); every CR3 write empties
 * it (shadow entries are never global).  A domain's mappings are one word
 * per page (its shadows); domain locks are the hypervisor's ticket locks,
 * so a CPU spinning on one answers flushes, and revocations flush under
 * the lock as the shadow code does.
 *
 * Each step of a CPU: pick a vCPU (a live root of some domain; the vCPU
 * pins it), stop (the root stays lazy), walk a page, revoke a mapping
 * (new frame or none) and flush, free an unpinned root (unlink under the
 * lock, flush, then a new root takes its slot), or flush one or two
 * domains.  Checked: after a revocation's flush returns, no CPU's TLB
 * holds the old translation; after a root's flush, no CPU has that root
 * in CR3 or in its TLB; after every step, the CPU's own state (CR3 is
 * the hypervisor's tables exactly when it holds no domain's, its bit is
 * in that domain's mask) and its TLB (no frame whose revocation's flush
 * has returned: a walk in flight during that flush included).  Frames
 * and roots are never reused, so a stale entry cannot pass for a fresh
 * one.
 *
 * Two schedules.  Serial: one CPU thread runs at a time and hands the
 * machine on at every yield point (each step, each spin, each CR3 write,
 * after each IPI, inside a walk) to a CPU drawn from one seeded generator,
 * so a run is a function of its seed, and a failure is reproduced by
 * rerunning it.  Free: the threads run at once on the host's cores.  The
 * walks are still the seed's (TLB_SEED sets it, every result prints it;
 * the threads' decisions to yield the host CPU come from a generator of
 * their own, so they do not move the walk), but the interleaving is the
 * host's.  So the free schedule records it: the order in which the CPUs
 * reach their yield points (and where), one byte per arrival; spins and
 * the wait at the end are left out, their number being a matter of
 * timing.  A failing free walk saves the record to a file and is replayed
 * at once on the serial machinery: the same walks, the machine handed on
 * in the recorded order (a spinning CPU hands it to the CPU of the next
 * recorded arrival).  A replay is a function of its record, so
 * TLB_REPLAY=<file> repeats it exactly, under a debugger too.  It is
 * the free run's order at yield-point grain, not its overlap: what two
 * CPUs did between their yield points at the same time (an IPI seen or
 * not, a flush request polled inside tlb.c) may come out the other way,
 * and from there the replay goes its own way; the message says how far
 * it followed the record and whether it failed too.  TLB_FREE_RUNS=<n>
 * runs n free walks on seeds seed, seed + 1, ... to hunt for a rare one.
 * Waits are bounded by a count of spins, never by time.  Neither
 * schedule can fail on a correct tlb.c; failures are stale translations,
 * which a correct flush cannot leave.
 *
 * Broken on purpose while writing this test, each caught by the serial
 * schedule on its first seed at the same step every run (the synchronous
 * walk of test_tlb.c passes all four): the old domain's mask bit cleared
 * before the CR3 write in tlb_load_root (step 761: a CPU still maps a
 * revoked frame after the flush) or in leave_tables (step 206); the new
 * domain's bit set after the CR3 write (step 8: a walk right after the
 * write caches a frame whose revocation skipped the CPU); flush_done
 * published before flush_local in tlb_flush_poll (step 64).  The free
 * schedule caught the first, second and fourth in every run tried, the
 * late bit only in some (since it records its order: in 4 runs of 4).
 * Replays of recorded failures: flush_done first, 4 of 4 failed the same
 * check (a CPU still maps a revoked frame), at other steps, and a saved
 * record replayed three times gave the same message three times; the late
 * bit, 3 of 4 (one replay passed).
 */
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <asm/arch.h>
#include <asm/cr3.h>
#include <hospes/percpu.h>
#include <hospes/shadow.h>
#include <hospes/spinlock.h>
#include "machine.h"

#define NPAGE	   4	/* guest pages per domain */
#define NTLB	   8	/* TLB entries per CPU */
#define NSLOT	   3	/* root slots per domain (vCPUs' roots) */
#define STEPS	   4000 /* per CPU and run */
#define MAX_ROOTS  (64 + NCPU * STEPS)
#define MAX_FRAMES (1 << 18)
#define WAIT_BOUND 2000000 /* spins in one step before a wait counts as stuck */

/* A TLB entry: valid, root id, page, frame. */
#define ENTRY(root, page, frame)                                                                   \
	(1ULL << 63 | (uint64_t)(root) << 36 | (uint64_t)(page) << 32 | (uint32_t)(frame))
#define E_ROOT(e)  ((unsigned int)((e) >> 36) & 0x7ffffff)
#define E_FRAME(e) ((uint32_t)(e))

static uint64_t tlb[NCPU][NTLB];
static uint32_t map[NDOM][NPAGE];	/* frame of each page, 0: not present */
static uint32_t slot_root[NDOM][NSLOT]; /* live root id, 0 while being freed */
static uint8_t root_dom[MAX_ROOTS];	/* the domain a root id belongs to */
static uint8_t revoked[MAX_FRAMES];	/* the frame's revocation was flushed */
static uint32_t next_root, next_frame;
static int running[NCPU]; /* slot d * NSLOT + k pinned by the vCPU on the CPU, or -1 */
static spinlock_t dom_lock[NDOM];
static int mailbox[NCPU];

static bool serial;
static sem_t baton[NCPU];
static uint64_t run_seed, sched_rng;
static int stop, failed, done_cpus;
static char failure[256];

static struct {
	unsigned long steps, walks, revokes, contested, frees, loads;
} stats[NCPU];

static _Thread_local uint64_t my_rng, yield_rng;
static _Thread_local unsigned long spins, step_no;

/*
 * The free schedule's record: the CPU that reached each yield point, in
 * the order they were reached (one byte each, slots taken with one
 * atomic add).  A serial replay hands the machine on in that order.
 */
#define TRACE_MAX (16u << 20)
static uint8_t trace[TRACE_MAX];
static size_t trace_len; /* slots taken (may pass TRACE_MAX: truncated) */
static const uint8_t *replay;
static size_t replay_len, replay_pos;
static size_t replay_off, replay_same; /* arrivals elsewhere than recorded; where the first was */

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
	return *s;
}

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)(xorshift(&my_rng) % n);
}

static unsigned int me(void)
{
	return fake_cpu_id;
}

/* Stop every CPU thread (the run ended or failed) and leave this one. */
static void leave(void)
{
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	if (serial)
		for (unsigned int c = 0; c < NCPU; c++)
			sem_post(&baton[c]);
	pthread_exit(NULL);
}

static void report(const char *fmt, ...)
{
	if (!__atomic_exchange_n(&failed, 1, __ATOMIC_SEQ_CST)) {
		va_list ap;
		int n = snprintf(failure, sizeof(failure), "CPU %u step %lu: ", me(), step_no);
		va_start(ap, fmt);
		vsnprintf(failure + n, sizeof(failure) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	leave();
}

/* Where a CPU reaches a yield point (recorded with it). */
enum { AT_STEP, AT_WALK, AT_CR3, AT_IPI, AT_SPIN, AT_DONE, AT_IRQ };
#define ARRIVAL(cpu, at) ((uint8_t)((cpu) | (at) << 2))

/*
 * Free: record the arrival.  Serial: hand the machine to the CPU whose
 * arrival comes next in the replayed record, or else to one drawn from
 * the schedule's generator.
 */
static void yield_point(unsigned int at)
{
	if (__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
		leave();
	bool waiting = at == AT_SPIN || at == AT_DONE; /* how often: a matter of timing */
	if (!serial) {
		size_t slot =
			waiting ? TRACE_MAX : __atomic_fetch_add(&trace_len, 1, __ATOMIC_RELAXED);
		if (slot < TRACE_MAX)
			trace[slot] = ARRIVAL(me(), at);
		if (xorshift(&yield_rng) % 16 == 0) /* not my_rng: the walk stays the seed's */
			sched_yield();
		return;
	}
	unsigned int next = (unsigned int)(xorshift(&sched_rng) % NCPU);
	if (replay_pos < replay_len && waiting) { /* let the next recorded arrival come */
		if (replay[replay_pos] % NCPU != me())
			next = replay[replay_pos] % NCPU;
	} else if (replay_pos < replay_len) { /* the code up to the next arrival is that CPU's */
		if (replay[replay_pos] != ARRIVAL(me(), at) && !replay_off++)
			replay_same = replay_pos; /* the first arrival elsewhere than recorded */
		next = ++replay_pos < replay_len ? replay[replay_pos] % NCPU : me();
	}
	if (next == me())
		return;
	sem_post(&baton[next]);
	sem_wait(&baton[me()]);
	if (__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
		leave();
}

/* cpu_relax(): answer the flushes asked of this CPU, as the real one. */
static void relax(void)
{
	tlb_flush_poll();
	if (++spins > WAIT_BOUND)
		report("a spin-wait did not end after %d turns", WAIT_BOUND);
	if (!serial)
		sched_yield();
	yield_point(AT_SPIN);
}

/* Interrupts on: a posted flush IPI is taken. */
static void interrupt_window(void)
{
	bool posted = __atomic_exchange_n(&mailbox[me()], 0, __ATOMIC_ACQ_REL);
	/* Recorded right after what it saw; at the end, as often as timing has it. */
	if (!serial || replay_len)
		yield_point(step_no < STEPS ? AT_IRQ : AT_DONE);
	if (posted)
		flush_handler(NULL);
}

static void post_ipi(unsigned int cpu)
{
	__atomic_store_n(&mailbox[cpu], 1, __ATOMIC_RELEASE);
	yield_point(AT_IPI);
}

/* Just before a CR3 write: every translation of this CPU goes with it. */
static void before_cr3(void)
{
	yield_point(AT_CR3);
	for (unsigned int i = 0; i < NTLB; i++)
		__atomic_store_n(&tlb[me()][i], 0, __ATOMIC_RELEASE);
}

static void walk(void);

/* Just after it: the hardware may walk the new root at once. */
static void after_cr3(void)
{
	if (rnd(2))
		walk();
}

static unsigned int cr3_root(unsigned int c)
{
	return (unsigned int)(__atomic_load_n(&cr3[c], __ATOMIC_ACQUIRE) >> 12);
}

static unsigned int new_root(unsigned int d)
{
	unsigned int id = __atomic_add_fetch(&next_root, 1, __ATOMIC_RELAXED);
	if (id >= MAX_ROOTS)
		report("out of root ids");
	root_dom[id] = (uint8_t)d;
	return id;
}

/* The hardware walks the root in CR3 (running or lazy) and caches a page. */
static void walk(void)
{
	unsigned int root = cr3_root(me());
	if (root == HV >> 12)
		return;
	unsigned int d = root_dom[root], p = rnd(NPAGE);
	uint32_t frame = __atomic_load_n(&map[d][p], __ATOMIC_ACQUIRE);
	yield_point(AT_WALK); /* other CPUs move on while this walk is in flight */
	if (frame)
		__atomic_store_n(&tlb[me()][rnd(NTLB)], ENTRY(root, p, frame), __ATOMIC_RELEASE);
	stats[me()].walks++;
}

/* Does any CPU's TLB hold frame (or, frame 0, anything through root)? */
static int holder(unsigned int root, uint32_t frame, unsigned int skip)
{
	for (unsigned int c = 0; c < NCPU; c++)
		for (unsigned int i = 0; c != skip && i < NTLB; i++) {
			uint64_t e = __atomic_load_n(&tlb[c][i], __ATOMIC_ACQUIRE);
			if (e && (frame ? E_FRAME(e) == frame : E_ROOT(e) == root))
				return (int)c;
		}
	return -1;
}

static void stop_vcpu(void)
{
	int s = running[me()];
	if (s < 0)
		return;
	spin_lock(&dom_lock[s / NSLOT]);
	running[me()] = -1;
	this_cpu()->lazy_root = true; /* pv.c keeps the stopped vCPU's tables */
	spin_unlock(&dom_lock[s / NSLOT]);
}

static void run_vcpu(unsigned int d, unsigned int k)
{
	stop_vcpu();
	spin_lock(&dom_lock[d]);
	unsigned int root = slot_root[d][k];
	if (root)
		running[me()] = (int)(d * NSLOT + k);
	spin_unlock(&dom_lock[d]);
	if (root) {
		tlb_load_root(&dom[d], (paddr_t)root << 12);
		stats[me()].loads++;
	}
}

/* The shadow code drops a mapping under the domain's lock and flushes. */
static void revoke(unsigned int d, unsigned int p)
{
	uint32_t fresh = rnd(2) ? __atomic_add_fetch(&next_frame, 1, __ATOMIC_RELAXED) : 0;
	if (fresh >= MAX_FRAMES)
		report("out of frame numbers");
	spin_lock(&dom_lock[d]);
	uint32_t old = __atomic_exchange_n(&map[d][p], fresh, __ATOMIC_SEQ_CST);
	if (old && holder(0, old, me()) >= 0)
		stats[me()].contested++; /* another CPU caches it: the flush has work */
	arch_flush_tlb_domain(&dom[d]);
	if (old)
		__atomic_store_n(&revoked[old], 1, __ATOMIC_SEQ_CST);
	spin_unlock(&dom_lock[d]);
	int c = old ? holder(0, old, NCPU) : -1;
	if (c >= 0)
		report("CPU %d still maps d%u page %u to frame %u after the flush", c, d, p, old);
	stats[me()].revokes++;
}

/* A root no running vCPU pins: unlinked, flushed, then replaced. */
static void free_root(unsigned int d, unsigned int k)
{
	spin_lock(&dom_lock[d]);
	unsigned int root = slot_root[d][k];
	bool pinned = false;
	for (unsigned int c = 0; c < NCPU; c++)
		pinned |= running[c] == (int)(d * NSLOT + k);
	if (root && !pinned) {
		slot_root[d][k] = 0;
		arch_flush_tlb_domain(&dom[d]);
		for (unsigned int c = 0; c < NCPU; c++)
			if (cr3_root(c) == root)
				report("CPU %u has d%u's freed root %u in CR3", c, d, root);
		int c = holder(root, 0, NCPU);
		if (c >= 0)
			report("CPU %d caches translations of d%u's freed root %u", c, d, root);
		slot_root[d][k] = new_root(d);
		stats[me()].frees++;
	}
	spin_unlock(&dom_lock[d]);
}

/* This CPU's own state, which only it changes; no translation in its TLB
 * outlived the flush of its revocation (a walk in flight included). */
static void check_self(void)
{
	struct percpu *p = this_cpu();
	unsigned int root = cr3_root(me());
	for (unsigned int i = 0; i < NTLB; i++) {
		uint64_t e = __atomic_load_n(&tlb[me()][i], __ATOMIC_ACQUIRE);
		if (e && __atomic_load_n(&revoked[E_FRAME(e)], __ATOMIC_SEQ_CST))
			report("caches frame %u of root %u after its revocation's flush",
			       E_FRAME(e), E_ROOT(e));
	}
	if (!p->tables_of) {
		if (root != HV >> 12)
			report("holds no tables, CR3 root %u", root);
		return;
	}
	unsigned int d = (unsigned int)(p->tables_of - dom);
	if (root_dom[root] != d || root == HV >> 12)
		report("holds d%u's tables, CR3 root %u", d, root);
	if (!((__atomic_load_n(&dom[d].dirty_cpus, __ATOMIC_ACQUIRE) >> me()) & 1))
		report("holds d%u's tables, not in its mask", d);
}

static void one_step(void)
{
	unsigned int d = rnd(NDOM), op = rnd(16);
	if (op < 3)
		run_vcpu(d, rnd(NSLOT));
	else if (op < 4)
		stop_vcpu();
	else if (op < 11)
		walk();
	else if (op < 13)
		revoke(d, rnd(NPAGE));
	else if (op < 14)
		free_root(d, rnd(NSLOT));
	else if (op < 15)
		arch_flush_tlb_domain(&dom[d]);
	else
		arch_flush_tlb_domains(&dom[d], &dom[(d + 1) % NDOM]);
}

static void *cpu_main(void *arg)
{
	unsigned int c = (unsigned int)(uintptr_t)arg;
	fake_cpu_id = c;
	my_rng = 0x2545f4914f6cdd1dULL * (c + 1) ^ run_seed;
	yield_rng = my_rng ^ 0x9e3779b97f4a7c15ULL;
	if (serial) {
		sem_wait(&baton[c]);
		if (__atomic_load_n(&stop, __ATOMIC_SEQ_CST))
			leave();
	}
	for (step_no = 0; step_no < STEPS; step_no++) {
		spins = 0;
		interrupt_window();
		one_step();
		check_self();
		stats[c].steps++;
		yield_point(AT_STEP);
	}
	__atomic_add_fetch(&done_cpus, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&done_cpus, __ATOMIC_SEQ_CST) < NCPU) {
		interrupt_window(); /* others may still wait for this CPU */
		if (!serial)
			sched_yield();
		yield_point(AT_DONE);
	}
	leave();
	return NULL;
}

static void init_run(bool serial_mode, uint64_t seed)
{
	serial = serial_mode;
	run_seed = sched_rng = seed;
	stop = failed = done_cpus = 0;
	failure[0] = '\0';
	memset(tlb, 0, sizeof(tlb));
	memset(mailbox, 0, sizeof(mailbox));
	memset(stats, 0, sizeof(stats));
	memset(revoked, 0, sizeof(revoked));
	next_frame = 0; /* a run is its own: frames and roots are numbered afresh */
	next_root = 16; /* ids below are the hypervisor's tables (HV >> 12 = 1) */
	for (unsigned int d = 0; d < NDOM; d++) {
		spin_lock_init(&dom_lock[d]);
		for (unsigned int p = 0; p < NPAGE; p++)
			map[d][p] = ++next_frame;
		for (unsigned int k = 0; k < NSLOT; k++)
			slot_root[d][k] = new_root(d);
	}
	for (unsigned int c = 0; c < NCPU; c++) {
		running[c] = -1;
		sem_init(&baton[c], 0, 0);
	}
	cr3_hook = before_cr3;
	cr3_after_hook = after_cr3;
	ipi_hook = post_ipi;
	fake_relax_hook = relax;
}

/* One walk; false if a check failed (failure[] says which). */
static bool walk_once(bool serial_mode, uint64_t seed)
{
	pthread_t t[NCPU];
	init_run(serial_mode, seed);
	for (unsigned int c = 0; c < NCPU; c++)
		assert_int_equal(pthread_create(&t[c], NULL, cpu_main, (void *)(uintptr_t)c), 0);
	if (serial)
		sem_post(&baton[replay_len ? replay[0] % NCPU : 0]);
	for (unsigned int c = 0; c < NCPU; c++)
		pthread_join(t[c], NULL);
	cr3_hook = cr3_after_hook = NULL;
	ipi_hook = NULL;
	fake_relax_hook = NULL;
	for (unsigned int c = 0; c < NCPU; c++)
		sem_destroy(&baton[c]);
	fake_cpu_id = 0;
	return !failed;
}

/* After a walk that passed: its figures, which show it was not vacuous. */
static void check_figures(bool serial_mode, uint64_t seed)
{
	unsigned long steps = 0, contested = 0, frees = 0, loads = 0, sent = 0;
	for (unsigned int c = 0; c < NCPU; c++) {
		steps += stats[c].steps, contested += stats[c].contested;
		frees += stats[c].frees, loads += stats[c].loads, sent += ipis[c];
		ipis[c] = 0;
	}
	print_message("tlb %s walk %#llx: %lu steps, %lu loads, %lu contested revocations, "
		      "%lu frees, %lu flush IPIs\n",
		      serial_mode ? "serial" : "free", (unsigned long long)seed, steps, loads,
		      contested, frees, sent);
	assert_int_equal(steps, NCPU * STEPS);
	/* Not vacuous: revocations met cached copies elsewhere, roots were freed.
	 * A serial walk's figures are fixed by its seed (about 140, 700, 3000,
	 * 4800); a free one's vary with the host's interleavings. */
	unsigned long f = serial_mode ? 1 : 5;
	assert_true(contested > 50 / f && frees > 200 / f && loads > 1000 / f && sent > 200 / f);
}

void test_concurrent_serial(void **state)
{
	static const uint64_t seeds[] = {0x9e3779b97f4a7c15ULL, 0xd1b54a32d192ed03ULL,
					 0x8cb92ba72f3d8dd7ULL};
	for (unsigned int i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		setup(state);
		if (!walk_once(true, seeds[i]))
			fail_msg("serial walk, seed %#llx: %s", (unsigned long long)seeds[i],
				 failure);
		check_figures(true, seeds[i]);
	}
}

/* A trace file: magic, seed, length, then one byte per arrival. */
static const char trace_magic[8] = "tlbtrace";

static bool save_trace(uint64_t seed, size_t n, char *path, size_t size)
{
	const char *dir = getenv("TMPDIR");
	snprintf(path, size, "%s/hospes-tlb-%llx.trace", dir && *dir ? dir : "/tmp",
		 (unsigned long long)seed);
	FILE *f = fopen(path, "wb");
	uint64_t head[2] = {seed, n};
	bool ok = f && fwrite(trace_magic, 8, 1, f) == 1 && fwrite(head, sizeof(head), 1, f) == 1 &&
		  fwrite(trace, 1, n, f) == n;
	return f && fclose(f) == 0 && ok;
}

/* Replay arrivals arr[0..n) of a free walk of `seed` serially; true if it passed. */
static bool replay_walk(void **state, uint64_t seed, const uint8_t *arr, size_t n)
{
	setup(state);
	replay = arr, replay_len = n, replay_pos = replay_off = 0;
	replay_same = n;
	bool ok = walk_once(true, seed);
	replay = NULL, replay_len = 0;
	return ok;
}

/*
 * A free walk failed: save its trace, replay it serially at once (the
 * same walks, handed on in the order the threads reached their yield
 * points), and report both; TLB_REPLAY=<file> replays it again.  A race
 * inside the code between two yield points may not come back in a
 * replay; the message says whether it did.
 */
static void free_failed(void **state, uint64_t seed)
{
	char why[sizeof(failure)], path[256];
	size_t n = trace_len < TRACE_MAX ? trace_len : TRACE_MAX;

	memcpy(why, failure, sizeof(why));
	bool saved = save_trace(seed, n, path, sizeof(path));
	bool again = !replay_walk(state, seed, trace, n);
	fail_msg("free walk, seed %#llx: %s; %zu arrivals%s recorded%s%s; replayed serially: %s "
		 "(as recorded up to arrival %zu, %zu elsewhere)",
		 (unsigned long long)seed, why, n, trace_len > n ? " (truncated)" : "",
		 saved ? ", replay with TLB_REPLAY=" : ", not saved", saved ? path : "",
		 again ? failure : "passed", replay_same, replay_off);
}

static void replay_file(void **state, const char *path)
{
	FILE *f = fopen(path, "rb");
	char magic[8];
	uint64_t head[2];

	if (!f || fread(magic, 8, 1, f) != 1 || memcmp(magic, trace_magic, 8) ||
	    fread(head, sizeof(head), 1, f) != 1 || head[1] > TRACE_MAX)
		fail_msg("TLB_REPLAY=%s: not a trace file", path);
	uint8_t *arr = malloc(head[1] ? head[1] : 1);
	assert_non_null(arr);
	assert_int_equal(fread(arr, 1, head[1], f), head[1]);
	fclose(f);
	bool ok = replay_walk(state, head[0], arr, head[1]);
	free(arr);
	if (!ok)
		fail_msg("replay of %s (seed %#llx): %s (as recorded up to arrival %zu, %zu "
			 "elsewhere)",
			 path, (unsigned long long)head[0], failure, replay_same, replay_off);
	check_figures(true, head[0]);
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	if (!v || !*v)
		return dflt;
	uint64_t x = strtoull(v, &end, 0);
	if (*end)
		fail_msg("%s=%s: not a number", name, v);
	return x;
}

/*
 * The free schedule: TLB_SEED sets the walks' seed (printed with every
 * result), TLB_FREE_RUNS runs that many walks on seeds seed, seed + 1,
 * ...; TLB_REPLAY replays a saved trace instead.
 */
void test_concurrent_free(void **state)
{
	const char *file = getenv("TLB_REPLAY");
	if (file && *file) {
		replay_file(state, file);
		return;
	}
	uint64_t seed = env_u64("TLB_SEED", 0x5851f42d4c957f2dULL);
	uint64_t runs = env_u64("TLB_FREE_RUNS", 1);
	for (uint64_t i = 0; i < runs; i++) {
		setup(state);
		trace_len = 0;
		if (!walk_once(false, seed + i))
			free_failed(state, seed + i); /* does not return */
		print_message("trace %zu\n", trace_len);
		check_figures(false, seed + i);
	}
}
