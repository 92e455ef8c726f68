/*
 * The hypervisor's virtual address space (x86-64, 4-level paging).
 *
 * Hospes keeps Xen's layout: everything of the hypervisor lives in PML4
 * slots 256-271 (0xFFFF800000000000-0xFFFF87FFFFFFFFFF), and those slots are
 * copied into every shadow page table, supervisor-only.  Below slot 256 the
 * address space belongs to the guest.
 *
 *   0xFFFF800000000000  slot 256   read-only machine-to-phys table (guests may read)
 *   0xFFFF82C000000000  slot 261   ioremap window (MMIO: LAPIC, IOAPIC, HPET, framebuffer)
 *   0xFFFF82D080000000  slot 261   the hypervisor image: VA = IMAGE_VIRT_OFFSET + physical
 *   0xFFFF830000000000  slots 262+ direct map of all RAM: VA = DIRECTMAP_BASE + physical
 *
 * The image is loaded at physical 2 MiB.  This header is shared by C and
 * assembly, so its constants carry no C suffixes (a hex literal too big for
 * long is unsigned long in C anyway).
 */
#ifndef ASM_LAYOUT_H
#define ASM_LAYOUT_H

#define HYPERVISOR_VIRT_START 0xFFFF800000000000
#define HYPERVISOR_VIRT_END   0xFFFF880000000000

#define RO_MPT_VIRT_START 0xFFFF800000000000 /* read-only m2p, engineer D */
#define RO_MPT_VIRT_END	  0xFFFF808000000000

#define IOREMAP_VIRT_START 0xFFFF82C000000000 /* 1 GiB of MMIO mappings */
#define IOREMAP_VIRT_END   0xFFFF82C040000000

#define IMAGE_VIRT_OFFSET 0xFFFF82D080000000 /* image VA - image physical */
#define IMAGE_PHYS_START  0x200000

#define DIRECTMAP_BASE 0xFFFF830000000000
#define DIRECTMAP_END  0xFFFF880000000000 /* 5 TiB of RAM at most */
#define DIRECTMAP_SIZE (DIRECTMAP_END - DIRECTMAP_BASE)

#define BOOT_STACK_SIZE 0x4000

#endif
