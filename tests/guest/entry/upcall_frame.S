/*
 * The event upcall's bounce frame on a stack page the test chooses, with
 * nothing but the hypervisor writing that page (upcall_frame.c).
 *
 * frame_send(stack, arg) moves rsp to stack and makes EVTCHNOP_send(arg)
 * by a bare SYSCALL: no call and no push touch the page (the hypercall
 * page would push), and the arithmetic flags are fixed first (RFLAGS is
 * part of the frame).  The upcall the send leaves is bounced onto that
 * stack on the way out; frame_send then moves rsp back and returns the
 * hypercall's result.  Callee-saved registers are kept (rbx holds the
 * caller's rsp across the call).
 *
 * frame_event_handler is the event callback for it.  It reads its stack
 * page and never writes it: it copies the seven words of the frame and
 * the frame's address to frame_seen[0..7], clears the pending state as
 * entry_event_handler does, counts, and returns by the iret hypercall
 * (again a bare SYSCALL) from a frame it builds in frame_iret, so that
 * after the send the page holds exactly what the hypervisor wrote.  It
 * changes no register but rcx and r11, which the frame restores.
 */
#define EVTCHNOP_SEND		 4
#define HYPERVISOR_EVENT_CHANNEL 32
#define HYPERVISOR_IRET		 23

	.text
	.globl frame_send, frame_send_return
frame_send:
	push	%rbx
	mov	%rsp, %rbx
	mov	%rdi, %rsp
	mov	$EVTCHNOP_SEND, %edi
	mov	$HYPERVISOR_EVENT_CHANNEL, %eax
	cmp	%eax, %eax
	syscall
frame_send_return:
	mov	%rbx, %rsp
	pop	%rbx
	ret

/* frame word i to frame_seen[i] and to the iret frame's slot for it */
.macro FRAME_WORD i, iret_off
	mov	8 * \i(%rsp), %rcx
	mov	%rcx, frame_seen + 8 * \i(%rip)
	mov	%rcx, frame_iret + \iret_off(%rip)
.endm

	.globl frame_event_handler
frame_event_handler:
	mov	%rax, frame_iret(%rip)		/* the iret frame: rax first */
	FRAME_WORD 0, 16			/* rcx */
	FRAME_WORD 1, 8				/* r11 */
	FRAME_WORD 2, 32			/* rip */
	FRAME_WORD 3, 40			/* cs */
	FRAME_WORD 4, 48			/* rflags */
	FRAME_WORD 5, 56			/* rsp */
	FRAME_WORD 6, 64			/* ss */
	movq	$0, frame_iret + 24(%rip)	/* flags: no VGCF_in_syscall */
	mov	%rsp, frame_seen + 56(%rip)
	mov	entry_pending_word(%rip), %rcx
	movq	$0, (%rcx)
	mov	entry_vcpu_info(%rip), %rcx
	movq	$0, 8(%rcx)			/* evtchn_pending_sel */
	movb	$0, (%rcx)			/* evtchn_upcall_pending */
	incq	frame_upcalls(%rip)
	lea	frame_iret(%rip), %rsp
	mov	$HYPERVISOR_IRET, %eax
	syscall

	.bss
	.balign	8
	.globl frame_seen, frame_upcalls
frame_seen:
	.skip	8 * 8
frame_upcalls:
	.skip	8
frame_iret:
	.skip	9 * 8
