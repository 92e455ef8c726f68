/*
 * Register access for the FPU test (the test guests are built without SSE,
 * so every SSE/AVX/x87 instruction lives here), and its #NM handler.
 */
#include "../lib/regs.inc"

	.text
	.macro EACH16 insn, fmt
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	\insn \n
	.endr
	.endm

	.macro LDY n
	vmovdqu	\n * 32(%rdi), %ymm\n
	.endm
	.macro STY n
	vmovdqu	%ymm\n, \n * 32(%rdi)
	.endm

/* void fpu_load_xmm(const void *src256), fpu_store_xmm(void *dst256) */
	XMM_LOAD_STORE fpu_load_xmm, fpu_store_xmm
/* the same for all 256 bits of ymm0-15 (512 bytes) */
	.globl fpu_load_ymm, fpu_store_ymm
fpu_load_ymm:
	EACH16	LDY
	ret
fpu_store_ymm:
	EACH16	STY
	ret

/* void fpu_set_ctl(const uint16_t *fcw, const uint32_t *mxcsr) */
	.globl fpu_set_ctl, fpu_get_ctl, fpu_push_x87, fpu_pop_x87
fpu_set_ctl:
	fldcw	(%rdi)
	ldmxcsr	(%rsi)
	ret
/* void fpu_get_ctl(uint16_t *fcw, uint32_t *mxcsr) */
fpu_get_ctl:
	fnstcw	(%rdi)
	stmxcsr	(%rsi)
	ret
/* void fpu_push_x87(const int64_t *v): onto the x87 stack; fpu_pop_x87(int64_t *v) */
fpu_push_x87:
	fildq	(%rdi)
	ret
fpu_pop_x87:
	fistpq	(%rdi)
	ret

/* #NM: count it and return with the iret hypercall (the hypervisor has
 * cleared the virtual TS, so the instruction now runs). */
	.globl fpu_nm_handler
fpu_nm_handler:
	pop	%rcx
	pop	%r11
	incq	fpu_nm_count(%rip)
	pushq	$0
	jmp	hypercall_page + 23 * 32
