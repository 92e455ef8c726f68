/* The host's time stamp counter: arch_cycles() (fake asm/arch.h) advances
 * it by FAKE_CYCLES_STEP per read, so costs in host tests are exact.  And
 * the CPU each host thread plays, for smp_processor_id(), and what its
 * spin-waits do besides spinning (cpu_relax's hook). */
#include <asm/arch.h>

uint64_t fake_cycles;
_Thread_local unsigned int fake_cpu_id;
void (*fake_relax_hook)(void);
