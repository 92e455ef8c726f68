/*
 * vcpu_op: a guest manages its own vCPUs (bring-up, timers, runstate).
 *
 * VCPUOP_initialise reads only the parts of the 5 KiB vcpu_guest_context
 * we use (registers, virtual IDT, kernel stack, page-table roots,
 * callbacks, segment bases), straight from guest memory field by field, so
 * no large buffer sits on the hypervisor stack; every address is checked
 * canonical and the roots are validated by the shadow code before the vCPU
 * counts as initialised.
 *
 * VCPUOP_set_singleshot_timer with VCPU_SSHOTTMR_future and a deadline
 * already past gives -ETIME (Xen 4.17); without the flag it fires at once.
 *
 * Not implemented (-ENOSYS, see docs/hypercalls.md): send_nmi,
 * get_physid, the time-area and *_phys_area registrations.
 */
#include <hospes/fpu.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <hospes/sched.h>
#include <hospes/shadow.h>
#include <public/arch-x86_64.h>
#include <public/errno.h>
#include <public/vcpu.h>

#define CTX(field) offsetof(struct vcpu_guest_context, field)
#define PERIOD_MIN 1000000ULL	/* 1 ms */
#define PERIOD_MAX (1ULL << 62) /* the largest delta the timer code takes */

static bool canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

static long ctx_read(struct vcpu *v, unsigned long ctx, size_t off, void *dst, size_t len)
{
	return copy_from_guest_vcpu(v, dst, ctx + off, len) ? -XEN_EFAULT : 0;
}

/* Read the virtual IDT of the context into target's trap table. */
static long ctx_traps(struct vcpu *v, struct vcpu *target, unsigned long ctx)
{
	for (unsigned int i = 0; i < PV_NR_TRAPS; i++) {
		struct trap_info ti;
		if (ctx_read(v, ctx, CTX(trap_ctxt) + i * sizeof(ti), &ti, sizeof(ti)))
			return -XEN_EFAULT;
		if (ti.address && !canonical(ti.address))
			return -XEN_EINVAL;
		target->arch->traps[i] = (struct pv_trap){
			.address = ti.address, .cs = (uint16_t)(ti.cs | 3), .flags = ti.flags};
	}
	return 0;
}

struct ctx_words {
	unsigned long flags, kernel_ss, kernel_sp, cr1, cr3;
	unsigned long cb[3], fs, gsk, gsu;
};

static long ctx_scalars(struct vcpu *v, unsigned long ctx, struct ctx_words *w)
{
	long rc = ctx_read(v, ctx, CTX(flags), &w->flags, 8) ?:
		  ctx_read(v, ctx, CTX(kernel_ss), &w->kernel_ss, 8) ?:
		  ctx_read(v, ctx, CTX(kernel_sp), &w->kernel_sp, 8) ?:
		  ctx_read(v, ctx, CTX(ctrlreg[1]), &w->cr1, 8) ?:
		  ctx_read(v, ctx, CTX(ctrlreg[3]), &w->cr3, 8) ?:
		  ctx_read(v, ctx, CTX(event_callback_eip), w->cb, 24) ?:
		  ctx_read(v, ctx, CTX(fs_base), &w->fs, 8) ?:
		  ctx_read(v, ctx, CTX(gs_base_kernel), &w->gsk, 8) ?:
		  ctx_read(v, ctx, CTX(gs_base_user), &w->gsu, 8);
	if (rc)
		return rc;
	if (!canonical(w->kernel_sp) || !canonical(w->cb[0]) || !canonical(w->cb[1]) ||
	    !canonical(w->cb[2]) || !canonical(w->fs) || !canonical(w->gsk) || !canonical(w->gsu))
		return -XEN_EINVAL;
	return 0;
}

static long op_initialise(struct vcpu *v, struct vcpu *target, unsigned long ctx)
{
	struct arch_vcpu *av = target->arch;
	struct cpu_user_regs regs;
	struct ctx_words w;
	if (av->initialised)
		return -XEN_EEXIST;
	long rc = ctx_read(v, ctx, CTX(user_regs), &regs, sizeof(regs)) ?: ctx_scalars(v, ctx, &w);
	if (rc)
		return rc;
	if (!canonical(regs.rip) || !canonical(regs.rsp))
		return -XEN_EINVAL;
	if (w.flags & VGCF_i387_valid) {
		if (ctx_read(v, ctx, CTX(fpu_ctxt), av->fpu, 512))
			return -XEN_EFAULT;
		fpu_state_init(av, true);
	} else {
		fpu_state_init(av, false);
	}
	rc = ctx_traps(v, target, ctx);
	if (!rc)
		rc = shadow_set_roots(target, _gfn(w.cr3 >> PAGE_SHIFT),
				      w.cr1 ? _gfn(w.cr1 >> PAGE_SHIFT) : INVALID_GFN);
	if (rc)
		return rc;
	regs.cs = FLAT_KERNEL_CS;
	regs.ss = FLAT_KERNEL_SS;
	regs.rflags = (regs.rflags & 0xcd5UL) | 0x202UL; /* arithmetic flags; IF and bit 1 set */
	av->regs = regs;
	av->kernel_ss = w.kernel_ss | 3;
	av->kernel_sp = w.kernel_sp;
	av->callback[PV_CB_EVENT] = w.cb[0];
	av->callback[PV_CB_FAILSAFE] = w.cb[1];
	av->callback[PV_CB_SYSCALL] = w.cb[2];
	av->fs_base = w.fs;
	av->gs_base_kernel = w.gsk;
	av->gs_base_user = w.gsu;
	av->bases_dirty = true;
	av->kernel_mode = true;
	av->initialised = true;
	return 0;
}

