/*
 * Entry and Xen ELF notes of the Hospes test guest (tests/guest/lib/).
 *
 * The builder enters _start in guest kernel mode with rsi = start_info and
 * rsp at the top of the boot stack (Xen's PV boot protocol); events are
 * masked.  The image is linked at VA 0x2000 with VIRT_BASE 0, so VA = PFN
 * * 4 KiB as in Mini-OS, and page 0 stays unmapped-by-convention padding.
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

NOTE(6, 11, .asciz "HospesTest")	/* GUEST_OS */
NOTE(7, 2, .asciz "0")			/* GUEST_VERSION */
NOTE(8, 8, .asciz "generic")		/* LOADER */
NOTE(5, 8, .asciz "xen-3.0")		/* XEN_VERSION */
NOTE(2, 8, .quad hypercall_page)	/* HYPERCALL_PAGE */
NOTE(17, 4, .long (1 << 11))		/* SUPPORTED_FEATURES: dom0 */

	.section .text.entry, "ax"
	.globl _start
_start:
	mov %rsi, %rdi
	call tg_start
1:	ud2
	jmp 1b

	.section .hypercall_page, "ax"
	.balign 4096
	.globl hypercall_page
hypercall_page:
	.fill 4096, 1, 0xc3	/* ret: poison until the builder writes the stubs */
