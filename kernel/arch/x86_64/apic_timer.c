/*
 * The LAPIC timer behind the per-CPU timer queues (kernel/time/timer.c).
 *
 * Each CPU keeps its LAPIC timer armed for the head of its own queue.
 * TSC-deadline mode (CPUID.1:ECX[24]) is used when present: the deadline is
 * an absolute TSC value, so arming is one MSR write with no conversion
 * error.  Otherwise one-shot mode counts down a bus-clock divided by 16,
 * whose rate is measured once against the (already calibrated) TSC.
 *
 * A CPU that changes another CPU's queue head cannot touch that CPU's
 * timer, so it sends it VEC_TIMER as an IPI; the handler is the same as
 * for the timer's own interrupt: run expired timers, arm for the next.
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/msr.h>
#include <asm/traps.h>
#include <asm/tsc.h>
#include <hospes/lib.h>
#include <hospes/nmi.h>
#include <hospes/percpu.h>
#include <hospes/time.h>

#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define DIVIDE_BY_16		3

static bool tsc_deadline;
static uint64_t apic_ticks_per_ms; /* one-shot mode only */

/* TSC-deadline mode: the TSC value at which the system clock reads ns
 * (its current function's inverse scale: recalibration changes it). */
static uint64_t ns_to_tsc(uint64_t ns)
{
	struct time_rec r;

	time_clock_get(&sys_clock, &r);
	return time_rec_tsc(&r, ns);
}

static void program(uint64_t deadline_ns)
{
	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, deadline_ns == TIME_NEVER ? 0 : ns_to_tsc(deadline_ns));
		return;
	}
	if (deadline_ns == TIME_NEVER) {
		lapic_write(APIC_TMICT, 0);
		return;
	}
	uint64_t now = now_ns();
	uint64_t delta = deadline_ns > now ? deadline_ns - now : 0;
	uint64_t ticks = delta * apic_ticks_per_ms / NSEC_PER_MSEC + 1;
	lapic_write(APIC_TMICT, ticks > 0xffffffffULL ? 0xffffffffU : (uint32_t)ticks);
}

static void timer_interrupt(struct cpu_regs *regs)
{
	lapic_eoi();
	nmi_report_pending(); /* the NMI handler cannot print */
	program(timer_softirq(now_ns()));
}

void arch_timer_reprogram(unsigned int cpu, uint64_t deadline_ns)
{
	unsigned long flags = local_irq_save();
	if (cpu == smp_processor_id())
		program(deadline_ns);
	else if (percpu[cpu].online)
		lapic_send_ipi(percpu[cpu].apic_id, APIC_DM_FIXED | VEC_TIMER);
	local_irq_restore(flags);
}

/* LAPIC one-shot ticks per millisecond, measured over 10 ms of TSC time. */
static uint64_t measure_apic_rate(void)
{
	lapic_write(APIC_TDCR, DIVIDE_BY_16);
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_TIMER_ONESHOT | VEC_TIMER);
	lapic_write(APIC_TMICT, 0xffffffffU);
	uint64_t end = now_ns() + 10 * NSEC_PER_MSEC;
	while (now_ns() < end)
		cpu_relax();
	uint32_t left = lapic_read(APIC_TMCCT);
	lapic_write(APIC_TMICT, 0);
	return (0xffffffffULL - left) / 10;
}

void apic_timer_init_boot(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	tsc_deadline = (c & CPUID1_ECX_TSC_DEADLINE) != 0;
	if (!tsc_deadline)
		apic_ticks_per_ms = measure_apic_rate();
	irq_set_handler(VEC_TIMER, timer_interrupt);
	printk("time: LAPIC timer in %s mode", tsc_deadline ? "TSC-deadline" : "one-shot");
	if (!tsc_deadline)
		printk(" (%lu ticks/ms)", (unsigned long)apic_ticks_per_ms);
	printk("\n");
}

void apic_timer_init_cpu(void)
{
	if (tsc_deadline) {
		lapic_write(APIC_LVT_TIMER, APIC_TIMER_TSCDL | VEC_TIMER);
		return;
	}
	lapic_write(APIC_TDCR, DIVIDE_BY_16);
	lapic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | VEC_TIMER);
}
