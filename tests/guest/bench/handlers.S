/*
 * The event callback of the benchmark: clear this vCPU's pending state
 * (the one bound port's word, the selector, the upcall flag), count, and
 * return with the iret hypercall.  Only rcx and r11 may be clobbered (the
 * bounce frame holds them); rax is saved here.
 */
	.globl bench_event_handler
bench_event_handler:
	push	%rax
	mov	bench_pending_word(%rip), %rax
	movq	$0, (%rax)
	mov	bench_vcpu_info(%rip), %rax
	movq	$0, 8(%rax)
	movb	$0, (%rax)
	incq	bench_upcalls(%rip)
	pop	%rax
	pop	%rcx
	pop	%r11
	pushq	$0
	jmp	hypercall_page + 23 * 32
