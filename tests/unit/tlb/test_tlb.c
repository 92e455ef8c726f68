/*
 * Host test of the lazy-root invariant and the dirty masks: the real
 * kernel/arch/x86_64/tlb.c (tlb_load_root, the flushes, the IPI answer)
 * on four simulated CPUs.
 *
 * The machine is the test's: each CPU's CR3 is a variable (read_cr3,
 * cr3_load, asm/ twins in tests/unit/fakes/include), this_cpu() follows
 * fake_cpu_id, and send_ipi delivers the flush IPI at once by playing the
 * target CPU through the handler tlb.c registered.  A shadow root is a
 * made-up frame address per domain; what the shadow engine does around a
 * free is modelled: a root stops being pinned when its vCPU stops running
 * (pv.c's keep_guest_tables marks the CPU lazy_root), and is freed only
 * after a flush of its domain (the dead list, kernel/mm/shadow/cache.c).
 *
 * Directed cases: a flush reaches exactly the CPUs holding the domain's
 * tables; a lazy CPU answers by leaving the root and drops out of the
 * mask; a CPU that picks the same vCPU again writes no CR3; a switch moves
 * the CPU's bit from one domain's mask to the other's; a flush of the
 * privileged mapper and a domU together (arch_flush_tlb_domains); a CPU
 * polling from a spin answers only the flushes asked of it.
 *
 * Random walk (seeded, 200000 steps): CPUs load roots of three domains,
 * stop running (lazy), the domains free unpinned roots and flush, guests
 * flush.  After every step: a CPU's CR3 is the hypervisor's tables exactly
 * when it holds no domain's tables, else a live root of the domain whose
 * mask has its bit, and no mask has a bit of a CPU not holding that
 * domain's tables.  After every free: no CPU's CR3 is the freed root, and
 * every CPU still holding the domain's tables has written CR3 since the
 * root was unlinked (so its TLB and paging-structure caches reach nothing
 * of it).  That is the invariant the essays of tlb.c and pv.c argue.
 *
 * Here IPIs are played synchronously on one thread; test_concurrent.c
 * runs the same tlb.c on four threads with asynchronous IPIs.
 *
 * Broken on purpose while writing this test: tlb_load_root without the
 * mask bit set (a flush then skips the CPU) fails every case, the walk at
 * step 0 on the mask check and, with that check taken out, at step 1 on
 * a CPU that may still cache a freed root's frames; a lazy CPU answering
 * a flush by reloading the root instead of leaving it fails the directed
 * lazy case and the walk ("freed root in CR3", step 32).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <asm/arch.h>
#include <asm/cr3.h>
#include <asm/page.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <hospes/domain.h>
#include <hospes/percpu.h>
#include <hospes/shadow.h>
#include <hospes/smp.h>
#include "machine.h"

#define NROOT 4 /* live roots per domain */

unsigned int nr_cpus_online;

unsigned long cr3[NCPU], ipis[NCPU];
static unsigned long last_write[NCPU], clock_now;
static unsigned long writes[NCPU][CR3_NR];
irq_handler_t flush_handler;
struct domain dom[NDOM];
void (*cr3_hook)(void), (*cr3_after_hook)(void);
void (*ipi_hook)(unsigned int cpu);
static unsigned long live[NDOM][NROOT]; /* each domain's roots not freed */
static unsigned long next_root = 0x100000;

unsigned long read_cr3(void)
{
	return __atomic_load_n(&cr3[fake_cpu_id], __ATOMIC_RELAXED);
}

void cr3_load(unsigned long v, enum cr3_why why)
{
	if (cr3_hook)
		cr3_hook();
	__atomic_store_n(&cr3[fake_cpu_id], v, __ATOMIC_RELEASE);
	last_write[fake_cpu_id] = __atomic_add_fetch(&clock_now, 1, __ATOMIC_RELAXED);
	writes[fake_cpu_id][why]++;
	if (cr3_after_hook)
		cr3_after_hook();
}

paddr_t hypervisor_pml4_maddr(void)
{
	return HV;
}

void lapic_eoi(void)
{
}

void irq_set_handler(unsigned int vector, irq_handler_t fn)
{
	assert_int_equal(vector, VEC_TLB_FLUSH);
	flush_handler = fn;
}

/* The target takes the interrupt at once: play it, then come back.  (The
 * concurrent walk posts it to the target's mailbox instead: ipi_hook.) */
void send_ipi(unsigned int cpu, uint8_t vector)
{
	unsigned int me = fake_cpu_id;
	if (vector != VEC_TLB_FLUSH || cpu >= NCPU || cpu == me)
		fail_msg("CPU %u: IPI %u to CPU %u", me, vector, cpu);
	__atomic_add_fetch(&ipis[cpu], 1, __ATOMIC_RELAXED);
	if (ipi_hook) {
		ipi_hook(cpu);
		return;
	}
	fake_cpu_id = cpu;
	flush_handler(NULL);
	fake_cpu_id = me;
}

static void as_cpu(unsigned int c)
{
	fake_cpu_id = c;
}

