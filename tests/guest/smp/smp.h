/* The SMP test guest's parts (main.c: vCPUs and their work; time.c: guest time). */
#ifndef TG_SMP_H
#define TG_SMP_H

#include "../lib/tg.h"

#define NR_VCPUS 6

/* Map shared_info for the time records; false if update_va_mapping failed. */
bool smp_time_map(void);
/* vCPU 0's system time in ns by its own record (0 if not mapped). */
uint64_t smp_now(void);
/* One reading of vCPU id's clock (by id itself): counts a step back and a new record. */
void smp_time_sample(unsigned int id);
/* vCPU 0, after the work: timers against its clock, then the verdicts. */
void smp_time_check(void);

#endif
