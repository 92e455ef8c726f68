/* this_cpu(): the GS-relative read behind hospes/percpu.h. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__("mov %%gs:0, %0" : "=r"(p));
	return p;
}

#endif
