/*
 * The Xen CPUID leaves (Xen's public arch-x86/cpuid.h): a PV guest reads
 * them through the forced-emulation prefix, `ud2; .ascii "xen"; cpuid`
 * (XEN_EMULATE_PREFIX in Xen's arch-x86/xen.h), which the hypervisor
 * emulates from its #UD handler with the guest's filtered CPUID view.
 */
#ifndef PUBLIC_CPUID_H
#define PUBLIC_CPUID_H

/* The bytes of the prefix (ud2, "xen") and of the one instruction it may precede. */
#define XEN_EMULATE_PREFIX_BYTES 0x0f, 0x0b, 0x78, 0x65, 0x6e
#define XEN_CPUID_INSN_BYTES	 0x0f, 0xa2

#define XEN_CPUID_FIRST_LEAF 0x40000000U
#define XEN_CPUID_LEAF(i)    (XEN_CPUID_FIRST_LEAF + (i))

/* Leaf 0: EAX = the last Xen leaf; EBX, ECX, EDX = "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558U /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4dU /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eU /* "nVMM" */

/* Leaf 1: EAX = major << 16 | minor.
 * Leaf 2: EAX = hypercall pages (1), EBX = the base of the Xen MSRs (a
 *   write of gfn << 12 to base + 0 fills frame gfn with the hypercall
 *   page), ECX = features: */
#define XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD (1U << 0)
/* Leaf 3: TSC, by subleaf: 0 = mode, guest kHz, incarnation; 1 = offset
 *   (EAX low, EBX high) and the TSC-to-ns scale (ECX mul, EDX shift);
 *   2 = host TSC kHz.  Leaf 4 is HVM-only. */
#define XEN_CPUID_MAX_NUM_LEAVES		  4

#endif
