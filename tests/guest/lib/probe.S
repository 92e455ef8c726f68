/*
 * tg_probe(nr, a1, a2, &result): a raw SYSCALL hypercall with every
 * general register the hypercall ABI lets it keep loaded with a known
 * pattern: rbx, rbp, r12-r15, r9, and rdx, r10, r8 (arguments 3-5, which
 * a two-argument hypercall does not use); rdi and rsi carry a1 and a2 and
 * are checked too (Hospes keeps them; Xen's release builds do).  Returns 0
 * if all of them came back unchanged, else the OR of each register's
 * changed bits; the hypercall's result goes to *result.  Only rax (the
 * result), rcx and r11 (SYSCALL's) may change.
 */
	.text
	.globl tg_probe
tg_probe:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rcx				/* &result */
	push	%rdi				/* nr */
	push	%rsi				/* a1 */
	push	%rdx				/* a2 */
	movabs	$0x1111111111111111, %rbx
	movabs	$0x2222222222222222, %rbp
	movabs	$0x3333333333333333, %r12
	movabs	$0x4444444444444444, %r13
	movabs	$0x5555555555555555, %r14
	movabs	$0x6666666666666666, %r15
	movabs	$0x7777777777777777, %r9
	movabs	$0x8888888888888888, %rdx
	movabs	$0x9999999999999999, %r10
	movabs	$0xaaaaaaaaaaaaaaaa, %r8
	mov	(%rsp), %rsi			/* a2 */
	mov	8(%rsp), %rdi			/* a1 */
	mov	16(%rsp), %rax			/* nr */
	syscall
	mov	24(%rsp), %rcx
	mov	%rax, (%rcx)
	xor	(%rsp), %rsi			/* a2 as passed */
	xor	8(%rsp), %rdi			/* a1 */
	or	%rsi, %rdi
	movabs	$0x1111111111111111, %rax
	xor	%rax, %rbx
	or	%rbx, %rdi
	movabs	$0x2222222222222222, %rax
	xor	%rax, %rbp
	or	%rbp, %rdi
	movabs	$0x3333333333333333, %rax
	xor	%rax, %r12
	or	%r12, %rdi
	movabs	$0x4444444444444444, %rax
	xor	%rax, %r13
	or	%r13, %rdi
	movabs	$0x5555555555555555, %rax
	xor	%rax, %r14
	or	%r14, %rdi
	movabs	$0x6666666666666666, %rax
	xor	%rax, %r15
	or	%r15, %rdi
	movabs	$0x7777777777777777, %rax
	xor	%rax, %r9
	or	%r9, %rdi
	movabs	$0x8888888888888888, %rax
	xor	%rax, %rdx
	or	%rdx, %rdi
	movabs	$0x9999999999999999, %rax
	xor	%rax, %r10
	or	%r10, %rdi
	movabs	$0xaaaaaaaaaaaaaaaa, %rax
	xor	%rax, %r8
	or	%r8, %rdi
	mov	%rdi, %rax
	add	$32, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
