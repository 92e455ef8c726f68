/*
 * SSE access for the SMP test (the test guests are built without SSE):
 * fill or read back xmm0-15 (256 bytes).
 */
	.text
	.macro LDX n
	movdqu	\n * 16(%rdi), %xmm\n
	.endm
	.macro STX n
	movdqu	%xmm\n, \n * 16(%rdi)
	.endm

	.globl smp_load_xmm, smp_store_xmm
smp_load_xmm:
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	LDX	\n
	.endr
	ret
smp_store_xmm:
	.irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	STX	\n
	.endr
	ret
