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
 *     common path).
 * Every result and every register must come back right every time; the
 * hypervisor prints what its NMIs saw when this guest's poweroff gives
 * the verdict.
 */
#include "../lib/tg.h"
#include <public/errno.h>
#include <public/version.h>

const char test_title[] = "nmi";

#define ROUNDS 40000UL

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

void test_main(void)
{
	static struct trap_info traps[] = {
		{.vector = 3,
		 .flags = 3,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_bp_handler},
		{0},
	};
	unsigned long bad_regs = 0, bad_result = 0, bad_trap = 0, bad_int82 = 0;
	long version = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);

	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table");
	tg_trap_skip = 0;
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
		jitter();
		__asm__ volatile("int3" ::: "rax", "rcx", "r11", "memory");
		bad_trap += tg_trap_vec != 3;
		jitter();
		bad_int82 +=
			hypercall_int82(__HYPERVISOR_xen_version, XENVER_version, 0, 0) != version;
	}
	tg_printf("# %lu rounds of fast and full SYSCALL hypercalls, int3 bounces and int $0x82\n",
		  ROUNDS);
	tg_expect((long)bad_regs, 0, "every SYSCALL hypercall kept the guest's registers");
	tg_expect((long)bad_result, 0, "every SYSCALL hypercall returned its result");
	tg_expect((long)bad_trap, 0, "every int3 reached the #BP handler and came back");
	tg_expect((long)bad_int82, 0, "every int $0x82 hypercall returned its result");
}
