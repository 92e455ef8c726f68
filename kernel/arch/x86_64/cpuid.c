/*
 * The arch side of the guest CPUID view (ideas in hospes/cpuid.h; policy
 * and emulations in kernel/domain/cpuid_policy.c and cpuid_emul.c): the
 * host facts the policy needs, CPUID faulting, and the trap-frame glue of
 * the emulations.
 *
 * Host facts: the raw leaves (the cpuid instruction, here in ring 0, which
 * never faults), the XCR0 fpu.c chose and CR4's OSXSAVE and FSGSBASE, the
 * TSC calibration.  CPUID faulting: Intel's MSR_PLATFORM_INFO bit 31 says
 * the CPU has it (read fault-safe: other CPUs #GP), and
 * MSR_MISC_FEATURES_ENABLES bit 0 turns it on for CPL > 0, per CPU, on
 * every CPU that runs vCPUs.  Where the CPU has none (QEMU's TCG, AMD) a
 * plain cpuid in a guest runs natively and sees the host: the boot log
 * says so and why.
 *
 * The glue: a guest #UD or #GP(0) hands a copy of the registers to
 * emulate_guest_ud/gp(); if the instruction was ours the copy goes back
 * into the frame, followed by the guest's #DB (single-stepping) or #PF
 * (the prefix ran into an unreadable byte) where the result says so.
 * None of this is on a hot path: traps.c asks only for #UD and #GP.
 */
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/traps.h>
#include <hospes/cpuid.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/time.h>
#include <public/cpuid.h>

#define CR4_FSGSBASE (1UL << 16)
#define CR4_OSXSAVE  (1UL << 18)

static struct cpuid_host host;
static bool faulting;

static void raw_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_leaf *out)
{
	cpuid_count(leaf, sub, &out->a, &out->b, &out->c, &out->d);
}

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

/* rdmsr of an MSR the CPU may not have (#GP: the fix-up says false). */
static bool rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;
	bool ok = false;
	__asm__ __volatile__("1:\trdmsr\n\t"
			     "movb $1, %2\n"
			     "2:\n" EXTABLE_ENTRY(1b, 2b)
			     : "+a"(lo), "+d"(hi), "+r"(ok)
			     : "c"(msr));
	*val = (uint64_t)hi << 32 | lo;
	return ok;
}

void cpuid_init_boot(void)
{
	unsigned long cr4 = read_cr4();
	uint64_t info;

	host = (struct cpuid_host){
		.raw = raw_cpuid,
		.xcr0 = (cr4 & CR4_OSXSAVE) ? xgetbv0() : 0,
		.osxsave = cr4 & CR4_OSXSAVE,
		.fsgsbase = cr4 & CR4_FSGSBASE,
		.hypercall_msr = true,
		.xen_version = HOSPES_XEN_MAJOR << 16 | HOSPES_XEN_MINOR,
		.tsc_khz = (uint32_t)cpu_khz,
		.tsc_mul = tsc_to_system_mul,
		.tsc_shift = tsc_shift,
	};
	bool has_info = rdmsr_safe(MSR_PLATFORM_INFO, &info);
	faulting = has_info && (info & PLATFORM_INFO_CPUID_FAULTING);
	printk(LOG_INFO "cpuid: guests see Xen's PV view (XCR0 %#lx, Xen leaves at %#x) by the "
			"forced-emulation prefix%s\n",
	       (unsigned long)host.xcr0, XEN_CPUID_FIRST_LEAF,
	       faulting ? " and by plain cpuid (CPUID faulting on)" : "; plain cpuid is native");
	if (!faulting)
		printk(LOG_INFO "cpuid: no CPUID faulting: %s\n",
		       has_info ? "MSR_PLATFORM_INFO bit 31 is clear"
				: "no MSR_PLATFORM_INFO (#GP)");
}

void cpuid_init_cpu(void)
{
	if (faulting)
		wrmsr(MSR_MISC_FEATURES, rdmsr(MSR_MISC_FEATURES) | MISC_FEATURES_CPUID_FAULTING);
}

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_leaf *out)
{
	const struct cpuid_guest g = {.privileged = v->domain->is_privileged, .vcpu_id = v->id};
	cpuid_policy(&host, &g, leaf, sub, out);
}

/* Carry out what emulate_guest_*() decided on the trap frame. */
static bool finish(struct cpu_regs *r, const struct emul_regs *e, enum emul_result res,
		   unsigned long fault_va)
{
	if (res == EMUL_NOT_OURS)
		return false;
	r->rax = e->rax;
	r->rbx = e->rbx;
	r->rcx = e->rcx;
	r->rdx = e->rdx;
	r->rip = e->rip;
	if (res == EMUL_DONE_STEP)
		pv_trap_as(r, TRAP_DB, 0, 0);
	else if (res == EMUL_PAGE_FAULT)
		pv_trap_as(r, TRAP_PF, 0, fault_va); /* a read; U by the mode (bounce.c) */
	return true;
}

static struct emul_regs regs_in(const struct cpu_regs *r)
{
	return (struct emul_regs){r->rax, r->rbx, r->rcx, r->rdx, r->rip, r->rflags};
}

bool pv_emulate_ud(struct cpu_regs *r)
{
	struct emul_regs e = regs_in(r);
	unsigned long fault_va = 0;
	enum emul_result res = emulate_guest_ud(current_vcpu(), &e, &fault_va);
	return finish(r, &e, res, fault_va); /* fault_va read after the call */
}

bool pv_emulate_gp(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	struct emul_regs e = regs_in(r);
	return v && finish(r, &e, emulate_guest_gp(v, &e, faulting, host.xcr0), 0);
}
