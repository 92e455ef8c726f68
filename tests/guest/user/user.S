/*
 * The user-mode test's assembly (user mode is entered by tg_user_enter,
 * lib/user_mode.S): the code that runs there, the syscall callback and the
 * exception handlers (all in the image, which both roots map with the
 * user bit: a PV guest kernel runs in ring 3 too).
 */
#define IRET_STUB hypercall_page + 23 * 32

	.text
/* User mode, run 1: two system calls, a look at the user-only page, ud2. */
	.globl user_code, user_after_syscall, user_ud
user_code:
	mov	$0x1234, %rbx
	mov	$0x5555, %r12
	mov	$7, %eax
	mov	$40, %edi
	mov	$2, %esi
	mov	$0x77, %edx
	syscall
user_after_syscall:
	mov	%rax, u_result(%rip)
	mov	%rbx, u_rbx(%rip)
	mov	%r12, u_r12(%rip)
	mov	%rcx, u_rcx(%rip)
	mov	%rsp, u_rsp(%rip)
	mov	$1000, %edi
	mov	$337, %esi
	syscall
	mov	%rax, u_result2(%rip)
	movabs	$0x8000000000, %rax		/* mapped only in the user root */
	mov	(%rax), %rdx
	mov	%rdx, u_private(%rip)
	movq	$0x600d, (%rax)
user_ud:
	ud2

/* User mode, run 2: a read of an unmapped address. */
	.globl user_code_pf, user_pf
user_code_pf:
	movabs	$0x10000000000, %rax
user_pf:
	mov	(%rax), %rax
	ud2

/* User mode, run 3: a privileged instruction. */
	.globl user_code_gp
user_code_gp:
	cli
	ud2

/* The syscall callback: rsp -> rcx, r11, rip, cs, rflags, rsp, ss (the
 * bounce frame on the kernel stack).  Records what the first call saw,
 * returns rdi + rsi in rax through the iret hypercall. */
	.globl user_syscall_cb
user_syscall_cb:
	incq	sc_count(%rip)
	cmpq	$1, sc_count(%rip)
	jne	2f
	mov	%rax, sc_rax(%rip)
	mov	%rdi, sc_rdi(%rip)
	mov	%rsi, sc_rsi(%rip)
	mov	%rdx, sc_rdx(%rip)
	mov	%rsp, sc_stack(%rip)
	mov	0(%rsp), %rax
	mov	%rax, sc_rcx(%rip)
	mov	16(%rsp), %rax
	mov	%rax, sc_rip(%rip)
	mov	24(%rsp), %rax
	mov	%rax, sc_cs(%rip)
	mov	32(%rsp), %rax
	mov	%rax, sc_rflags(%rip)
	mov	40(%rsp), %rax
	mov	%rax, sc_rsp(%rip)
	mov	48(%rsp), %rax
	mov	%rax, sc_ss(%rip)
2:	lea	(%rdi,%rsi), %rax
	pop	%rcx
	pop	%r11
	pushq	$0
	jmp	IRET_STUB

/* Exception handlers: record vector, error code and frame; from user mode
 * go back to tg_user_enter's caller (the vCPU is in kernel mode now), from
 * kernel mode skip t_skip bytes and return. */
	.macro HANDLER name, vec, has_err
	.globl \name
\name:
	pop	%rcx
	pop	%r11
	mov	%rax, t_saved_rax(%rip)
	.if \has_err
	popq	t_err(%rip)
	.else
	movq	$-1, t_err(%rip)
	.endif
	movq	$\vec, t_vec(%rip)
	mov	%rsp, t_stack(%rip)
	mov	(%rsp), %rax
	mov	%rax, t_rip(%rip)
	mov	8(%rsp), %rax
	mov	%rax, t_cs(%rip)
	mov	24(%rsp), %rax
	mov	%rax, t_rsp(%rip)
	testb	$3, 8(%rsp)
	jnz	tg_user_return
	mov	t_skip(%rip), %rax
	add	%rax, (%rsp)
	mov	t_saved_rax(%rip), %rax
	pushq	$0
	jmp	IRET_STUB
	.endm

	HANDLER	user_ud_handler, 6, 0
	HANDLER	user_gp_handler, 13, 1
	HANDLER	user_pf_handler, 14, 1

/* unsigned long kernel_probe(unsigned long va): a 3-byte load */
	.globl kernel_probe
kernel_probe:
	mov	(%rdi), %rax
	ret
