/*
 * The workload of the NMI test (tests/scenarios/nmi.sh, hypervisor option
 * nmi_test=): while the PIT sends NMIs to every CPU, this guest runs
 * through every way into and out of the hypervisor again and again, so
 * that NMIs land in the guest, in the hypervisor, and in the windows
 * where the GS base is still (or already) the guest's:
 *   - a SYSCALL hypercall on the fast path (xen_version, returned by
 *     SYSRET straight from pv_entry.S), its registers checked (tg_probe);
 *   - a SYSCALL with a number that has no row (the full path, pv_syscall,
 *     then SYSRET), registers checked;
 *   - int3, bounced to the guest's #BP handler, which returns by the iret
 *     hypercall (exception entry, then IRETQ from pv_hypercall_iret);
 *   - int $0x82 (the interrupt-gate hypercall: entry and IRETQ of the
 *     common path);
 *   - a read of a page unmapped by update_va_mapping: the #PF entry's
 *     fast path ("guest not present", pv_fast.c), then the iret
 *     hypercall's.
 * Every result and every register must come back right every time; the
 * hypervisor prints what its NMIs saw when this guest's poweroff gives
 * the verdict.
 *
 * cpu=<n> on its command line: the guest (dom0, so privileged) first
 * pins its vCPU to CPU n (XEN_DOMCTL_setvcpuaffinity on itself) and
 * yields, so that the loop runs there, and checks with getvcpuinfo that
 * it did, before and after the loop.  At -smp 2 with cpu=1 the NMIs of
 * the second CPU meet the guest's entries and exits.
 */
#include "../lib/tg.h"
#include <public/domctl.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/version.h>

const char test_title[] = "nmi";

#define ROUNDS 40000UL

static uint8_t hole[4096] __attribute__((aligned(4096)));

/* Under -icount the NMIs come at a fixed period in instructions, so a loop
 * of fixed length would meet them at the same few points every time (or
 * never in a window).  A pseudo-random spin of 1-32 steps before each
 * entry spreads them over the whole loop whatever the period. */
static void jitter(void)
{
	static unsigned long lcg = 1;
	lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
	for (unsigned long n = (lcg >> 59) + 1; n; n--)
		__asm__ volatile("" ::: "memory");
}

/* The n of cpu=<n> on the command line, or -1. */
static int wanted_cpu(void)
{
	const char *s = (const char *)tg_start_info->cmd_line;
	for (; *s; s++)
		if ((s == (const char *)tg_start_info->cmd_line || s[-1] == ' ') && s[0] == 'c' &&
		    s[1] == 'p' && s[2] == 'u' && s[3] == '=' && s[4] >= '0' && s[4] <= '7')
			return s[4] - '0';
	return -1;
}

static struct xen_domctl dc;

static long domctl(uint32_t cmd)
{
	dc.cmd = cmd;
	dc.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	dc.domain = 0; /* this guest is dom0 */
	return hypercall(__HYPERVISOR_domctl, (unsigned long)&dc, 0, 0, 0, 0);
}

/* The CPU vCPU 0 runs on (a negative error if it cannot be read). */
static long my_cpu(void)
{
	__builtin_memset(&dc.u, 0, sizeof(dc.u));
	long rc = domctl(XEN_DOMCTL_getvcpuinfo);
	return rc ? rc : (long)dc.u.getvcpuinfo.cpu;
}

/* Hard affinity of vCPU 0 = {cpu}, then a yield: it moves at the pick. */
static void move_to(int cpu)
{
	static uint8_t map[8];
	map[cpu / 8] = (uint8_t)(1u << (cpu % 8));
	__builtin_memset(&dc.u, 0, sizeof(dc.u));
	dc.u.vcpuaffinity.vcpu = 0;
	dc.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
	set_xen_guest_handle(dc.u.vcpuaffinity.cpumap_hard.bitmap, map);
	dc.u.vcpuaffinity.cpumap_hard.nr_bits = 64;
	tg_expect(domctl(XEN_DOMCTL_setvcpuaffinity), 0, "pin vCPU 0 to the CPU of cpu=");
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	tg_expect(my_cpu(), cpu, "vCPU 0 runs on the CPU of cpu= before the loop");
}

void test_main(void)
{
	static struct trap_info traps[] = {
		{.vector = 3,
		 .flags = 3,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_bp_handler},
		{.vector = 14, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_pf_handler},
		{0},
	};
	unsigned long bad_regs = 0, bad_result = 0, bad_trap = 0, bad_int82 = 0, bad_pf = 0;
	long version = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);

	int cpu = wanted_cpu();
	if (cpu >= 0)
		move_to(cpu);
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table");
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)hole, 0, UVMF_INVLPG, 0,
			    0),
		  0, "unmap a page");
	for (unsigned long i = 0; i < ROUNDS; i++) {
		long r = 0;
		jitter();
		bad_regs |=
			(unsigned long)tg_probe(__HYPERVISOR_xen_version, XENVER_version, 0, &r);
		bad_result += r != version;
		jitter();
		bad_regs |= (unsigned long)tg_probe(47, 0, 0, &r);
		bad_result += r != -XEN_ENOSYS;
		tg_trap_vec = ~0UL;
		tg_trap_skip = 0;
		jitter();
		__asm__ volatile("int3" ::: "rax", "rcx", "r11", "memory");
		bad_trap += tg_trap_vec != 3;
		unsigned long va = (unsigned long)hole;
		tg_trap_vec = tg_trap_err = ~0UL;
		tg_trap_skip = 3; /* mov (%rax), %rax */
		jitter();
		__asm__ volatile("mov (%0), %0" : "+a"(va) : : "rcx", "r11", "memory");
		bad_pf += tg_trap_vec != 14 || tg_trap_err != 0;
		jitter();
		bad_int82 +=
			hypercall_int82(__HYPERVISOR_xen_version, XENVER_version, 0, 0) != version;
	}
	tg_printf("# %lu rounds of fast and full SYSCALL hypercalls, int3 bounces, int $0x82 and "
		  "faults on an unmapped page\n",
		  ROUNDS);
	tg_expect((long)bad_regs, 0, "every SYSCALL hypercall kept the guest's registers");
	tg_expect((long)bad_result, 0, "every SYSCALL hypercall returned its result");
	tg_expect((long)bad_trap, 0, "every int3 reached the #BP handler and came back");
	tg_expect((long)bad_int82, 0, "every int $0x82 hypercall returned its result");
	tg_expect((long)bad_pf, 0, "every read of the unmapped page reached the #PF handler");
	if (cpu >= 0)
		tg_expect(my_cpu(), cpu, "vCPU 0 ran the loop on the CPU of cpu= to its end");
}
