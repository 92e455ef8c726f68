/*
 * Entry, Xen ELF notes and the trap and event entry points of the pvguest
 * kernel.
 *
 * The hypervisor enters _start in guest kernel mode (ring 3 on x86-64 PV)
 * with rsi = start_info and events masked.  The image is linked at VA
 * 0x2000 with VIRT_BASE 0, so a page's virtual address is its pseudo-
 * physical frame number times 4 KiB (VA = PFN << 12), as in Mini-OS.
 *
 * Every exception and the event upcall arrive as a Xen bounce frame:
 * rsp points at RCX, R11, [error code], RIP, CS, RFLAGS, RSP, SS.  Each
 * stub restores RCX and R11, pushes an error code of 0 where the CPU gives
 * none and then the vector (-1 for the event upcall), so trap_common sees
 * one layout, struct trap_frame in arch.h (vector -3: a system call from a
 * user process, bounced to the syscall callback).  trap_common saves the general
 * registers and the FPU/SSE state (newlib code may be interrupted in the
 * middle of SSE work), loads the default MXCSR (a user process may have
 * unmasked SSE exceptions), calls trap_dispatch(), and returns through the iret
 * hypercall: it restores the event mask from the saved RFLAGS.IF in the
 * same step as the return, so no event can slip in between unmasking and
 * leaving the handler.  A plain iretq could not do that.
 */
#include <public/elfnote.h>

XEN_ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "pvguest")
XEN_ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0.1")
XEN_ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
XEN_ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
XEN_ELFNOTE(XEN_ELFNOTE_VIRT_BASE, .quad 0)
XEN_ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET, .quad 0)
XEN_ELFNOTE(XEN_ELFNOTE_ENTRY, .quad _start)
XEN_ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)

#define HYPERCALL_IRET (23 * 32)
#define FRAME_GPRS (15 * 8)
#define FPU_AREA 512

	.section .text.entry, "ax"
	.globl _start
_start:
	lea boot_stack_top(%rip), %rsp
	mov %rsi, %rdi
	call kernel_start
1:	ud2
	jmp 1b

/* Exceptions with no CPU error code: make the frame look like one that has. */
.macro TRAP_NOERR name, vec
	.globl \name
\name:
	pop %rcx
	pop %r11
	push $0
	push $\vec
	jmp trap_common
.endm

.macro TRAP_ERR name, vec
	.globl \name
\name:
	pop %rcx
	pop %r11
	push $\vec
	jmp trap_common
.endm

	.text
TRAP_NOERR trap_divide_error, 0
TRAP_NOERR trap_debug, 1
TRAP_NOERR trap_nmi, 2
TRAP_NOERR trap_int3, 3
TRAP_NOERR trap_overflow, 4
TRAP_NOERR trap_bounds, 5
TRAP_NOERR trap_invalid_op, 6
TRAP_NOERR trap_device_na, 7
TRAP_ERR trap_double_fault, 8
TRAP_NOERR trap_coproc_overrun, 9
TRAP_ERR trap_invalid_tss, 10
TRAP_ERR trap_segment_np, 11
TRAP_ERR trap_stack_fault, 12
TRAP_ERR trap_gp, 13
TRAP_ERR trap_page_fault, 14
TRAP_NOERR trap_spurious, 15
TRAP_NOERR trap_fpu_error, 16
TRAP_ERR trap_alignment, 17
TRAP_NOERR trap_machine_check, 18
TRAP_NOERR trap_simd_error, 19
TRAP_NOERR trap_virt_error, 20
TRAP_NOERR event_callback, -1
TRAP_NOERR syscall_callback, -3	/* `syscall` from a user process */

/* A segment reload failed on return to the guest: the frame also carries
 * DS, ES, FS, GS above RCX/R11.  Drop them (flat 64-bit segments) and
 * report it as vector -2. */
	.globl failsafe_callback
failsafe_callback:
	pop %rcx
	pop %r11
	add $32, %rsp
	push $0
	push $-2
	jmp trap_common

trap_common:
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, %rdi
	sub $FPU_AREA, %rsp
	fxsave (%rsp)
	ldmxcsr mxcsr_default(%rip)	/* not a user's unmasked SSE exceptions */
	call trap_dispatch
	fxrstor (%rsp)
	add $FPU_AREA, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
	add $16, %rsp		/* vector and error code */
	push $0			/* iret flags: not in a syscall */
	jmp hypercall_page + HYPERCALL_IRET

	.section .rodata
	.balign 4
mxcsr_default:
	.long 0x1f80

	.section .hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xc3	/* ret: poison until the builder writes the stubs */

	.bss
	.balign 16
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
