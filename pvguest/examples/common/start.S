/*
 * The entry of stages 2 and later: the ELF notes, _start (a stack of our
 * own, start_info to example_main) and the hypercall page.  Each stage's
 * head.S includes this file and adds its own entry points.
 */
#define NOTE(type, size, desc...)                                                         \
	.pushsection .note.Xen, "a", @note;                                                \
	.balign 4;                                                                         \
	.long 4, size, type;                                                               \
	.asciz "Xen";                                                                      \
	.balign 4;                                                                         \
	desc;                                                                              \
	.balign 4;                                                                         \
	.popsection

NOTE(6, 8, .asciz "example")		/* GUEST_OS */
NOTE(8, 8, .asciz "generic")		/* LOADER */
NOTE(5, 8, .asciz "xen-3.0")		/* XEN_VERSION */
NOTE(2, 8, .quad hypercall_page)	/* HYPERCALL_PAGE */
NOTE(17, 4, .long (1 << 11))		/* SUPPORTED_FEATURES: may run as dom0 */

#define HYPERCALL_IRET (23 * 32)

	.text
	.globl _start
_start:
	lea stack_top(%rip), %rsp
	mov %rsi, %rdi
	call example_main
1:	ud2
	jmp 1b

	.section .hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xc3

	.bss
	.balign 16
	.skip 16384
stack_top:
	.text
