/*
 * Segment selectors and the per-CPU GDT/TSS (kernel/arch/x86_64/gdt.c).
 *
 * Xen's layout, because PV guests hard-code these selectors: the GDT is
 * 16 pages (limit 0xFFFF); entries 0 to 0x1BFF (pages 0-13) belong to the
 * guest's own descriptors (set_gdt), and the hypervisor's start at entry
 * 0x1C00 (byte 0xE000).  SYSCALL/SYSRET depend on the order:
 * STAR[47:32] = 0xe008 gives CS 0xe008 / SS 0xe010 on syscall, and
 * STAR[63:48] = 0xe023 gives CS 0xe033 / SS 0xe02b on a 64-bit sysret.
 */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define HYPERVISOR_CS	   0xe008 /* 64-bit code, DPL 0 */
#define HYPERVISOR_DS	   0xe010 /* data, DPL 0 */
#define HYPERVISOR_CS32	   0xe018 /* 32-bit code, DPL 0 */
#define FLAT_RING3_CS32	   0xe023 /* 32-bit code, DPL 3 */
#define FLAT_RING3_DS32	   0xe02b /* data, DPL 3 (also SS for 64-bit guests) */
#define FLAT_RING3_SS64	   0xe02b
#define FLAT_RING3_CS64	   0xe033 /* 64-bit code, DPL 3 */
#define TSS_SELECTOR	   0xe040 /* 16-byte system descriptor */
#define LDT_SELECTOR	   0xe050 /* 16-byte system descriptor, filled by set_ldt (F) */
#define FIRST_HV_GDT_ENTRY 0x1c00
#define GDT_SIZE	   0x10000 /* 16 pages */

#define IST_NMI	       1
#define IST_DF	       2
#define IST_MC	       3
#define IST_STACK_SIZE 4096

#ifndef __ASSEMBLY__
#include <hospes/types.h>

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7]; /* ist[0] is IST1 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

/* Memory for an AP's GDT and IST stacks (frames); 0 or -1. */
int gdt_alloc_cpu(unsigned int cpu);

/* Build and load this CPU's GDT and TSS (segments reloaded, TR loaded). */
void gdt_init_cpu(unsigned int cpu);

/* Engineer F: the ring-0 stack the CPU switches to on entry from a guest. */
static inline void tss_set_rsp0(struct tss64 *tss, unsigned long rsp0)
{
	tss->rsp0 = rsp0;
}
#endif

#endif
