/*
 * Multi-vCPU guests on every CPU.  Run as dom0 with dom0_max_vcpus=6 and
 * "expect_cpus=N" (tests/scenarios/cpu.sh: N = 1 and 4): vCPU 0 brings up
 * vCPUs 1-5 with VCPUOP_initialise/up (same page tables, own stacks).
 * Every vCPU then works: it spins in rounds, keeps a pattern of its own in
 * xmm0-15 and checks it after each round (vCPUs of one guest share CPUs
 * and migrate), and records the APIC id CPUID reports (the physical CPU it
 * ran on); every 8th round it yields through tg_probe, so the general
 * registers are checked across yields that switch vCPUs too.  Each then
 * takes itself down (VCPUOP_down).  vCPU 0 checks:
 *   - every vCPU finished, its registers intact throughout;
 *   - the work ran on N distinct CPUs;
 *   - runstate accounting: each secondary's running time is positive, it
 *     is offline at the end, and the sum of their running times over the
 *     elapsed time is > 1.3 with 4 CPUs (they ran in parallel; about 2 is
 *     typical, as the runs end at different times) and <= 1.1 with one
 *     (the accounting does not invent time);
 *   - its own registered runstate area shows "running" with a running
 *     time that grows, and no XEN_RUNSTATE_UPDATE flag left set;
 *   - guest time (time.c): every vCPU's clock never goes back through
 *     the work, timers wake vCPU 0 no earlier than its clock says, and a
 *     recalibrating hypervisor rewrote its time record.
 */
#include "smp.h"
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char test_title[] = "smp";

#define ROUNDS	    120
#define SPIN	    30000
#define STACK_BYTES 16384

void smp_load_xmm(const void *src);
void smp_store_xmm(void *dst);

static uint8_t stacks[NR_VCPUS][STACK_BYTES] __attribute__((aligned(16)));
static struct vcpu_guest_context ctx;
static volatile unsigned int done[NR_VCPUS], bad[NR_VCPUS];
static volatile uint64_t apic_seen[NR_VCPUS];
static struct vcpu_runstate_info area;

static long popcount(uint64_t x)
{
	long n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static unsigned int apic_id(void)
{
	uint32_t a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	return b >> 24;
}

static void work(unsigned int id)
{
	uint64_t want[32] __attribute__((aligned(16))), got[32] __attribute__((aligned(16)));
	for (unsigned int i = 0; i < 32; i++)
		want[i] = (uint64_t)(id + 1) << 56 | (uint64_t)i << 32 | 0x5a5a;
	smp_load_xmm(want);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		for (volatile unsigned int j = 0; j < SPIN; j++)
			;
		apic_seen[id] |= 1ULL << (apic_id() & 63);
		smp_time_sample(id);
		smp_store_xmm(got);
		for (unsigned int i = 0; i < 32; i++)
			if (got[i] != want[i])
				bad[id]++;
		long rc;
		if (r % 8 == 7 && tg_probe(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, &rc))
			bad[id]++; /* a yield that switched vCPUs lost a register */
	}
	done[id] = 1;
}

void secondary(unsigned long id);
void secondary(unsigned long id)
{
	work((unsigned int)id);
	hypercall(__HYPERVISOR_vcpu_op, VCPUOP_down, id, 0, 0, 0);
	for (;;) /* not reached: a down vCPU never runs again */
		bad[id]++;
}

static unsigned long expect_cpus(void)
{
	const char *s = (const char *)tg_start_info->cmd_line, *k = "expect_cpus=";
	for (; *s; s++) {
		unsigned int i = 0;
		while (k[i] && s[i] == k[i])
			i++;
		if (!k[i])
			return (unsigned long)(s[i] - '0');
	}
	return 1;
}

static void runstate(unsigned int id, struct vcpu_runstate_info *r)
{
	hypercall(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, id, (unsigned long)r, 0, 0);
}

static long bring_up(unsigned int id, unsigned long cr3)
{
	return tg_vcpu_up(&ctx, id, secondary, stacks[id], STACK_BYTES, cr3);
}

static void test_runstate_area(void)
{
	tg_expect(hypercall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_runstate_update_flag, 0, 0, 0),
		  0, "vm_assist runstate_update_flag");
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
			    (unsigned long)&(uint64_t){(unsigned long)&area}, 0, 0),
		  0, "register_runstate_memory_area");
	tg_expect(area.state, RUNSTATE_running, "runstate area written at once: running");
	uint64_t first = area.time[RUNSTATE_running];
	for (int i = 0; i < 20; i++)
		hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
	for (volatile unsigned int j = 0; j < 4 * SPIN; j++)
		;
	hypercall(__HYPERVISOR_set_timer_op, ~0UL, 0, 0, 0, 0); /* 100 ms */
	hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0, 0, 0);
	tg_expect(area.state, RUNSTATE_running, "after a block and wake-up it says running");
	tg_check(area.time[RUNSTATE_running] > first, "its running time grew");
	tg_check(area.time[RUNSTATE_blocked] > 0, "the block was counted as blocked time");
	tg_expect((long)(area.state_entry_time >> 63), 0, "no XEN_RUNSTATE_UPDATE flag left set");
}

