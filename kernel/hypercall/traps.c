/*
 * The PV CPU-state hypercalls: how a guest kernel describes its virtual
 * CPU to us.  set_trap_table (virtual IDT), set_callbacks / callback_op
 * (event, failsafe, syscall, NMI entry points), stack_switch (the kernel
 * stack exceptions are bounced onto), fpu_taskswitch (virtual CR0.TS),
 * set_segment_base (FS/GS bases), set/get_debugreg, vm_assist.
 *
 * Every address a guest gives us here is later loaded into RIP or RSP in
 * ring 3, so it must be canonical: a non-canonical one is refused with
 * -EINVAL now rather than faulting later.  Code selectors get RPL 3 (the
 * guest kernel runs in ring 3); a null one becomes the flat kernel CS.
 */
#include <hospes/fpu.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <public/arch-x86_64.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/xen.h>

static bool canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

static uint16_t fix_cs(uint16_t cs)
{
	return cs ? (uint16_t)(cs | 3) : FLAT_KERNEL_CS;
}

long do_set_trap_table(HYPERCALL_ARGS)
{
	struct arch_vcpu *av = v->arch;
	unsigned long list = a1;
	if (!list) {
		memset(av->traps, 0, sizeof(av->traps));
		return 0;
	}
	for (unsigned int i = 0; i < PV_NR_TRAPS + 1; i++) {
		struct trap_info ti;
		if (copy_from_guest_vcpu(v, &ti, list + i * sizeof(ti), sizeof(ti)))
			return -XEN_EFAULT;
		if (ti.address == 0)
			return 0; /* the terminator */
		if (!canonical(ti.address))
			return -XEN_EINVAL;
		struct pv_trap *t = &av->traps[ti.vector];
		t->address = ti.address;
		t->cs = fix_cs(ti.cs);
		t->flags = ti.flags;
	}
	return -XEN_EINVAL; /* more entries than vectors: no terminator */
}

static long register_callback(struct vcpu *v, unsigned int type, unsigned long addr,
			      unsigned int flags)
{
	static const int slot[] = {
		[CALLBACKTYPE_event] = PV_CB_EVENT,	[CALLBACKTYPE_failsafe] = PV_CB_FAILSAFE,
		[CALLBACKTYPE_syscall] = PV_CB_SYSCALL, [CALLBACKTYPE_sysenter] = PV_CB_SYSENTER,
		[CALLBACKTYPE_nmi] = PV_CB_NMI,		[CALLBACKTYPE_syscall32] = PV_CB_SYSCALL32,
	};
	if (type >= ARRAY_SIZE(slot) || (type != CALLBACKTYPE_event && slot[type] == 0))
		return -XEN_ENOSYS;
	if (!canonical(addr))
		return -XEN_EINVAL;
	struct arch_vcpu *av = v->arch;
	int s = slot[type];
	av->callback[s] = addr;
	if (flags & CALLBACKF_mask_events)
		av->callback_masks |= 1U << s;
	else
		av->callback_masks &= ~(1U << s);
	return 0;
}

long do_set_callbacks(HYPERCALL_ARGS)
{
	if (!canonical(a1) || !canonical(a2) || !canonical(a3))
		return -XEN_EINVAL;
	register_callback(v, CALLBACKTYPE_event, a1, 0);
	register_callback(v, CALLBACKTYPE_failsafe, a2, 0);
	register_callback(v, CALLBACKTYPE_syscall, a3, CALLBACKF_mask_events);
	return 0;
}

long do_callback_op(HYPERCALL_ARGS)
{
	switch ((int)a1) {
	case CALLBACKOP_register: {
		struct callback_register r;
		if (copy_from_guest_vcpu(v, &r, a2, sizeof(r)))
			return -XEN_EFAULT;
		return register_callback(v, r.type, r.address, r.flags);
	}
	case CALLBACKOP_unregister: {
		struct callback_unregister u;
		if (copy_from_guest_vcpu(v, &u, a2, sizeof(u)))
			return -XEN_EFAULT;
		if (u.type == CALLBACKTYPE_nmi) {
			v->arch->callback[PV_CB_NMI] = 0;
			return 0;
		}
		/* the other entry points cannot be taken away (as in Xen) */
		bool known = u.type == CALLBACKTYPE_event || u.type == CALLBACKTYPE_failsafe ||
			     u.type == CALLBACKTYPE_syscall || u.type == CALLBACKTYPE_sysenter ||
			     u.type == CALLBACKTYPE_syscall32;
		return known ? -XEN_EINVAL : -XEN_ENOSYS;
	}
	default:
		return -XEN_ENOSYS;
	}
}