static long op_runstate(struct vcpu *v, struct vcpu *target, unsigned long arg)
{
	struct vcpu_runstate_info r;
	vcpu_runstate(target, &r);
	return copy_to_guest_vcpu(v, arg, &r, sizeof(r)) ? -XEN_EFAULT : 0;
}

/* Xen checks only that the area lies in guest space, then writes it at
 * once (a failing write is ignored, as later ones are); 0 unregisters. */
static long op_runstate_area(struct vcpu *v, struct vcpu *target, unsigned long arg)
{
	struct vcpu_register_runstate_memory_area area;
	if (copy_from_guest_vcpu(v, &area, arg, sizeof(area)))
		return -XEN_EFAULT;
	unsigned long va = area.addr.p, end = va + sizeof(struct vcpu_runstate_info);
	if (va && (!canonical(va) || !canonical(end - 1) || end < va ||
		   (end > HYPERVISOR_VIRT_START && va < HYPERVISOR_VIRT_END)))
		return -XEN_EFAULT;
	target->arch->runstate_va = va;
	vcpu_update_runstate_area(target, false);
	return 0;
}

static long op_timer(struct vcpu *v, struct vcpu *target, int cmd, unsigned long arg)
{
	switch (cmd) {
	case VCPUOP_set_periodic_timer: {
		struct vcpu_set_periodic_timer t;
		if (copy_from_guest_vcpu(v, &t, arg, sizeof(t)))
			return -XEN_EFAULT;
		if (t.period_ns < PERIOD_MIN || t.period_ns > PERIOD_MAX)
			return -XEN_EINVAL;
		vcpu_set_periodic_timer(target, t.period_ns);
		return 0;
	}
	case VCPUOP_stop_periodic_timer:
		vcpu_set_periodic_timer(target, 0);
		return 0;
	case VCPUOP_set_singleshot_timer: {
		struct vcpu_set_singleshot_timer t;
		if (target != v)
			return -XEN_EINVAL;
		if (copy_from_guest_vcpu(v, &t, arg, sizeof(t)))
			return -XEN_EFAULT;
		/* Xen 4.17: a deadline already past is refused when the guest asks. */
		if ((t.flags & VCPU_SSHOTTMR_future) && t.timeout_abs_ns < pv_system_time())
			return -XEN_ETIME;
		vcpu_set_singleshot_timer(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
		return 0;
	}
	default: /* VCPUOP_stop_singleshot_timer */
		if (target != v)
			return -XEN_EINVAL;
		vcpu_set_singleshot_timer(v, 0);
		return 0;
	}
}

long do_vcpu_op(HYPERCALL_ARGS)
{
	int cmd = (int)a1;
	unsigned int id = (unsigned int)a2;
	struct domain *d = v->domain;
	if (id >= d->max_vcpus || id >= HOSPES_MAX_VCPUS || !d->vcpu[id])
		return -XEN_ENOENT;
	struct vcpu *target = d->vcpu[id];
	switch (cmd) {
	case VCPUOP_initialise:
		return op_initialise(v, target, a3);
	case VCPUOP_up:
		return vcpu_up(target);
	case VCPUOP_down:
		vcpu_down(target);
		return 0;
	case VCPUOP_is_up:
		return target->online;
	case VCPUOP_get_runstate_info:
		return op_runstate(v, target, a3);
	case VCPUOP_register_runstate_memory_area:
		return op_runstate_area(v, target, a3);
	case VCPUOP_register_vcpu_info: {
		struct vcpu_register_vcpu_info info;
		if (copy_from_guest_vcpu(v, &info, a3, sizeof(info)))
			return -XEN_EFAULT;
		return vcpu_register_info(target, info.mfn, info.offset, target == v);
	}
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
		return op_timer(v, target, cmd, a3);
	default:
		return -XEN_ENOSYS;
	}
}

/*
 * domctl setvcpucontext (kernel/hypercall/domctl.c): the toolstack replaces
 * the context of a vCPU of a paused domain; VGCF_online brings it up.
 */
long pv_vcpu_set_context(struct vcpu *v, struct vcpu *target, unsigned long ctx)
{
	unsigned long flags;
	long rc = ctx_read(v, ctx, CTX(flags), &flags, sizeof(flags));

	if (rc)
		return rc;
	target->arch->initialised = false;
	target->online = false;
	rc = op_initialise(v, target, ctx);
	if (!rc)
		target->online = !!(flags & VGCF_online);
	return rc;
}
