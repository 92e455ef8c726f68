/*
 * Bounce frames: how exceptions, event upcalls and user syscalls reach a
 * PV guest kernel, and how the iret hypercall comes back (fact sheet 5.3,
 * 2.4, 5.8).
 *
 * A bounce from guest user mode first switches the vCPU to guest kernel
 * mode (kernel root table, kernel stack from stack_switch); from kernel
 * mode it uses the interrupted stack.  The frame written below the 16-byte
 * aligned top is, upward: RCX, R11, [error code], RIP, CS (RPL 0 for kernel
 * context, old upcall mask in bits 32-39), RFLAGS (IF = !old mask), RSP,
 * SS.  The handler then runs with rsp at the RCX slot.
 *
 * Every guest memory access goes through the vCPU's current root: a
 * frame bounced from guest kernel mode (an event upcall, an exception in
 * the kernel) is stored by a move through the loaded tables when the
 * running vCPU's kernel root is in CR3 (guest_loaded_ok, no walk);
 * otherwise, or if that move faults, guest_map_small writes a frame in one
 * page in place (the iret frame is read the same way, each value once)
 * and copy_*_guest_vcpu reaches one across pages.  So a stack that is
 * unmapped, read-only or in the hypervisor's range makes the access fail;
 * the guest cannot be helped and
 * is crashed, as Xen does.  So is a guest that takes an exception it has no
 * handler for, returns to a non-canonical address, or takes the same
 * exception at the same RIP PV_STORM_LIMIT times in a row without
 * completing a handler (an iret hypercall resets the count).
 */
#include <asm/guest_read.h>
#include <hospes/bounce.h>
#include <hospes/guest_access.h>
#include <hospes/lib.h>
#include <hospes/pv.h>
#include <hospes/shadow.h>
#include <public/arch-x86_64.h>
#include <public/sched.h>
#include <public/xen.h>

