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
 * The hypercall fast path: the entry stores only what C may clobber or
 * the exit needs (the hardware part, rax, rcx, rdx, rsi, rdi, rbp, r8-r11)
 * and leaves the vector, error code, rbx and r12-r15 slots unwritten:
 * pv_hypercall_fast runs a plain hypercall of a guest kernel, and C keeps
 * rbx and r12-r15 in their registers.  If it reports nothing left to do,
 * the registers come back from the frame (no hypervisor value leaks) and
 * SYSRET returns: rcx = rip and r11 = rflags, as SYSCALL left them; CS
 * 0xe033 and SS 0xe02b come from MSR_STAR.  The iret hypercall takes the
 * same fast path but returns by IRETQ from the partial frame, whose
 * hardware part, rax, rcx and r11 pv_iret rewrote.  Otherwise the entry completes
 * the frame from the live registers and calls pv_syscall, which does the
 * rest (the hypercall if it has not run, exit work, vCPU switch) and
 * returns by SYSRET or, for iret or a non-canonical RIP (Intel's SYSRET
 * faults in ring 0 on the guest stack), by pv_exit_to_guest's IRETQ, which
 * restores every register exactly.  Invariant: nothing reads the frame
 * while a fast hypercall runs (interrupts stay off from SYSCALL's FMASK to
 * the return); a handler that needs the full frame must be taken off the
 * fast path.  pv_enter_first builds an empty frame at the stack top, lets
 * pv_schedule_first fill it, and enters the guest.
 */
#include <asm/regs.h>
#include "entry_macros.inc"

#define PERCPU_STACK_TOP   24
#define PERCPU_SYSCALL_RSP 72
#define PV_VECTOR_SYSCALL  0x100
#define PV_FAST_IRET       3 /* pv.c */

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
	subq	$16, %rsp			/* error code, vector: see 2: */
	pushq	%rax
	subq	$8, %rsp			/* rbx */
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	subq	$32, %rsp			/* r12 .. r15 */
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	pv_hypercall_fast
	testl	%eax, %eax
	jz	1f
	cmpl	$PV_FAST_IRET, %eax
	jne	2f
	/* Fast exit: rbx, r12-r15 were never touched (callee-saved in C). */
1:	addq	$32, %rsp
	popq	%r11				/* = rflags, as SYSCALL left it (iret: its r11) */
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx				/* = rip, as SYSCALL left it (iret: its rcx) */
	addq	$8, %rsp
	testl	%eax, %eax
	popq	%rax
	jnz	3f
	movq	REGS_RIP - REGS_VECTOR + 24(%rsp), %rsp	/* the guest's */
	swapgs
	sysretq
3:	addq	$16, %rsp			/* vector, error code: iret's frame */
	swapgs
	iretq

	/* Slow path: complete the frame, then the full C path. */
2:	movq	%rbx, REGS_RBX(%rsp)
	movq	%r12, REGS_R12(%rsp)
	movq	%r13, REGS_R13(%rsp)
	movq	%r14, REGS_R14(%rsp)
	movq	%r15, REGS_R15(%rsp)
	movq	$PV_VECTOR_SYSCALL, REGS_VECTOR(%rsp)
	movq	$0, REGS_ERROR(%rsp)
	cld
	movq	%rsp, %rdi
	movl	%eax, %esi
	call	pv_syscall
	testb	%al, %al
	jz	pv_exit_to_guest
	cli
	POP_REGS
	movq	REGS_RIP - REGS_VECTOR(%rsp), %rcx
	movq	REGS_RIP - REGS_VECTOR + 16(%rsp), %r11	/* rflags */
	movq	REGS_RIP - REGS_VECTOR + 24(%rsp), %rsp	/* the guest's */
	swapgs
	sysretq

	.globl pv_exit_to_guest
pv_exit_to_guest:
	cli
	POP_REGS
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
