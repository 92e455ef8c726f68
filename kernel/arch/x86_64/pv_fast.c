/*
 * The guest's own page fault and the iret hypercall, without the full
 * frame.
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
 *   - decides with shadow_gnp_at (shadow_gnp_fault's lock-free walk of the
 *     loaded shadow, from CR3: the tables the CPU just walked),
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
 * The handler returns by the iret hypercall.  Its return to guest kernel
 * mode is done in pv_entry.S's iret slot, in assembly; every other case
 * comes to pv_iret_fast here first, which reads the frame the same way
 * (seven loads through the guest's tables) and also returns to user mode
 * (the user root at once, the base reload as exit work).  Whatever it
 * cannot do, it leaves untouched to the full path.
 *
 * A running vCPU always has a vcpu_info (load_vcpu asserts it; the
 * SYSCALL exit reads it unchecked too).
 *
 * After the bounce the exit checks what syscall_entry's fast exit checks:
 * this CPU's reschedule request and a deliverable upcall (a bounce that
 * stays in kernel mode changes neither bases nor scheduling state; work
 * another CPU makes arrives with its kick).  Interrupts are off from the
 * fault to the IRETQ.
 */
#include <asm/cpu.h>
#include <asm/cr3.h>
#include <asm/guest_read.h>
#include <asm/pv_entry.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <hospes/bounce.h>
#include <hospes/guest_access.h>
#include <hospes/percpu.h>
#include <hospes/shadow.h>
#include <hospes/trace.h>
#include <public/xen.h>

/* asm/guest_read.h and pv_entry.S read struct iret_context by offset. */
BUILD_BUG_ON(offsetof(struct iret_context, r11) != 8);
BUILD_BUG_ON(offsetof(struct iret_context, rcx) != 16);
BUILD_BUG_ON(offsetof(struct iret_context, rip) != 32);
BUILD_BUG_ON(offsetof(struct iret_context, cs) != 40);
BUILD_BUG_ON(offsetof(struct iret_context, rflags) != 48);
BUILD_BUG_ON(offsetof(struct iret_context, rsp) != 56);
BUILD_BUG_ON(sizeof(struct iret_context) != 72);
/* pv_entry.S's iret slot: the storm count, the RFLAGS rules. */
BUILD_BUG_ON(offsetof(struct arch_vcpu, trap_repeats) != 0x116c);
BUILD_BUG_ON((PV_RFLAGS_DROP | PV_RFLAGS_IOPL) != 0x77100 || PV_RFLAGS_IF != 0x200);