int setup(void **state)
{
	memset(cr3, 0, sizeof(cr3));
	memset(writes, 0, sizeof(writes));
	memset(ipis, 0, sizeof(ipis));
	memset(dom, 0, sizeof(dom));
	for (unsigned int c = 0; c < NCPU; c++) {
		memset(&percpu[c], 0, sizeof(percpu[c]));
		percpu[c].cpu_id = c;
		percpu[c].online = true;
		cr3[c] = HV;
	}
	for (unsigned int d = 0; d < NDOM; d++)
		for (unsigned int k = 0; k < NROOT; k++)
			live[d][k] = next_root += 0x1000;
	nr_cpus_online = NCPU;
	as_cpu(0);
	return 0;
}

/* What pv.c does when the vCPU running on c stops: keep its tables (lazy). */
static void stop_running(unsigned int c)
{
	percpu[c].lazy_root = true;
}

static void load(unsigned int c, unsigned int d, unsigned long root)
{
	as_cpu(c);
	tlb_load_root(&dom[d], root);
	as_cpu(0);
}

static void flush_from(unsigned int c, unsigned int d)
{
	as_cpu(c);
	arch_flush_tlb_domain(&dom[d]);
	as_cpu(0);
}

/* A flush of a domain goes to the CPUs holding its tables and no other. */
static void test_flush_reaches_holders_only(void **state)
{
	load(1, 0, live[0][0]);
	load(2, 1, live[1][0]);
	assert_int_equal(dom[0].dirty_cpus, 1 << 1);
	assert_int_equal(dom[1].dirty_cpus, 1 << 2);
	flush_from(0, 0);
	assert_int_equal(ipis[1], 1);
	assert_int_equal(ipis[2] + ipis[3], 0);
	assert_int_equal(percpu[1].tlb_ipis, 1);
	assert_int_equal(cr3[1], live[0][0]); /* running: the root reloaded */
	assert_int_equal(writes[1][CR3_FLUSH], 1);
	flush_from(2, 1); /* alone on its CPU: no IPI at all */
	assert_int_equal(ipis[0] + ipis[1] + ipis[3], 1);
	assert_int_equal(writes[2][CR3_FLUSH], 1);
	nr_cpus_online = 1; /* one CPU: only the local flush */
	flush_from(0, 0);
	assert_int_equal(ipis[1], 1);
}

/* A lazy CPU answers by leaving the root, and the next flush skips it. */
static void test_lazy_cpu_leaves(void **state)
{
	load(1, 0, live[0][1]);
	stop_running(1);
	flush_from(0, 0);
	assert_int_equal(ipis[1], 1);
	assert_int_equal(cr3[1], HV);
	assert_int_equal(writes[1][CR3_LEAVE], 1);
	assert_false(percpu[1].lazy_root);
	assert_null(percpu[1].tables_of);
	assert_int_equal(dom[0].dirty_cpus, 0);
	flush_from(0, 0);
	flush_from(2, 0);
	assert_int_equal(ipis[1], 1); /* on the hypervisor's tables: left alone */
	load(1, 0, live[0][1]);	      /* back: into the mask before the load */
	assert_int_equal(dom[0].dirty_cpus, 1 << 1);
	assert_int_equal(writes[1][CR3_LOAD], 2);
}

/* A CPU answers only flushes asked of it: one spinning (a lock, halt
 * polling) keeps its lazy root through another domain's flush. */
static void test_poll_answers_only_own_requests(void **state)
{
	load(1, 0, live[0][0]);
	load(3, 2, live[2][0]);
	stop_running(3);
	flush_from(0, 0); /* asks CPU 1 only */
	as_cpu(3);
	tlb_flush_poll(); /* what CPU 3's cpu_relax() does while it spins */
	as_cpu(0);
	assert_true(percpu[3].lazy_root);
	assert_int_equal(cr3[3], live[2][0]);
	assert_int_equal(writes[3][CR3_LEAVE], 0);
	flush_from(0, 2); /* now asked: it leaves the root */
	assert_int_equal(cr3[3], HV);
	as_cpu(3);
	tlb_flush_poll(); /* answered already: nothing more to do */
	as_cpu(0);
	assert_int_equal(writes[3][CR3_LEAVE], 1);
}

/* The same vCPU picked again costs no CR3 write; a switch moves the bit. */
static void test_same_root_and_switch(void **state)
{
	load(3, 2, live[2][0]);
	stop_running(3);
	load(3, 2, live[2][0]); /* woke on the same CPU, nothing flushed */
	assert_int_equal(writes[3][CR3_LOAD], 1);
	assert_false(percpu[3].lazy_root);
	load(3, 2, live[2][1]); /* another vCPU of the same domain */
	assert_int_equal(writes[3][CR3_LOAD], 2);
	assert_int_equal(dom[2].dirty_cpus, 1 << 3);
	stop_running(3);
	load(3, 0, live[0][0]); /* another domain: the bit moves with the CPU */
	assert_int_equal(dom[2].dirty_cpus, 0);
	assert_int_equal(dom[0].dirty_cpus, 1 << 3);
	assert_ptr_equal(percpu[3].tables_of, &dom[0]);
	flush_from(0, 2);
	assert_int_equal(ipis[3], 0);
}

