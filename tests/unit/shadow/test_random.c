/*
 * Seeded random workloads against the shadow engine: page-table edits
 * through the PV MMU, direct guest writes to table frames, CR3 switches,
 * pins, ballooning, accesses and hypercall-style copies.  Every access
 * made through the shadows (by the simulated CPU) and every copy_*_guest
 * (through the shadow or a guest walk) is compared with a reference walk of
 * the guest's own tables, and the isolation invariant is checked after every step.
 * A failure prints the seed and the step.
 *
 * Guest layout: RAM frames 0..1023; L4 tables at 1-4, L3 at 5-8, L2 at
 * 9-16, L1 at 17-48, data above; a 2 MiB guest page at 512.  A few indices
 * per level keep the address spaces dense enough to collide.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include <public/errno.h>
#include <hospes/frame.h>
#include "harness.h"

#define RAM	  1024
#define FIRST_L4  1
#define FIRST_L3  5
#define FIRST_L2  9
#define FIRST_L1  17
#define FIRST_DAT 49

static unsigned int seed, step;
static unsigned long rng;
static struct domain *d;
static struct vcpu *v;
static unsigned long root;
static bool pinned[FIRST_DAT];
static unsigned long accesses_ok;

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c)) {                                                                        \
			print_error("seed %u step %u: %s\n", seed, step, #c);                      \
			fail();                                                                    \
		}                                                                                  \
	} while (0)

static unsigned long rnd(unsigned long n)
{
	rng = rng * 6364136223846793005UL + 1442695040888963407UL;
	return (rng >> 33) % n;
}

static const unsigned int l4_slots[] = {0, 1, 272, 300};

static unsigned long pick_table(unsigned int level)
{
	static const unsigned long first[] = {0, FIRST_L1, FIRST_L2, FIRST_L3, FIRST_L4};
	static const unsigned long count[] = {0, 32, 8, 4, 4};

	return first[level] + rnd(count[level]);
}

static unsigned int pick_index(unsigned int level)
{
	static const unsigned int n[] = {0, 8, 4, 2, 4};

	return level == 4 ? l4_slots[rnd(4)] : (unsigned int)rnd(n[level]);
}

static unsigned long make_va(void)
{
	unsigned long va = ((unsigned long)l4_slots[rnd(4)] << 39) | (rnd(2) << 30) |
			   (rnd(4) << 21) | (rnd(8) << 12) | (rnd(4096) & ~7UL);

	return (unsigned long)((long)(va << 16) >> 16);
}

static uint64_t random_entry(unsigned int level)
{
	uint64_t flags = PTE_P | (rnd(level == 1 ? 2 : 8) ? PTE_RW : 0) | (rnd(6) ? 0 : PTE_NX) |
			 (rnd(2) ? PTE_A : 0) | (rnd(2) ? PTE_D : 0);
	unsigned long target;

	if (rnd(10) == 0)
		return 0;
	if (level == 1)
		target = rnd(30) ? 1 + rnd(RAM - 1) : 5000;
	else if (level == 2 && rnd(6) == 0)
		return gpte(512, flags | PTE_PS);
	else
		target = rnd(30) ? pick_table(level - 1) : 7000;
	return gpte(target, flags);
}

/* Start with every table's used slots filled, so that most walks get far. */
static void populate(void)
{
	static const unsigned long first[] = {0, FIRST_L1, FIRST_L2, FIRST_L3, FIRST_L4};
	static const unsigned long end[] = {0, FIRST_DAT, FIRST_L1, FIRST_L2, FIRST_L3};

	for (unsigned int level = 1; level <= 4; level++)
		for (unsigned long t = first[level]; t < end[level]; t++)
			for (unsigned int i = 0; i < 512; i++)
				if (level < 4 ? i < 8 : (i < 2 || i == 272 || i == 300))
					gtable(d, _gfn(t))[i] = random_entry(level);
}

