/*
 * The CPUID test's assembly: the user-mode code, the syscall callback that
 * brings the vCPU back to tg_user_enter's caller, and three text pages
 * whose ends hold the forced-emulation prefix (cut short at the end of
 * page A; whole, ending exactly at the end of page B), each after a `ret`
 * that an exception handler can step back to; a #DB handler that stops
 * single-stepping.
 */
#define IRET_STUB hypercall_page + 23 * 32
#define FORCED_CPUID ud2; .ascii "xen"; cpuid

	.text
/* User mode: the Xen signature and leaf 7 by the prefix, leaf 1 by plain
 * cpuid, then a syscall to leave. */
	.globl user_cpuid
user_cpuid:
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	FORCED_CPUID
	mov	%rax, u_sig(%rip)
	mov	%rbx, u_sig+8(%rip)
	mov	%rcx, u_sig+16(%rip)
	mov	%rdx, u_sig+24(%rip)
	mov	$7, %eax
	xor	%ecx, %ecx
	FORCED_CPUID
	mov	%rbx, u_leaf7_ebx(%rip)
	mov	$0x40000000, %eax
	xor	%ecx, %ecx
	cpuid
	mov	%rbx, u_plain_sig_ebx(%rip)
	syscall

/* #DB: count, record the frame's RIP, clear TF in its RFLAGS, return. */
	.globl db_handler
db_handler:
	pop	%rcx
	pop	%r11
	push	%rax
	incq	db_count(%rip)
	mov	8(%rsp), %rax
	mov	%rax, db_rip(%rip)
	andq	$~0x100, 24(%rsp)
	pop	%rax
	pushq	$0
	jmp	IRET_STUB

	.globl user_exit_cb
user_exit_cb:
	jmp	tg_user_return

/* edge_call(target, leaf, out): call target with eax = leaf, ecx = 0,
 * rbx = rdx = -1; out[0..2] = rbx, rcx, rdx afterwards. */
	.globl edge_call
edge_call:
	push	%rbx
	push	%rdx
	mov	%esi, %eax
	xor	%ecx, %ecx
	mov	$-1, %rbx
	mov	$-1, %rdx
	call	*%rdi
	pop	%r8
	mov	%rbx, 0(%r8)
	mov	%rcx, 8(%r8)
	mov	%rdx, 16(%r8)
	pop	%rbx
	ret

	.balign	4096
	.globl	edge_page_a, edge_page_b, edge_page_c, edge_cut, edge_whole
edge_page_a:
	.fill	4096 - 5, 1, 0xcc
	ret
edge_cut:				/* ud2 "xe" | page B: "n" cpuid */
	.byte	0x0f, 0x0b, 0x78, 0x65
edge_page_b:
	.byte	0x6e, 0x0f, 0xa2
	.fill	4096 - 3 - 8, 1, 0xcc
	ret
edge_whole:				/* the whole prefix, then page C */
	FORCED_CPUID
edge_page_c:
	.fill	4096, 1, 0xcc

	.bss
	.balign	8
	.globl	u_sig, u_leaf7_ebx, u_plain_sig_ebx, db_count, db_rip
db_count:	.quad	0
db_rip:		.quad	0
u_sig:		.skip	32
u_leaf7_ebx:	.quad	0
u_plain_sig_ebx: .quad	0
