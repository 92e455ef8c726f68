/*
 * Control registers, TLB and halting: the privileged instructions the
 * generic memory code needs, as inlines.
 */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <hospes/types.h>

static inline unsigned long read_cr3(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr3" ::"r"(v) : "memory");
}

static inline unsigned long read_cr2(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void write_cr2(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr2" ::"r"(v) : "memory");
}

static inline unsigned long read_cr0(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr0" ::"r"(v) : "memory");
}

static inline void clts(void)
{
	__asm__ __volatile__("clts" ::: "memory");
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(unsigned long v)
{
	__asm__ __volatile__("mov %0, %%cr4" ::"r"(v) : "memory");
}

static inline void invlpg(const void *va)
{
	__asm__ __volatile__("invlpg (%0)" ::"r"(va) : "memory");
}

/* Flush the whole TLB including global entries (toggle CR4.PGE when set). */
static inline void flush_tlb_all(void)
{
	unsigned long cr4 = read_cr4();
	if (cr4 & (1UL << 7)) {
		write_cr4(cr4 & ~(1UL << 7));
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

/* Enable interrupts and halt in one step (STI's shadow covers HLT), so an
 * interrupt pending since a check made with interrupts off still wakes us;
 * returns with interrupts off again. */
static inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
}

static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ __volatile__("cli; hlt" ::: "memory");
}

static inline unsigned long read_rbp(void)
{
	unsigned long v;
	__asm__ __volatile__("mov %%rbp, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b, uint32_t *c,
			       uint32_t *d)
{
	__asm__ __volatile__("cpuid"
			     : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
			     : "a"(leaf), "c"(sub));
}

#endif
