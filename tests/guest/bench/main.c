/*
 * Benchmarks measured inside a guest with rdtsc under QEMU -icount shift=0
 * (instructions per operation, see bench.h).  The command line picks the
 * set: none runs every single-domain benchmark (hypercalls, memory
 * virtualization, events, guest-user system calls), "switch" measures
 * vCPU switches between this domain and a partner domU, and "partner" is
 * that domU: it yields forever.
 *
 * The guest runs with VIRT_BASE 0 (the VA of pfn p is p * 4 KiB, its frame
 * is mfn_list[p]) and reads its own page tables, which are mapped
 * read-only, to find the machine address of a PTE.
 */
#include "bench.h"
#include <public/sched.h>
#include <public/version.h>

const char test_title[] = "bench";

void bench_report(const char *name, uint64_t total, unsigned long ops)
{
	tg_printf("bench %s %lu\n", name, (unsigned long)(total / ops));
	tg_check(total > 0, name);
}

unsigned long bench_mfn_of(const void *va)
{
	return ((unsigned long *)tg_start_info->mfn_list)[(unsigned long)va >> 12];
}

/* The guest's table at machine frame mfn, through the m2p and VIRT_BASE 0. */
static uint64_t *table_of(uint64_t entry)
{
	const unsigned long *m2p = (const unsigned long *)0xffff800000000000UL;
	return (uint64_t *)(m2p[(entry & 0x000ffffffffff000UL) >> 12] << 12);
}

uint64_t *bench_pte_ptr(const void *va)
{
	unsigned long a = (unsigned long)va;
	uint64_t *t = (uint64_t *)tg_start_info->pt_base;
	for (int shift = 39; shift > 12; shift -= 9)
		t = table_of(t[(a >> shift) & 511]);
	return &t[(a >> 12) & 511];
}

uint64_t bench_pte_maddr(const void *va)
{
	uint64_t *p = bench_pte_ptr(va);
	return ((uint64_t)bench_mfn_of(p) << 12) | ((unsigned long)p & 0xfff);
}

void bench_hypercalls(void)
{
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
	bench_report("null_hypercall", rdtsc() - t, ROUNDS);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall_int82(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
	bench_report("null_hypercall_int82", rdtsc() - t, ROUNDS);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	bench_report("sched_op_yield", rdtsc() - t, ROUNDS);
	static struct trap_info traps[] = {
		{.vector = 3,
		 .flags = 3,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_bp_handler},
		{.vector = 14,
		 .flags = 0,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_pf_handler},
		{0},
	};
	hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0);
	tg_trap_skip = 0;
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		__asm__ volatile("int3" ::: "rax", "rcx", "r11", "memory");
	bench_report("exception_bounce_and_iret", rdtsc() - t, ROUNDS);
	t = rdtsc();
	for (int i = 0; i < ROUNDS; i++) { /* Xen's forced-emulation prefix: #UD, emulated */
		unsigned long a = 0x40000000, c = 0;
		__asm__ volatile("ud2; .ascii \"xen\"; cpuid"
				 : "+a"(a), "+c"(c)
				 :
				 : "rbx", "rdx", "memory");
	}
	bench_report("forced_cpuid", rdtsc() - t, ROUNDS);
}

/* vCPU switches: each yield here runs the partner, whose yield comes back. */
void bench_switch(void)
{
	for (int i = 0; i < 200; i++) /* the partner boots and starts yielding */
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	uint64_t t = rdtsc();
	for (int i = 0; i < ROUNDS; i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	bench_report("vcpu_switch_2dom", rdtsc() - t, 2 * ROUNDS);
}

void bench_partner(void)
{
	for (;;)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
}

static bool has_word(const char *s, const char *w)
{
	for (; *s; s++) {
		const char *a = s, *b = w;
		while (*b && *a == *b)
			a++, b++;
		if (!*b)
			return true;
	}
	return false;
}

void test_main(void)
{
	const char *cmd = (const char *)tg_start_info->cmd_line;
	if (has_word(cmd, "partner"))
		bench_partner();
	if (has_word(cmd, "switch")) {
		bench_switch();
		return;
	}
	bench_hypercalls();
	bench_mm();
	bench_events();
	bench_user();
}
