/*
 * Guest time on a multi-vCPU guest whose hypervisor recalibrates its
 * clock (tests/scenarios/cpu.sh boots it with a short time_epoch_ms):
 * each vCPU reads its own vcpu_time_info (shared_info's vcpu_info[id],
 * the version protocol, the TSC read inside it) in every round of its
 * work, across yields, switches, migrations and recalibrations, and
 * counts a reading below its previous one; vCPU 0 then sets one-shot
 * timers at guest times and checks, after each wake-up, that its own
 * clock has reached the deadline (the hypervisor fires by its clock, so
 * a record that lagged or ran ahead of it after a recalibration would
 * show).  Records without XEN_PVCLOCK_TSC_STABLE_BIT say the clock is
 * recalibrated; then vCPU 0's record must have been rewritten several
 * times while the test ran.
 */
#include "smp.h"
#include <public/sched.h>

#define PTE_FLAGS 0x63UL /* P, RW, A, D */
#define DEADLINES 8
#define WAIT_NS	  25000000ULL /* 25 ms per timer */

static uint8_t si_page[4096] __attribute__((aligned(4096)));
static volatile struct shared_info *sh;
static volatile uint64_t last_ns[NR_VCPUS], backwards[NR_VCPUS], last_stamp[NR_VCPUS];
static volatile unsigned int stamps[NR_VCPUS];
static volatile uint32_t flags_seen;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* vCPU id's system time by its own record; *stamp = the record's TSC stamp. */
static uint64_t guest_time(unsigned int id, uint64_t *stamp)
{
	volatile struct vcpu_time_info *t = &sh->vcpu_info[id].time;
	uint64_t ts, st, tsc;
	uint32_t v, mul, fl;
	int8_t shift;

	do {
		v = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		ts = t->tsc_timestamp;
		st = t->system_time;
		mul = t->tsc_to_system_mul;
		shift = t->tsc_shift;
		fl = t->flags;
		tsc = rdtsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != t->version);
	flags_seen |= fl;
	*stamp = ts;
	uint64_t d = tsc > ts ? tsc - ts : 0;
	d = shift < 0 ? d >> -shift : d << shift;
	return st + (uint64_t)(((unsigned __int128)d * mul) >> 32);
}

uint64_t smp_now(void)
{
	uint64_t stamp;
	return sh ? guest_time(0, &stamp) : 0;
}

bool smp_time_map(void)
{
	long rc = hypercall(__HYPERVISOR_update_va_mapping, (unsigned long)si_page,
			    (tg_start_info->shared_info & ~0xfffUL) | PTE_FLAGS, UVMF_INVLPG, 0, 0);
	sh = rc ? NULL : (volatile struct shared_info *)si_page;
	return !rc;
}

void smp_time_sample(unsigned int id)
{
	uint64_t stamp, ns;

	if (!sh)
		return;
	ns = guest_time(id, &stamp);
	if (ns < last_ns[id])
		backwards[id]++;
	last_ns[id] = ns;
	if (stamp != last_stamp[id]) {
		stamps[id]++;
		last_stamp[id] = stamp;
	}
}

void smp_time_check(void)
{
	uint64_t stamp, late_max = 0, back = 0;
	unsigned int early = 0;

	for (unsigned int i = 0; i < DEADLINES; i++) {
		uint64_t deadline = guest_time(0, &stamp) + WAIT_NS;
		hypercall(__HYPERVISOR_set_timer_op, deadline, 0, 0, 0, 0);
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
		uint64_t now = guest_time(0, &stamp);
		if (now < deadline)
			early++;
		else if (now - deadline > late_max)
			late_max = now - deadline;
		smp_time_sample(0);
	}
	for (unsigned int i = 0; i < NR_VCPUS; i++)
		back += backwards[i];
	bool stable = flags_seen & XEN_PVCLOCK_TSC_STABLE_BIT;
	tg_printf("# time: vCPU 0's record rewritten %u times, %s; timers up to %lu us late\n",
		  stamps[0], stable ? "TSC_STABLE" : "recalibrated",
		  (unsigned long)(late_max / 1000));
	tg_expect((long)back, 0, "guest time never went back on any vCPU");
	tg_expect(early, 0,
		  "a timer set at guest time T wakes the vCPU at T or later by its clock");
	if (stable)
		tg_skip("vCPU 0's time record was rewritten by recalibrations",
			"the records say TSC_STABLE: no recalibration");
	else
		tg_check(stamps[0] >= 6, "vCPU 0's time record was rewritten by recalibrations");
}
