/*
 * SMEP and SMAP for the hypervisor (kernel/arch/x86_64/cpu_protect.c).
 *
 * Every guest page is a user page in the shadow tables (guests run in
 * ring 3), so SMEP stops the hypervisor from ever executing guest code and
 * SMAP from touching guest memory except inside a STAC..CLAC window.
 */
#ifndef HOSPES_CPU_PROTECT_H
#define HOSPES_CPU_PROTECT_H

#include <hospes/types.h>

/* Boot CPU, on the final page tables and before any AP starts (the APs
 * copy its CR4): choose from CPUID and smep=/smap=, set CR4, log. */
void cpu_protect_init(void);

/* Each CPU once it has its CR4: count whether it has the chosen bits. */
void cpu_protect_check_cpu(void);

/* After bring-up: log on how many of the online CPUs each one is on. */
void cpu_protect_report(void);

/* Whether SMEP / SMAP is on (on every CPU, once cpu_protect_init ran). */
bool cpu_smep_on(void);
bool cpu_smap_on(void);

/* How many fixed-up guest accesses ran without STAC (each a missing
 * STAC: a hypervisor bug the slow path covered; 0 on a correct build). */
unsigned long smap_missing_stac_count(void);

#endif
