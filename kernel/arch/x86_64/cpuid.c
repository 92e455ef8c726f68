/*
 * The arch side of the guest CPUID view (policy and matcher in
 * kernel/domain/cpuid_*.c, ideas in hospes/cpuid.h): the host facts the
 * policy needs, CPUID faulting, and the three guest instructions we
 * emulate from exceptions.
 *
 *   #UD   `ud2; .ascii "xen"; cpuid` (Xen's forced-emulation prefix), from
 *         guest kernel or user mode: EAX/ECX in, EAX/EBX/ECX/EDX from the
 *         policy, RIP past the 7 bytes.  If the bytes matched so far and
 *         the next one cannot be read (another vCPU unmapped the page, or
 *         the prefix straddles into an unmapped one), the guest gets the
 *         #PF it would have taken reading it, as Xen injects one.
 *         Under RFLAGS.TF the emulated instruction ends in the guest's
 *         #DB, as a real one would (Xen does the same).
 *   #GP(0) plain `cpuid` where CPUID faulting is on (Intel's
 *         MSR_PLATFORM_INFO bit 31, enabled per CPU in
 *         MSR_MISC_FEATURES_ENABLES bit 0): the same view, RIP + 2.
 *   #GP(0) `wrmsr` from the guest kernel to the Xen MSR base + 0 with
 *         gfn << 12: the hypercall page is written into gfn (as the
 *         domctl does); anything else stays a #GP for the guest.
 * Where the CPU has no CPUID faulting (QEMU's TCG, AMD), a plain cpuid in
 * a guest runs natively and sees the host: the boot log says so.
 *
 * Decode, then act: the matcher reads every byte through the guest's own
 * tables (copy_from_guest_vcpu, in the vCPU's current mode, so user mode
 * reads no kernel page) before any register changes.  None of this is on
 * a hot path; the hypercall and #PF entries do not pass here.
 */
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/traps.h>
#include <hospes/cpuid.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <hospes/pv_build.h>
#include <hospes/time.h>
#include <public/cpuid.h>

#define CR4_FSGSBASE (1UL << 16)
#define CR4_OSXSAVE  (1UL << 18)
#define RFLAGS_TF    (1UL << 8)
#define DR6_BS	     (1UL << 14) /* single step */

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

bool cpuid_faulting(void)
{
	return faulting;
}

void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_leaf *out)
{
	const struct cpuid_guest g = {.privileged = v->domain->is_privileged, .vcpu_id = v->id};
	cpuid_policy(&host, &g, leaf, sub, out);
}

static int fetch_guest(void *ctx, unsigned long va, uint8_t *byte)
{
	return copy_from_guest_vcpu(ctx, byte, va, 1);
}

/* The instruction is done: RIP past it, and a guest single-stepping it
 * gets its #DB (DR6.BS in its virtual DR6), as after a real one. */
static void emulated(struct vcpu *v, struct cpu_regs *r, unsigned int len)
{
	r->rip += len;
	if (r->rflags & RFLAGS_TF) {
		v->arch->debugreg[6] |= DR6_BS;
		pv_trap_as(r, TRAP_DB, 0, 0);
	}
}

static void emulate_cpuid(struct vcpu *v, struct cpu_regs *r, unsigned int len)
{
	struct cpuid_leaf l;
	guest_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx, &l);
	r->rax = l.a; /* 32-bit results: the upper halves are cleared */
	r->rbx = l.b;
	r->rcx = l.c;
	r->rdx = l.d;
	emulated(v, r, len);
}

bool pv_emulate_ud(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	unsigned long fault_va;

	switch (insn_match(fetch_guest, v, r->rip, cpuid_forced_insn, CPUID_FORCED_LEN,
			   &fault_va)) {
	case INSN_MATCH:
		emulate_cpuid(v, r, CPUID_FORCED_LEN);
		return true;
	case INSN_FAULT:
		pv_trap_as(r, TRAP_PF, 0, fault_va); /* a read; U by the mode (bounce.c) */
		return true;
	default:
		return false;
	}
}

/* wrmsr from the guest kernel to the hypercall-page MSR with a page-aligned value. */
static bool emulate_wrmsr(struct vcpu *v, struct cpu_regs *r)
{
	unsigned long unused;
	uint64_t val = (uint32_t)r->rax | (uint64_t)(uint32_t)r->rdx << 32;

	if (!v->arch->kernel_mode || (uint32_t)r->rcx != CPUID_MSR_BASE || val % PAGE_SIZE ||
	    insn_match(fetch_guest, v, r->rip, wrmsr_insn, sizeof(wrmsr_insn), &unused) !=
		    INSN_MATCH)
		return false;
	if (hypercall_page_write(v->domain, val / PAGE_SIZE)) {
		printk(LOG_WARN "d%u: hypercall-page wrmsr of %#lx refused (not its own RAM)\n",
		       v->domain->id, (unsigned long)val);
		return false;
	}
	emulated(v, r, sizeof(wrmsr_insn));
	return true;
}

bool pv_emulate_gp(struct cpu_regs *r)
{
	struct vcpu *v = current_vcpu();
	unsigned long unused;

	if (!v)
		return false;
	if (faulting && insn_match(fetch_guest, v, r->rip, cpuid_plain_insn,
				   sizeof(cpuid_plain_insn), &unused) == INSN_MATCH) {
		emulate_cpuid(v, r, sizeof(cpuid_plain_insn));
		return true;
	}
	return emulate_wrmsr(v, r);
}
