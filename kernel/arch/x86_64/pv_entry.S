/*
 * Guest entry by SYSCALL, and the one way back into a guest.
 *
 * A PV guest runs in ring 3, kernel and user alike, so every SYSCALL comes
 * from a guest: a hypercall if the vCPU is in guest kernel mode, a system
 * call to bounce to the guest kernel otherwise.  The entry switches GS to
 * this CPU's percpu (swapgs), parks the guest rsp in percpu.syscall_rsp and
 * moves to the struct cpu_regs frame at the top of this CPU's hypervisor
 * stack, where every guest context lives (switching vCPUs means rewriting
 * that frame).
 *
 * The hypercall fast path is all here.  The entry stores only the
 * registers C may clobber (rcx = the guest's rip, r11 = its rflags, rdi,
 * rsi, rdx, r8, r9, r10); rax, rbx, rbp and r12-r15 stay live.  A guest
 * kernel's hypercall, while no domain is traced and the return RIP is one
 * SYSRET can take, is then called straight from pv_fast_hypercalls[nr]
 * with the guest's arguments moved into C's argument registers.  After it
 * the exit looks at the two things a fast handler can leave behind: this
 * CPU's reschedule request (every sleep, pause, shutdown and yield makes
 * one; see hospes/sched.h) and an event upcall the vCPU's vcpu_info makes
 * deliverable (pending and not masked; the guest can unmask at any time,
 * so this is read from its memory every time).  Handlers that can leave
 * other exit work (a base reload) have no slot in the table (pv.c).  With
 * nothing to do, the saved registers come back (no hypervisor value
 * leaks) and SYSRET returns: rcx = rip and r11 = rflags, as SYSCALL left
 * them; CS 0xe033 and SS 0xe02b come from MSR_STAR.  Interrupts stay off
 * from SYSCALL (FMASK) to SYSRET, so nothing becomes pending unseen
 * between the check and the return; a later event reaches the guest by
 * its IPI.
 *
 * Every other case completes the frame (the hardware part from rcx, r11
 * and syscall_rsp; the callee-saved registers; rax = the number, or the
 * result if the hypercall ran) and calls pv_syscall, which does the rest
 * (the hypercall if it has not run, exit work, a vCPU switch) and returns
 * by SYSRET or, for a non-canonical RIP (Intel's SYSRET faults in ring 0
 * on the guest stack) or a replaced context, by pv_exit_to_guest's IRETQ,
 * which restores every register exactly.  Slots without a fast handler
 * point at pv_hypercall_not_fast, which takes this path; iret's slot
 * points at pv_hypercall_iret: pv_iret_fast (pv_fast.c) runs it on the
 * frame and the guest is resumed by IRETQ from it.  pv_enter_first builds an
 * empty frame at the stack top, lets pv_schedule_first fill it, and enters
 * the guest.  Offsets into percpu, vcpu and the frame are checked in pv.c.
 */
#include <asm/regs.h>
#include <asm/smap.h>
#include "entry_macros.inc"

#define PERCPU_CURR_VCPU   16
#define PERCPU_STACK_TOP   24
#define PERCPU_SYSCALL_RSP 72
#define PERCPU_RESCHED     80
#define VCPU_VCPU_INFO     24
#define VCPU_ARCH          48
#define ARCH_KERNEL_MODE   0x117a /* pv.c checks both */
#define PV_VECTOR_SYSCALL  0x100
#define NR_HYPERCALLS      64
#define PV_SYSCALL_RAN     2 /* asm/pv_entry.h */
#define PV_SYSCALL_NOT_RUN 1
#define HYPERCALL_IRET     23
#define ARCH_TRAP_REPEATS  0x116c /* pv_fast.c checks these */
#define IRET_RAX	   0
#define IRET_R11	   8
#define IRET_RCX	   16
#define IRET_RIP	   32
#define IRET_CS		   40
#define IRET_RFLAGS	   48
#define IRET_RSP	   56
#define IRET_LOWER_LAST	   (0x0000800000000000 - 72) /* a frame from here ends at 2^47 */
#define RFLAGS_IF	   0x200
#define RFLAGS_DROP_IOPL   0x77100 /* TF IOPL NT RF VM AC: bounce.h */

/* A load from the guest's iret frame at rsi through its own tables; a
 * fault resumes at .Liret_c, which starts over in C. */
.macro GUEST_LOAD off, reg
9:	movq	\off(%rsi), \reg
	.pushsection .extable, "a"
	.balign	8
	.quad	9b, .Liret_c
	.popsection
.endm

/*
 * SYSCALL leaves rip in rcx and rflags in r11; the fast path keeps only
 * these and the argument registers, the ones C may clobber.
 */
