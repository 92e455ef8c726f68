/* TSC calibration (kernel/arch/x86_64/tsc.c). */
#ifndef ASM_TSC_H
#define ASM_TSC_H

#include <hospes/types.h>

void tsc_init(void);
uint64_t tsc_hz_by_pit(void);
uint64_t tsc_hz_by_hpet(void); /* 0 without an HPET */
/* The HPET's main counter (mapped by the calibration), its period and
 * whether it is 64 bits wide; NULL without an HPET. */
volatile uint64_t *tsc_hpet_counter(uint64_t *period_fs, bool *wide);
/* Recalibration against the platform timer (time_cal.c): start the epoch timer on
 * the boot CPU, once its timers work. */
void time_cal_start(void);

/* The LAPIC timer (apic_timer.c): mode choice on the boot CPU, then per CPU. */
void apic_timer_init_boot(void);
void apic_timer_init_cpu(void);

#endif
