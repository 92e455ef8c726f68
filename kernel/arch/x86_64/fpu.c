/*
 * FPU, SSE and AVX state switching between vCPUs.
 *
 * Policy: eager.  On every vCPU switch the outgoing vCPU's registers are
 * saved into its area (struct arch_vcpu.fpu) and the incoming one's are
 * restored, with XSAVEOPT/XRSTOR when CPUID offers XSAVE (XCR0 = x87, SSE
 * and AVX where present), else FXSAVE/FXRSTOR.  Lazy switching (CR0.TS and
 * a #NM trap on first use) saves the two instructions only for vCPUs that
 * never touch the FPU in a slice; the pvguest kernels run newlib, whose
 * memcpy/strlen use SSE, so nearly every slice would take the trap and
 * pay an exception round trip on top.  Eager also keeps CR0.TS free for
 * its one remaining job: the guest's own virtual TS.
 *
 * Virtual TS (fpu_taskswitch, as Xen): while vCPU v runs, CR0.TS equals
 * v's virtual TS.  The guest sets it to catch its next FPU use; that use
 * raises #NM in ring 3, fpu_device_not_available() clears TS (real and
 * virtual) and the #NM is bounced to the guest's handler.  An #NM with the
 * virtual TS clear cannot happen under this invariant; it is absorbed.
 *
 * XSAVE* and FXSAVE fault with #NM while CR0.TS is set, so saving clears
 * TS for the save and sets it again (the vCPU may be picked again at once,
 * with no restore).  The save of a descheduled vCPU completes
 * before the scheduler makes it runnable elsewhere (pv.c saves before
 * sched_pick), so another CPU never restores a half-saved area.
 *
 * Locks: none; a vCPU's area is touched only by the CPU that runs it.
 */
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <hospes/fpu.h>
#include <hospes/lib.h>
#include <hospes/printk.h>

#define CR0_MP	       (1UL << 1)
#define CR0_EM	       (1UL << 2)
#define CR0_TS	       (1UL << 3)
#define CR0_NE	       (1UL << 5)
#define CR0_WP	       (1UL << 16)
#define CR4_OSFXSR     (1UL << 9)
#define CR4_OSXMMEXCPT (1UL << 10)
#define CR4_OSXSAVE    (1UL << 18)
#define CPUID1_XSAVE   (1U << 26)
#define XSTATE_WANTED  0x7ULL /* x87, SSE, AVX */

enum fpu_method { FPU_FXSAVE, FPU_XSAVE, FPU_XSAVEOPT };

static enum fpu_method method;
static uint64_t xcr0;
static unsigned int area_size = 512;

static void xsetbv(uint32_t reg, uint64_t value)
{
	__asm__ __volatile__("xsetbv" ::"c"(reg), "a"((uint32_t)value),
			     "d"((uint32_t)(value >> 32)));
}

void fpu_init_boot(void)
{
	uint32_t a, b, c, d;
	cpuid(1, &a, &b, &c, &d);
	if (c & CPUID1_XSAVE) {
		cpuid_count(0xd, 0, &a, &b, &c, &d);
		xcr0 = (((uint64_t)d << 32 | a) & XSTATE_WANTED) |
		       3; /* x87 and SSE are mandatory */
		cpuid_count(0xd, 1, &a, &b, &c, &d);
		method = (a & 1) ? FPU_XSAVEOPT : FPU_XSAVE;
	}
	fpu_init_cpu();
	if (method != FPU_FXSAVE) {
		cpuid_count(0xd, 0, &a, &b, &c, &d);
		area_size = b; /* for the XCR0 just set */
		if (area_size > PV_FPU_AREA_SIZE)
			panic("fpu: XSAVE area of %u bytes exceeds %u", area_size,
			      PV_FPU_AREA_SIZE);
	}
	static const char *const names[] = {"FXSAVE", "XSAVE", "XSAVEOPT"};
	printk(LOG_INFO "fpu: eager switching by %s, XCR0 %#lx, %u-byte areas\n", names[method],
	       (unsigned long)xcr0, area_size);
}

void fpu_init_cpu(void)
{
	/* WP too: the APs' trampoline enables paging without it, and ring 0
	 * must not write through read-only mappings on any CPU */
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE | CR0_WP);
	unsigned long cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (method != FPU_FXSAVE)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (method != FPU_FXSAVE)
		xsetbv(0, xcr0);
}

static void ts_clear(void)
{
	if (read_cr0() & CR0_TS)
		clts();
}

void fpu_save(struct vcpu *v)
{
	void *area = v->arch->fpu;
	uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
	unsigned long cr0 = read_cr0();
	if (cr0 & CR0_TS)
		clts();
	switch (method) {
	case FPU_XSAVEOPT:
		__asm__ __volatile__("xsaveopt64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
		break;
	case FPU_XSAVE:
		__asm__ __volatile__("xsave64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
		break;
	default:
		__asm__ __volatile__("fxsave64 (%0)" ::"r"(area) : "memory");
	}
	if (cr0 & CR0_TS)
		write_cr0(cr0); /* v may be picked again without a restore */
}

void fpu_restore(struct vcpu *v)
{
	const void *area = v->arch->fpu;
	uint32_t lo = (uint32_t)xcr0, hi = (uint32_t)(xcr0 >> 32);
	ts_clear();
	if (method == FPU_FXSAVE)
		__asm__ __volatile__("fxrstor64 (%0)" ::"r"(area) : "memory");
	else
		__asm__ __volatile__("xrstor64 (%0)" ::"r"(area), "a"(lo), "d"(hi) : "memory");
	if (v->arch->fpu_ts)
		write_cr0(read_cr0() | CR0_TS);
}

void fpu_set_guest_ts(struct vcpu *v, bool ts)
{
	v->arch->fpu_ts = ts;
	if (ts)
		write_cr0(read_cr0() | CR0_TS);
	else
		ts_clear();
}

bool fpu_device_not_available(struct vcpu *v)
{
	bool guest_ts = v->arch->fpu_ts;
	v->arch->fpu_ts = false;
	ts_clear();
	return guest_ts;
}
