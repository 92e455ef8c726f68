/*
 * Entry and Xen ELF notes of the Hospes test guest (tests/guest/lib/).
 *
 * The builder enters _start in guest kernel mode with rsi = start_info and
 * rsp at the top of the boot stack (Xen's PV boot protocol); events are
 * masked.  The image is linked at VA 0x2000 with VIRT_BASE 0, so VA = PFN
 * * 4 KiB as in Mini-OS, and page 0 stays unmapped-by-convention padding.
 */
#include <public/elfnote.h>
#include <public/features.h>

XEN_ELFNOTE(XEN_ELFNOTE_GUEST_OS, .asciz "HospesTest")
XEN_ELFNOTE(XEN_ELFNOTE_GUEST_VERSION, .asciz "0")
XEN_ELFNOTE(XEN_ELFNOTE_LOADER, .asciz "generic")
XEN_ELFNOTE(XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0")
XEN_ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
XEN_ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES, .long (1 << XENFEAT_dom0))

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
