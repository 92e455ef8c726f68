/*
 * Guest user mode, run for real: the kernel builds a user address space
 * (an L4 that shares the image's L4 slot 0 and adds one page mapped only
 * there, at 0x8000000000), pins it and loads it with
 * MMUEXT_NEW_USER_BASEPTR, registers a syscall callback and a kernel
 * stack (stack_switch), and enters user mode with the iret hypercall
 * (CS with RPL 3).  In user mode:
 *   - `syscall` is bounced to the kernel's syscall callback on the kernel
 *     stack, with Xen's frame (RCX, R11, RIP after the syscall, CS RPL 3,
 *     RFLAGS, user RSP, SS) and the user's argument registers untouched;
 *     the callback returns rdi + rsi through the iret hypercall and the
 *     user continues after its syscall with its other registers intact;
 *   - the page of the user root is readable and writable there, while the
 *     kernel (on the kernel root) takes a #PF at the same address;
 *   - ud2, a read of an unmapped address (#PF with the U bit) and cli
 *     (#GP) are bounced to the kernel's handlers with RPL 3 frames.
 */
#include "../lib/tg.h"
#include <public/callback.h>
#include <public/errno.h>

const char test_title[] = "user";

#define PTE_USER   0x67UL /* P, RW, US, A, D */
#define USER_PAGE  0x8000000000UL
#define UNMAPPED   0x10000000000UL
#define KSTACK_TOP ((unsigned long)&kstack[sizeof(kstack)])

void user_code(void), user_after_syscall(void), user_ud(void);
void user_code_pf(void), user_pf(void), user_code_gp(void);
void user_syscall_cb(void);
void user_ud_handler(void), user_gp_handler(void), user_pf_handler(void);
unsigned long kernel_probe(unsigned long va);

unsigned long u_result, u_result2, u_rbx, u_r12, u_rcx, u_rsp, u_private;
unsigned long sc_count, sc_rax, sc_rdi, sc_rsi, sc_rdx, sc_stack, sc_rcx, sc_rip, sc_cs, sc_rflags,
	sc_rsp, sc_ss;
unsigned long t_saved_rax, t_err, t_vec, t_stack, t_rip, t_cs, t_rsp, t_skip;

static uint64_t user_l4[512] __attribute__((aligned(4096)));
static uint64_t user_l3[512] __attribute__((aligned(4096)));
static uint64_t user_l2[512] __attribute__((aligned(4096)));
static uint64_t user_l1[512] __attribute__((aligned(4096)));
static uint64_t private_page[512] __attribute__((aligned(4096)));
static uint8_t ustack[8192] __attribute__((aligned(16)));
static uint8_t kstack[8192] __attribute__((aligned(16)));

static void setup(void)
{
	static struct trap_info traps[] = {{6, 0, 0xe033, (unsigned long)user_ud_handler},
					   {13, 0, 0xe033, (unsigned long)user_gp_handler},
					   {14, 0, 0xe033, (unsigned long)user_pf_handler},
					   {0}};
	const uint64_t *boot_l4 = (const uint64_t *)tg_start_info->pt_base;
	private_page[0] = 0xfeedface;
	user_l4[0] = boot_l4[0];
	user_l4[1] = tg_mfn_of(user_l3) << 12 | PTE_USER;
	user_l3[0] = tg_mfn_of(user_l2) << 12 | PTE_USER;
	user_l2[0] = tg_mfn_of(user_l1) << 12 | PTE_USER;
	user_l1[0] = tg_mfn_of(private_page) << 12 | PTE_USER;
	tg_expect(hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0, 0), 0,
		  "set_trap_table (#UD, #GP, #PF)");
	tg_expect(tg_mmuext(MMUEXT_PIN_L4_TABLE, tg_mfn_of(user_l4)), 0, "pin the user L4");
	tg_expect(tg_mmuext(MMUEXT_NEW_USER_BASEPTR, tg_mfn_of(user_l4)), 0, "NEW_USER_BASEPTR");
	struct callback_register cb = {.type = CALLBACKTYPE_syscall,
				       .flags = CALLBACKF_mask_events,
				       .address = (unsigned long)user_syscall_cb};
	tg_expect(hypercall(__HYPERVISOR_callback_op, CALLBACKOP_register, (unsigned long)&cb, 0, 0,
			    0),
		  0, "register the syscall callback");
	tg_expect(hypercall(__HYPERVISOR_stack_switch, 0xe02b, KSTACK_TOP, 0, 0, 0), 0,
		  "stack_switch: the kernel stack for bounces from user mode");
}

