/*
 * Per-CPU GDT and TSS in Xen's layout (see asm/desc.h for the selectors).
 *
 * Each CPU gets a 64 KiB GDT (the boot CPU's in the image, the others'
 * from the frame allocator, with their IST stacks) whose first 14 pages are zero (not-present
 * descriptors) until a guest's set_gdt frames are installed there by
 * engineer F, and whose page 14 begins with the hypervisor's descriptors.
 * The TSS gives RSP0 (the stack for entries from ring 3) and three IST
 * stacks, so an NMI, a double fault or a machine check always runs on a
 * known-good stack even when the interrupted one is broken.  The I/O
 * permission bitmap offset points past the TSS limit: ring 3 gets no
 * ports (dom0's I/O access is granted by IOPL/bitmap later, engineer F).
 *
 * MSR_STAR gets the selector bases SYSCALL/SYSRET derive their segments
 * from; the syscall entry itself (LSTAR, FMASK, EFER.SCE) is engineer F's.
 *
 * Written only by the owning CPU during its bring-up.
 */
#include <asm/desc.h>
#include <asm/msr.h>
#include <hospes/arch.h>
#include <hospes/frame.h>
#include <hospes/lib.h>
#include <hospes/percpu.h>

#define CODE64_DPL0 0x00af9b000000ffffUL
#define DATA_DPL0   0x00cf93000000ffffUL
#define CODE32_DPL0 0x00cf9b000000ffffUL
#define CODE32_DPL3 0x00cffb000000ffffUL
#define DATA_DPL3   0x00cff3000000ffffUL
#define CODE64_DPL3 0x00affb000000ffffUL
#define TSS_AVAIL   0x89UL

#define GDT_ORDER 4 /* 16 pages */
#define IST_ORDER 2 /* 3 stacks of one page, in a 4-page block */

static uint64_t boot_gdt[GDT_SIZE / 8] __aligned(PAGE_SIZE);
static uint8_t boot_ist[3 * IST_STACK_SIZE] __aligned(PAGE_SIZE);
static struct tss64 tsss[NR_CPUS] __aligned(128);
static uint8_t *ist_stacks[NR_CPUS];

static void set_tss_desc(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;
	uint64_t *d = &gdt[TSS_SELECTOR >> 3];
	d[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | TSS_AVAIL << 40 |
	       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	d[1] = base >> 32;
}

static void fill_gdt(uint64_t *gdt)
{
	gdt[HYPERVISOR_CS >> 3] = CODE64_DPL0;
	gdt[HYPERVISOR_DS >> 3] = DATA_DPL0;
	gdt[HYPERVISOR_CS32 >> 3] = CODE32_DPL0;
	gdt[FLAT_RING3_CS32 >> 3] = CODE32_DPL3;
	gdt[FLAT_RING3_DS32 >> 3] = DATA_DPL3;
	gdt[FLAT_RING3_CS64 >> 3] = CODE64_DPL3;
}

static void fill_tss(struct tss64 *tss, unsigned int cpu)
{
	memset(tss, 0, sizeof(*tss));
	tss->rsp0 = percpu[cpu].stack_top;
	for (unsigned int i = 0; i < 3; i++)
		tss->ist[i] = (uint64_t)(ist_stacks[cpu] + (i + 1) * IST_STACK_SIZE);
	tss->iomap_base = sizeof(*tss); /* no bitmap */
}

/* lgdt, reload CS with a far return, the data segments, then TR. */
static void load_gdt(const uint64_t *gdt)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) desc = {GDT_SIZE - 1, (uint64_t)gdt};
	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\tmovl %2, %%eax\n\t"
			     "movl %%eax, %%ss\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%fs\n\t"
			     "movl %%eax, %%gs\n\t"
			     "ltr %w3"
			     :
			     : "m"(desc), "i"(HYPERVISOR_CS), "i"(HYPERVISOR_DS), "r"(TSS_SELECTOR)
			     : "rax", "memory");
}

int gdt_alloc_cpu(unsigned int cpu)
{
	mfn_t g = frame_alloc(GDT_ORDER), i = frame_alloc(IST_ORDER);
	if (mfn_eq(g, INVALID_MFN) || mfn_eq(i, INVALID_MFN)) {
		if (!mfn_eq(g, INVALID_MFN))
			frame_free(g, GDT_ORDER);
		if (!mfn_eq(i, INVALID_MFN))
			frame_free(i, IST_ORDER);
		return -1;
	}
	percpu[cpu].gdt = mfn_to_virt(g);
	ist_stacks[cpu] = mfn_to_virt(i);
	return 0;
}

void gdt_init_cpu(unsigned int cpu)
{
	if (cpu == 0) {
		percpu[0].gdt = boot_gdt;
		ist_stacks[0] = boot_ist;
	}
	uint64_t *gdt = percpu[cpu].gdt;
	fill_gdt(gdt);
	fill_tss(&tsss[cpu], cpu);
	set_tss_desc(gdt, &tsss[cpu]);
	percpu[cpu].tss = &tsss[cpu];
	load_gdt(gdt);
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu[cpu]); /* a null GS load may clear it */
	/* syscall: CS 0xe008, SS 0xe010; 64-bit sysret: CS 0xe033, SS 0xe02b */
	wrmsr(MSR_STAR, (uint64_t)FLAT_RING3_CS32 << 48 | (uint64_t)HYPERVISOR_CS << 32);
}
