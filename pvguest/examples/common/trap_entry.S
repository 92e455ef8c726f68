/*
 * Trap entry for stages 2 and later.  The hypervisor delivers an exception
 * or an event upcall as a bounce frame on the stack: RCX, R11, [error
 * code], RIP, CS, RFLAGS, RSP, SS.  Each stub restores RCX and R11, makes
 * the frame uniform (an error code of 0 where the CPU gives none, then the
 * vector; -1 for the upcall), and trap_common saves the registers C may
 * clobber, calls trap_handler(struct frame *) (see frame.h), and returns
 * through the iret hypercall, which also restores the event mask from the
 * saved RFLAGS.IF.  The handler may change the saved RIP (to skip an
 * instruction or to resume at a recovery point).
 */
.macro TRAP_NOERR name, vec
	.globl \name
\name:
	pop %rcx
	pop %r11
	push $0
	push $\vec
	jmp trap_common
.endm

.macro TRAP_ERR name, vec
	.globl \name
\name:
	pop %rcx
	pop %r11
	push $\vec
	jmp trap_common
.endm

trap_common:
	push %rax
	push %rdi
	push %rsi
	push %rdx
	push %rcx
	push %r8
	push %r9
	push %r10
	push %r11
	mov %rsp, %rdi
	call trap_handler
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rcx
	pop %rdx
	pop %rsi
	pop %rdi
	pop %rax
	add $16, %rsp		/* vector and error code */
	push $0			/* iret flags */
	jmp hypercall_page + HYPERCALL_IRET
