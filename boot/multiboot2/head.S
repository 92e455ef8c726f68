/*
 * From the loader to C: the 32-bit entry and the trampoline to long mode.
 *
 * Both loaders (GRUB with multiboot2, QEMU -kernel with multiboot1) jump to
 * start32 in 32-bit protected mode, paging off, interrupts off, EAX = the
 * loader's magic and EBX = the physical address of its information block.
 * This code runs where it was loaded (section .boot, VMA == LMA) and:
 *
 *   1. saves magic and information pointer, checks the CPU has long mode
 *      (if not: one line on COM1 and halt, never a silent triple fault);
 *   2. clears .bss (the early page tables and the boot stack live there);
 *   3. builds early page tables from 2 MiB pages (no 1 GiB pages: QEMU's
 *      default CPUs lack them), all sharing one set of four page
 *      directories that map physical 0-4 GiB:
 *        identity       0-1 GiB  (only until paging.c installs the final tables)
 *        image slot     IMAGE_VIRT_OFFSET + 0-1 GiB
 *        direct map     DIRECTMAP_BASE + 0-4 GiB
 *   4. enables PAE, long mode, NX (when present), paging and write-protect;
 *      loads a 64-bit GDT and far-jumps into 64-bit code;
 *   5. jumps to the image's high address, moves the GDT base there too,
 *      and calls start_hospes(magic, info_phys) on the boot stack.
 *
 * No 64-bit division and no libgcc here: -m32 code has none on this
 * toolchain, and this code needs none.
 */
#include <asm/layout.h>

#define PHYS(sym)     ((sym) - IMAGE_VIRT_OFFSET)
#define PTE_P	      0x001
#define PTE_RW	      0x002
#define PTE_PS	      0x080
#define CR0_PE	      (1 << 0)
#define CR0_WP	      (1 << 16)
#define CR0_PG	      (1 << 31)
#define CR4_PAE	      (1 << 5)
#define CR4_OSFXSR    (1 << 9)  /* FXSAVE/SSE usable: PV guests run newlib's SSE code */
#define CR4_OSXMMEXCPT (1 << 10) /* SIMD exceptions as #XM, not #UD */
#define MSR_EFER      0xC0000080
#define EFER_LME      (1 << 8)
#define EFER_NXE      (1 << 11)
#define CPUID_LM_BIT  29
#define CPUID_NX_BIT  20
#define COM1_PORT     0x3f8
#define GDT_CODE64    0x08
#define GDT_DATA      0x10

	.section .boot.text, "ax"
	.code32
	.globl start32
start32:
	cli
	cld
	mov	%eax, boot_mb_magic
	mov	%ebx, boot_mb_info
	mov	$boot32_stack_top, %esp

	/* 1. Long mode?  Remember NX for step 4. */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$CPUID_LM_BIT, %edx
	jnc	no_long_mode
	mov	%edx, boot_ext_features

	/* 2. Clear .bss. */
	mov	$__bss_start_phys, %edi
	mov	$__bss_end_phys, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	/* 3. Four page directories: entry i maps i * 2 MiB, i < 2048. */
	mov	$PHYS(boot_pd), %edi
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$(PTE_P | PTE_RW | PTE_PS), %eax
	mov	%eax, (%edi, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b

	mov	$PHYS(boot_pdpt_dmap), %edi
	mov	$(PHYS(boot_pd) + (PTE_P | PTE_RW)), %eax
	xor	%ecx, %ecx
2:	mov	%eax, (%edi, %ecx, 8)
	add	$0x1000, %eax
	inc	%ecx
	cmp	$4, %ecx
	jb	2b

	mov	$(PHYS(boot_pd) + (PTE_P | PTE_RW)), %eax
	mov	%eax, PHYS(boot_pdpt_low)
	mov	%eax, PHYS(boot_pdpt_image) + 8 * ((IMAGE_VIRT_OFFSET >> 30) & 511)

	mov	$PHYS(boot_pml4), %edi
	movl	$(PHYS(boot_pdpt_low) + (PTE_P | PTE_RW)), (%edi)
	movl	$(PHYS(boot_pdpt_image) + (PTE_P | PTE_RW)), 8 * ((IMAGE_VIRT_OFFSET >> 39) & 511)(%edi)
	movl	$(PHYS(boot_pdpt_dmap) + (PTE_P | PTE_RW)), 8 * ((DIRECTMAP_BASE >> 39) & 511)(%edi)

	/* 4. PAE, then CR3, then EFER.LME (+NXE), then paging. */
	mov	%cr4, %eax
	or	$(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	mov	%eax, %cr4
	mov	$PHYS(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	btl	$CPUID_NX_BIT, boot_ext_features
	jnc	3f
	or	$EFER_NXE, %eax
3:	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_WP | CR0_PE), %eax
	mov	%eax, %cr0

	lgdt	boot_gdt_desc
	ljmp	$GDT_CODE64, $start64_low

/* Without long mode there is nothing to run: say so on COM1 and stop. */
no_long_mode:
	mov	$msg_no_long_mode, %esi
	mov	$COM1_PORT, %dx
4:	lodsb
	test	%al, %al
	jz	5f
	outb	%al, %dx
	jmp	4b
5:	hlt
	jmp	5b

	.code64
start64_low:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movabs	$start64, %rax
	jmp	*%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00AF9A000000FFFF	/* 0x08: 64-bit code, ring 0 */
	.quad 0x00CF92000000FFFF	/* 0x10: data, ring 0 */
boot_gdt_end:
	.balign 8
	.short 0, 0, 0
boot_gdt_desc:
	.short boot_gdt_end - boot_gdt - 1
	.quad boot_gdt		/* the 32-bit lgdt reads only the low half */
boot_mb_magic:
	.long 0
boot_mb_info:
	.long 0
boot_ext_features:
	.long 0
msg_no_long_mode:
	.asciz "Hospes: this CPU has no 64-bit long mode; halting.\r\n"
	.balign 16
boot32_stack:
	.fill 64, 1, 0
boot32_stack_top:

/* Everything below runs at the image's high address. */
	.text
start64:
	movabs	$(boot_gdt + IMAGE_VIRT_OFFSET), %rax
	mov	%rax, boot_gdt_desc_high + 2(%rip)
	lgdt	boot_gdt_desc_high(%rip)
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp		/* the backtrace stops here */
	movabs	$(boot_mb_magic + IMAGE_VIRT_OFFSET), %rax
	mov	(%rax), %edi
	mov	4(%rax), %esi
	call	start_hospes
6:	hlt
	jmp	6b

	.data
	.balign 8
boot_gdt_desc_high:
	.short boot_gdt_end - boot_gdt - 1
	.quad 0

	.bss
	.balign 4096
	.globl boot_pml4, boot_stack, boot_stack_top
boot_pml4:
	.fill 4096, 1, 0
boot_pdpt_low:
	.fill 4096, 1, 0
boot_pdpt_image:
	.fill 4096, 1, 0
boot_pdpt_dmap:
	.fill 4096, 1, 0
boot_pd:
	.fill 4 * 4096, 1, 0
boot_stack:
	.fill BOOT_STACK_SIZE, 1, 0
boot_stack_top:
