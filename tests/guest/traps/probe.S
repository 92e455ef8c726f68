/*
 * traps_pf_probe(va): a page fault with every general register but rsp
 * and rax (tg_pf_handler uses rax) loaded with a known pattern (rcx and
 * r11 included: the bounce frame carries them, the iret hypercall
 * restores them).  The load at
 * traps_pf_probe_at (movq (%rdi), %rdi, 3 bytes) faults; the handler
 * (tg_pf_handler with tg_trap_skip = 3) resumes after it.  Returns 0 if
 * every register came back unchanged, else the OR of each one's changed
 * bits.
 */
#include "../lib/regs.inc"

	.macro	CHECK reg, pattern
	CHECK_PATTERN \reg, \pattern, %rdi, (%rsp)
	.endm

	.text
	.globl	traps_pf_probe, traps_pf_probe_at
traps_pf_probe:
	PUSH_CALLEE_SAVED
	push	%rdi
	movabs	$0x2121212121212121, %rbx
	movabs	$0x3232323232323232, %rcx
	movabs	$0x4343434343434343, %rdx
	movabs	$0x5454545454545454, %rsi
	movabs	$0x6565656565656565, %rbp
	movabs	$0x7676767676767676, %r8
	movabs	$0x8787878787878787, %r9
	movabs	$0x9898989898989898, %r10
	movabs	$0xa9a9a9a9a9a9a9a9, %r11
	movabs	$0xbabababababababa, %r12
	movabs	$0xcbcbcbcbcbcbcbcb, %r13
	movabs	$0xdcdcdcdcdcdcdcdc, %r14
	movabs	$0xedededededededed, %r15
traps_pf_probe_at:
	movq	(%rdi), %rdi
	xor	(%rsp), %rdi			/* va as passed */
	mov	%rdi, (%rsp)
	CHECK	%rbx, 0x2121212121212121
	CHECK	%rcx, 0x3232323232323232
	CHECK	%rdx, 0x4343434343434343
	CHECK	%rsi, 0x5454545454545454
	CHECK	%rbp, 0x6565656565656565
	CHECK	%r8, 0x7676767676767676
	CHECK	%r9, 0x8787878787878787
	CHECK	%r10, 0x9898989898989898
	CHECK	%r11, 0xa9a9a9a9a9a9a9a9
	CHECK	%r12, 0xbabababababababa
	CHECK	%r13, 0xcbcbcbcbcbcbcbcb
	CHECK	%r14, 0xdcdcdcdcdcdcdcdc
	CHECK	%r15, 0xedededededededed
	pop	%rax
	POP_CALLEE_SAVED
	ret
