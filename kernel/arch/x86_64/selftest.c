/*
 * selftest=platform: checks of the running machine layer that cannot pass
 * by accident.
 *
 *   ipi     CPU 0 pings every other online CPU with VEC_SELFTEST_IPI and
 *           waits for each to ping back; smp_call_function then runs a
 *           function on all others, each setting its own bit.
 *   timer   one timer per CPU, 5 ms ahead; each must fire on its own CPU,
 *           never before its expiry (and within MAX_LATE_NS after it).
 *   tsc     the TSC rate measured again against the PIT (and the HPET when
 *           there is one) must agree with the boot calibration within 2%.
 *   cpus    the number online equals the MADT's enabled CPUs.
 *   isa     PIT channel 0 raises ISA IRQ 0 once, routed through the IOAPIC
 *           with the MADT's override (GSI 2 on QEMU) to CPU 0.
 *   clock   now_ns() never goes backwards across CPUs: CPU 0 publishes its
 *           time, each other CPU then reads its own, which must be later.
 *   fixup   a read of an unmapped hypervisor address, listed in the
 *           exception-fixup table, resumes at its fixup label.
 *
 * selftest=fault instead takes a page fault with no fixup, which must end
 * in a register dump, a backtrace and a panic (the fail verdict).
 *
 * selftest=smp checks AP bring-up, most usefully with smp_slow_ap= (an AP
 * that calls in only after it was given up, tests/scenarios/smp-bringup.sh)
 * or smp_ap_wait_ms=0 (APs given up while still starting): the number online is the number of
 * CPUs marked online; each of them answers smp_call_function as its own
 * index from the APIC recorded for that index (no two CPUs share an
 * index); every AP given up halts itself when it runs at last, instead of
 * joining; every MADT CPU is online or was given up (the APs after a lost
 * one are started too).
 */
#include <asm/apic.h>
#include <asm/arch.h>
#include <asm/io.h>
#include <asm/smp.h>
#include <asm/traps.h>
#include <asm/tsc.h>
#include <hospes/acpi.h>
#include <hospes/lib.h>
#include <hospes/percpu.h>
#include <hospes/platform.h>
#include <hospes/time.h>

/*
 * How long to wait for an IPI or a timer before calling it lost, and the
 * lateness a timer may show: generous, because an emulated CPU sharing a
 * loaded host can be descheduled for tens of milliseconds.  Early is
 * never allowed.
 */
#define WAIT_NS	    (2 * NSEC_PER_SEC)
#define MAX_LATE_NS (1 * NSEC_PER_SEC)

/*
 * A given-up AP halts as soon as it runs (smp_slow_ap's as soon as it
 * sees the give-up), but its emulated CPU may not be scheduled for a
 * while; the bound only turns a hang into a verdict (qemu-run's timeout
 * in smp-bringup.sh is 40 s), it is not a timing claim.
 */
#define PARK_WAIT_NS (20 * NSEC_PER_SEC)

static volatile unsigned int pongs;
static volatile uint64_t call_mask;
static struct timer timers[NR_CPUS];
static volatile uint64_t fired_at[NR_CPUS];
static volatile unsigned int fired_on[NR_CPUS];

static void selftest_ipi(struct cpu_regs *regs)
{
	lapic_eoi();
	if (smp_processor_id() == 0)
		__atomic_fetch_add(&pongs, 1, __ATOMIC_RELEASE);
	else
		send_ipi(0, VEC_SELFTEST_IPI);
}

static bool wait_until(volatile unsigned int *v, unsigned int want)
{
	uint64_t end = now_ns() + WAIT_NS;
	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) != want && now_ns() < end)
		cpu_relax();
	return *v == want;
}

static bool check(const char *what, bool ok)
{
	printk("selftest platform: %s: %s\n", what, ok ? "ok" : "FAILED");
	return ok;
}

static void mark_cpu(void *data)
{
	__atomic_fetch_or(&call_mask, 1ULL << smp_processor_id(), __ATOMIC_RELAXED);
}

