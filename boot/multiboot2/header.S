/*
 * The two loader headers at the very start of the image.
 *
 * GRUB (the ISO) reads the multiboot2 header and loads the ELF file by its
 * program headers.  QEMU's -kernel understands only multiboot1 and refuses
 * ELF64, so the flat build/hospes.bin carries a multiboot1 header with the
 * "a.out kludge" address fields: load the file at IMAGE_PHYS_START, clear up
 * to the end of .bss, enter at start32.  Both loaders enter start32 in
 * 32-bit protected mode with paging off; head.S tells them apart by EAX.
 *
 * Placement rules (from the two specifications): the multiboot1 header must
 * lie 4-byte aligned in the first 8 KiB of the file, the multiboot2 header
 * 8-byte aligned in the first 32 KiB.
 */
#include <asm/layout.h>

#define MB1_MAGIC	  0x1BADB002
#define MB1_PAGE_ALIGN	  (1 << 0) /* modules on page boundaries */
#define MB1_MEMORY_INFO	  (1 << 1) /* we want mem_* and the memory map */
#define MB1_AOUT_KLUDGE	  (1 << 16) /* the address fields below are valid */
#define MB1_FLAGS	  (MB1_PAGE_ALIGN | MB1_MEMORY_INFO | MB1_AOUT_KLUDGE)

#define MB2_MAGIC	  0xE85250D6
#define MB2_ARCH_I386	  0
#define MB2_TAG_END	  0
#define MB2_TAG_MOD_ALIGN 6

	.section .boot.header, "a"
	.balign 8
mb1_header:
	.long MB1_MAGIC
	.long MB1_FLAGS
	.long 0x100000000 - (MB1_MAGIC + MB1_FLAGS)
	.long mb1_header	/* header_addr */
	.long IMAGE_PHYS_START	/* load_addr */
	.long __load_end_phys	/* load_end_addr */
	.long __bss_end_phys	/* bss_end_addr */
	.long start32		/* entry_addr */

	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* Modules page-aligned, so each can be handed over as whole frames. */
	.short MB2_TAG_MOD_ALIGN, 0
	.long 8
	.short MB2_TAG_END, 0
	.long 8
mb2_header_end:
