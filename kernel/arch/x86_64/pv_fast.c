/*
 * The guest's own page fault, bounced without the full frame.
 *
 * A PV guest kernel that touches a page it has unmapped takes the most
 * frequent exception round trip there is: #PF, bounce to its handler,
 * iret hypercall.  When the fault hit a "guest not present" shadow entry
 * (the CPU says RSVD; kernel/mm/shadow/fault.c) the fault is the guest's
 * own without a walk of its tables, and when the vCPU is in guest kernel
 * mode the bounce needs no mode switch: the frame goes on the interrupted
 * stack, which is mapped by the tables already in CR3.  For that case
 * page_fault_entry (entry.S) saves only the registers C may clobber and
 * calls pv_page_fault_fast, which
 *   - decides with shadow_gnp_fault (a lock-free walk of the loaded shadow),
 *   - writes Xen's bounce frame (bounce.c's rules, from hospes/bounce.h)
 *     with eight stores through the guest's own mapping, each listed in the
 *     exception-fixup table (asm/guest_read.h), instead of translating the
 *     stack address in software,
 *   - and rewrites the hardware frame to enter the handler.
 * Nothing of the vCPU's state changes before the frame is written, so a
 * store that faults (a stack page the shadow has not filled, or keeps
 * read-only) leaves the decision to the full path, pv_trap, which writes
 * the frame again by the software walk or crashes the domain exactly as
 * before.  Every other case (guest user mode, a traced domain, no
 * handler, a storm at its limit, a stack in the hypervisor's range, any
 * other fault) takes the full path from the start.
 *
 * After the bounce the exit checks what syscall_entry's fast exit checks:
 * this CPU's reschedule request and a deliverable upcall (a bounce that
 * stays in kernel mode changes neither bases nor scheduling state; work
 * another CPU makes arrives with its kick).  Interrupts are off from the
 * fault to the IRETQ.
 */
#include <asm/cpu.h>
#include <asm/guest_read.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <hospes/bounce.h>
#include <hospes/percpu.h>
#include <hospes/shadow.h>
#include <hospes/trace.h>
#include <public/xen.h>

/* What pv_page_fault_fast leaves to page_fault_entry (entry.S passes it on). */
enum {
	PF_DONE = 0,	/* bounced: resume the guest from the frame */
	PF_FULL = 1,	/* not taken: do_page_fault_entry */
	PF_VERDICT = 2, /* the guest's own, error code rewritten: pv_trap bounces */
	PF_EXIT = 3,	/* bounced, exit work pending */
};

unsigned int pv_page_fault_fast(struct cpu_regs *r);
void pv_page_fault_more(struct cpu_regs *r, unsigned int why);

/* The frame at the interrupted guest kernel stack, the handler entered. */
static bool bounce_pf_direct(struct vcpu *v, struct cpu_regs *r, uint32_t error, unsigned long cr2)
{
	struct arch_vcpu *av = v->arch;
	const struct pv_trap *t = &av->traps[TRAP_PF];
	uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask, old = READ_ONCE(*mask);
	uint64_t base = (r->rsp & ~15UL) - 8 * 8;

	if (!t->address || pv_storm_at_limit(av, TRAP_PF, r->rip) || !arch_guest_va_ok(base, 8 * 8))
		return false;
	if (!arch_write_guest_frame8(base, r->rcx, r->r11, error, r->rip,
				     pv_frame_cs(r->cs, true, old), pv_frame_rflags(r->rflags, old),
				     r->rsp, r->ss))
		return false;
	pv_storm_count(av, TRAP_PF, r->rip);
	v->vcpu_info->arch.cr2 = cr2;
	r->rip = t->address;
	r->cs = FLAT_KERNEL_CS;
	r->rflags = pv_kernel_rflags(r->rflags);
	r->rsp = base;
	r->ss = FLAT_KERNEL_SS;
	if (t->flags & 4)
		WRITE_ONCE(*mask, 1);
	return true;
}

/* syscall_entry's exit check: a reschedule request, a deliverable upcall. */
static inline bool fast_exit_work(const struct vcpu *v)
{
	const struct vcpu_info *vi = v->vcpu_info;
	return READ_ONCE(*this_cpu()->resched) ||
	       (READ_ONCE(vi->evtchn_upcall_pending) && !READ_ONCE(vi->evtchn_upcall_mask));
}

/*
 * A #PF from a guest with RSVD set, with rax, rcx, rdx, rsi, rdi and r8-r11 saved in r
 * (the other general registers are live, not in r).  PF_DONE: r's
 * hardware part enters the guest's handler.
 */
unsigned int pv_page_fault_fast(struct cpu_regs *r)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	unsigned long cr2 = read_cr2(); /* before any store can fault */
	unsigned int gec;

	if (!v || !v->shadow || !v->vcpu_info || !v->arch->kernel_mode || trace_any())
		return PF_FULL;
	if (!shadow_gnp_fault(v, cr2, (unsigned int)r->error_code, &gec))
		return PF_FULL;
	r->error_code = gec;
	if (unlikely(!bounce_pf_direct(v, r, pv_pf_error(gec, true), cr2))) {
		write_cr2(cr2); /* a faulting store replaced it; pv_trap reads it */
		return PF_VERDICT;
	}
	return fast_exit_work(v) ? PF_EXIT : PF_DONE;
}

/* The rest, with the whole frame saved (page_fault_entry). */
void pv_page_fault_more(struct cpu_regs *r, unsigned int why)
{
	if (why == PF_FULL)
		do_page_fault_entry(r);
	else if (why == PF_VERDICT)
		pv_trap(r);
	else
		pv_irq_exit(r); /* the exit work: a pick, an upcall */
}
