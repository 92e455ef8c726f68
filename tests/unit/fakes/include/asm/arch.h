/*
 * Host implementation of <asm/arch.h> for the unit tests: one "CPU" per
 * thread (CPU 0 unless the thread says otherwise), no interrupts, machine memory simulated by tests/unit/fakes/fake_mem.c.
 */
#ifndef FAKE_ASM_ARCH_H
#define FAKE_ASM_ARCH_H

#include <hospes/types.h>

/* A spin-wait's pause.  A test may hook it: unit/tlb answers flush
 * requests there, as the real cpu_relax() does, and hands the machine to
 * another simulated CPU (fake_relax_hook, fake_cycles.c; NULL: none). */
extern void (*fake_relax_hook)(void);
static inline void cpu_relax(void)
{
	if (fake_relax_hook)
		fake_relax_hook();
}

static inline unsigned long local_irq_save(void)
{
	return 0;
}

static inline void local_irq_restore(unsigned long flags)
{
	(void)flags;
}

/* The CPU a thread plays: 0 unless a test thread sets another (fake_cycles.c). */
extern _Thread_local unsigned int fake_cpu_id;
static inline unsigned int smp_processor_id(void)
{
	return fake_cpu_id;
}

/* The tests' own current_vcpu() (hospes/guest_access.h). */
struct vcpu;
struct vcpu *current_vcpu(void);
static inline struct vcpu *arch_current_vcpu(void)
{
	return current_vcpu();
}

/* A clock that ticks FAKE_CYCLES_STEP per read (fake_cycles.c). */
#define FAKE_CYCLES_STEP 10
extern uint64_t fake_cycles;
static inline uint64_t arch_cycles(void)
{
	return fake_cycles += FAKE_CYCLES_STEP;
}

/* Simulated machine memory (fake_mem.c): frames [0, fake_mem_frames). */
extern unsigned char *fake_mem_base;
extern unsigned long fake_mem_frames;
void fake_mem_init(unsigned long frames);
void fake_mem_fini(void);
void *mfn_to_virt(mfn_t mfn);
mfn_t virt_to_mfn(const void *va);

#endif
