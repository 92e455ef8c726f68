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
 * pv_exit_to_guest restores that frame and returns with iretq, which
 * restores every register exactly.  When pv_syscall reports a plain
 * hypercall with no exit work (not HYPERVISOR_iret, which sets rcx and
 * r11, and a canonical return RIP: Intel's SYSRET faults in ring 0
 * otherwise), the entry returns by sysretq instead: rcx = rip and r11 =
 * rflags, as SYSCALL left them; CS 0xe033 and SS 0xe02b come from
 * MSR_STAR.  pv_enter_first builds an empty frame at the stack top, lets
 * pv_schedule_first fill it, and enters the guest.
 */
#include <asm/regs.h>
#include "entry_macros.inc"

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
	PUSH_REGS
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
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
