/*
 * The per-CPU areas (hospes/percpu.h): one struct percpu per possible CPU.
 * CPU 0 is the boot CPU; SMP bring-up numbers the others in MADT order.
 */
#include <hospes/percpu.h>

struct percpu percpu[NR_CPUS];
