/*
 * The guest's CPUID view (kernel/domain/cpuid_policy.c) and the decoding
 * of the instructions that ask for it (kernel/domain/cpuid_emul.c).
 *
 * A PV guest runs in ring 3 on the real CPU, so a plain `cpuid` shows it
 * the host unless the CPU can fault it (CPUID faulting).  Xen gives PV
 * guests a filtered view: features a ring-3 guest cannot use or Xen does
 * not offer to PV guests are hidden, the hypervisor bit is set, topology is
 * one thread per vCPU, and the Xen leaves at 0x40000000 say who we are.
 * The guest reaches that view through the forced-emulation prefix (#UD),
 * and through plain `cpuid` where the CPU faults it (#GP).
 *
 * The emulations (cpuid_emul.c) are core code too, tested on the host on
 * a copy of the registers; only the trap-frame glue is arch code.
 *
 * The policy is a pure function of the host's raw leaves (a callback, so
 * host tests can play any CPU), a few host facts (the XCR0 guests run
 * with, CR4.OSXSAVE, the time scale) and the guest (privileged or not, its
 * vCPU id).  Nothing is cached, so there are no locks.
 */
#ifndef HOSPES_CPUID_H
#define HOSPES_CPUID_H

#include <hospes/domain.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpuid_leaf {
	uint32_t a, b, c, d;
};

/* The CPU's own answer for leaf/subleaf (the cpuid instruction in ring 0). */
typedef void (*cpuid_raw_fn)(uint32_t leaf, uint32_t sub, struct cpuid_leaf *out);

struct cpuid_host {
	cpuid_raw_fn raw;
	uint64_t xcr0;	      /* XCR0 every guest runs with; 0 = no XSAVE (FXSAVE only) */
	bool osxsave;	      /* CR4.OSXSAVE is on: XGETBV works for guests */
	bool fsgsbase;	      /* CR4.FSGSBASE is on: RD/WR{FS,GS}BASE work in ring 3 */
	bool hypercall_msr;   /* a wrmsr to the Xen MSR base writes the hypercall page */
	uint32_t xen_version; /* major << 16 | minor (xen_version) */
	uint32_t tsc_khz;     /* the TSC's frequency */
	uint32_t tsc_mul;     /* vcpu_time_info's tsc_to_system_mul ... */
	int8_t tsc_shift;     /* ... and tsc_shift */
};

struct cpuid_guest {
	bool privileged; /* the driver domain (dom0): also sees the APIC bit */
	unsigned int vcpu_id;
};

#define CPUID_BASIC_LAST 0xdU	     /* the guest's highest basic leaf (at most) */
#define CPUID_EXT_LAST	 0x80000008U /* and extended leaf */
#define CPUID_XEN_LAST	 0x40000003U /* the Xen leaves we fill (4 is HVM-only) */
#define CPUID_MSR_BASE	 0x40000000U /* the Xen MSRs: base + 0 = hypercall page */

/* The guest's view of leaf/subleaf: zeros for leaves it does not have. */
void cpuid_policy(const struct cpuid_host *h, const struct cpuid_guest *g, uint32_t leaf,
		  uint32_t sub, struct cpuid_leaf *out);

/* Matching the instruction at a guest #UD (the forced prefix: ud2 "xen"
 * cpuid) or #GP (plain cpuid under CPUID faulting, wrmsr of the hypercall
 * page) against the bytes it must be.  The bytes come from
 * fetch_guest_insn (hospes/guest_access.h): one copy per page, ending at
 * the first unreadable byte. */
enum insn_match {
	INSN_OTHER, /* a byte differs: not ours, the exception goes to the guest */
	INSN_MATCH, /* all n bytes are there: step over them */
	INSN_FAULT, /* the bytes matched so far, then *fault_va could not be read */
};

#define CPUID_FORCED_LEN 7
extern const uint8_t cpuid_forced_insn[CPUID_FORCED_LEN]; /* 0f 0b 78 65 6e 0f a2 */
extern const uint8_t cpuid_plain_insn[2];		  /* 0f a2 */
extern const uint8_t wrmsr_insn[2];			  /* 0f 30 */

/* got holds the have bytes readable at rip (have < n: the byte at rip +
 * have cannot be read).  A byte that differs before that ends the match
 * (INSN_OTHER: the guest's own exception, as the CPU would raise it for
 * whatever instruction is there); otherwise a short read is INSN_FAULT at
 * rip + have. */
enum insn_match insn_match(const uint8_t *got, unsigned int have, unsigned long rip,
			   const uint8_t *want, unsigned int n, unsigned long *fault_va);

/* The emulations themselves (cpuid_emul.c), on a copy of the guest's
 * registers taken from the trap frame; the caller writes it back for
 * every result but EMUL_NOT_OURS. */
struct emul_regs {
	uint64_t rax, rbx, rcx, rdx, rip, rflags;
};

enum emul_result {
	EMUL_NOT_OURS,	 /* bounce the exception as it is, registers untouched */
	EMUL_DONE,	 /* carried out: back to the guest */
	EMUL_DONE_STEP,	 /* carried out under RFLAGS.TF: then the guest's #DB (DR6.BS set) */
	EMUL_PAGE_FAULT, /* the guest's own #PF (a read) at *fault_va instead */
};

/* A guest #UD: Xen's forced-emulation prefix, from guest kernel or user mode. */
enum emul_result emulate_guest_ud(struct vcpu *v, struct emul_regs *r, unsigned long *fault_va);
/* A guest #GP(0): plain cpuid when the CPU faults it (faulting), the
 * guest kernel's wrmsr of gfn << 12 to the Xen MSR base (hypercall page),
 * and its xsetbv of XCR0 to the value every guest runs with (xcr0; the
 * only one: the view offers no other). */
enum emul_result emulate_guest_gp(struct vcpu *v, struct emul_regs *r, bool faulting,
				  uint64_t xcr0);

/* kernel/arch/x86_64/cpuid.c: the host facts, read once on the boot CPU
 * after the FPU set-up (XCR0, CR4.OSXSAVE) and the TSC calibration; CPUID
 * faulting turned on in each CPU that runs vCPUs, where the CPU has it. */
void cpuid_init_boot(void);
void cpuid_init_cpu(void);
/* What vCPU v sees for leaf/subleaf. */
void guest_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, struct cpuid_leaf *out);

#endif
