/*
 * Guest entry by SYSCALL, and the one way back into a guest.
 *
 * A PV guest runs in ring 3, kernel and user alike, so every SYSCALL comes
 * from a guest: a hypercall if the vCPU is in guest kernel mode, a system
 * call to bounce to the guest kernel otherwise (pv_syscall decides).  The
 * entry switches GS to this CPU's percpu (swapgs), parks the guest rsp in
 * percpu.syscall_rsp, moves to the top of this CPU's hypervisor stack and
 * builds the same struct cpu_regs an interrupt from the guest would (with
 * vector PV_VECTOR_SYSCALL), so every guest context lives in one frame at
 * the top of the stack and switching vCPUs means rewriting that frame.
 *
 * pv_exit_to_guest restores that frame and returns with iretq (never
 * sysret: iretq restores every register exactly and has no non-canonical
 * RCX pitfall).  pv_enter_first builds an empty frame at the stack top,
 * lets pv_schedule_first fill it, and enters the guest.
 */
#include <asm/regs.h>

#define PERCPU_STACK_TOP   24
#define PERCPU_SYSCALL_RSP 72
#define PV_VECTOR_SYSCALL  0x100

	.section .text, "ax"

	.globl syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_SYSCALL_RSP
	movq	%gs:PERCPU_STACK_TOP, %rsp
	pushq	$0xe02b				/* ss */
	pushq	%gs:PERCPU_SYSCALL_RSP		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$0xe033				/* cs */
	pushq	%rcx				/* rip */
	pushq	$0				/* error code */
	pushq	$PV_VECTOR_SYSCALL
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	pv_syscall
	/* fall through */

	.globl pv_exit_to_guest
pv_exit_to_guest:
	cli
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp			/* vector, error code */
	swapgs
	iretq

	.globl pv_enter_first
pv_enter_first:
	movq	%gs:PERCPU_STACK_TOP, %rsp
	subq	$REGS_SIZE, %rsp
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	pv_schedule_first
	jmp	pv_exit_to_guest