#define HAS_ERROR(v)                                                                               \
	((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

static bool canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

void domain_crash(struct vcpu *v, uint64_t rip, const char *why)
{
	printk(LOG_ERR "d%u v%u crashed at RIP %#lx: %s\n", v->domain->id, v->id,
	       (unsigned long)rip, why);
	domain_shutdown(v->domain, SHUTDOWN_crash);
}

static uint8_t *upcall_mask(struct vcpu *v)
{
	static uint8_t none = 1; /* a vCPU without vcpu_info: events always masked */
	return v->vcpu_info ? &v->vcpu_info->evtchn_upcall_mask : &none;
}

paddr_t pv_set_kernel_mode(struct vcpu *v, bool kernel)
{
	v->arch->kernel_mode = kernel;
	v->arch->bases_dirty = true; /* kernel and user GS bases swap roles */
	return shadow_activate(v, !kernel);
}

static void set_mode(struct vcpu *v, struct pv_frame *f, bool kernel)
{
	f->new_cr3 = pv_set_kernel_mode(v, kernel);
}

/* From guest kernel mode with its root loaded: the frame stored straight
 * from registers through the guest's tables; false if not possible or a
 * store faulted (the full write below then puts every word again). */
static inline bool frame_loaded(struct vcpu *v, const struct pv_frame *f, uint64_t base,
				bool has_error, uint32_t error, uint8_t old_mask)
{
	uint64_t cs = pv_frame_cs(f->cs, true, old_mask), fl = pv_frame_rflags(f->rflags, old_mask);

	if (!guest_loaded_ok(v, base, (has_error ? 8 : 7) * 8))
		return false;
	if (has_error)
		return arch_write_guest_frame8(base, f->rcx, f->r11, error, f->rip, cs, fl, f->rsp,
					       f->ss);
	return arch_write_guest_frame7(base, f->rcx, f->r11, f->rip, cs, fl, f->rsp, f->ss);
}

/* Write the bounce frame and enter handler; mask events if asked. */
static int bounce(struct vcpu *v, struct pv_frame *f, uint64_t handler, bool has_error,
		  uint32_t error, bool mask)
{
	struct arch_vcpu *av = v->arch;
	uint8_t *mask_p = upcall_mask(v), old_mask = READ_ONCE(*mask_p);
	bool from_kernel = av->kernel_mode;
	if (!from_kernel)
		set_mode(v, f, true);
	uint64_t top = (from_kernel ? f->rsp : av->kernel_sp) & ~15UL;
	unsigned int n = has_error ? 8 : 7;
	uint64_t base = top - n * 8, buf[8];
	if (!canonical(top) || top < n * 8)
		return domain_crash(v, f->rip, "cannot write a bounce frame on its stack"), -1;
	/* From kernel mode stored through the loaded tables; else, or if a
	 * store faults, written in place when it lies in one page, or copied
	 * across pages. */
	if (!(from_kernel && frame_loaded(v, f, base, has_error, error, old_mask))) {
		uint64_t *w = guest_map_small(v, base, n * 8, true), *p;
		p = w ? w : buf;
		*p++ = f->rcx;
		*p++ = f->r11;
		if (has_error)
			*p++ = error;
		*p++ = f->rip;
		*p++ = pv_frame_cs(f->cs, from_kernel, old_mask);
		*p++ = pv_frame_rflags(f->rflags, old_mask);
		*p++ = f->rsp;
		*p = f->ss;
		if (!w && copy_to_guest_vcpu(v, base, buf, n * sizeof(buf[0])))
			return domain_crash(v, f->rip, "cannot write a bounce frame on its stack"),
			       -1;
	}
	f->rsp = base;
	f->rip = handler;
	f->cs = FLAT_KERNEL_CS;
	f->ss = FLAT_KERNEL_SS;
	f->rflags = pv_kernel_rflags(f->rflags);
	if (mask)
		WRITE_ONCE(*mask_p, 1);
	return 0;
}

static bool storm(struct vcpu *v, unsigned int vector, uint64_t rip)
{
	unsigned int count = pv_storm_next(v->arch, vector, rip);
	pv_storm_set(v->arch, vector, rip, count);
	return count >= PV_STORM_LIMIT;
}

/* Out of line: the crash paths' message buffer would give every bounce a frame. */
static __attribute__((noinline, cold)) int exception_crash(struct vcpu *v, uint64_t rip,
							   unsigned int vector, const char *what)
{
	char why[48]; /* on the stack: CPUs crash domains at the same time */
	snprintf(why, sizeof(why), "exception %u %s", vector, what);
	domain_crash(v, rip, why);
	return -1;
}

int pv_exception(struct vcpu *v, struct pv_frame *f, unsigned int vector, uint32_t error,
		 unsigned long cr2)
{
	const struct pv_trap *t = &v->arch->traps[vector & 255];
	if (unlikely(!t->address))
		return exception_crash(v, f->rip, vector, "with no handler");
	if (unlikely(storm(v, vector, f->rip)))
		return exception_crash(v, f->rip, vector, "storm");
	if (vector == 14) {
		if (v->vcpu_info)
			v->vcpu_info->arch.cr2 = cr2;
		error = pv_pf_error(error, v->arch->kernel_mode);
	}
	return bounce(v, f, t->address, HAS_ERROR(vector), error, t->flags & 4);
}

int pv_syscall_from_user(struct vcpu *v, struct pv_frame *f)
{
	uint64_t handler = v->arch->callback[PV_CB_SYSCALL];
	if (!handler) {
		f->rip -= 2; /* #UD at the syscall instruction, as Xen */
		return pv_exception(v, f, 6, 0, 0);
	}
	f->rip = f->rcx;
	f->rflags = f->r11;
	return bounce(v, f, handler, false, 0, v->arch->callback_masks & (1U << PV_CB_SYSCALL));
}

int pv_deliver_events(struct vcpu *v, struct pv_frame *f)
{
	if (!pv_events_deliverable(v))
		return 0;
	return bounce(v, f, v->arch->callback[PV_CB_EVENT], false, 0, true);
}

int pv_iret(struct vcpu *v, struct pv_frame *f)
{
	struct iret_context buf;
	const struct iret_context *g = guest_map_small(v, f->rsp, sizeof(buf), false);
	if (!g) {
		if (copy_from_guest_vcpu(v, &buf, f->rsp, sizeof(buf)))
			return domain_crash(v, f->rip, "iret frame unreadable"), -1;
		g = &buf;
	}
	/* Each value read once: a frame read in place may change meanwhile. */
	struct iret_context c = {.rax = READ_ONCE(g->rax),
				 .r11 = READ_ONCE(g->r11),
				 .rcx = READ_ONCE(g->rcx),
				 .rip = READ_ONCE(g->rip),
				 .cs = READ_ONCE(g->cs),
				 .rflags = READ_ONCE(g->rflags),
				 .rsp = READ_ONCE(g->rsp)};
	if (!canonical(c.rip) || !canonical(c.rsp))
		return domain_crash(v, f->rip, "iret to a non-canonical address"), -1;
	bool to_user = (c.cs & 3) == 3;
	if (to_user && v->arch->kernel_mode) {
		if (gfn_eq(shadow_guest_root(v, true), INVALID_GFN))
			return domain_crash(v, f->rip,
					    "iret to user mode without a user page table"),
			       -1;
		set_mode(v, f, false);
	}
	WRITE_ONCE(*upcall_mask(v), !(c.rflags & PV_RFLAGS_IF));
	v->arch->trap_repeats = 0; /* a handler finished: the guest makes progress */
	f->rax = c.rax;
	f->rcx = c.rcx;
	f->r11 = c.r11;
	f->rip = c.rip;
	f->rsp = c.rsp;
	f->cs = FLAT_KERNEL_CS;
	f->ss = FLAT_KERNEL_SS;
	f->rflags = pv_kernel_rflags(c.rflags);
	return 0;
}