static bool test_ipi(void)
{
	bool ok = true;
	irq_set_handler(VEC_SELFTEST_IPI, selftest_ipi);
	for (unsigned int c = 1; c < NR_CPUS; c++) {
		if (!percpu[c].online)
			continue;
		pongs = 0;
		uint64_t t0 = now_ns();
		send_ipi(c, VEC_SELFTEST_IPI);
		bool back = wait_until(&pongs, 1);
		printk("selftest platform: IPI round trip CPU0 -> CPU%u -> CPU0: %lu ns\n", c,
		       (unsigned long)(now_ns() - t0));
		ok &= check("IPI answered", back);
	}
	uint64_t want = 0;
	for (unsigned int c = 1; c < NR_CPUS; c++)
		if (percpu[c].online)
			want |= 1ULL << c;
	call_mask = 0;
	smp_call_function(mark_cpu, NULL);
	return check("smp_call_function reached every other CPU", call_mask == want) && ok;
}

static volatile unsigned int pit_irqs;

static void pit_irq(struct cpu_regs *regs)
{
	__atomic_fetch_add(&pit_irqs, 1, __ATOMIC_RELAXED);
	isa_irq_eoi(0);
}

static bool test_isa_irq(void)
{
	pit_irqs = 0;
	uint8_t vec = isa_irq_route(0, VEC_IRQ_BASE, percpu[0].apic_id);
	if (!vec)
		return check("ISA IRQ 0 routed", false);
	irq_set_handler(vec, pit_irq);
	outb(0x43, 0x30); /* channel 0, lo/hi, mode 0: one edge at terminal count */
	outb(0x40, 0xa9); /* 1193 ticks: 1 ms */
	outb(0x40, 0x04);
	bool got = wait_until(&pit_irqs, 1);
	isa_irq_mask(0);
	printk("selftest platform: PIT IRQ 0 arrived on vector %#x: %u time(s)\n", vec, pit_irqs);
	return check("ISA IRQ 0 delivered through the interrupt controller", got);
}

static volatile uint64_t published_ns;
static volatile unsigned int clock_backwards;

static void read_after_published(void *data)
{
	if (now_ns() < published_ns)
		__atomic_fetch_add(&clock_backwards, 1, __ATOMIC_RELAXED);
}

static bool test_clock(void)
{
	clock_backwards = 0;
	for (int round = 0; round < 100; round++) {
		published_ns = now_ns();
		smp_call_function(read_after_published, NULL);
	}
	return check("now_ns() ordered across CPUs (100 rounds)", clock_backwards == 0);
}

static void timer_fired(void *data)
{
	unsigned int c = (unsigned int)(uintptr_t)data;
	fired_on[c] = smp_processor_id();
	fired_at[c] = now_ns();
}

static bool all_fired(void)
{
	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (percpu[c].online && !fired_at[c])
			return false;
	return true;
}

static bool test_timers(void)
{
	uint64_t base = now_ns() + 5 * NSEC_PER_MSEC;
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		fired_at[c] = 0;
		fired_on[c] = ~0U;
		if (percpu[c].online) {
			timer_init(&timers[c], timer_fired, (void *)(uintptr_t)c, c);
			timer_set(&timers[c], base + c * NSEC_PER_MSEC);
		}
	}
	uint64_t end = base + NR_CPUS * NSEC_PER_MSEC + WAIT_NS;
	while (!all_fired() && now_ns() < end)
		cpu_relax();
	bool ok = true;
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!percpu[c].online)
			continue;
		uint64_t exp = timers[c].expires_ns, at = fired_at[c];
		bool good = at >= exp && at - exp < MAX_LATE_NS && fired_on[c] == c;
		printk("selftest platform: timer on CPU%u fired %lu us after expiry on CPU%d\n", c,
		       at ? (unsigned long)((at - exp) / 1000) : 0UL, (int)fired_on[c]);
		ok &= check("timer fired on time on its CPU", good);
	}
	return ok;
}

static bool close_to(uint64_t a, uint64_t b)
{
	return a * 50 >= b * 49 && a * 50 <= b * 51; /* within 2% */
}

/* The median of three PIT measurements (one may catch a descheduled CPU). */
static uint64_t median_pit(void)
{
	uint64_t a = tsc_hz_by_pit(), b = tsc_hz_by_pit(), c = tsc_hz_by_pit();
	if ((a <= b && b <= c) || (c <= b && b <= a))
		return b;
	if ((b <= a && a <= c) || (c <= a && a <= b))
		return a;
	return c;
}

