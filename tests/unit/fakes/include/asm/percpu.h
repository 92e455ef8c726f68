/* Host twin of asm/percpu.h: the tests run on "CPU 0". */
#ifndef FAKE_ASM_PERCPU_H
#define FAKE_ASM_PERCPU_H

static inline struct percpu *this_cpu(void)
{
	return &percpu[0];
}

#endif