static void op_update(void)
{
	unsigned int level = 1 + (unsigned int)rnd(4);
	unsigned long t = pick_table(level);
	unsigned int i = pick_index(level);
	uint64_t *e = &gtable(d, _gfn(t))[i];
	uint64_t before = *e, val = random_entry(level);
	int rc = pv_pt_update(d, d, _gfn(t), i, val, rnd(4) == 0, 0);

	CHECK(rc == 0 || rc == -XEN_EINVAL);
	CHECK(rc == 0 || *e == before);
}

/* update_va_mapping at a random va: the L1 a reference walk finds changes, or nothing. */
static void op_uvm(void)
{
	unsigned long va = make_va(), table = root;
	uint64_t val = random_entry(1), *e = NULL, before = 0;
	int rc;

	for (unsigned int level = 4; level >= 2 && table; level--) {
		struct p2m_lookup lk = p2m_lookup(d, _gfn(table));
		uint64_t g =
			lk.type == P2M_RAM
				? ((uint64_t *)mfn_to_virt(lk.mfn))[(va >> (3 + 9 * level)) & 511]
				: 0;

		table = (g & PTE_P) && !(g & PTE_PS) ? (g & PTE_ADDR_MASK) >> 12 : 0;
	}
	if (table && p2m_lookup(d, _gfn(table)).type == P2M_RAM) {
		e = &gtable(d, _gfn(table))[(va >> 12) & 511];
		before = *e;
	}
	rc = pv_update_va_mapping(v, va, val);
	CHECK(rc == 0 || rc == -XEN_EINVAL);
	CHECK(e || rc == -XEN_EINVAL);
	if (e)
		CHECK(*e == (rc ? before : val));
}

static bool is_live(unsigned long gfn)
{
	return gfn == root || (gfn < FIRST_DAT && pinned[gfn]);
}

/* After a successful write to a table frame, act as a guest editing it directly. */
static void guest_direct_write(unsigned long gfn)
{
	unsigned int level = gfn >= FIRST_L1 ? 1 : gfn >= FIRST_L2 ? 2 : gfn >= FIRST_L3 ? 3 : 4;

	gtable(d, _gfn(gfn))[pick_index(level)] = random_entry(level);
}

static void op_access(void)
{
	static const unsigned int kinds[] = {0, PFEC_W, PFEC_I};
	unsigned int access = kinds[rnd(3)];
	unsigned long va = make_va();
	struct ref_result ref = ref_walk(d, root, va, access);
	struct cpu_result cpu = cpu_access(v, false, va, access);
	bool on_path = false;

	for (int l = 1; l <= 4; l++)
		on_path |= ref.ok && ref.path[l] == ref.gfn;
	if (!ref.ok) {
		CHECK(!cpu.ok && cpu.ec == ref.ec);
		return;
	}
	if ((access & PFEC_W) && (is_live(ref.gfn) || on_path)) {
		CHECK(!cpu.ok && cpu.ec == (PFEC_P | PFEC_W));
		return;
	}
	CHECK(cpu.ok);
	accesses_ok++;
	CHECK(cpu.mfn == mfn_x(p2m_lookup(d, _gfn(ref.gfn)).mfn));
	ref = ref_walk(d, root, va, access);
	CHECK(ref.ok && (ref.leaf & PTE_A));
	CHECK(!(access & PFEC_W) || (ref.leaf & PTE_D));
	if ((access & PFEC_W) && ref.gfn < FIRST_DAT)
		guest_direct_write(ref.gfn);
}

