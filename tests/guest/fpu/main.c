/*
 * FPU/SSE/AVX state survives vCPU switches.  tests/scenarios/cpu.sh runs
 * this guest as dom0 and as a domU on one CPU, so the two alternate on the
 * same registers: each fills xmm0-15 (ymm0-15 when the CPU and the
 * hypervisor enable AVX), FCW, MXCSR and an x87 stack slot with values of
 * its own, then yields many times and spins across time-slice
 * preemptions, checking after each that every value is still its own.
 * Then the virtual TS of fpu_taskswitch: with it set, the next SSE use
 * raises #NM to this guest exactly once, even across switches, and the
 * registers are intact afterwards.
 */
#include "../lib/tg.h"
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "fpu";

void fpu_load_xmm(const void *src);
void fpu_store_xmm(void *dst);
void fpu_load_ymm(const void *src);
void fpu_store_ymm(void *dst);
void fpu_set_ctl(const uint16_t *fcw, const uint32_t *mxcsr);
void fpu_get_ctl(uint16_t *fcw, uint32_t *mxcsr);
void fpu_push_x87(const int64_t *v);
void fpu_pop_x87(int64_t *v);
void fpu_nm_handler(void);
unsigned long fpu_nm_count;

#define YIELDS	 3000
#define SPIN_OPS 400

static uint64_t want[64], got[64]; /* 512 bytes: ymm0-15 or xmm0-15 (first half) */
static bool avx;
static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static bool avx_usable(void)
{
	uint32_t a, b, c, d, lo, hi;
	cpuid(1, &a, &b, &c, &d);
	if (!(c & (1U << 27)) || !(c & (1U << 28))) /* OSXSAVE, AVX */
		return false;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (lo & 6) == 6;
}

static void load_pattern(void)
{
	for (unsigned int i = 0; i < 64; i++)
		want[i] = next_rand();
	if (avx)
		fpu_load_ymm(want);
	else
		fpu_load_xmm(want);
}

/* Are the vector registers still ours? */
static bool vectors_intact(void)
{
	unsigned int n = avx ? 64 : 32;
	if (avx)
		fpu_store_ymm(got);
	else
		fpu_store_xmm(got);
	for (unsigned int i = 0; i < n; i++)
		if (got[i] != want[i])
			return false;
	return true;
}

static void yield(void)
{
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}

static void test_switches(void)
{
	uint16_t fcw = 0x037f & ~0x0c00, fcw_got; /* round to nearest... */
	uint32_t mxcsr = 0x1f80, mxcsr_got;
	fcw |= (uint16_t)((next_rand() & 3) << 10); /* ...or one of the others: ours */
	mxcsr |= (uint32_t)((next_rand() & 3) << 13);
	int64_t x87 = (int64_t)(next_rand() >> 12), x87_got = 0;
	fpu_set_ctl(&fcw, &mxcsr);
	fpu_push_x87(&x87);
	unsigned int bad = 0;
	load_pattern();
	for (unsigned int i = 0; i < YIELDS; i++) {
		yield();
		bad += !vectors_intact();
		if (i % 100 == 99)
			load_pattern();
	}
	tg_expect(bad, 0,
		  avx ? "ymm0-15 intact after each of 3000 yields"
		      : "xmm0-15 intact after each of 3000 yields");
	bad = 0;
	for (unsigned int i = 0; i < SPIN_OPS; i++) {
		for (volatile unsigned int j = 0; j < 20000; j++)
			;
		bad += !vectors_intact();
	}
	tg_expect(bad, 0, "vector registers intact across time-slice preemption");
	fpu_get_ctl(&fcw_got, &mxcsr_got);
	tg_expect(fcw_got, fcw, "x87 control word intact");
	tg_expect(mxcsr_got, mxcsr, "MXCSR intact");
	fpu_pop_x87(&x87_got);
	tg_expect(x87_got, x87, "x87 stack slot intact");
}

static void test_taskswitch(void)
{
	static struct trap_info traps[] = {{7, 0, 0xe033, (unsigned long)fpu_nm_handler}, {0}};
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table with an #NM handler");
	load_pattern();
	tg_expect(hypercall(__HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0, 0), 0, "fpu_taskswitch(1)");
	tg_check(vectors_intact(), "registers intact after the #NM");
	tg_expect(fpu_nm_count, 1, "the first SSE use after fpu_taskswitch(1) raised one #NM");
	tg_check(vectors_intact(), "registers intact again");
	tg_expect(fpu_nm_count, 1, "#NM cleared the virtual TS: no second #NM");
	hypercall(__HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0, 0);
	for (unsigned int i = 0; i < 50; i++)
		yield();
	tg_check(vectors_intact(), "registers intact after TS set and 50 yields");
	tg_expect(fpu_nm_count, 2, "the virtual TS survived the switches: one more #NM");
	hypercall(__HYPERVISOR_fpu_taskswitch, 1, 0, 0, 0, 0);
	tg_expect(hypercall(__HYPERVISOR_fpu_taskswitch, 0, 0, 0, 0, 0), 0, "fpu_taskswitch(0)");
	tg_check(vectors_intact(), "after fpu_taskswitch(0) the registers are intact");
	tg_expect(fpu_nm_count, 2, "and no #NM was raised");
}

void test_main(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	rng = ((uint64_t)hi << 32 | lo) * 0x9e3779b97f4a7c15ULL | 1;
	if (!(tg_start_info->flags & SIF_INITDOMAIN))
		rng ^= 0x5555aaaa5555aaaaULL; /* never the same stream as dom0 */
	avx = avx_usable();
	tg_printf("# vectors: %s\n", avx ? "AVX ymm0-15" : "SSE xmm0-15");
	test_switches();
	test_taskswitch();
	if (tg_start_info->flags & SIF_INITDOMAIN) {
		/* let the domU finish: the QEMU verdict is dom0's shutdown */
		for (int i = 0; i < 5; i++) {
			hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0);
			hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		}
	}
}
