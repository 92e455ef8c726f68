/*
 * CPU counts.  nr_cpus_online starts at 1 (the boot CPU, kernel/core/start.c)
 * and is raised by SMP bring-up (engineer B) as application processors
 * come online; the banner prints it.
 */
#ifndef HOSPES_SMP_H
#define HOSPES_SMP_H

/* Most CPUs Hospes runs on; CPU ids are 0 .. NR_CPUS-1 (0 = boot CPU). */
#define NR_CPUS 64

extern unsigned int nr_cpus_online;

/*
 * Where every application processor ends once online (its LAPIC timer and
 * interrupts on): a weak default in kernel/arch/x86_64/smp.c halts until
 * an interrupt, forever; the scheduler provides the real idle loop.
 */
__attribute__((noreturn)) void cpu_idle(void);

#endif