.macro SAVE_SYSCALL_SCRATCH
	movq	%rcx, REGS_RCX(%rsp)		/* = rip */
	movq	%r11, REGS_R11(%rsp)		/* = rflags */
	movq	%rdi, REGS_RDI(%rsp)
	movq	%rsi, REGS_RSI(%rsp)
	movq	%rdx, REGS_RDX(%rsp)
	movq	%r10, REGS_R10(%rsp)
	movq	%r8, REGS_R8(%rsp)
	movq	%r9, REGS_R9(%rsp)
.endm

.macro LOAD_SYSCALL_SCRATCH
	movq	REGS_RCX(%rsp), %rcx
	movq	REGS_R11(%rsp), %r11
	movq	REGS_RDI(%rsp), %rdi
	movq	REGS_RSI(%rsp), %rsi
	movq	REGS_RDX(%rsp), %rdx
	movq	REGS_R10(%rsp), %r10
	movq	REGS_R8(%rsp), %r8
	movq	REGS_R9(%rsp), %r9
.endm

/* The hardware part of struct cpu_regs for a guest that entered by
 * SYSCALL in kernel mode (rip, rflags from the saved rcx, r11; the
 * guest's rsp from the per-CPU slot); uses rax. */
.macro SYSCALL_HW_FRAME
	movq	$0xe02b, REGS_SS(%rsp)
	movq	%gs:PERCPU_SYSCALL_RSP, %rax
	movq	%rax, REGS_RSP(%rsp)
	movq	REGS_R11(%rsp), %rax
	movq	%rax, REGS_RFLAGS(%rsp)
	movq	$0xe033, REGS_CS(%rsp)
	movq	REGS_RCX(%rsp), %rax
	movq	%rax, REGS_RIP(%rsp)
.endm

	.section .rodata
	.balign 8
sysret_bad_rip:
	.quad	0x0000800000000000	/* the one non-canonical rip SYSCALL can leave */

	.section .text, "ax"

	.globl syscall_entry
syscall_entry:
	swapgs
	movq	%rsp, %gs:PERCPU_SYSCALL_RSP
	movq	%gs:PERCPU_STACK_TOP, %rsp
	subq	$REGS_SIZE, %rsp
	SAVE_SYSCALL_SCRATCH
	cmpq	$NR_HYPERCALLS, %rax
	jae	.Lnot_run
	movq	%gs:PERCPU_CURR_VCPU, %r11
	movq	VCPU_ARCH(%r11), %r9
	cmpb	$0, ARCH_KERNEL_MODE(%r9)
	je	.Lnot_run			/* guest user mode: a system call */
	cmpl	$0, trace_active(%rip)
	jne	.Lnot_run			/* the full path traces */
	cmpq	sysret_bad_rip(%rip), %rcx
	je	.Lnot_run
	movq	%r8, %r9			/* a5 */
	movq	%r10, %r8			/* a4 */
	movq	%rdx, %rcx			/* a3 */
	movq	%rsi, %rdx			/* a2 */
	movq	%rdi, %rsi			/* a1 */
	movq	%r11, %rdi			/* v */
	leaq	pv_fast_hypercalls(%rip), %r10
	call	*(%r10, %rax, 8)
	/* Exit work?  A reschedule request, or a deliverable upcall. */
	movq	%gs:PERCPU_RESCHED, %rcx
	cmpb	$0, (%rcx)
	jne	.Lran
	movq	%gs:PERCPU_CURR_VCPU, %rcx
	movq	VCPU_VCPU_INFO(%rcx), %rcx
	movzwl	(%rcx), %ecx			/* upcall pending | mask << 8 */
	decl	%ecx
	cmpl	$0xff, %ecx
	jb	.Lran				/* pending and not masked */
	LOAD_SYSCALL_SCRATCH
	movq	%gs:PERCPU_SYSCALL_RSP, %rsp
	swapgs
	sysretq

	/* A slot without a fast handler (called, rax = the number). */
	.globl pv_hypercall_not_fast
pv_hypercall_not_fast:
	addq	$8, %rsp			/* our caller's return address */
.Lnot_run:
	movl	$PV_SYSCALL_NOT_RUN, %esi
	jmp	1f
.Lran:
	movl	$PV_SYSCALL_RAN, %esi
1:	movq	%rax, REGS_RAX(%rsp)
	SYSCALL_HW_FRAME
