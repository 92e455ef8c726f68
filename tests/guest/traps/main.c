/*
 * Exceptions bounced to the guest kernel: the trap table routes #BP, #UD,
 * #GP and #PF to handlers, each sees Xen's bounce frame (RIP of the fault
 * or after the trap, CS with RPL 0 for kernel context, the error code), and
 * the iret hypercall returns past the faulting instruction.
 */
#include "../lib/tg.h"

const char test_title[] = "traps";

static void reset(unsigned long skip)
{
	tg_trap_vec = tg_trap_err = tg_trap_rip = tg_trap_cs = ~0UL;
	tg_trap_skip = skip;
}

void test_main(void)
{
	static struct trap_info traps[] = {
		{.vector = 3,
		 .flags = 3,
		 .cs = FLAT_KERNEL_CS,
		 .address = (unsigned long)tg_bp_handler},
		{.vector = 6, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_ud_handler},
		{.vector = 13, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_gp_handler},
		{.vector = 14, .cs = FLAT_KERNEL_CS, .address = (unsigned long)tg_pf_handler},
		{0},
	};
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table");

	unsigned long at;
	reset(0);
	__asm__ volatile("lea 1f(%%rip), %0; int3; 1:" : "=r"(at)::"rax", "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 3, "int3 reaches the #BP handler");
	tg_expect(tg_trap_rip, at, "#BP frame RIP is after the int3");
	tg_expect(tg_trap_cs & 0xffff, 0xe030, "kernel context: CS in the frame has RPL 0");
	tg_expect(tg_trap_cs >> 32, 1, "CS slot carries the saved upcall mask (masked at boot)");
	tg_expect(tg_trap_rflags & 0x200, 0, "RFLAGS slot: IF clear while events are masked");
	tg_expect(tg_trap_err, -1, "#BP has no error code");

	reset(2);
	__asm__ volatile("lea 1f(%%rip), %0; 1: ud2" : "=r"(at)::"rax", "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 6, "ud2 reaches the #UD handler");
	tg_expect(tg_trap_rip, at, "#UD frame RIP is the ud2");

	reset(1);
	__asm__ volatile("lea 1f(%%rip), %0; 1: cli" : "=r"(at)::"rax", "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 13, "cli in ring 3 reaches the #GP handler");
	tg_expect(tg_trap_err, 0, "#GP error code 0");
	tg_expect(tg_trap_rip, at, "#GP frame RIP is the cli");

	reset(3); /* mov (%rax), %rax is 3 bytes */
	unsigned long bad = tg_mapping_end() + 0x2000;
	__asm__ volatile("lea 1f(%%rip), %0; 1: mov (%1), %1"
			 : "=&r"(at), "+a"(bad)
			 :
			 : "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 14, "a read past the mapping reaches the #PF handler");
	tg_expect(tg_trap_err, 0, "#PF error code: not present, read, kernel mode");
	tg_expect(tg_trap_rip, at, "#PF frame RIP is the load");

	reset(0);
	tg_expect(hypercall(__HYPERVISOR_xen_version, 0, 0, 0, 0, 0), (4 << 16) | 17,
		  "hypercalls still work after the bounces");
}
