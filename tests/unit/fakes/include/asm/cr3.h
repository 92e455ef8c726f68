/*
 * Host twin of asm/cr3.h for tests/unit/tlb: CR3 is a per-CPU variable of
 * the test (read_cr3, cr3_load), so the real kernel/arch/x86_64/tlb.c can
 * run against simulated CPUs.
 */
#ifndef FAKE_ASM_CR3_H
#define FAKE_ASM_CR3_H

#include <hospes/percpu.h>

unsigned long read_cr3(void);
void cr3_load(unsigned long cr3, enum cr3_why why);

struct domain;
void tlb_load_root(struct domain *d, paddr_t root);

#endif
