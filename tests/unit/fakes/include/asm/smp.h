/* Host twin of asm/smp.h for tests/unit/tlb: the test delivers IPIs. */
#ifndef FAKE_ASM_SMP_H
#define FAKE_ASM_SMP_H

#include <stdint.h>

void send_ipi(unsigned int cpu, uint8_t vector);

#endif