void test_main(void)
{
	unsigned long n = expect_cpus();
	unsigned long pfn = tg_start_info->pt_base >> 12;
	unsigned long cr3 = ((unsigned long *)tg_start_info->mfn_list)[pfn] << 12;
	struct vcpu_runstate_info start[NR_VCPUS], end[NR_VCPUS];
	tg_printf("# expecting %lu CPUs\n", n);
	tg_check(smp_time_map(), "map shared_info (the time records)");
	test_runstate_area();
	for (unsigned int i = 1; i < NR_VCPUS; i++) {
		tg_expect(bring_up(i, cr3), 0, "VCPUOP_initialise and VCPUOP_up");
		runstate(i, &start[i]);
	}
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, (unsigned long)&ctx, 0, 0),
		  -XEN_EEXIST, "initialise twice: -EEXIST");
	/* On a loaded host vCPU 5 may already have done its work and gone
	 * down (done[] is set before VCPUOP_down): then, and only then, 0. */
	long up5 = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 5, 0, 0, 0);
	bool up_ok = up5 == 1 || (up5 == 0 && done[5]);
	tg_check(up_ok, "is_up: 1, or 0 once it went down");
	if (!up_ok)
		tg_printf("# got %ld, vCPU 5 %s\n", up5, done[5] ? "done" : "not done");
	tg_expect(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_up, NR_VCPUS, 0, 0, 0), -XEN_ENOENT,
		  "up beyond max_vcpus: -ENOENT");
	work(0);
	/* Down: is_up says 0 at once, the runstate turns offline when the
	 * vCPU's CPU next picks; wait for both, up to 60 s of guest time (a
	 * bound in time, not in yields: on a loaded host vCPU 0's yields can
	 * run far faster than the other vCPUs' work). */
	uint64_t deadline = smp_now() + 60000000000ULL, now;
	unsigned long spins = 0; /* the bound if shared_info is not mapped */
	for (unsigned int i = 1; i < NR_VCPUS; i++)
		while (!done[i] || hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, i, 0, 0, 0) ||
		       (runstate(i, &end[i]), end[i].state != RUNSTATE_offline))
			if ((now = smp_now()) ? now < deadline : ++spins < 100000)
				hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0, 0, 0);
			else
				break;
	uint64_t cpus = 0, sum = 0, t0 = ~0ULL, t1 = 0;
	unsigned int finished = 0, nbad = 0, offline = 0, ran = 0;
	for (unsigned int i = 0; i < NR_VCPUS; i++) {
		finished += done[i];
		nbad += bad[i];
		cpus |= apic_seen[i];
		if (i == 0)
			continue;
		runstate(i, &end[i]);
		tg_printf("# vCPU %u: %lu ms running, %lu ms runnable, CPUs %lx\n", i,
			  (unsigned long)((end[i].time[0] - start[i].time[0]) / 1000000),
			  (unsigned long)((end[i].time[1] - start[i].time[1]) / 1000000),
			  (unsigned long)apic_seen[i]);
		offline += end[i].state == RUNSTATE_offline;
		/* From 0: a secondary never ran before its up (and on a busy host
		 * it may finish before start[i] is read). */
		ran += end[i].time[RUNSTATE_running] > 0;
		sum += end[i].time[RUNSTATE_running];
		t0 = start[i].state_entry_time < t0 ? start[i].state_entry_time : t0;
		t1 = end[i].state_entry_time > t1 ? end[i].state_entry_time : t1;
	}
	tg_expect(finished, NR_VCPUS, "every vCPU finished its work");
	tg_expect(nbad, 0, "xmm0-15 of every vCPU intact through its work");
	tg_expect(offline, NR_VCPUS - 1, "the secondaries are offline after VCPUOP_down");
	tg_expect(ran, NR_VCPUS - 1, "each secondary accumulated running time");
	tg_expect(popcount(cpus), (long)n, "the work ran on every CPU");
	uint64_t elapsed = t1 - t0, ratio10 = elapsed ? sum * 10 / elapsed : 0;
	tg_printf("# secondaries: %lu ms running in %lu ms (x%lu.%lu)\n",
		  (unsigned long)(sum / 1000000), (unsigned long)(elapsed / 1000000),
		  (unsigned long)(ratio10 / 10), (unsigned long)(ratio10 % 10));
	if (n >= 4)
		tg_check(ratio10 >= 13, "running time > 1.3x elapsed: the vCPUs ran in parallel");
	else
		tg_check(ratio10 <= 11, "running time <= elapsed on one CPU: no invented time");
	smp_time_check();
}
