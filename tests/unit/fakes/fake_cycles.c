/* The host's time stamp counter: arch_cycles() (fake asm/arch.h) advances
 * it by FAKE_CYCLES_STEP per read, so costs in host tests are exact. */
#include <asm/arch.h>

uint64_t fake_cycles;