long do_stack_switch(HYPERCALL_ARGS)
{
	if (!canonical(a2))
		return -XEN_EINVAL;
	v->arch->kernel_ss = a1 | 3;
	v->arch->kernel_sp = a2;
	return 0;
}

long do_fpu_taskswitch(HYPERCALL_ARGS)
{
	fpu_set_guest_ts(v, a1 != 0);
	return 0;
}

long do_set_segment_base(HYPERCALL_ARGS)
{
	struct arch_vcpu *av = v->arch;
	unsigned long base = a2;
	unsigned int which = (unsigned int)a1; /* Xen's unsigned int which */
	switch (which) {
	case SEGBASE_FS:
	case SEGBASE_GS_USER:
	case SEGBASE_GS_KERNEL:
		if (!canonical(base))
			return -XEN_EINVAL;
		if (which == SEGBASE_FS)
			av->fs_base = base;
		else if (which == SEGBASE_GS_USER)
			av->gs_base_user = base;
		else
			av->gs_base_kernel = base;
		break;
	case SEGBASE_GS_USER_SEL:
		/* Only null and the flat selectors exist for us: their base is 0. */
		if ((base & ~3UL) != 0 && (base | 3) != FLAT_RING3_DS32 &&
		    (base | 3) != FLAT_RING3_CS64 && (base | 3) != FLAT_RING3_CS32)
			return -XEN_EINVAL;
		av->gs_base_user = 0;
		break;
	default:
		return -XEN_EINVAL;
	}
	av->bases_dirty = true;
	return 0;
}

#define DR7_RESERVED_ZERO 0xffffffff0000d800UL /* bits 11, 12, 14, 15 (GD 13 refused too) */
#define DR6_RESERVED_ZERO 0xffffffff00000000UL

/*
 * The register number is Xen's `int reg`: the low 32 bits of the argument
 * choose, and the same truncated number indexes (never the raw argument,
 * which would let a guest write past debugreg[]).
 */
long do_set_debugreg(HYPERCALL_ARGS)
{
	unsigned long value = a2;
	int reg = (int)a1;
	switch (reg) {
	case 0 ... 3:
		if (!canonical(value) ||
		    (value >= HYPERVISOR_VIRT_START && value < HYPERVISOR_VIRT_END))
			return -XEN_EPERM;
		break;
	case 6:
		if (value & DR6_RESERVED_ZERO)
			return -XEN_EPERM;
		value |= 0xffff0ff0UL; /* the bits that read as one */
		break;
	case 7:
		if (value & (DR7_RESERVED_ZERO | (1UL << 13)))
			return -XEN_EPERM;
		value |= 0x400UL;
		break;
	default:
		return -XEN_EINVAL;
	}
	v->arch->debugreg[reg] = value;
	v->arch->debugregs_dirty = true;
	return 0;
}

long do_get_debugreg(HYPERCALL_ARGS)
{
	int reg = (int)a1;
	switch (reg) {
	case 0 ... 3:
	case 6:
	case 7:
		return (long)v->arch->debugreg[reg];
	default:
		return -XEN_EINVAL;
	}
}

#define VM_ASSIST_VALID                                                                            \
	((1UL << VMASST_TYPE_4gb_segments) | (1UL << VMASST_TYPE_4gb_segments_notify) |            \
	 (1UL << VMASST_TYPE_writable_pagetables) | (1UL << VMASST_TYPE_pae_extended_cr3) |        \
	 (1UL << VMASST_TYPE_architectural_iopl) | (1UL << VMASST_TYPE_runstate_update_flag) |     \
	 (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(HYPERCALL_ARGS)
{
	unsigned int cmd = (unsigned int)a1, type = (unsigned int)a2;
	if (cmd != VMASST_CMD_enable && cmd != VMASST_CMD_disable)
		return -XEN_ENOSYS;
	if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
		return -XEN_EINVAL;
	struct pv_domain *pd = pv_dom(v->domain);
	unsigned long flags = spin_lock_irqsave(&v->domain->lock);
	if (cmd == VMASST_CMD_enable)
		pd->vm_assist |= 1UL << type;
	else
		pd->vm_assist &= ~(1UL << type);
	spin_unlock_irqrestore(&v->domain->lock, flags);
	return 0;
}
