/*
 * Guest user mode for the test guests: tg_user_enter(rip, rsp, rflags)
 * saves the kernel's callee-saved registers and stack pointer and enters
 * user mode at rip with the iret hypercall (FLAT_USER_CS/SS, RPL 3; IF in
 * rflags says whether events stay enabled there).  The user code never
 * returns by itself: a handler that catches its last exception jumps to
 * tg_user_return, which returns from tg_user_enter in kernel mode (the
 * bounce already switched the vCPU to it).  The guest must have loaded a
 * user root (NEW_USER_BASEPTR) and named its kernel stack (stack_switch).
 */
#include "regs.inc"

	.text
	.globl tg_user_enter, tg_user_return
tg_user_enter:
	PUSH_CALLEE_SAVED
	mov	%rsp, tg_user_kernel_rsp(%rip)
	pushq	$0xe02b				/* ss: FLAT_USER_SS */
	pushq	%rsi				/* rsp */
	pushq	%rdx				/* rflags */
	pushq	$0xe033				/* cs: RPL 3, user mode */
	pushq	%rdi				/* rip */
	pushq	$0				/* flags */
	jmp	hypercall_page + 23 * 32	/* iret */

tg_user_return:
	mov	tg_user_kernel_rsp(%rip), %rsp
	POP_CALLEE_SAVED
	ret

	.bss
	.balign	8
tg_user_kernel_rsp:
	.quad	0
