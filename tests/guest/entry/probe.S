/*
 * entry_probe(nr, a1, a2, &result): a raw SYSCALL hypercall with rbx, rbp
 * and r12-r15 loaded with known patterns; returns 0 if all six came back
 * unchanged, else the OR of what changed.  The result of the hypercall
 * goes to *result.
 *
 * entry_event_handler: the event callback; clears this vCPU's pending
 * state (entry_pending_word, vcpu_info), counts, and returns with the iret
 * hypercall.  It changes no register but rcx and r11 (in the bounce frame).
 */
	.text
	.globl entry_probe
entry_probe:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rcx
	movabs	$0x1111111111111111, %rbx
	movabs	$0x2222222222222222, %rbp
	movabs	$0x3333333333333333, %r12
	movabs	$0x4444444444444444, %r13
	movabs	$0x5555555555555555, %r14
	movabs	$0x6666666666666666, %r15
	mov	%rdi, %rax
	mov	%rsi, %rdi
	mov	%rdx, %rsi
	syscall
	pop	%rcx
	mov	%rax, (%rcx)
	movabs	$0x1111111111111111, %rax
	xor	%rax, %rbx
	movabs	$0x2222222222222222, %rax
	xor	%rax, %rbp
	or	%rbp, %rbx
	movabs	$0x3333333333333333, %rax
	xor	%rax, %r12
	or	%r12, %rbx
	movabs	$0x4444444444444444, %rax
	xor	%rax, %r13
	or	%r13, %rbx
	movabs	$0x5555555555555555, %rax
	xor	%rax, %r14
	or	%r14, %rbx
	movabs	$0x6666666666666666, %rax
	xor	%rax, %r15
	or	%r15, %rbx
	mov	%rbx, %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret

	.globl entry_event_handler
entry_event_handler:
	push	%rax
	mov	entry_pending_word(%rip), %rax
	movq	$0, (%rax)
	mov	entry_vcpu_info(%rip), %rax
	movq	$0, 8(%rax)
	movb	$0, (%rax)
	incq	entry_upcalls(%rip)
	pop	%rax
	pop	%rcx
	pop	%r11
	pushq	$0
	jmp	hypercall_page + 23 * 32
