/* SMP bring-up and IPIs (kernel/arch/x86_64/smp.c). */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <hospes/types.h>

/* First thing at boot: CPU 0's per-CPU area and GS base. */
void percpu_init_boot(unsigned long stack_top);

/* Start every enabled CPU of the MADT; returns when all are online or given up. */
void smp_init(void);

/* APs given up at bring-up, and how many of those have since halted themselves. */
void smp_bringup_counts(unsigned int *lost, unsigned int *parked);
/* How long CPU cpu took from its INIT to its claim seen by the boot CPU (0: none). */
uint64_t smp_callin_ns(unsigned int cpu);

/* Send vector to CPU cpu (a fixed IPI). */
void send_ipi(unsigned int cpu, uint8_t vector);

/*
 * Run fn(data) on every other online CPU, in interrupt context there, and
 * wait until all have returned.  Call with interrupts enabled.
 */
void smp_call_function(void (*fn)(void *data), void *data);

/* Set while panic/reboot stop the other CPUs; their NMI handler halts. */
extern volatile bool cpus_stopping;
__attribute__((noreturn)) void cpu_stop_here(void);

#endif
