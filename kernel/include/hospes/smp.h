/*
 * CPU counts.  nr_cpus_online starts at 1 (the boot CPU, kernel/core/start.c)
 * and is raised by SMP bring-up (engineer B) as application processors
 * come online; the banner prints it.
 */
#ifndef HOSPES_SMP_H
#define HOSPES_SMP_H

extern unsigned int nr_cpus_online;

#endif