/* Two domains at once (a domU's frames and the mapper's foreign maps). */
static void test_flush_two_domains(void **state)
{
	load(1, 0, live[0][0]);
	load(2, 1, live[1][0]);
	load(3, 2, live[2][0]);
	as_cpu(0);
	arch_flush_tlb_domains(&dom[0], &dom[1]);
	assert_int_equal(ipis[1], 1);
	assert_int_equal(ipis[2], 1);
	assert_int_equal(ipis[3], 0);
}

/* ---- random walk -------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static int running[NCPU]; /* domain * NROOT + root slot pinned by the running vCPU, or -1 */

static int dom_of(const struct domain *d)
{
	return d ? (int)(d - dom) : -1;
}

static void check_structure(unsigned long step)
{
	for (unsigned int c = 0; c < NCPU; c++) {
		int d = dom_of(percpu[c].tables_of);
		if (d < 0) {
			if (cr3[c] != HV)
				fail_msg("step %lu: CPU %u holds no tables, CR3 %#lx", step, c,
					 cr3[c]);
			continue;
		}
		bool is_live = false;
		for (unsigned int k = 0; k < NROOT; k++)
			is_live |= live[d][k] == cr3[c];
		if (!is_live)
			fail_msg("step %lu: CPU %u CR3 %#lx: not a live root of d%d", step, c,
				 cr3[c], d);
		if (!((dom[d].dirty_cpus >> c) & 1))
			fail_msg("step %lu: CPU %u holds d%d's tables, not in its mask", step, c,
				 d);
	}
	for (unsigned int d = 0; d < NDOM; d++)
		for (unsigned int c = 0; c < NCPU; c++)
			if (((dom[d].dirty_cpus >> c) & 1) && dom_of(percpu[c].tables_of) != (int)d)
				fail_msg(
					"step %lu: d%u's mask names CPU %u, which does not hold it",
					step, d, c);
}

/* Free an unpinned root of d the shadow engine's way: unlink, flush, free. */
static void free_root(unsigned int d, unsigned int k, unsigned int flusher, unsigned long step)
{
	unsigned long root = live[d][k], unlinked = clock_now;
	live[d][k] = 0; /* dead: on the list, no longer reachable from the tree */
	flush_from(flusher, d);
	for (unsigned int c = 0; c < NCPU; c++) {
		if (cr3[c] == root)
			fail_msg("step %lu: CPU %u has freed root %#lx in CR3", step, c, root);
		if (percpu[c].tables_of == &dom[d] && last_write[c] <= unlinked)
			fail_msg("step %lu: CPU %u may cache d%u's freed frames", step, c, d);
	}
	live[d][k] = next_root += 0x1000; /* the domain builds another one */
}

static void test_random_walk(void **state)
{
	unsigned long frees = 0, loads = 0, lazies = 0;
	for (unsigned int c = 0; c < NCPU; c++)
		running[c] = -1;
	for (unsigned long step = 0; step < 200000; step++) {
		unsigned int c = rnd(NCPU), d = rnd(NDOM), k = rnd(NROOT);
		switch (rnd(4)) {
		case 0: /* c picks a vCPU of d whose root is slot k */
			if (running[c] >= 0)
				stop_running(c);
			load(c, d, live[d][k]);
			running[c] = (int)(d * NROOT + k);
			loads++;
			break;
		case 1: /* the vCPU on c stops: its root is no longer pinned */
			if (running[c] >= 0) {
				stop_running(c);
				running[c] = -1;
				lazies++;
			}
			break;
		case 2: { /* d frees root k unless a running vCPU pins it */
			bool pinned = false;
			for (unsigned int i = 0; i < NCPU; i++)
				pinned |= running[i] == (int)(d * NROOT + k);
			if (!pinned) {
				free_root(d, k, c, step);
				frees++;
			}
			break;
		}
		default: /* a guest's TLB flush, or a dropped shadow entry */
			flush_from(c, d);
			break;
		}
		check_structure(step);
	}
	assert_true(frees > 10000 && loads > 10000 && lazies > 5000);
	unsigned long sent = 0;
	for (unsigned int c = 0; c < NCPU; c++)
		sent += ipis[c];
	print_message("tlb walk: %lu loads, %lu stops, %lu frees, %lu flush IPIs\n", loads, lazies,
		      frees, sent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flush_reaches_holders_only, setup),
		cmocka_unit_test_setup(test_lazy_cpu_leaves, setup),
		cmocka_unit_test_setup(test_same_root_and_switch, setup),
		cmocka_unit_test_setup(test_poll_answers_only_own_requests, setup),
		cmocka_unit_test_setup(test_flush_two_domains, setup),
		cmocka_unit_test_setup(test_random_walk, setup),
		cmocka_unit_test_setup(test_concurrent_serial, setup),
		cmocka_unit_test_setup(test_concurrent_free, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