static void test_syscalls(void)
{
	unsigned long ustack_top = (unsigned long)&ustack[sizeof(ustack)];
	tg_user_enter((unsigned long)user_code, ustack_top, 0x202);
	tg_expect(sc_count, 2, "two user syscalls reached the syscall callback");
	tg_expect(sc_rax, 7, "callback: rax as the user set it");
	tg_check(sc_rdi == 40 && sc_rsi == 2 && sc_rdx == 0x77,
		 "callback: rdi, rsi, rdx untouched");
	tg_expect(sc_stack, KSTACK_TOP - 56,
		  "callback runs on the stack_switch stack, frame below");
	tg_expect(sc_rip, (unsigned long)user_after_syscall, "frame RIP: after the first syscall");
	tg_expect(sc_rcx, (unsigned long)user_after_syscall + 0, "frame RCX: the user's (SYSCALL)");
	tg_expect(sc_cs & 0xffff, 0xe033, "frame CS: FLAT_USER_CS, RPL 3 (user context)");
	tg_expect(sc_ss & 0xffff, 0xe02b, "frame SS: FLAT_USER_SS");
	tg_expect(sc_rsp, ustack_top, "frame RSP: the user stack");
	tg_check(sc_rflags & 0x200, "frame RFLAGS: IF set in user mode");
	tg_expect(u_result, 42, "user got rax = rdi + rsi back");
	tg_expect(u_result2, 1337, "a second syscall works the same");
	tg_check(u_rbx == 0x1234 && u_r12 == 0x5555, "user rbx and r12 survived the round trip");
	tg_expect(u_rcx, (unsigned long)user_after_syscall,
		  "user rcx = return RIP (SYSCALL rules)");
	tg_expect(u_rsp, ustack_top, "user rsp unchanged");
	tg_expect(u_private, 0xfeedface, "user mode reads the page of the user root");
	tg_expect(private_page[0], 0x600d, "and writes it");
	tg_expect(t_vec, 6, "user ud2 bounced to the kernel's #UD handler");
	tg_expect(t_rip, (unsigned long)user_ud, "#UD frame RIP: the ud2");
	tg_expect(t_cs & 3, 3, "#UD frame CS: RPL 3 (from user mode)");
	tg_expect(t_rsp, ustack_top, "#UD frame RSP: the user stack");
	tg_expect(t_stack, KSTACK_TOP - 40, "#UD handled on the kernel stack");
}

static void test_faults(void)
{
	unsigned long ustack_top = (unsigned long)&ustack[sizeof(ustack)];
	t_vec = 0;
	t_skip = 3;
	kernel_probe(USER_PAGE);
	tg_expect(t_vec, 14, "kernel mode: the user root's page is not mapped (#PF)");
	tg_expect(t_cs & 3, 0, "kernel-mode #PF frame CS: RPL 0");
	tg_expect(t_err & 4, 0, "kernel-mode #PF error code: U clear");
	t_vec = 0;
	tg_user_enter((unsigned long)user_code_pf, ustack_top, 0x202);
	tg_expect(t_vec, 14, "user read of an unmapped address: #PF to the kernel");
	tg_expect(t_err, 4, "#PF error code: user, read, not present");
	tg_expect(t_rip, (unsigned long)user_pf, "#PF frame RIP: the load");
	tg_expect(t_cs & 3, 3, "#PF frame CS: RPL 3");
	t_vec = 0;
	tg_user_enter((unsigned long)user_code_gp, ustack_top, 0x202);
	tg_expect(t_vec, 13, "user cli: #GP to the kernel");
	tg_expect(t_rip, (unsigned long)user_code_gp, "#GP frame RIP: the cli");
	tg_expect(private_page[0], 0x600d, "kernel data intact after the user runs");
}

void test_main(void)
{
	setup();
	test_syscalls();
	test_faults();
}
