/*
 * The machine layer as start_hospes sees it (kernel/arch/x86_64/): CPU
 * tables, ACPI, interrupt controllers, time, SMP; and its self-test.
 */
#ifndef HOSPES_PLATFORM_H
#define HOSPES_PLATFORM_H

#include <hospes/types.h>

/* First thing at boot: this CPU's per-CPU area (smp_processor_id works). */
void platform_early_init(void);

/* Read the ACPI tables (before paging_init: the early tables map them). */
void platform_firmware_init(void);

/* Everything else (after paging_init), ending with all CPUs online, interrupts on. */
void platform_init(void);

/*
 * selftest=platform: IPI round trips to every CPU, a timer on every CPU,
 * TSC calibration cross-checked, exception fixup; one line per check,
 * panics if any failed.
 */
void platform_selftest(void);

/* selftest=smp: AP bring-up consistent (CPU count, identities, given-up APs halted). */
void platform_selftest_smp(void);

/* selftest=fault: an unfixable hypervisor page fault (must panic). */
void platform_selftest_fault(void);

/* selftest_protect.c: CR4's SMEP/SMAP on every CPU (protect); a call into
 * a user page that must panic (smep). */
void platform_selftest_protect(void);

/* selftest.c: a load with a fix-up and no STAC; false if it faulted. */
bool selftest_probe_read(unsigned long va, uint64_t *val);
void platform_selftest_smep(void);
void platform_selftest_smap(void); /* a read of a user page that must panic */

#endif
