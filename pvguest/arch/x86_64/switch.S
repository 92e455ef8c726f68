/*
 * thread_switch(from_rsp_slot, to_rsp): save the callee-saved registers
 * on the current stack, store rsp in *from_rsp_slot, load to_rsp, pop
 * the next thread's registers and return on its stack.  A new thread's
 * stack is prepared (core/sched.c) so that this "returns" into
 * thread_trampoline with the thread's function in r12 and argument in r13.
 * The FPU state is not switched: threads are cooperative and switch only
 * inside function calls, where the ABI makes SSE registers caller-saved;
 * MXCSR and the x87 control word stay as newlib set them.
 */
	.text
	.globl thread_switch
thread_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

	.globl thread_trampoline
thread_trampoline:
	call thread_started
	mov %r13, %rdi
	call *%r12
	call thread_exit
	ud2