2:	movq	%rbx, REGS_RBX(%rsp)
	movq	%rbp, REGS_RBP(%rsp)
	movq	%r12, REGS_R12(%rsp)
	movq	%r13, REGS_R13(%rsp)
	movq	%r14, REGS_R14(%rsp)
	movq	%r15, REGS_R15(%rsp)
	movq	$PV_VECTOR_SYSCALL, REGS_VECTOR(%rsp)
	movq	$0, REGS_ERROR(%rsp)
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp
	call	pv_syscall
	testb	%al, %al
	jz	pv_exit_to_guest
	cli
	POP_REGS
	movq	REGS_RIP - REGS_VECTOR(%rsp), %rcx
	movq	REGS_RFLAGS - REGS_VECTOR(%rsp), %r11
	movq	REGS_RSP - REGS_VECTOR(%rsp), %rsp	/* the guest's */
	swapgs
	sysretq

	/*
	 * iret's slot (called, rax = 23, rdi = the vCPU; every register but
	 * rax and the callee-saved ones is in the frame).  A return to guest
	 * kernel mode from a frame in the lower half is done here, by
	 * bounce.c's pv_iret rules: seven loads from the guest's stack
	 * through its own tables (each in the exception-fixup table, all in
	 * one STAC..CLAC window; a fault resumes with AC clear), CS
	 * not RPL 3, rip and rsp canonical; then the upcall mask from the
	 * frame's IF, the storm count reset, the hardware frame (rflags as
	 * pv_kernel_rflags makes it), the exit check of syscall_entry, and
	 * IRETQ with rax, rcx and r11 from the guest's frame.  Anything else
	 * (a load that faults, a return to user mode, a frame in the upper
	 * half, a bad address), with nothing changed, goes to pv_iret_fast
	 * (pv_fast.c): 0 = resume from the frame it rewrote; PV_SYSCALL_RAN
	 * = done, exit work: the full path; PV_SYSCALL_NOT_RUN = nothing
	 * done: the full path runs the hypercall.
	 */
	.globl pv_hypercall_iret
pv_hypercall_iret:
	addq	$8, %rsp
	movq	%gs:PERCPU_SYSCALL_RSP, %rsi	/* the guest's struct iret_context */
	movabs	$IRET_LOWER_LAST, %rax
	cmpq	%rax, %rsi
	ja	.Liret_c
	SMAP_STAC				/* the seven loads: asm/smap.h */
	GUEST_LOAD IRET_CS, %r8
	GUEST_LOAD IRET_RIP, %rcx
	GUEST_LOAD IRET_RSP, %rdx
	GUEST_LOAD IRET_RFLAGS, %r9
	GUEST_LOAD IRET_RAX, %r10
	GUEST_LOAD IRET_R11, %r11
	GUEST_LOAD IRET_RCX, %rsi
	SMAP_CLAC
	andl	$3, %r8d
	cmpl	$3, %r8d
	je	.Liret_c			/* to user mode */
	movq	%rcx, %rax
	shlq	$16, %rax
	sarq	$16, %rax
	cmpq	%rcx, %rax
	jne	.Liret_c			/* rip not canonical */
	movq	%rdx, %rax
	shlq	$16, %rax
	sarq	$16, %rax
	cmpq	%rdx, %rax
	jne	.Liret_c			/* rsp not canonical */
	movq	VCPU_VCPU_INFO(%rdi), %r8
	btl	$9, %r9d
	setnc	1(%r8)				/* upcall mask = !IF */
	movq	VCPU_ARCH(%rdi), %rax
	movl	$0, ARCH_TRAP_REPEATS(%rax)
	andq	$~RFLAGS_DROP_IOPL, %r9
	orq	$RFLAGS_IF, %r9
	movq	%rcx, REGS_RIP(%rsp)
	movq	$0xe033, REGS_CS(%rsp)
	movq	%r9, REGS_RFLAGS(%rsp)
	movq	%rdx, REGS_RSP(%rsp)
	movq	$0xe02b, REGS_SS(%rsp)
	movq	%gs:PERCPU_RESCHED, %rax
	cmpb	$0, (%rax)
	jne	.Liret_ran
	movzwl	(%r8), %eax			/* upcall pending | mask << 8 */
	decl	%eax
	cmpl	$0xff, %eax
	jb	.Liret_ran			/* pending and not masked */
	movq	%r10, %rax
	movq	%rsi, %rcx
	movq	REGS_RDI(%rsp), %rdi
	movq	REGS_RSI(%rsp), %rsi
	movq	REGS_RDX(%rsp), %rdx
	movq	REGS_R8(%rsp), %r8
	movq	REGS_R9(%rsp), %r9
	movq	REGS_R10(%rsp), %r10
	addq	$REGS_RIP, %rsp
	swapgs
	iretq
.Liret_ran:
	movq	%r10, REGS_RAX(%rsp)
	movq	%rsi, REGS_RCX(%rsp)
	movq	%r11, REGS_R11(%rsp)
	movl	$PV_SYSCALL_RAN, %esi
	jmp	2b
.Liret_c:
	movq	%rsp, %rdi
	call	pv_iret_fast
	testl	%eax, %eax
	jnz	3f
	movq	REGS_RAX(%rsp), %rax
	LOAD_SYSCALL_SCRATCH
	addq	$REGS_RIP, %rsp
	swapgs
	iretq
3:	movl	%eax, %esi
	cmpl	$PV_SYSCALL_RAN, %eax
	je	2b
	movl	$HYPERCALL_IRET, %eax
	jmp	.Lnot_run

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
