/*
 * Arch glue of dom0's emulated ECAM stores (ideas in hospes/ecam_emul.h):
 * the #PF hook.  A write fault of dom0's kernel that its own tables
 * explain (present, read-only) and that lands on read-only device memory
 * (p2m_mmio_readonly: the ECAM windows) is offered to ecam_emulate()
 * before it is bounced: the instruction bytes are fetched fault-safe at
 * rip (fetch_guest_insn: one copy per page, so an instruction ending just
 * before an unmapped page still decodes), the registers and RFLAGS handed
 * over, and rip stepped past the store and the flags an or/and/xor sets
 * written back if it was done.  Anything else declines, and
 * the fault is dom0's as before.
 */
#include <asm/regs.h>
#include <asm/traps.h>
#include <hospes/ecam_emul.h>
#include <hospes/guest_access.h>
#include <hospes/p2m.h>
#include <hospes/pv.h>
#include <hospes/shadow.h>

/* The guest's registers in ModRM's numbering (rax, rcx, rdx, rbx, rsp, ...). */
static void regs_in_x86_order(const struct cpu_regs *r, uint64_t g[16])
{
	const uint64_t order[16] = {r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
				    r->r8,  r->r9,  r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};
	for (unsigned int i = 0; i < 16; i++)
		g[i] = order[i];
}

bool pv_ecam_store(struct cpu_regs *regs, unsigned long cr2, unsigned int gec)
{
	struct vcpu *v = current_vcpu();
	uint8_t insn[MMIO_INSN_MAX];
	unsigned int n, len;
	uint64_t gpr[16], rflags = regs->rflags;
	gfn_t gfn;

	if ((gec & (PFEC_P | PFEC_W | PFEC_U)) != (PFEC_P | PFEC_W) || !v ||
	    !v->domain->is_privileged || !v->arch->kernel_mode)
		return false;
	if (shadow_guest_gfn(v, cr2, &gfn))
		return false;
	struct p2m_lookup lk = p2m_lookup(v->domain, gfn);
	if (lk.type != P2M_MMIO || lk.writable)
		return false;
	n = fetch_guest_insn(v, regs->rip, insn, sizeof(insn));
	regs_in_x86_order(regs, gpr);
	if (ecam_emulate(insn, n, mfn_to_paddr(lk.mfn) + (cr2 & (PAGE_SIZE - 1)), gpr, &rflags,
			 &len))
		return false;
	regs->rip += len;
	regs->rflags = rflags;
	return true;
}
