/*
 * A misbehaving guest, crashed by the hypervisor while every other domain
 * runs on.  The command-line word mode= chooses the misdeed:
 *   (none)  ud2 with no trap table: "exception 6 with no handler"
 *   priv    hlt, a privileged instruction, with no trap table:
 *           "exception 13 with no handler"
 *   iret    the iret hypercall with a bad frame (a non-canonical RIP):
 *           "iret to a non-canonical address"
 *   storm   a #GP handler that itself faults at the same instruction
 *           (dropping its frame each time): "exception 13 storm"
 *   iretread the iret hypercall with the stack pointer where nothing is
 *           mapped (a raw SYSCALL: no stub pushes): "iret frame unreadable"
 *   pfstack a #PF on a page it unmapped (the hypervisor's fast #PF path)
 *           with the stack pointer in its own L4 table, which it may not
 *           write: "cannot write a bounce frame on its stack"
 */
#include "../lib/tg.h"

const char test_title[] = "crash";

void crash_storm_handler(void);
__asm__(".text\n"
	"crash_storm_handler:\n"
	"	lea 64(%rsp), %rsp\n" /* drop the bounce frame: the stack stays put */
	"	cli\n");	      /* #GP again, same RIP */

static bool mode_is(const char *m)
{
	const char *s = (const char *)tg_start_info->cmd_line;
	for (; *s; s++) {
		if (s[0] != 'm' || s[1] != 'o' || s[2] != 'd' || s[3] != 'e' || s[4] != '=')
			continue;
		unsigned int i = 0;
		while (m[i] && s[5 + i] == m[i])
			i++;
		if (!m[i] && (s[5 + i] == 0 || s[5 + i] == ' '))
			return true;
	}
	return false;
}

static uint8_t hole[4096] __attribute__((aligned(4096)));

static void pf_on_readonly_stack(void)
{
	static struct trap_info traps[] = {{14, 0, 0xe033, (unsigned long)tg_pf_handler}, {0}};
	unsigned long va = (unsigned long)hole, sp = tg_start_info->pt_base + 2048;

	hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0);
	tg_expect(hypercall(__HYPERVISOR_update_va_mapping, va, 0, UVMF_INVLPG, 0, 0), 0,
		  "unmap a page");
	tg_trap_skip = 3; /* mov (%rax), %rax */
	__asm__ volatile("mov (%0), %0" : "+a"(va) : : "rcx", "r11", "memory");
	tg_expect(tg_trap_vec, 14, "a fault on it reaches the #PF handler");
	tg_printf("# crash: a #PF with the stack pointer in its L4 table\n");
	va = (unsigned long)hole;
	__asm__ volatile("mov %1, %%rsp\n\t"
			 "mov (%0), %0"
			 : "+a"(va)
			 : "r"(sp)
			 : "rcx", "r11", "memory");
}

void test_main(void)
{
	if (mode_is("priv")) {
		tg_printf("# crash: executing hlt with no handler\n");
		__asm__ volatile("hlt");
	} else if (mode_is("iret")) {
		tg_printf("# crash: iret hypercall to a non-canonical RIP\n");
		__asm__ volatile("movabs $0x800000000000, %%rax\n\t"
				 "mov %%rsp, %%rdx\n\t"
				 "pushq $0xe02b\n\t"
				 "pushq %%rdx\n\t"
				 "pushq $0x202\n\t"
				 "pushq $0xe033\n\t"
				 "pushq %%rax\n\t"
				 "pushq $0\n\t"
				 "jmp hypercall_page + 23 * 32" ::
					 : "rax", "rdx", "memory");
	} else if (mode_is("storm")) {
		static struct trap_info traps[] = {
			{13, 0, 0xe033, (unsigned long)crash_storm_handler}, {0}};
		hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0);
		tg_printf("# crash: a #GP handler that faults at the same place\n");
		__asm__ volatile("cli");
	} else if (mode_is("iretread")) {
		tg_printf("# crash: iret hypercall with an unmapped frame\n");
		__asm__ volatile("mov %0, %%rsp\n\t"
				 "mov $23, %%eax\n\t"
				 "syscall" ::"r"(tg_mapping_end() + 0x10000)
				 : "rax", "rcx", "r11", "memory");
	} else if (mode_is("pfstack")) {
		pf_on_readonly_stack();
	} else {
		tg_printf("# crash: executing ud2 with no handler\n");
		__asm__ volatile("ud2");
	}
	tg_check(false, "still running after the misdeed");
}
