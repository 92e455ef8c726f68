/*
 * ELF note types a PV kernel uses to describe itself to the domain builder.
 *
 * The notes live in a PT_NOTE segment (or SHT_NOTE section) with the owner
 * name "Xen".  Numeric notes carry a 4- or 8-byte value, string notes a
 * NUL-terminated string.  The builder (kernel/domain/elf.c) reads them to
 * learn where the image goes, where its entry point and hypercall page
 * are, and which features the kernel needs.  Unknown types are ignored.
 */
#ifndef PUBLIC_ELFNOTE_H
#define PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO	       0  /* string, free form */
#define XEN_ELFNOTE_ENTRY	       1  /* number: virtual entry point */
#define XEN_ELFNOTE_HYPERCALL_PAGE     2  /* number: VA of the page to fill with stubs */
#define XEN_ELFNOTE_VIRT_BASE	       3  /* number: VA of pseudo-physical 0 (default 0) */
#define XEN_ELFNOTE_PADDR_OFFSET       4  /* number: subtracted from p_paddr */
#define XEN_ELFNOTE_XEN_VERSION	       5  /* string: must start "xen-3.0" */
#define XEN_ELFNOTE_GUEST_OS	       6  /* string: "linux", "Mini-OS", ... */
#define XEN_ELFNOTE_GUEST_VERSION      7  /* string */
#define XEN_ELFNOTE_LOADER	       8  /* string: "generic" */
#define XEN_ELFNOTE_PAE_MODE	       9  /* string, 32-bit only */
#define XEN_ELFNOTE_FEATURES	       10 /* string: "feat|!required_feat|..." */
#define XEN_ELFNOTE_BSD_SYMTAB	       11 /* string: "yes" to load the symbol table */
#define XEN_ELFNOTE_HV_START_LOW       12 /* number, 32-bit only */
#define XEN_ELFNOTE_L1_MFN_VALID       13 /* numbers: mask/value pairs */
#define XEN_ELFNOTE_SUSPEND_CANCEL     14 /* number */
#define XEN_ELFNOTE_INIT_P2M	       15 /* number: VA for the p2m outside the boot mapping */
#define XEN_ELFNOTE_MOD_START_PFN      16 /* number: initrd may be left unmapped */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* number: extra XENFEAT bits */
#define XEN_ELFNOTE_PHYS32_ENTRY       18 /* PVH only, ignored */
#define XEN_ELFNOTE_PHYS32_RELOC       19 /* PVH only, ignored */
#define XEN_ELFNOTE_MAX		       XEN_ELFNOTE_PHYS32_RELOC

#ifdef __ASSEMBLER__
/*
 * One note of a kernel image, from its assembly: XEN_ELFNOTE(type, desc)
 * with desc the directives of its description (.asciz "pvguest",
 * .quad hypercall_page).  The note goes into .note.Xen (the linker
 * scripts make it a PT_NOTE segment) with its size counted by the
 * assembler.  Shared by pvguest (arch/x86_64/head.S, dom0_note.S) and
 * the test guests (tests/guest/lib/head.S); the guide's examples spell
 * theirs out, each stage standing alone.
 */
/* clang-format off */
#define XEN_ELFNOTE(type, desc...)                                                         \
	.pushsection .note.Xen, "a", @note;                                                \
	.balign 4;                                                                         \
	.long 4, 9992f - 9991f, type;                                                      \
	.asciz "Xen";                                                                      \
	.balign 4;                                                                         \
	9991: desc;                                                                        \
	9992: .balign 4;                                                                   \
	.popsection
/* clang-format on */
#endif

#endif /* PUBLIC_ELFNOTE_H */
