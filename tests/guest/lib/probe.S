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
#include "regs.inc"

	.text
	.globl tg_probe
tg_probe:
	PUSH_CALLEE_SAVED
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
	CHECK_PATTERN %rbx, 0x1111111111111111, %rax, %rdi
	CHECK_PATTERN %rbp, 0x2222222222222222, %rax, %rdi
	CHECK_PATTERN %r12, 0x3333333333333333, %rax, %rdi
	CHECK_PATTERN %r13, 0x4444444444444444, %rax, %rdi
	CHECK_PATTERN %r14, 0x5555555555555555, %rax, %rdi
	CHECK_PATTERN %r15, 0x6666666666666666, %rax, %rdi
	CHECK_PATTERN %r9, 0x7777777777777777, %rax, %rdi
	CHECK_PATTERN %rdx, 0x8888888888888888, %rax, %rdi
	CHECK_PATTERN %r10, 0x9999999999999999, %rax, %rdi
	CHECK_PATTERN %r8, 0xaaaaaaaaaaaaaaaa, %rax, %rdi
	mov	%rdi, %rax
	add	$32, %rsp
	POP_CALLEE_SAVED
	ret
