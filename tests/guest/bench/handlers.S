/*
 * Exception handlers of the traps test: record the vector, error code and
 * the bounce frame's RIP/CS, step RIP past the faulting instruction by
 * tg_trap_skip bytes, and return with the iret hypercall (jumped to, with
 * the "flags" word pushed: the stub pushes rcx, r11 and rax itself).
 */
	.macro HANDLER name, vec, has_err
	.globl \name
\name:
	pop	%rcx
	pop	%r11
	.if \has_err
	popq	tg_trap_err(%rip)
	.else
	movq	$-1, tg_trap_err(%rip)
	.endif
	movq	$\vec, tg_trap_vec(%rip)
	mov	(%rsp), %rax
	mov	%rax, tg_trap_rip(%rip)
	mov	8(%rsp), %rax
	mov	%rax, tg_trap_cs(%rip)
	mov	16(%rsp), %rax
	mov	%rax, tg_trap_rflags(%rip)
	mov	tg_trap_skip(%rip), %rax
	add	%rax, (%rsp)
	pushq	$0
	jmp	hypercall_page + 23 * 32
	.endm

	.text
	HANDLER	tg_bp_handler, 3, 0
	HANDLER	tg_ud_handler, 6, 0
	HANDLER	tg_gp_handler, 13, 1
	HANDLER	tg_pf_handler, 14, 1

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
