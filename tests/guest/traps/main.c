/*
 * Exceptions bounced to the guest kernel: the trap table routes #BP, #UD,
 * #GP and #PF to handlers, each sees Xen's bounce frame (RIP of the fault
 * or after the trap, CS with RPL 0 for kernel context, the error code), and
 * the iret hypercall returns past the faulting instruction.
 *
 * Faults on a page unmapped by update_va_mapping take the hypervisor's
 * fast #PF path (a "guest not present" shadow entry, guest kernel mode:
 * kernel/arch/x86_64/pv_fast.c) and the iret hypercall's fast path; the
 * same frame rules hold there: every register back, the error code of a
 * read and of a write, CR2 in vcpu_info, the saved upcall mask in the CS
 * slot and as IF in the RFLAGS slot (masked and unmasked), the mask
 * restored by the iret, and a frame below an unaligned stack pointer that
 * straddles two pages: first on stack pages the shadow does not map yet
 * (the direct store faults, the full path writes the frame), then again.
 */
#include "../lib/tg.h"

const char test_title[] = "traps";

#define PTE_FLAGS 0x63UL /* P, RW, A, D */

unsigned long traps_pf_probe(unsigned long va);
extern const char traps_pf_probe_at[];

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static uint8_t hole[4096] __attribute__((aligned(4096)));
static uint8_t stack2[8192] __attribute__((aligned(4096)));

static long uvm(const void *va, uint64_t pte)
{
	return hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)va, pte, UVMF_INVLPG, 0, 0);
}

static void reset(unsigned long skip)
{
	tg_trap_vec = tg_trap_err = tg_trap_rip = tg_trap_cs = ~0UL;
	tg_trap_skip = skip;
}

/* A write to the unmapped page, from a stack pointer 8 bytes past a
 * 16-byte boundary, 40 bytes into a page: the 64-byte frame goes below
 * (rsp & ~15), across the page boundary.  Returns rsp after the fault. */
static unsigned long write_fault_on(unsigned long sp, unsigned long *at)
{
	unsigned long seen;
	__asm__ volatile("mov %%rsp, %%rbx\n\t"
			 "mov %2, %%rsp\n\t"
			 "lea 1f(%%rip), %0\n"
			 "1:\tmovl $1, (%3)\n\t" /* 6 bytes */
			 "mov %%rsp, %1\n\t"
			 "mov %%rbx, %%rsp"
			 : "=&r"(*at), "=&r"(seen)
			 : "r"(sp), "r"(hole)
			 : "rax", "rbx", "rcx", "r11", "memory"); /* the handler uses rax */
	return seen;
}

static void fast_faults(void)
{
	struct shared_info *sh = (struct shared_info *)si_page;
	struct vcpu_info *vi = &sh->vcpu_info[0];
	unsigned long hole_pte = (tg_mfn_of(hole) << 12) | PTE_FLAGS, at, sp;

	tg_expect(uvm(si_page, (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS), 0,
		  "map shared_info");
	hole[0] = 1;
	tg_expect(uvm(hole, 0), 0, "unmap a page: its shadow entry is \"guest not present\"");
	for (int i = 0; i < 3; i++) {
		reset(3);
		tg_expect(traps_pf_probe((unsigned long)hole + 8), 0,
			  "fast #PF: every register comes back through bounce and iret");
	}
	tg_expect(tg_trap_vec, 14, "fast #PF reaches the #PF handler");
	tg_expect(tg_trap_err, 0, "fast #PF error code: not present, read, kernel mode");
	tg_expect(tg_trap_rip, (long)traps_pf_probe_at, "fast #PF frame RIP is the load");
	tg_expect(vi->arch.cr2, (long)hole + 8, "fast #PF: vcpu_info CR2 holds the address");
	tg_expect(tg_trap_cs, 0xe030UL | 1UL << 32, "fast #PF CS slot: RPL 0, events were masked");
	tg_expect(tg_trap_rflags & 0x200, 0, "fast #PF RFLAGS slot: IF clear (masked)");

	vi->evtchn_upcall_mask = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* Pass 0: the stack pages were never touched, so storing the
		 * frame through the guest's tables faults and the full path
		 * writes it; pass 1: the same pages, now in the shadow. */
		reset(6);
		sp = (unsigned long)stack2 + 4096 + 40;
		tg_expect(write_fault_on(sp, &at), sp, "#PF from an unaligned stack: rsp restored");
		tg_expect(tg_trap_err, 2, "#PF error code of a write");
		tg_expect(tg_trap_rip, at, "#PF frame across a page boundary: RIP");
		tg_expect(tg_trap_cs, 0xe030, "#PF CS slot: events were unmasked");
		tg_expect(tg_trap_rflags & 0x200, 0x200, "#PF RFLAGS slot: IF set (unmasked)");
		tg_expect(vi->evtchn_upcall_mask, 0,
			  "the iret left events unmasked (IF in its frame)");
	}
	vi->evtchn_upcall_mask = 1;
	tg_expect(uvm(hole, hole_pte), 0, "map the page back");
	tg_expect(hole[0], 1, "the page holds what it held");
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

	fast_faults();

	reset(0);
	tg_expect(hypercall(__HYPERVISOR_xen_version, 0, 0, 0, 0, 0), (4 << 16) | 17,
		  "hypercalls still work after the bounces");
}
