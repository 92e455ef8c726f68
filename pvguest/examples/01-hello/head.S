/*
 * Stage 1 of the guest-kernel guide (docs/guest-kernel.md): the smallest
 * PV kernel.  The ELF notes tell the builder what we are; _start takes the
 * start_info pointer from rsi and calls hello_main on a stack of our own;
 * hypercall_page is the page the hypervisor fills with call stubs.
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

NOTE(6, 6, .asciz "hello")		/* GUEST_OS */
NOTE(8, 8, .asciz "generic")		/* LOADER */
NOTE(5, 8, .asciz "xen-3.0")		/* XEN_VERSION */
NOTE(2, 8, .quad hypercall_page)	/* HYPERCALL_PAGE */
NOTE(17, 4, .long (1 << 11))		/* SUPPORTED_FEATURES: may run as dom0 */

	.text
	.globl _start
_start:
	lea stack_top(%rip), %rsp
	mov %rsi, %rdi
	call hello_main
1:	ud2
	jmp 1b

	.section .hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xc3

	.bss
	.balign 16
	.skip 8192
stack_top:
