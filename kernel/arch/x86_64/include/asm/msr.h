/* Model-specific registers Hospes touches, and wrmsr (rdmsr is in asm/cpu.h). */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <asm/cpu.h>

#define MSR_APIC_BASE	   0x0000001b
#define MSR_PLATFORM_INFO  0x000000ce /* Intel: bit 31 = CPUID faulting exists */
#define MSR_MISC_FEATURES  0x00000140 /* Intel: bit 0 = CPUID faults at CPL > 0 */
#define MSR_TSC_DEADLINE   0x000006e0
#define MSR_X2APIC_BASE	   0x00000800 /* x2APIC register r at 0x800 + r / 16 */
#define MSR_EFER	   0xc0000080
#define MSR_STAR	   0xc0000081
#define MSR_LSTAR	   0xc0000082
#define MSR_FMASK	   0xc0000084
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define PLATFORM_INFO_CPUID_FAULTING (1ULL << 31)
#define MISC_FEATURES_CPUID_FAULTING (1ULL << 0)

#define APIC_BASE_BSP	 (1UL << 8) /* read-only: this is the boot CPU */
#define APIC_BASE_X2APIC (1UL << 10)
#define APIC_BASE_ENABLE (1UL << 11)

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#endif
