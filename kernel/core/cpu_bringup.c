/*
 * The AP call-in handshake and the order in which APs are started (the
 * ideas are in hospes/cpu_bringup.h).
 *
 * The call-in word holds one state and the CPU index it is about:
 * OFFERED (the boot CPU sent INIT-SIPI-SIPI for that index), CLAIMED (the
 * AP took it), ABANDONED (the boot CPU gave up).  Only two transitions
 * exist, OFFERED -> CLAIMED by the AP and OFFERED -> ABANDONED by the boot
 * CPU, each one compare-and-swap, so exactly one side wins and both know
 * which.  The tag in the word (index and parameter block) makes a claim
 * for a stale tag fail, also when the index was offered again.
 *
 * Why this exists: the boot CPU used to give a slow AP's index to the
 * next AP after 200 ms; the slow AP came up later all the same, so two
 * CPUs ran as one index (one percpu record, stack, TSS, timer queue and
 * run queue), counted twice in nr_cpus_online.  Under a loaded emulator
 * that crashed a -smp 4 boot now and then (a page fault in timer_set on
 * the shared stack, or a triple fault).
 */
#include <hospes/arch.h>
#include <hospes/cpu_bringup.h>
#include <hospes/printk.h>

#define CALLIN_OFFERED	 (1ULL << 32)
#define CALLIN_CLAIMED	 (2ULL << 32)
#define CALLIN_ABANDONED (3ULL << 32)

void callin_offer(struct ap_callin *c, unsigned int cpu)
{
	__atomic_store_n(&c->word, CALLIN_OFFERED | cpu, __ATOMIC_RELEASE);
}

static bool callin_move(struct ap_callin *c, unsigned int cpu, uint64_t to)
{
	uint64_t want = CALLIN_OFFERED | cpu;
	return __atomic_compare_exchange_n(&c->word, &want, to | cpu, false, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

bool callin_claim(struct ap_callin *c, unsigned int cpu)
{
	return callin_move(c, cpu, CALLIN_CLAIMED);
}

bool callin_give_up(struct ap_callin *c, unsigned int cpu)
{
	return callin_move(c, cpu, CALLIN_ABANDONED);
}

bool callin_offered(const struct ap_callin *c, unsigned int cpu)
{
	return __atomic_load_n(&c->word, __ATOMIC_ACQUIRE) == (CALLIN_OFFERED | cpu);
}

bool callin_claimed(const struct ap_callin *c, unsigned int cpu)
{
	return __atomic_load_n(&c->word, __ATOMIC_ACQUIRE) == (CALLIN_CLAIMED | cpu);
}

enum ap_start_result callin_wait(struct ap_callin *c, unsigned int cpu, uint64_t (*clock)(void),
				 uint64_t deadline)
{
	while (!callin_claimed(c, cpu) && clock() < deadline)
		cpu_relax();
	if (callin_claimed(c, cpu) || !callin_give_up(c, cpu))
		return AP_ONLINE; /* claimed, perhaps just before we gave up */
	return AP_LOST;
}

unsigned int cpu_bringup(const uint32_t *ids, unsigned int n, uint32_t me, uint32_t max_id,
			 unsigned int max_cpus, unsigned int max_blocks,
			 enum ap_start_result (*start)(unsigned int cpu, uint32_t apic_id,
						       unsigned int block))
{
	unsigned int next = 1, block = 0;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t id = ids[i];
		if (id == me)
			continue;
		if (next == max_cpus || id > max_id) {
			printk(LOG_WARN "smp: CPU with APIC id %u not started (limit)\n", id);
			continue;
		}
		if (block == max_blocks) {
			printk(LOG_WARN "smp: CPU with APIC id %u not started (%u CPUs lost, no "
					"fresh parameter block left)\n",
			       id, block);
			continue;
		}
		switch (start(next, id, block)) {
		case AP_ONLINE:
			next++;
			break;
		case AP_NOT_STARTED:
			printk(LOG_WARN "smp: CPU with APIC id %u not started (no memory)\n", id);
			break;
		case AP_LOST:
			printk(LOG_WARN
			       "smp: CPU with APIC id %u did not come online; CPU %u goes to "
			       "the next one (the late CPU halts if it runs)\n",
			       id, next);
			block++; /* the lost CPU may still read its block */
			break;
		}
	}
	return next;
}
