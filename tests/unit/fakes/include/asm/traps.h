/* Host twin of asm/traps.h for tests/unit/tlb: handlers kept by the test. */
#ifndef FAKE_ASM_TRAPS_H
#define FAKE_ASM_TRAPS_H

#define VEC_TLB_FLUSH 0xf4

struct cpu_regs;
typedef void (*irq_handler_t)(struct cpu_regs *regs);
void irq_set_handler(unsigned int vector, irq_handler_t fn);

#endif
