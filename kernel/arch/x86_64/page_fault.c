/*
 * The page-fault hook (do_page_fault, called first by do_trap for #PF) and
 * the boot-time set-up of memory virtualization (arch_mm_init).
 *
 * A fault taken in a guest (ring 3) goes to the shadow engine with CR2 and
 * the CPU's error code.  A hidden fault is fixed and the guest resumes.  A
 * fault that is the guest's own is handed on: the hook rewrites the saved
 * error code to what the guest's tables explain (P, W, U in guest user
 * mode only, RSVD, I) and declines, so do_trap passes it to pv_trap()
 * (engineer F), which bounces vector 14 with that code and CR2 (still in
 * the register: the shadow code itself never faults).  dom0's kernel
 * stores to read-only ECAM are emulated instead (ecam.c).  A traced domain's
 * hidden faults are recorded here (hospes/trace.h; without a cost: timing
 * them would cost every fault), the bounced ones by pv_trap.  If the machine has
 * no frame left even for a shadow, the domain is crashed (logged) and the
 * fault goes the same way to pv_trap, whose return path stops it.
 *
 * The hypervisor reaches guest memory by software walks
 * (kernel/mm/guest_access.c), except the direct moves of one-page copies
 * and read_guest_u32 (asm/guest_read.h), in the exception-fixup table: a ring-0
 * fault on a guest address is that move's (do_trap resumes at its fixup)
 * or a bug (do_trap panics).  The hook declines both.
 */
#include <asm/cpu.h>
#include <asm/page.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <hospes/bounce.h>
#include <hospes/frame.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/mm.h>
#include <hospes/printk.h>
#include <hospes/shadow.h>
#include <hospes/trace.h>

bool do_page_fault(struct cpu_regs *regs, unsigned long cr2)
{
	struct vcpu *v = current_vcpu();
	struct shadow_fault_verdict vd;

	if (!guest_mode(regs) || !v || !v->shadow)
		return false;
	shadow_page_fault(v, cr2, (unsigned int)regs->error_code, &vd);
	if (vd.kind == SHADOW_FIXED) {
		if (trace_wanted(v->domain, HOSPES_TRACE_HYPERCALLS))
			trace_trap_rec(v, TRAP_PF, regs->error_code, cr2, regs->rip,
				       HOSPES_TRAP_FIXED, 0);
		return true;
	}
	if (vd.kind == SHADOW_NOMEM) {
		domain_crash(v, regs->rip, "the machine has no frame left for its shadow tables");
		return false;
	}
	if (unlikely(v->domain->is_privileged) && pv_ecam_store(regs, cr2, vd.ec))
		return true; /* dom0's store to read-only ECAM, emulated (ecam.c) */
	regs->error_code = vd.ec;
	return false;
}

/*
 * Every #PF enters here (entry.S).  A guest's fault on a "guest not
 * present" shadow entry (the CPU reports RSVD; kernel/mm/shadow/fault.c)
 * is the guest's own without a walk: it goes straight to pv_trap with the
 * error code the guest's tables explain.  Any other fault in a guest goes
 * to do_page_fault and, if that declines, to pv_trap (what do_trap would
 * do, without its dispatch); a fault in the hypervisor takes do_trap.
 */
void do_page_fault_entry(struct cpu_regs *regs)
{
	struct vcpu *v = current_vcpu();
	unsigned long cr2;
	unsigned int gec;

	if (unlikely(!guest_mode(regs) || !v || !v->shadow)) {
		do_trap(regs);
		return;
	}
	cr2 = read_cr2();
	if ((regs->error_code & PFEC_RSVD) &&
	    shadow_gnp_fault(v, cr2, (unsigned int)regs->error_code, &gec))
		regs->error_code = gec;
	else if (do_page_fault(regs, cr2))
		return;
	pv_trap(regs); /* as do_trap would: the guest's own fault */
}

/* MAXPHYADDR (CPUID 0x80000008 EAX[7:0]; 36 when the leaf is missing). */
static unsigned int cpu_phys_bits(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a < 0x80000008)
		return 36;
	cpuid(0x80000008, &a, &b, &c, &d);
	return a & 0xff;
}

/* After paging_init: the frame table, and the hypervisor slots every shadow root copies. */
void arch_mm_init(void)
{
	if (frame_table_init(frame_span()))
		panic("mm: no memory for the frame table");
	shadow_set_hypervisor_l4(hypervisor_pml4());
	shadow_set_phys_bits(cpu_phys_bits());
}
