/*
 * The few instructions a PV guest's #UD or #GP may stand for (hospes/
 * cpuid.h), recognised and carried out on a copy of its registers:
 *   #UD    `ud2; .ascii "xen"; cpuid` (Xen's forced-emulation prefix), from
 *          guest kernel or user mode: EAX/ECX in, EAX/EBX/ECX/EDX out
 *          (upper halves cleared), RIP + 7;
 *   #GP(0) plain `cpuid` where the CPU faults it: the same, RIP + 2;
 *   #GP(0) `wrmsr` from the guest kernel to the Xen MSR base + 0 with
 *          gfn << 12 (page index 0): the hypercall page written into gfn
 *          as the domctl does; anything else stays the guest's #GP;
 *   #GP(0) `xsetbv` from the guest kernel of XCR0 (ECX 0) to the value
 *          every guest already runs with: done, nothing to change (the
 *          view's leaf 0xD offers no other value, so a kernel that enables
 *          all it is offered, as Linux does, gets this far); any other
 *          value stays the guest's #GP.
 * Under RFLAGS.TF an emulated instruction ends in the guest's #DB with
 * DR6.BS in its virtual DR6, as after a real one (and as Xen does).
 * Decode, then act: the whole instruction is matched and every operand
 * checked before a register or a guest frame changes.  The arch glue
 * (kernel/arch/x86_64/cpuid.c) copies the registers and raises the
 * resulting #DB or #PF.
 *
 * The bytes are guest memory, read through the guest's own tables in its
 * current mode (so user mode cannot read kernel pages) by fetch_guest_insn:
 * one copy for the seven prefix bytes, two if they straddle a page (a
 * copy per byte cost 805 instructions per prefixed cpuid).  A byte that
 * differs before the first unreadable one ends the match (the guest gets
 * its exception); otherwise an unreadable byte is reported with its
 * address, for a #PF like the one Xen injects when it cannot read the
 * prefix (Xen reads the five prefix bytes in one go, so a ud2 followed by
 * an unreadable page gets a #PF there and a #UD here).
 */
#include <hospes/cpuid.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/printk.h>
#include <hospes/pv.h>
#include <hospes/pv_build.h>
#include <public/cpuid.h>

#define RFLAGS_TF (1UL << 8)
#define DR6_BS	  (1UL << 14) /* single step */

const uint8_t cpuid_forced_insn[CPUID_FORCED_LEN] = {XEN_EMULATE_PREFIX_BYTES,
						     XEN_CPUID_INSN_BYTES};
const uint8_t cpuid_plain_insn[2] = {XEN_CPUID_INSN_BYTES};
const uint8_t wrmsr_insn[2] = {0x0f, 0x30};
const uint8_t xsetbv_insn[3] = {0x0f, 0x01, 0xd1};

enum insn_match insn_match(const uint8_t *got, unsigned int have, unsigned long rip,
			   const uint8_t *want, unsigned int n, unsigned long *fault_va)
{
	for (unsigned int i = 0; i < n; i++) {
		if (i == have) {
			*fault_va = rip + i;
			return INSN_FAULT;
		}
		if (got[i] != want[i])
			return INSN_OTHER;
	}
	return INSN_MATCH;
}

/* Fetch (at most CPUID_FORCED_LEN bytes) and match. */
static enum insn_match fetch_match(struct vcpu *v, unsigned long rip, const uint8_t *want,
				   unsigned int n, unsigned long *fault_va)
{
	uint8_t got[CPUID_FORCED_LEN];

	ASSERT(n <= sizeof(got));
	return insn_match(got, fetch_guest_insn(v, rip, got, n), rip, want, n, fault_va);
}

static bool matches(struct vcpu *v, unsigned long rip, const uint8_t *want, unsigned int n)
{
	unsigned long unused;
	return fetch_match(v, rip, want, n, &unused) == INSN_MATCH;
}

/* The instruction is done: RIP past it; a single-stepping guest is owed a #DB. */
static enum emul_result done(struct vcpu *v, struct emul_regs *r, unsigned int len)
{
	r->rip += len;
	if (!(r->rflags & RFLAGS_TF))
		return EMUL_DONE;
	v->arch->debugreg[6] |= DR6_BS;
	return EMUL_DONE_STEP;
}

static enum emul_result do_cpuid(struct vcpu *v, struct emul_regs *r, unsigned int len)
{
	struct cpuid_leaf l;
	guest_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx, &l);
	r->rax = l.a; /* 32-bit results: the upper halves are cleared */
	r->rbx = l.b;
	r->rcx = l.c;
	r->rdx = l.d;
	return done(v, r, len);
}

enum emul_result emulate_guest_ud(struct vcpu *v, struct emul_regs *r, unsigned long *fault_va)
{
	switch (fetch_match(v, r->rip, cpuid_forced_insn, CPUID_FORCED_LEN, fault_va)) {
	case INSN_MATCH:
		return do_cpuid(v, r, CPUID_FORCED_LEN);
	case INSN_FAULT:
		return EMUL_PAGE_FAULT;
	default:
		return EMUL_NOT_OURS;
	}
}

static enum emul_result do_wrmsr(struct vcpu *v, struct emul_regs *r)
{
	static unsigned int warned; /* a guest may retry: say it a few times */
	uint64_t val = (uint32_t)r->rax | (uint64_t)(uint32_t)r->rdx << 32;

	if (!v->arch->kernel_mode || (uint32_t)r->rcx != CPUID_MSR_BASE || val % PAGE_SIZE ||
	    !matches(v, r->rip, wrmsr_insn, sizeof(wrmsr_insn)))
		return EMUL_NOT_OURS;
	if (hypercall_page_write(v->domain, val / PAGE_SIZE)) {
		if (warned < 8 && __atomic_fetch_add(&warned, 1, __ATOMIC_RELAXED) < 8)
			printk(LOG_WARN "d%u: hypercall-page wrmsr of %#lx refused: not its own "
					"writable RAM\n",
			       v->domain->id, (unsigned long)val);
		return EMUL_NOT_OURS;
	}
	return done(v, r, sizeof(wrmsr_insn));
}

static enum emul_result do_xsetbv(struct vcpu *v, struct emul_regs *r, uint64_t xcr0)
{
	uint64_t val = (uint32_t)r->rax | (uint64_t)(uint32_t)r->rdx << 32;

	if (!xcr0 || !v->arch->kernel_mode || (uint32_t)r->rcx != 0 || val != xcr0 ||
	    !matches(v, r->rip, xsetbv_insn, sizeof(xsetbv_insn)))
		return EMUL_NOT_OURS;
	return done(v, r, sizeof(xsetbv_insn));
}

enum emul_result emulate_guest_gp(struct vcpu *v, struct emul_regs *r, bool faulting, uint64_t xcr0)
{
	if (faulting && matches(v, r->rip, cpuid_plain_insn, sizeof(cpuid_plain_insn)))
		return do_cpuid(v, r, sizeof(cpuid_plain_insn));
	enum emul_result res = do_wrmsr(v, r);
	return res == EMUL_NOT_OURS ? do_xsetbv(v, r, xcr0) : res;
}
