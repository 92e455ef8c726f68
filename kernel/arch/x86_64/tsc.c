/*
 * The TSC as the hypervisor's clock, and the CMOS RTC for the wallclock.
 *
 * Calibration counts TSC ticks over a known interval of a reference
 * clock: the HPET main counter when ACPI lists an HPET (its period in
 * femtoseconds is in its capabilities register), else PIT channel 2 in
 * one-shot mode, polled through port 0x61 (no interrupts needed).  The
 * result sets cpu_khz and the Xen-style scale (hospes/time.h) that both
 * now_ns() and guests' vcpu_time_info use.  Without an invariant TSC
 * (CPUID 0x80000007 EDX[8]) time drifts when the frequency changes; we
 * warn and go on, as QEMU's TCG CPUs often do not advertise it.
 *
 * tsc_pit_ticks_hz() is also used by the self-test to cross-check the
 * calibration against the other reference.  The boot calibration is the
 * system clock's first function (sys_clock); time_cal.c recalibrates it
 * against the HPET every epoch.
 */
#include <asm/arch.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/tsc.h>
#include <hospes/acpi.h>
#include <hospes/lib.h>
#include <hospes/time.h>

#define PIT_HZ	       1193182ULL
#define PIT_CH2	       0x42
#define PIT_MODE       0x43
#define PIT_GATE       0x61
#define CALIBRATE_MS   20
#define HPET_CAP       0x000
#define HPET_CONFIG    0x010
#define HPET_COUNTER   0x0f0
#define HPET_CAP_64BIT (1ULL << 13) /* COUNT_SIZE_CAP: the main counter is 64 bits wide */

uint32_t tsc_to_system_mul;
int8_t tsc_shift;
uint64_t tsc_boot_stamp;
uint64_t cpu_khz;
uint64_t wallclock_boot_sec;
struct time_clock sys_clock;

uint64_t now_ns(void)
{
	return time_clock_now(&sys_clock, rdtsc());
}

/* Latch PIT channel 2 and read its count, bracketed by two TSC reads. */
static uint16_t pit_ch2_read(uint64_t *before, uint64_t *after)
{
	*before = rdtsc();
	outb(PIT_MODE, 0x80); /* latch channel 2 */
	*after = rdtsc();
	uint8_t lo = inb(PIT_CH2);
	return (uint16_t)(lo | inb(PIT_CH2) << 8);
}

/* One try: TSC ticks per second, or 0 if a latch was not tightly bracketed. */
static uint64_t pit_try(void)
{
	uint64_t want = PIT_HZ * CALIBRATE_MS / 1000, b0, a0, b1, a1;
	outb(PIT_MODE, 0xb0); /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2, 0xff);
	outb(PIT_CH2, 0xff);
	uint16_t c0 = pit_ch2_read(&b0, &a0), c1;
	do
		c1 = pit_ch2_read(&b1, &a1);
	while ((uint16_t)(c0 - c1) < want);
	uint64_t shortest = b1 - a0, longest = a1 - b0;
	if ((longest - shortest) * 1000 > shortest)
		return 0; /* descheduled around a latch: more than 0.1% unsure */
	return (shortest + longest) / 2 * PIT_HZ / (uint16_t)(c0 - c1);
}

/*
 * TSC ticks per second over CALIBRATE_MS of PIT channel 2, counting down
 * from 0xffff.  Both ends are latched counts bracketed by TSC reads; a try
 * whose brackets are loose (an emulated CPU descheduled at that moment)
 * is repeated.
 */
uint64_t tsc_hz_by_pit(void)
{
	outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
	for (int i = 0; i < 8; i++) {
		uint64_t hz = pit_try();
		if (hz)
			return hz;
	}
	printk(LOG_WARN "time: PIT calibration disturbed 8 times\n");
	return 0;
}

static uint8_t *hpet_va;

static volatile uint64_t *hpet_reg(unsigned int off)
{
	return (volatile uint64_t *)(hpet_va + off);
}

/* The HPET counter, bracketed by two TSC reads. */
static uint64_t hpet_read(uint64_t *before, uint64_t *after)
{
	*before = rdtsc();
	uint64_t h = *hpet_reg(HPET_COUNTER);
	*after = rdtsc();
	return h;
}