/* copy_*_guest (shadow fast path or guest walk) against the reference walk. */
static void op_copy(void)
{
	bool write = rnd(2);
	unsigned long va = make_va();
	struct ref_result ref = ref_walk(d, root, va, write ? PFEC_W : 0);
	struct p2m_lookup lk = {INVALID_MFN, P2M_INVALID, false};
	uint64_t val = rng, got = 0;
	bool want = ref.ok;
	int rc;

	if (want) {
		lk = p2m_lookup(d, _gfn(ref.gfn));
		want = lk.type == P2M_RAM &&
		       (!write || (lk.writable && frame_info(lk.mfn)->pt_refs == 0));
	}
	rc = write ? copy_to_guest_vcpu(v, va, &val, sizeof(val))
		   : copy_from_guest_vcpu(v, &got, va, sizeof(got));
	CHECK((rc == 0) == want);
	if (rc == 0) {
		uint64_t *p = (uint64_t *)((char *)mfn_to_virt(lk.mfn) + (va & 4095));

		CHECK(write ? *p == val : got == *p);
		ref = ref_walk(d, root, va, write ? PFEC_W : 0);
		CHECK(ref.ok && (ref.leaf & PTE_A) && (!write || (ref.leaf & PTE_D)));
	}
}

static void op_switch(void)
{
	root = pick_table(4);
	CHECK(shadow_set_roots(v, _gfn(root), INVALID_GFN) == 0);
}

static void op_pin(void)
{
	unsigned int level = 1 + (unsigned int)rnd(4);
	unsigned long t = pick_table(level);

	if (pinned[t]) {
		CHECK(pv_unpin_table(d, _gfn(t)) == 0);
		pinned[t] = false;
	} else if (pv_pin_table(d, _gfn(t), level) == 0) {
		pinned[t] = true;
		CHECK(pv_pin_table(d, _gfn(t), level) == -XEN_EINVAL); /* already pinned */
	}
}

static void op_balloon(void)
{
	unsigned long g = FIRST_DAT + rnd(RAM - FIRST_DAT);
	struct p2m_lookup lk = p2m_lookup(d, _gfn(g));
	unsigned long flushes = fake_tlb_flushes;
	gfn_t out;

	if (lk.type == P2M_RAM) {
		CHECK(p2m_decrease(d, _gfn(g), 0) == 0);
		CHECK(p2m_lookup(d, _gfn(g)).type == P2M_INVALID);
		CHECK(frame_info(lk.mfn)->owner == DOMID_FREE &&
		      frame_info(lk.mfn)->smap_count == 0);
		CHECK(fake_tlb_flushes > flushes);
		CHECK(p2m_decrease(d, _gfn(g), 0) == -XEN_EINVAL);
	} else {
		CHECK(p2m_populate(d, _gfn(g), 0, &out) == 0 && gfn_x(out) == g);
	}
}

static void run_seed(unsigned int s, unsigned int pool, unsigned int steps)
{
	unsigned long free_before;
	struct shadow_stats st;

	seed = s;
	rng = s;
	mm_machine_init(8192);
	free_before = frame_free_count();
	d = mm_make_domain(1, RAM, false, pool);
	v = d->vcpu[0];
	mm_set_current(v);
	for (unsigned int i = 0; i < FIRST_DAT; i++)
		pinned[i] = false;
	accesses_ok = 0;
	populate();
	op_switch();
	for (step = 0; step < steps; step++) {
		unsigned long r = rnd(100);

		if (r < 22)
			op_update();
		else if (r < 30)
			op_uvm();
		else if (r < 65)
			op_access();
		else if (r < 80)
			op_copy();
		else if (r < 90)
			op_switch();
		else if (r < 95)
			op_pin();
		else
			op_balloon();
		CHECK(mm_check_isolation(d) == 0);
	}
	shadow_get_stats(d, &st);
	print_message(
		"seed %u: %lu accesses ok, %lu hidden faults, %lu bounced, %lu shadows built, "
		"%lu resets\n",
		s, accesses_ok, st.hidden_faults, st.bounced_faults, st.pages_built, st.resets);
	CHECK(accesses_ok > steps / 10 && st.hidden_faults > steps / 20 &&
	      st.bounced_faults > steps / 20);
	mm_free_domain(d);
	CHECK(frame_free_count() == free_before);
	mm_machine_fini();
}

void test_random_big_pool(void **state)
{
	for (unsigned int s = 1; s <= 4; s++)
		run_seed(s, 512, 4000);
}

void test_random_small_pool(void **state)
{
	for (unsigned int s = 100; s <= 103; s++)
		run_seed(s, 30, 3000);
}
