/*
 * Starting the other CPUs without ever letting two of them share a CPU
 * index (kernel/core/cpu_bringup.c; the INIT-SIPI-SIPI glue is
 * kernel/arch/x86_64/smp.c).
 *
 * An AP that does not answer within the boot CPU's wait has not
 * necessarily failed: under an emulator on a loaded host it may only be
 * slow, and run the start-up code much later.  The boot CPU therefore
 * never hands that AP's index, stack or parameter block to anyone else,
 * and the AP may take its index only by claiming it in one compare-and-
 * swap that races the boot CPU's giving up:
 *   boot CPU: callin_offer(cpu), INIT-SIPI-SIPI, wait for the claim; on
 *             timeout callin_give_up(cpu), which fails if the AP claimed
 *             meanwhile (then it is coming: wait for it);
 *   AP:       callin_claim(cpu) before it touches anything shared; if the
 *             boot CPU gave up, it halts for good and touches nothing.
 * A lost AP may still read its parameter block (its stack and index)
 * when it runs at last, so that block is never written again: the next
 * AP gets a fresh one (block = the number of APs lost so far) and the
 * lost AP's index, under a different call-in tag (callin_tag: index and
 * block), so a late claim of the old tag fails even though the index is
 * offered again.  Indices stay dense (0 .. nr_cpus_online-1).  Only
 * after max_blocks - 1 losses does cpu_bringup() stop starting APs.
 */
#ifndef HOSPES_CPU_BRINGUP_H
#define HOSPES_CPU_BRINGUP_H

#include <hospes/types.h>

struct ap_callin {
	uint64_t word; /* CALLIN_* state | cpu index */
};

/* What the call-in word names: CPU index cpu, started with parameter block `block`. */
static inline unsigned int callin_tag(unsigned int cpu, unsigned int block)
{
	return block << 16 | cpu;
}

/* Each takes a tag (callin_tag), called cpu below. */
void callin_offer(struct ap_callin *c, unsigned int cpu);
/* The AP: true if it may run as CPU cpu, false if the boot CPU gave up. */
bool callin_claim(struct ap_callin *c, unsigned int cpu);
/* The boot CPU: true if cpu's AP can no longer claim, false if it did. */
bool callin_give_up(struct ap_callin *c, unsigned int cpu);
bool callin_claimed(const struct ap_callin *c, unsigned int cpu);
/* Still offered: neither claimed nor given up, and no newer tag offered
 * (smp_slow_ap's AP waits on it to be late without a clock). */
bool callin_offered(const struct ap_callin *c, unsigned int cpu);

enum ap_start_result {
	AP_ONLINE,	/* it runs as the CPU index it was given */
	AP_NOT_STARTED, /* nothing was sent to it (no memory): the index is unused */
	AP_LOST,	/* it was started and did not claim its index in time */
};

/*
 * The boot CPU, after sending INIT-SIPI-SIPI for cpu: wait until the AP
 * claims it or clock() reaches deadline, then give it up.  AP_ONLINE: it
 * claimed (it runs our code and will mark itself online); AP_LOST: it can
 * never claim.
 */
enum ap_start_result callin_wait(struct ap_callin *c, unsigned int cpu, uint64_t (*clock)(void),
				 uint64_t deadline);

/*
 * Start every AP of ids[0..n) but the boot CPU's (me) as CPUs 1, 2, ...
 * with start(cpu, apic_id, block), block being the parameter block to
 * fill (0 .. max_blocks-1; a new one after each AP lost); ids above
 * max_id and those past max_cpus are skipped.  Returns the number of
 * CPUs online, the boot CPU included.
 */
unsigned int cpu_bringup(const uint32_t *ids, unsigned int n, uint32_t me, uint32_t max_id,
			 unsigned int max_cpus, unsigned int max_blocks,
			 enum ap_start_result (*start)(unsigned int cpu, uint32_t apic_id,
						       unsigned int block));

#endif