/* One try over CALIBRATE_MS (period in fs); 0 if a read was not tightly bracketed. */
static uint64_t hpet_try(uint64_t period_fs)
{
	uint64_t ticks = CALIBRATE_MS * 1000000000000ULL / period_fs, b0, a0, b1, a1, h1;
	uint64_t h0 = hpet_read(&b0, &a0);
	do
		h1 = hpet_read(&b1, &a1);
	while (h1 - h0 < ticks);
	uint64_t shortest = b1 - a0, longest = a1 - b0;
	if ((longest - shortest) * 1000 > shortest)
		return 0;
	uint64_t elapsed_ns = (h1 - h0) * period_fs / 1000000;
	return (shortest + longest) / 2 * NSEC_PER_SEC / elapsed_ns;
}

volatile uint64_t *tsc_hpet_counter(uint64_t *period_fs, bool *wide)
{
	if (!hpet_va)
		return NULL;
	uint64_t cap = *hpet_reg(HPET_CAP);
	*period_fs = cap >> 32;
	*wide = cap & HPET_CAP_64BIT;
	return *period_fs && *period_fs <= 100000000 ? hpet_reg(HPET_COUNTER) : NULL;
}

uint64_t tsc_hz_by_hpet(void)
{
	if (!acpi_info.has_hpet)
		return 0;
	if (!hpet_va)
		hpet_va = ioremap(acpi_info.hpet_addr, 0x400);
	if (!hpet_va)
		return 0;
	uint64_t period_fs = *hpet_reg(HPET_CAP) >> 32;
	if (period_fs == 0 || period_fs > 100000000) /* 100 ns: the spec's limit */
		return 0;
	*hpet_reg(HPET_CONFIG) |= 1; /* counter running */
	for (int i = 0; i < 8; i++) {
		uint64_t hz = hpet_try(period_fs);
		if (hz)
			return hz;
	}
	printk(LOG_WARN "time: HPET calibration disturbed 8 times\n");
	return 0;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

/* Seconds since 1970 from the RTC (read twice until stable, UTC assumed). */
static uint64_t rtc_read_sec(void)
{
	uint8_t r[6], again[6];
	static const uint8_t regs[6] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09};
	do {
		while (cmos(0x0a) & 0x80) /* update in progress */
			;
		for (int i = 0; i < 6; i++)
			r[i] = cmos(regs[i]);
		for (int i = 0; i < 6; i++)
			again[i] = cmos(regs[i]);
	} while (memcmp(r, again, sizeof(r)) != 0);
	bool bin = cmos(0x0b) & 4, h24 = cmos(0x0b) & 2;
	unsigned int hour = bcd(r[2] & 0x7f, bin);
	if (!h24 && (r[2] & 0x80))
		hour = (hour % 12) + 12;
	uint64_t days = time_days_from_civil(2000 + bcd(r[5], bin), bcd(r[4], bin), bcd(r[3], bin));
	return days * 86400 + hour * 3600 + bcd(r[1], bin) * 60 + bcd(r[0], bin);
}

void tsc_init(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000000, &a, &b, &c, &d);
	bool invariant = false;
	if (a >= 0x80000007) {
		cpuid(0x80000007, &a, &b, &c, &d);
		invariant = d & (1U << 8);
	}
	uint64_t hz = tsc_hz_by_hpet();
	const char *ref = "HPET";
	if (!hz) {
		hz = tsc_hz_by_pit();
		ref = "PIT";
	}
	if (!hz)
		panic("time: cannot calibrate the TSC against the HPET or the PIT");
	cpu_khz = hz / 1000;
	time_scale_from_hz(hz, &tsc_to_system_mul, &tsc_shift);
	tsc_boot_stamp = rdtsc();
	struct time_rec boot = {.tsc_stamp = tsc_boot_stamp};
	time_rec_set_rate(&boot, NSEC_PER_SEC, hz);
	time_clock_set(&sys_clock, &boot);
	wallclock_boot_sec = rtc_read_sec();
	printk("time: TSC %lu.%03lu MHz (calibrated against the %s)%s, wallclock %lu\n",
	       (unsigned long)(cpu_khz / 1000), (unsigned long)(cpu_khz % 1000), ref,
	       invariant ? ", invariant" : "", (unsigned long)wallclock_boot_sec);
	if (!invariant)
		printk(LOG_WARN "time: the TSC is not invariant; time may drift with frequency\n");
}
