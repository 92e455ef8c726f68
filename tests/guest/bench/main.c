/*
 * Benchmarks measured inside dom0 with rdtsc (under QEMU -icount shift=0
 * rdtsc counts emulated instructions, so the figures are instructions per
 * operation and repeat run to run): the null hypercall round trip through
 * the hypercall page and through int $0x82, sched_op yield, and an
 * exception bounced to the guest and returned with the iret hypercall.
 * Each prints "bench <name> <per-op>"; tests/bench/guest.sh collects them.
 */
#include "../lib/tg.h"
#include <public/sched.h>
#include <public/version.h>

const char test_title[] = "bench";

#define ROUNDS 2000

unsigned long tg_trap_vec, tg_trap_err, tg_trap_rip, tg_trap_cs, tg_trap_rflags, tg_trap_skip;
void tg_bp_handler(void);

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void report(const char *name, uint64_t total)
{
	tg_printf("bench %s %lu\n", name, (unsigned long)(total / ROUNDS));
	tg_check(total > 0, name);
}

void test_main(void)
{
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	report("null_hypercall", rdtsc() - t);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall_int82(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	report("null_hypercall_int82", rdtsc() - t);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	report("sched_op_yield", rdtsc() - t);
	static struct trap_info traps[] = {
		{.vector = 3,
		 .flags = 3,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_bp_handler},
		{0},
	};
	hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		__asm__ volatile("int3" ::: "rax", "rcx", "r11", "memory");
	report("exception_bounce_and_iret", rdtsc() - t);
}