static bool test_tsc(void)
{
	uint64_t hz = cpu_khz * 1000, pit = median_pit(), hpet = tsc_hz_by_hpet();
	printk("selftest platform: TSC %lu Hz at boot, %lu Hz by the PIT, %lu Hz by the HPET\n",
	       (unsigned long)hz, (unsigned long)pit, (unsigned long)hpet);
	bool ok = check("TSC agrees with the PIT", close_to(pit, hz));
	if (hpet)
		ok &= check("TSC agrees with the HPET", close_to(hpet, hz));
	return ok;
}

#define UNMAPPED_VA 0xffff87ff00000000UL /* hypervisor half, never mapped */

/* A load with a fix-up (and no STAC): false if it faulted. */
bool selftest_probe_read(unsigned long va, uint64_t *val)
{
	int ok = 0;
	__asm__ __volatile__("1:\tmovq (%2), %0\n\t"
			     "movl $1, %1\n"
			     "2:\n" EXTABLE_ENTRY(1b, 2b)
			     : "=&r"(*val), "+r"(ok)
			     : "r"(va)
			     : "memory");
	return ok;
}

static bool test_fixup(void)
{
	uint64_t v = 0, mapped = 0x1234;
	bool ok = check("fixup: a mapped read succeeds",
			selftest_probe_read((unsigned long)&mapped, &v));
	ok &= check("fixup: the value read is right", v == 0x1234);
	return check("fixup: an unmapped read recovers", !selftest_probe_read(UNMAPPED_VA, &v)) &&
	       ok;
}

static volatile uint32_t answered_apic[NR_CPUS]; /* by index: APIC id + 1 */

static void report_apic(void *data)
{
	answered_apic[smp_processor_id()] = lapic_id() + 1;
}

static bool test_cpu_identities(unsigned int *online)
{
	bool ok = true;
	*online = 0;
	for (unsigned int c = 0; c < NR_CPUS; c++)
		answered_apic[c] = 0;
	answered_apic[0] = lapic_id() + 1;
	smp_call_function(report_apic, NULL);
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!percpu[c].online) {
			ok &= answered_apic[c] == 0;
			continue;
		}
		++*online;
		printk("selftest smp: CPU%u has APIC id %u, answered from APIC id %d", c,
		       percpu[c].apic_id, (int)answered_apic[c] - 1);
		if (c)
			printk(", claimed its index %lu us after its INIT",
			       (unsigned long)(smp_callin_ns(c) / NSEC_PER_USEC));
		printk("\n");
		ok &= answered_apic[c] == percpu[c].apic_id + 1;
	}
	return check("each online CPU answers as its own index from its own APIC", ok);
}

void platform_selftest_smp(void)
{
	unsigned int online, lost, parked, madt = acpi_info.nr_cpus ? acpi_info.nr_cpus : 1;
	bool ok = test_cpu_identities(&online);
	ok &= check("the online count is the number of CPUs marked online",
		    online == nr_cpus_online);
	uint64_t start = now_ns(), end = start + PARK_WAIT_NS;
	do
		smp_bringup_counts(&lost, &parked);
	while (parked < lost && now_ns() < end);
	printk("selftest smp: %u of %u CPUs online, %u given up, %u of those halted themselves\n",
	       online, madt, lost, parked);
	printk("selftest smp: waited %lu us for the given-up CPUs to halt\n",
	       (unsigned long)((now_ns() - start) / NSEC_PER_USEC));
	ok &= check("every AP given up halted itself when it ran at last", parked == lost);
	ok &= check("no CPU joined after bring-up", nr_cpus_online == online);
	ok &= check("every MADT CPU online or given up (none left down after a loss)",
		    online + lost == madt);
	if (!ok)
		panic("selftest smp: a check failed");
}

void platform_selftest_fault(void)
{
	printk("selftest fault: reading %#lx with no fixup\n", UNMAPPED_VA);
	(void)*(volatile uint64_t *)UNMAPPED_VA;
	printk(LOG_ERR "selftest fault: the read did not fault\n");
}

void platform_selftest(void)
{
	bool ok = check("every MADT CPU online",
			nr_cpus_online == (acpi_info.nr_cpus ? acpi_info.nr_cpus : 1));
	ok &= test_ipi();
	ok &= test_isa_irq();
	ok &= test_clock();
	ok &= test_timers();
	ok &= test_tsc();
	ok &= test_fixup();
	if (!ok)
		panic("selftest platform: a check failed");
}
