/*
 * entry_event_handler: the event callback; clears this vCPU's pending
 * state (entry_pending_word, vcpu_info), counts, and returns with the iret
 * hypercall.  It changes no register but rcx and r11 (in the bounce frame).
 */
	.text
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
