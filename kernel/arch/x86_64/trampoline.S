/*
 * The application processors' way from real mode to the hypervisor.
 *
 * smp.c copies this blob to TRAMPOLINE_PA (below 1 MiB, page-aligned; the
 * SIPI vector is its page number) and fills the parameter block at its end:
 * the page-table root, EFER and CR4 of the boot CPU, the stack and the C
 * entry for the AP.  The AP starts in real mode with CS = page, IP = 0, and
 * goes straight to long mode: CR4.PAE, CR3, EFER.LME, then PE and PG in one
 * CR0 write and a far jump into a 64-bit segment of the blob's own small
 * GDT.  The page tables must map the trampoline page 1:1 (the boot tables'
 * low identity map does).  The C entry then loads the real GDT and IDT.
 *
 * The blob runs wherever smp.c copies it (a fresh page after an AP was
 * lost, so a late AP keeps reading its own parameters): real mode reads
 * through DS = CS, long mode RIP-relative, and the two linear addresses
 * the CPU needs, the GDT's base and the far jump's target, are patched
 * into each copy (tr_gdt_base, tr_long_addr).
 */
#define REL(x) ((x) - trampoline_start)

	.section .rodata, "a"
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_params
	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	REL(tr_gdt_desc)
	movl	REL(tr_cr4), %eax
	movl	%eax, %cr4
	movl	REL(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	movl	REL(tr_efer), %eax
	movl	REL(tr_efer) + 4, %edx
	wrmsr
	movl	$0x80000011, %eax	/* PG | ET | PE */
	movl	%eax, %cr0
	.byte	0x66, 0xea		/* ljmpl $0x08, tr_long (linear, patched) */
	.globl	tr_long_addr
tr_long_addr:
	.long	0
	.word	0x08

	.code64
	.globl	tr_long
tr_long:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	tr_stack(%rip), %rsp
	movq	tr_cpu(%rip), %rdi
	movq	tr_entry(%rip), %rax
	xorl	%ebp, %ebp
	jmp	*%rax

	.balign 8
	.globl	tr_gdt
tr_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
tr_gdt_desc:
	.word	tr_gdt_desc - tr_gdt - 1
	.globl	tr_gdt_base
tr_gdt_base:
	.long	0			/* linear, patched */

	.balign 8
trampoline_params:
tr_cr3:	.quad	0
tr_efer: .quad	0
tr_cr4:	.quad	0
tr_stack: .quad	0
tr_entry: .quad	0
tr_cpu:	.quad	0
trampoline_end:
