/*
 * The guest-user system call benchmark's assembly (user.c): the timed
 * user loop (entered by tg_user_enter), the syscall callback (straight
 * back with iret) and the #UD handler that ends the run.  Only rcx and
 * r11 change across a user syscall here (SYSCALL's rules), so the loop
 * keeps its count and start time in rbx and r12 (the count is
 * bench_user_rounds, readable from user mode like the whole image).
 */
#define IRET_STUB hypercall_page + 23 * 32

	.text
	.globl bench_user_loop
bench_user_loop:
	rdtsc
	shl	$32, %rdx
	lea	(%rax,%rdx), %r12
	mov	bench_user_rounds(%rip), %rbx
1:	syscall
	dec	%rbx
	jnz	1b
	rdtsc
	shl	$32, %rdx
	add	%rdx, %rax
	sub	%r12, %rax
	mov	%rax, bench_user_cycles(%rip)
	ud2

/* The syscall callback: rsp -> rcx, r11, rip, cs, rflags, rsp, ss. */
	.globl bench_user_syscall
bench_user_syscall:
	incq	bench_user_calls(%rip)
	pop	%rcx
	pop	%r11
	pushq	$0
	jmp	IRET_STUB

/* #UD from the end of the user loop: back to tg_user_enter's caller
 * (the bounce already put the vCPU in kernel mode). */
	.globl bench_user_ud
bench_user_ud:
	jmp	tg_user_return
