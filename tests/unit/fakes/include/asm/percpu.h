/* Host twin of asm/percpu.h: the CPU a thread plays (fake_cpu_id, CPU 0
 * unless a test says otherwise) has its own percpu record. */
#ifndef FAKE_ASM_PERCPU_H
#define FAKE_ASM_PERCPU_H

extern _Thread_local unsigned int fake_cpu_id;

static inline struct percpu *this_cpu(void)
{
	return &percpu[fake_cpu_id];
}

#endif