/* The frame at the interrupted guest kernel stack, the handler entered. */
static bool bounce_pf_direct(struct vcpu *v, struct cpu_regs *r, uint32_t error, unsigned long cr2)
{
	struct arch_vcpu *av = v->arch;
	const struct pv_trap *t = &av->traps[TRAP_PF];
	uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask, old = READ_ONCE(*mask);
	uint64_t base = (r->rsp & ~15UL) - 8 * 8;
	unsigned int storm = pv_storm_next(av, TRAP_PF, r->rip);

	/* One byte more than the frame: the top, rsp & ~15, must be canonical
	 * and not wrap (bounce.c crashes the guest for both). */
	if (!t->address || storm >= PV_STORM_LIMIT || !arch_guest_va_ok(base, 8 * 8 + 1))
		return false;
	if (!arch_write_guest_frame8(base, r->rcx, r->r11, error, r->rip,
				     pv_frame_cs(r->cs, true, old), pv_frame_rflags(r->rflags, old),
				     r->rsp, r->ss))
		return false;
	pv_storm_set(av, TRAP_PF, r->rip, storm);
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

/*
 * The event upcall on the way back to a guest kernel (pv_return_to_guest:
 * after a domain switch, an interrupt, a hypercall with exit work), as
 * bounce.c bounces it from kernel mode: seven words below the 16-byte
 * aligned interrupted stack, stored from the register frame through the
 * tables in CR3 when guest_loaded_ok finds v's kernel root there (the
 * frame's top, one byte more, canonical and in the guest's half), then
 * events masked and the handler entered.  A store that faults changes
 * nothing else; the full path writes the frame again.  (tests/guest/entry
 * upcall_frame.c makes the stores fault on a stack page the shadow keeps
 * read-only or has not filled, and checks the guest sees the same frame.)
 */
bool pv_upcall_direct(struct vcpu *v, struct cpu_regs *r)
{
	struct arch_vcpu *av = v->arch;
	uint8_t *mask = &v->vcpu_info->evtchn_upcall_mask, old = READ_ONCE(*mask);
	uint64_t base = (r->rsp & ~15UL) - 7 * 8;

	if (!av->kernel_mode || !guest_loaded_ok(v, base, 7 * 8 + 1) ||
	    !arch_write_guest_frame7(base, r->rcx, r->r11, r->rip, pv_frame_cs(r->cs, true, old),
				     pv_frame_rflags(r->rflags, old), r->rsp, r->ss))
		return false;
	r->rip = av->callback[PV_CB_EVENT];
	r->cs = FLAT_KERNEL_CS;
	r->rflags = pv_kernel_rflags(r->rflags);
	r->rsp = base;
	r->ss = FLAT_KERNEL_SS;
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
 * A #PF from a guest with RSVD set, with rax, rcx, rdx, rsi, rdi and
 * r8-r11 saved in r (the other general registers are live, not in r).
 * PF_DONE: r's hardware part enters the guest's handler.
 */
unsigned int pv_page_fault_fast(struct cpu_regs *r)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	unsigned long cr2 = read_cr2(); /* before any store can fault */
	unsigned int gec;

	if (!v || !v->shadow || !v->arch->kernel_mode || trace_any() ||
	    !shadow_gnp_at(maddr_to_virt(read_cr3() & PTE_ADDR_MASK), cr2))
		return PF_FULL;
	gec = (unsigned int)r->error_code & (PFEC_W | PFEC_I); /* shadow_gnp_fault's, kernel mode */
	r->error_code = gec;
	if (unlikely(!bounce_pf_direct(v, r, pv_pf_error(gec, true), cr2))) {
		write_cr2(cr2); /* a faulting store replaced it; pv_trap reads it */
		shadow_note_gnp_fault(v);
		return PF_VERDICT;
	}
	shadow_note_gnp_fault(v); /* last: nothing is live across the call but v */
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

static inline bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* What pv_iret does once the frame c is read and checked, in kernel mode. */
static inline void iret_apply(struct vcpu *v, struct cpu_regs *r, const struct iret_context *c)
{
	WRITE_ONCE(v->vcpu_info->evtchn_upcall_mask, !(c->rflags & PV_RFLAGS_IF));
	v->arch->trap_repeats = 0; /* a handler finished: the guest makes progress */
	r->rax = c->rax;
	r->rcx = c->rcx;
	r->r11 = c->r11;
	r->rip = c->rip;
	r->cs = FLAT_KERNEL_CS;
	r->rflags = pv_kernel_rflags(c->rflags);
	r->rsp = c->rsp;
	r->ss = FLAT_KERNEL_SS;
}

/* An iret to guest user mode: its root (if it has one), then the frame;
 * the base reload is exit work.  Out of line: the common case calls
 * nothing. */
static __attribute__((noinline)) unsigned int iret_to_user(struct vcpu *v, struct cpu_regs *r,
							   struct iret_context c)
{
	if (gfn_eq(shadow_guest_root(v, true), INVALID_GFN))
		return PV_SYSCALL_NOT_RUN; /* the full path crashes the domain */
	cr3_load(pv_set_kernel_mode(v, false), CR3_MODE);
	iret_apply(v, r, &c);
	return PV_SYSCALL_RAN;
}

/*
 * The iret hypercall of a guest kernel when pv_hypercall_iret's own path
 * declined (syscall_entry has checked kernel mode and that no domain is
 * traced), with the frame read by seven loads through the guest's tables
 * at the rsp SYSCALL left, by bounce.c's pv_iret rules.  A bad address or a frame the loads
 * cannot read changes nothing and takes the full path (which crashes the
 * domain, or reads the frame by the software walk).
 */
unsigned int pv_iret_fast(struct cpu_regs *r)
{
	struct vcpu *v = this_cpu()->curr_vcpu;
	unsigned long sp = this_cpu()->syscall_rsp;
	struct iret_context c;

	if (!arch_guest_va_ok(sp, sizeof(c)) || !arch_read_guest_iret(sp, &c) ||
	    !canonical(c.rip) || !canonical(c.rsp))
		return PV_SYSCALL_NOT_RUN;
	if (unlikely((c.cs & 3) == 3))
		return iret_to_user(v, r, c);
	iret_apply(v, r, &c);
	return fast_exit_work(v) ? PV_SYSCALL_RAN : 0;
}
