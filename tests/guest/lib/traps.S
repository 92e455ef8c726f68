/*
 * Exception handlers shared by the test guests (tests/guest/traps, bench):
 * record the vector, error code and the bounce frame's RIP/CS/RFLAGS in
 * tg_trap_*, step RIP past the faulting instruction by tg_trap_skip bytes,
 * and return with the iret hypercall (jumped to, with the "flags" word
 * pushed: the hypercall page's iret stub pushes rcx, r11 and rax itself).
 * A guest that wants them installs them with set_trap_table.
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

	.bss
	.balign	8
	.globl	tg_trap_vec, tg_trap_err, tg_trap_rip, tg_trap_cs, tg_trap_rflags, tg_trap_skip
tg_trap_vec:	.quad	0
tg_trap_err:	.quad	0
tg_trap_rip:	.quad	0
tg_trap_cs:	.quad	0
tg_trap_rflags:	.quad	0
tg_trap_skip:	.quad	0
