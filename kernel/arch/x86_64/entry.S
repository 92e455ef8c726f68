/*
 * Exception and interrupt entry: 256 stubs and two common paths.
 *
 * Stub v (16 bytes apart, at trap_stubs + 16 * v) makes every vector look
 * alike: it pushes a zero error code where the CPU pushes none, then the
 * vector, and jumps to a common path that pushes the general registers,
 * completing a struct cpu_regs (asm/regs.h), and calls do_trap(regs).
 * Whatever the C code leaves in the frame is what iretq resumes.
 *
 * A page fault from a guest with RSVD set first saves only the registers
 * C may clobber and calls pv_page_fault_fast (pv_fast.c), which bounces
 * the guest's own fault on a "guest not present" entry straight to its
 * kernel's handler (0: resume at once).  Otherwise the callee-saved registers, still the
 * guest's, complete the frame and pv_page_fault_more does the rest
 * (do_page_fault_entry, page_fault.c, for every other fault).  A page
 * fault in the hypervisor takes do_trap (the fixup table, or a panic).
 *
 * GS: in ring 0 the GS base is this CPU's struct percpu.  An entry from a
 * guest (saved CS has RPL 3) executes swapgs on the way in and out, so the
 * guest's GS base waits in MSR_KERNEL_GS_BASE.  NMI, #DF and #MC run on IST
 * stacks and may arrive anywhere, even between a guest entry and its
 * swapgs, so their path ("paranoid") decides by the GS base itself: a
 * hypervisor address (sign bit set) means it is already ours.  Guests must
 * therefore never get a GS base in the hypervisor's half (set_segment_base
 * refuses it).  The paranoid path calls do_paranoid (nmi.c) with whether
 * it swapped; a swap with a saved CS of ring 0 is an NMI in one of the
 * windows between a guest entry or exit and its swapgs.
 *
 * AC: each path starts with a CLAC (asm/smap.h), so neither a guest (which
 * may set AC in ring 3) nor an interrupted STAC window lends its AC to the
 * handler; iretq gives the interrupted code its own back.
 */
#include <asm/regs.h>
#include <asm/smap.h>
#include "entry_macros.inc"

#define MSR_GS_BASE 0xc0000101
#define PFEC_RSVD   0x08 /* the CPU found a reserved bit set */

	.section .text, "ax"



	.balign 16
	.globl trap_stubs
trap_stubs:
	.set	vec, 0
	.rept	256
	.balign	16
	.if !(vec == 8 || vec == 10 || vec == 11 || vec == 12 || vec == 13 || vec == 14 || vec == 17 || vec == 21 || vec == 29 || vec == 30)
	pushq	$0
	.endif
	pushq	$vec
	.if vec == 2 || vec == 8 || vec == 18
	jmp	paranoid_entry
	.elseif vec == 14
	jmp	page_fault_entry
	.else
	jmp	common_entry
	.endif
	.set	vec, vec + 1
	.endr

/* The common path, calling `handler` with the frame. */
.macro ENTRY_COMMON handler
	SMAP_CLAC
	cld
	PUSH_REGS
	testb	$3, REGS_CS(%rsp)
	jz	1f
	swapgs
1:	movq	%rsp, %rdi
	xorl	%ebp, %ebp		/* backtraces end here */
	call	\handler
	testb	$3, REGS_CS(%rsp)
	jz	2f
	swapgs
2:	POP_REGS
	addq	$16, %rsp		/* vector, error code */
	iretq
.endm

common_entry:
	ENTRY_COMMON do_trap

page_fault_entry:
	SMAP_CLAC
	testb	$3, REGS_CS - REGS_VECTOR(%rsp)
	jz	common_entry			/* (a second CLAC there: harmless) */
	testb	$PFEC_RSVD, REGS_ERROR - REGS_VECTOR(%rsp)
	jz	page_fault_full		/* not a "guest not present" entry */
	cld
	swapgs
	subq	$REGS_VECTOR, %rsp
	SAVE_SCRATCH
	movq	%rsp, %rdi
	call	pv_page_fault_fast
	testl	%eax, %eax
	jnz	1f
	LOAD_SCRATCH
	addq	$REGS_RIP, %rsp
	swapgs
	iretq
1:	SAVE_CALLEE_SAVED
	movq	%rsp, %rdi
	movl	%eax, %esi
	xorl	%ebp, %ebp
	call	pv_page_fault_more
	swapgs
	POP_REGS
	addq	$16, %rsp
	iretq

page_fault_full:
	ENTRY_COMMON do_page_fault_entry

paranoid_entry:
	SMAP_CLAC
	cld
	PUSH_REGS
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	xorl	%ebx, %ebx		/* rbx survives the call: 1 = swapped */
	testl	%edx, %edx
	js	1f
	swapgs
	movl	$1, %ebx
1:	movq	%rsp, %rdi
	movl	%ebx, %esi		/* swapped: do_paranoid tells the windows apart */
	xorl	%ebp, %ebp
	call	do_paranoid
	testl	%ebx, %ebx
	jz	2f
	swapgs
2:	POP_REGS
	addq	$16, %rsp
	iretq
