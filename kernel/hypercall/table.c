/*
 * The hypercall table and dispatcher, and multicall.
 *
 * One row per implemented hypercall: handler, who may call it, name.  The
 * dispatcher bounds-checks the number, checks the caller's privilege, and
 * calls the handler; everything else (-ENOSYS for numbers without a row,
 * -EPERM for unprivileged callers of privileged rows) is decided here, once.
 * A domain being traced (hospes/trace.h) has each call, refused or not,
 * timed and recorded with its arguments and result.
 * Numbers are Xen's (public/xen.h).  Families owned by other subsystems add
 * their rows here as they land.
 *
 * multicall runs a guest-supplied list of hypercalls through the same
 * dispatcher, writing each result back into its entry; a failing entry does
 * not stop the batch, a nested multicall is refused with -EINVAL in its
 * result, and an unreadable list or unwritable result ends the batch with
 * -EFAULT.
 */
#include <hospes/event.h>
#include <hospes/grant.h>
#include <hospes/guest_access.h>
#include <hospes/hypercall.h>
#include <hospes/lib.h>
#include <hospes/pv_mmu.h>
#include <hospes/trace.h>
#include <public/errno.h>
#include <public/xen.h>

#define ROW(nr, handler, caller) [nr] = {.fn = handler, .who = caller, .name = #nr}
/* A row with a handler of its own for the SYSCALL fast path (see fast). */
#define ROW_FAST(nr, handler, fast_handler)                                                        \
	[nr] = {.fn = handler, .who = HC_ANY, .name = #nr, .fast = fast_handler}
/* A row whose handler may leave a base reload behind (see full_exit). */
#define ROW_FULL_EXIT(nr, handler)                                                                 \
	[nr] = {.fn = handler, .who = HC_ANY, .name = #nr, .full_exit = true}

const struct hypercall_desc hypercall_table[NR_HYPERCALLS] = {
	ROW(__HYPERVISOR_set_trap_table, do_set_trap_table, HC_ANY),
	ROW_FAST(__HYPERVISOR_mmu_update, do_mmu_update, do_mmu_update_fast),
	ROW(__HYPERVISOR_memory_op, do_memory_op, HC_ANY),
	ROW(__HYPERVISOR_update_va_mapping, do_update_va_mapping, HC_ANY),
	ROW_FAST(__HYPERVISOR_mmuext_op, do_mmuext_op, do_mmuext_op_fast),
	ROW(__HYPERVISOR_stack_switch, do_stack_switch, HC_ANY),
	ROW(__HYPERVISOR_set_gdt, do_set_gdt, HC_ANY),
	ROW(__HYPERVISOR_set_callbacks, do_set_callbacks, HC_ANY),
	ROW(__HYPERVISOR_fpu_taskswitch, do_fpu_taskswitch, HC_ANY),
	ROW(__HYPERVISOR_sched_op_compat, do_sched_op_compat, HC_ANY),
	ROW(__HYPERVISOR_set_debugreg, do_set_debugreg, HC_ANY),
	ROW(__HYPERVISOR_get_debugreg, do_get_debugreg, HC_ANY),
	ROW(__HYPERVISOR_update_descriptor, do_update_descriptor, HC_ANY),
	ROW_FULL_EXIT(__HYPERVISOR_multicall, do_multicall),
	ROW(__HYPERVISOR_set_timer_op, do_set_timer_op, HC_ANY),
	ROW(__HYPERVISOR_xen_version, do_xen_version, HC_ANY),
	ROW(__HYPERVISOR_console_io, do_console_io, HC_ANY),
	ROW(__HYPERVISOR_vm_assist, do_vm_assist, HC_ANY),
	ROW(__HYPERVISOR_vcpu_op, do_vcpu_op, HC_ANY),
	ROW_FULL_EXIT(__HYPERVISOR_set_segment_base, do_set_segment_base),
	ROW(__HYPERVISOR_sched_op, do_sched_op, HC_ANY),
	ROW(__HYPERVISOR_callback_op, do_callback_op, HC_ANY),
	ROW(__HYPERVISOR_event_channel_op_compat, do_event_channel_op_compat, HC_ANY),
	ROW_FAST(__HYPERVISOR_event_channel_op, do_event_channel_op, do_event_channel_op_fast),
	ROW(__HYPERVISOR_grant_table_op, do_grant_table_op, HC_ANY),
	ROW(__HYPERVISOR_physdev_op, do_physdev_op, HC_ANY),
	ROW(__HYPERVISOR_sysctl, do_sysctl, HC_PRIV),
	ROW(__HYPERVISOR_domctl, do_domctl, HC_PRIV),
};

static inline long dispatch(struct vcpu *v, unsigned long nr, unsigned long a1, unsigned long a2,
			    unsigned long a3, unsigned long a4, unsigned long a5)
{
	if (unlikely(nr >= NR_HYPERCALLS || !hypercall_table[nr].fn))
		return -XEN_ENOSYS;
	const struct hypercall_desc *h = &hypercall_table[nr];
	if (unlikely(h->who == HC_PRIV && !v->domain->is_privileged))
		return -XEN_EPERM;
	return h->fn(v, a1, a2, a3, a4, a5);
}

/* A traced domain's hypercall: the same, timed and recorded (hospes/trace.h). */
static __attribute__((noinline)) long dispatch_traced(struct vcpu *v, unsigned long nr,
						      const unsigned long a[5])
{
	uint64_t t0 = trace_clock();
	long rc = dispatch(v, nr, a[0], a[1], a[2], a[3], a[4]);
	trace_hypercall_rec(v, nr, a, rc, trace_clock() - t0);
	return rc;
}

long hypercall_dispatch(struct vcpu *v, unsigned long nr, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4, unsigned long a5)
{
	if (trace_wanted(v->domain, HOSPES_TRACE_HYPERCALLS)) {
		const unsigned long a[5] = {a1, a2, a3, a4, a5};
		return dispatch_traced(v, nr, a);
	}
	return dispatch(v, nr, a1, a2, a3, a4, a5);
}

hypercall_fn hypercall_fast_handler(unsigned long nr)
{
	if (nr >= NR_HYPERCALLS)
		return NULL;
	const struct hypercall_desc *h = &hypercall_table[nr];
	if (h->who != HC_ANY || h->full_exit)
		return NULL;
	return h->fast ? h->fast : h->fn;
}

#define MULTICALL_MAX 1024 /* entries per call (Xen uses continuations instead) */

long do_multicall(HYPERCALL_ARGS)
{
	unsigned long list = a1, nr = a2;
	if (nr > MULTICALL_MAX)
		return -XEN_EINVAL;
	for (unsigned long i = 0; i < nr; i++) {
		struct multicall_entry e;
		unsigned long va = list + i * sizeof(e);
		if (copy_from_guest_vcpu(v, &e, va, sizeof(e)))
			return -XEN_EFAULT;
		long rc;
		if (e.op == __HYPERVISOR_multicall)
			rc = -XEN_EINVAL;
		else
			rc = hypercall_dispatch(v, e.op, e.args[0], e.args[1], e.args[2], e.args[3],
						e.args[4]);
		e.result = (unsigned long)rc;
		if (copy_to_guest_vcpu(v, va + offsetof(struct multicall_entry, result), &e.result,
				       sizeof(e.result)))
			return -XEN_EFAULT;
		if (e.op == __HYPERVISOR_iret)
			break; /* the guest context has been replaced: nothing follows */
	}
	return 0;
}
